import { parseSender } from "../domain/sender.js";
import type { CapturedEmail } from "./email.js";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** RFC 5322 date in UTC, e.g. "Sat, 28 Nov 2026 10:00:00 +0000". */
export function rfc5322Date(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** RFC 2047 encoded word when the header is not plain ASCII. */
function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=`;
}

/**
 * Encoded words of at most `maxBytes` UTF-8 bytes each, split between characters, never
 * inside one: 45 bytes make a word of 72 characters, within RFC 2047's 75.
 */
function encodedWords(value: string, maxBytes = 45): string[] {
  const words: string[] = [];
  let chunk = "";
  for (const ch of value) {
    if (Buffer.byteLength(chunk + ch, "utf8") > maxBytes) {
      words.push(chunk);
      chunk = "";
    }
    chunk += ch;
  }
  words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, "utf8").toString("base64")}?=`);
}

/** RFC 5322: a line must not pass 998 characters, and should keep to 78 (section 2.1.1). */
const MAX_LINE = 998;
const FOLD_AT = 78;

/**
 * A header folded before spaces so its lines keep to 78 characters where a
 * space allows: unfolding (dropping each CRLF) gives back `words` joined by spaces.
 */
function foldHeader(name: string, words: string[]): string {
  const lines = [`${name}: ${words[0] ?? ""}`];
  for (const word of words.slice(1)) {
    // A folded line must hold more than white space, so an empty word (two spaces in a row) stays put.
    if (word !== "" && lines.at(-1)!.length + 1 + word.length > FOLD_AT) lines.push(` ${word}`);
    else lines[lines.length - 1] += ` ${word}`;
  }
  return lines.join("\r\n");
}

/**
 * The Subject header: plain ASCII folded at its spaces; otherwise, or when a word is
 * too long for any line, encoded words (RFC 2047), which a reader joins without the
 * spaces between them.
 */
function subjectHeader(subject: string): string {
  if (/^[\x20-\x7e]*$/.test(subject)) {
    const folded = foldHeader("Subject", subject.split(" "));
    if (folded.split("\r\n").every((line) => line.length <= MAX_LINE)) return folded;
  }
  // 39 bytes make 64 characters: "Subject: " and the first word stay within RFC 2047's 76 a line.
  return foldHeader("Subject", encodedWords(subject, 39));
}

/** RFC 5322 specials: a display name holding one is written as a quoted string. */
const SPECIALS = /[()<>[\]:;@\\,."]/;

/**
 * The From header's value: the address as it is, the display name as an
 * encoded word when it is not ASCII, quoted when it holds specials, so a mail
 * reader finds the address whatever the name.
 */
export function formatSender(from: string): string {
  const sender = parseSender(from);
  // Every sender the mock holds passed senderSchema; anything else is written as it was.
  if (sender === undefined) return encodeHeader(from);
  if (sender.name === undefined) return sender.address;
  const name = /^[\x20-\x7e]*$/.test(sender.name)
    ? SPECIALS.test(sender.name)
      ? `"${sender.name.replace(/["\\]/g, "\\$&")}"`
      : sender.name
    : encodedWords(sender.name).join(" ");
  return `${name} <${sender.address}>`;
}

/** Quoted-printable body (RFC 2045), lines at most 76 characters. */
export function quotedPrintable(text: string): string {
  const lines = text.replace(/\r?\n/g, "\n").split("\n");
  return lines
    .map((line) => {
      let encoded = "";
      for (const byte of Buffer.from(line, "utf8")) {
        const printable = (byte >= 33 && byte <= 126 && byte !== 61) || byte === 32 || byte === 9;
        encoded += printable ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
      }
      encoded = encoded.replace(/[ \t]$/, (ch) => `=${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
      const out: string[] = [];
      while (encoded.length > 76) {
        let cut = 75;
        // Do not split an =XX escape.
        const escape = encoded.lastIndexOf("=", cut);
        if (escape > cut - 3) cut = escape;
        out.push(encoded.slice(0, cut) + "=");
        encoded = encoded.slice(cut);
      }
      out.push(encoded);
      return out.join("\r\n");
    })
    .join("\r\n");
}

function part(type: "plain" | "html", body: string): string[] {
  return [`Content-Type: text/${type}; charset=utf-8`, "Content-Transfer-Encoding: quoted-printable", "", quotedPrintable(body)];
}

/**
 * The email as an RFC 5322 message: multipart/alternative (text, then HTML)
 * when it has both bodies, else the one part it has.
 */
export function toEml(email: CapturedEmail): string {
  const headers = [
    `Message-ID: <${email.id}@scalekit-mock.test>`,
    `Date: ${rfc5322Date(email.date)}`,
    `From: ${formatSender(email.from)}`,
    `To: ${email.to}`,
    subjectHeader(email.subject),
    "MIME-Version: 1.0",
    `X-Scalekit-Auth-Request-Id: ${email.authRequestId}`,
  ];
  const { html, text } = email;
  if (html === undefined || text === undefined) {
    return [...headers, ...part(html === undefined ? "plain" : "html", html ?? text ?? ""), ""].join("\r\n");
  }
  const boundary = `=_scalekit-mock_${email.id}`;
  return [
    ...headers,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    ...part("plain", text),
    `--${boundary}`,
    ...part("html", html),
    `--${boundary}--`,
    "",
  ].join("\r\n");
}
