import type { ScalekitMockClient } from "../../mock-server/src/client/index.js";
import { extractCredentials } from "../../mock-server/src/mail/extract-credentials.js";
import type { InboxReader, MailItem } from "./types.js";

/** Reads mail from the mock's own inbox (long-poll, no sleeping). */
export function mockInbox(control: ScalekitMockClient): InboxReader {
  return {
    kind: "mock",
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

/**
 * Reads mail from a Mailpit-compatible API (`/api/v1/search`, `/api/v1/message/{id}`),
 * as the mailbox of a real environment that sends through a custom SMTP provider.
 * Mailpit has no long-poll, so this polls every 100 ms.
 */
export function mailpitInbox(apiUrl: string, codePattern?: RegExp): InboxReader {
  const base = apiUrl.replace(/\/+$/, "");
  return {
    kind: "mailpit",
    async waitFor(email, options = {}) {
      const deadline = performance.now() + (options.timeoutMs ?? 10_000);
      const after = options.after ?? 0;
      for (;;) {
        const search = await fetch(`${base}/api/v1/search?query=${encodeURIComponent(`to:"${email}"`)}`).then((r) => r.json() as Promise<{ messages: Array<{ ID: string }> }>);
        if (search.messages.length > after) {
          const message = await fetch(`${base}/api/v1/message/${search.messages[0]!.ID}`).then((r) => r.json() as Promise<{ Subject: string; Text: string; HTML: string }>);
          return {
            ...extractCredentials({ text: message.Text || undefined, html: message.HTML || undefined }, { ...(codePattern !== undefined && { codePattern }) }),
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
