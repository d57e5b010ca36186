import type { ScalekitMockClient } from "../../mock-server/src/client/index.js";
import type { InboxReader, MailItem } from "./types.js";

/** Reads mail from the mock's own inbox (long-poll, no sleeping). */
export function mockInbox(control: ScalekitMockClient): InboxReader {
  return {
    async waitFor(email, options = {}) {
      const found = await control.inbox.latest({
        to: email,
        ...(options.after !== undefined && { after: options.after }),
        wait: `${Math.ceil((options.timeoutMs ?? 5000) / 1000)}s`,
      });
      return {
        ...(found.otp !== undefined && { code: found.otp }),
        ...(found.link !== undefined && { link: found.link }),
        ...(found.link_token !== undefined && { linkToken: found.link_token }),
        subject: found.subject,
        ...(found.text !== undefined && { text: found.text }),
        ...(found.html !== undefined && { html: found.html }),
        cursor: found.seq,
      };
    },
  };
}

const CODE = /\b(\d{6})\b/;
/** An alphanumeric code (otpCharset ALPHANUMERIC): 4–10 upper-case letters and digits with at least one of each, so no word or year is taken for one. */
const ALPHANUMERIC_CODE = /\b(?=[0-9A-Z]*[A-Z])(?=[0-9A-Z]*\d)[0-9A-Z]{4,10}\b/;
const LINK = /(https?:\/\/[^\s<>"']*[?&]link_token=[^\s<>"']+)/;

/** Pulls the code and the magic link out of an email's text, as a person would. */
export function extractCredentials(text: string): Pick<MailItem, "code" | "link" | "linkToken"> {
  const link = LINK.exec(text)?.[1];
  const withoutLink = link === undefined ? text : text.replace(link, "");
  const code = CODE.exec(withoutLink)?.[1] ?? ALPHANUMERIC_CODE.exec(withoutLink)?.[0];
  const linkToken = link === undefined ? undefined : (new URL(link).searchParams.get("link_token") ?? undefined);
  return { ...(code !== undefined && { code }), ...(link !== undefined && { link }), ...(linkToken !== undefined && { linkToken }) };
}

/**
 * Reads mail from a Mailpit-compatible API (`/api/v1/search`, `/api/v1/message/{id}`),
 * as the mailbox of a real environment that sends through a custom SMTP provider.
 * Mailpit has no long-poll, so this polls every 100 ms.
 */
export function mailpitInbox(apiUrl: string): InboxReader {
  const base = apiUrl.replace(/\/+$/, "");
  return {
    async waitFor(email, options = {}) {
      const deadline = performance.now() + (options.timeoutMs ?? 10_000);
      const after = options.after ?? 0;
      for (;;) {
        const search = await fetch(`${base}/api/v1/search?query=${encodeURIComponent(`to:"${email}"`)}`).then((r) => r.json() as Promise<{ messages: Array<{ ID: string }> }>);
        if (search.messages.length > after) {
          const message = await fetch(`${base}/api/v1/message/${search.messages[0]!.ID}`).then((r) => r.json() as Promise<{ Subject: string; Text: string; HTML: string }>);
          return {
            ...extractCredentials(message.Text || message.HTML),
            subject: message.Subject,
            ...(message.Text !== "" && { text: message.Text }),
            ...(message.HTML !== "" && { html: message.HTML }),
            cursor: search.messages.length,
          };
        }
        if (performance.now() > deadline) throw new Error(`no email to ${email} in the mailbox at ${base} (after ${after})`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}
