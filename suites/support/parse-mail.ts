import type { Readable } from "node:stream";
import { simpleParser, type AddressObject } from "mailparser";

/**
 * An email as a mailbox reader sees it: parsed by mailparser, with the bodies
 * the sender wrote and nothing made up (no text rendered from an HTML-only
 * email, whose headings mailparser would upper-case, no HTML from text).
 * Every reader of real mail here, and the tests that compare them with the
 * mock's inbox, parse through this one function.
 */
export interface ParsedEmail {
  subject: string;
  /** The plain-text body, when the email has one. */
  text?: string;
  /** The HTML body, when the email has one. */
  html?: string;
  from: Array<{ name: string; address: string }>;
  /** To and Cc recipients, lower-cased. */
  recipients: string[];
  to: Array<{ name: string; address: string }>;
  date?: Date;
  messageId?: string;
}

function addresses(value: AddressObject | AddressObject[] | undefined): Array<{ name: string; address: string }> {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((group) => group.value.flatMap((a) => (a.address === undefined ? [] : [{ name: a.name ?? "", address: a.address }])));
}

export async function parseEmail(source: Buffer | string | Readable): Promise<ParsedEmail> {
  const mail = await simpleParser(source, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  const to = addresses(mail.to);
  const html = typeof mail.html === "string" && mail.html !== "" ? mail.html : undefined;
  const text = mail.text !== undefined && mail.text !== "" ? mail.text : undefined;
  return {
    subject: mail.subject ?? "",
    ...(text !== undefined && { text }),
    ...(html !== undefined && { html }),
    from: addresses(mail.from),
    to,
    recipients: [...to, ...addresses(mail.cc)].map((a) => a.address.toLowerCase()),
    ...(mail.date !== undefined && { date: mail.date }),
    ...(mail.messageId !== undefined && { messageId: mail.messageId }),
  };
}
