import type { ScalekitMockClient } from "../../mock-server/src/client/index.js";
import { extractCredentials } from "../../mock-server/src/mail/extract-credentials.js";
import { CLOCK_SLACK_MS } from "./imap-inbox.js";
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

export interface MailpitInboxOptions {
  /** Where the code is, for an email template the built-in rules misread. */
  codePattern?: RegExp | undefined;
  /** Mail that arrived before this (less CLOCK_SLACK_MS for the server's clock) is stale. */
  since?: Date;
}

/**
 * Reads mail from a Mailpit-compatible API (`/api/v1/search`, `/api/v1/message/{id}`),
 * as the mailbox of a real environment that sends through a custom SMTP provider.
 * Mail that arrived before `since` is stale and never read. Mailpit has no
 * long-poll, so this polls every 100 ms; the cursor counts this address's
 * fresh messages.
 */
export function mailpitInbox(apiUrl: string, options: MailpitInboxOptions = {}): InboxReader {
  const base = apiUrl.replace(/\/+$/, "");
  const oldest = options.since === undefined ? Number.NEGATIVE_INFINITY : options.since.getTime() - CLOCK_SLACK_MS;
  return {
    kind: "mailpit",
    async waitFor(email, wait = {}) {
      const deadline = performance.now() + (wait.timeoutMs ?? 10_000);
      const after = wait.after ?? 0;
      for (;;) {
        const search = await fetch(`${base}/api/v1/search?query=${encodeURIComponent(`to:"${email}"`)}`).then(
          (r) => r.json() as Promise<{ messages: Array<{ ID: string; Created: string; To: Array<{ Address: string }> }> }>,
        );
        // Newest first; Mailpit's search matches words, so the address is compared exactly here.
        const fresh = search.messages.filter((m) => Date.parse(m.Created) >= oldest && m.To.some((a) => a.Address.toLowerCase() === email.toLowerCase()));
        if (fresh.length > after) {
          const message = await fetch(`${base}/api/v1/message/${fresh[0]!.ID}`).then((r) => r.json() as Promise<{ Subject: string; Text: string; HTML: string }>);
          const bodies = { ...(message.Text !== "" && { text: message.Text }), ...(message.HTML !== "" && { html: message.HTML }) };
          return {
            ...extractCredentials(bodies, { ...(options.codePattern !== undefined && { codePattern: options.codePattern }) }),
            subject: message.Subject,
            ...bodies,
            cursor: fresh.length,
          };
        }
        if (performance.now() > deadline) throw new Error(`no email to ${email} in the mailbox at ${base} (after ${after})`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}
