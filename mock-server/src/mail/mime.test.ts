import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import type { CapturedEmail } from "./email.js";
import { quotedPrintable, rfc5322Date, toEml } from "./mime.js";

function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

describe("quoted-printable", () => {
  it("round-trips long lines, UTF-8, '=' and trailing spaces within 76 columns", () => {
    const text = `${"long line with = signs and ünïcödé ".repeat(8)}\nnext line ends in space \nlast`;
    const encoded = quotedPrintable(text);
    expect(encoded.split("\r\n").every((line) => line.length <= 76)).toBe(true);
    expect(decodeQuotedPrintable(encoded).replace(/\r\n/g, "\n")).toBe(text);
  });
});

describe("rfc5322Date", () => {
  it("formats in UTC", () => {
    expect(rfc5322Date(Date.UTC(2026, 0, 5, 7, 8, 9))).toBe("Mon, 05 Jan 2026 07:08:09 +0000");
  });
});

describe("the From header", () => {
  const email = (from: string): CapturedEmail => ({
    id: "abc",
    seq: 1,
    environmentId: "default",
    authRequestId: "x",
    kind: "send",
    from,
    to: "t@example.com",
    subject: "s",
    date: 0,
    template: "SIGNIN",
    generation: 0,
    expiresAt: 0,
    text: "t",
  });

  it.each([
    ["Zoë Mock <noreply@mail.scalekit-mock.test>", "Zoë Mock", "noreply@mail.scalekit-mock.test"],
    ["日本語の送信者 ".repeat(6).trim() + " <a@b.test>", "日本語の送信者 ".repeat(6).trim(), "a@b.test"],
    ["Acme, Inc. <no-reply@acme.test>", "Acme, Inc.", "no-reply@acme.test"],
    ['"Quoted \\"Name\\"" <q@acme.test>', 'Quoted "Name"', "q@acme.test"],
    ["Scalekit Mock <noreply@mail.scalekit-mock.test>", "Scalekit Mock", "noreply@mail.scalekit-mock.test"],
    ["bare@acme.test", "", "bare@acme.test"],
  ])("keeps the address a mail parser reads for %s, encoding only the display name", async (from, name, address) => {
    const eml = toEml(email(from));
    const header = eml.split("\r\n").find((line) => line.startsWith("From: "))!;
    expect(header).toMatch(/^[\x20-\x7e]*$/);
    expect((await simpleParser(eml)).from?.value).toEqual([{ name, address }]);
  });
});

describe("the Subject header", () => {
  const withSubject = (subject: string): CapturedEmail => ({
    id: "abc",
    seq: 1,
    environmentId: "default",
    authRequestId: "x",
    kind: "send",
    from: "a@b.test",
    to: "t@example.com",
    subject,
    date: 0,
    template: "SIGNIN",
    generation: 0,
    expiresAt: 0,
    text: "t",
  });
  const subjectLines = (eml: string) => {
    const lines = eml.split("\r\n");
    const start = lines.findIndex((line) => line.startsWith("Subject: "));
    const end = lines.findIndex((line, i) => i > start && !line.startsWith(" "));
    return lines.slice(start, end);
  };

  it.each([
    ["a long ASCII subject", "123456 is your sign-in code for " + "a rather long application name ".repeat(12).trim()],
    ["a long non-ASCII subject", "123456 est votre code de connexion à " + "l'application Café ".repeat(10).trim()],
    ["an ASCII subject with one word longer than a line may be", "x".repeat(1_200)],
    ["a subject with two spaces in a row", "two  spaces " + "word ".repeat(30).trim()],
  ])("folds %s into lines of at most 78 characters that a mail parser reads back whole", async (_, subject) => {
    const eml = toEml(withSubject(subject));
    const lines = subjectLines(eml);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((line) => line.length <= 78 && /^[\x20-\x7e]+$/.test(line) && line.trim() !== "")).toBe(true);
    expect((await simpleParser(eml)).subject).toBe(subject);
  });

  it("keeps a short subject on one line, as it is when ASCII", async () => {
    expect(subjectLines(toEml(withSubject("123456 is your sign-in code")))).toEqual(["Subject: 123456 is your sign-in code"]);
    const eml = toEml(withSubject("Café"));
    expect(subjectLines(eml)).toEqual([`Subject: =?UTF-8?B?${Buffer.from("Café").toString("base64")}?=`]);
  });
});
