import { ImapFlow } from "imapflow";
import { simpleParser, type ParsedMail } from "mailparser";
import { parseImapUrl } from "../catalog/imap-inbox.js";

/** One message of a mailbox: its raw source as the server stores it, and that source parsed. */
export interface ImapMessage {
  uid: number;
  /** Whether the message is flagged \Seen. */
  seen: boolean;
  source: string;
  parsed: ParsedMail;
}

/** An IMAP client for `imap://user:password@host:port/…`, not yet connected. */
export function imapClient(url: string): ImapFlow {
  const { host, port, secure, user, pass } = parseImapUrl(url);
  return new ImapFlow({ host, port, secure, auth: { user, pass }, logger: false });
}

/** Every message in INBOX, oldest first. */
export async function readInbox(url: string): Promise<ImapMessage[]> {
  const client = imapClient(url);
  await client.connect();
  try {
    const lock = await client.getMailboxLock("INBOX");
    try {
      const messages: ImapMessage[] = [];
      if (client.mailbox !== false && client.mailbox.exists === 0) return messages;
      for await (const message of client.fetch("1:*", { source: true, flags: true, uid: true })) {
        const source = message.source!.toString("utf8");
        messages.push({ uid: message.uid, seen: message.flags?.has("\\Seen") ?? false, source, parsed: await simpleParser(message.source!) });
      }
      return messages;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

/** Polls INBOX until a message matches (LMTP has answered, but a relay may still be sending). */
export async function waitForMessage(url: string, match: (message: ImapMessage) => boolean, timeoutMs = 5_000): Promise<ImapMessage> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const messages = await readInbox(url);
    const found = messages.find(match);
    if (found !== undefined) return found;
    if (performance.now() > deadline) throw new Error(`no matching message in INBOX within ${timeoutMs}ms; subjects: ${JSON.stringify(messages.map((m) => m.parsed.subject))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
