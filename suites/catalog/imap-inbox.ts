import { ImapFlow } from "imapflow";
import { extractCredentials } from "../../mock-server/src/mail/extract-credentials.js";
import { parseEmail } from "../support/parse-mail.js";
import type { InboxReader, MailItem } from "./types.js";

/**
 * A real mailbox read over IMAP (imapflow + mailparser), as the inbox of the
 * `real` target: a QA mailbox with plus-addressing, or a test-mail service
 * with IMAP access. Mail counts only when it is addressed to this run (the
 * marker in its plus tag) and arrived after the run began, so stale mail and
 * other runs' mail sharing the mailbox are never read. New mail is awaited
 * with IDLE where the server offers it, and by polling otherwise; what a run
 * read is deleted (or flagged) when the run lets go of it.
 */

export type AfterRead = "delete" | "seen" | "keep";

/** Slack for a mail server's clock behind ours: mail this much older than the run still counts as the run's. */
export const CLOCK_SLACK_MS = 120_000;
export const AFTER_READ: readonly AfterRead[] = ["delete", "seen", "keep"];

export interface ImapInboxOptions {
  /** `imaps://user:pass@host:993/INBOX`, or `imap://` for a server on this machine. */
  url: string;
  /** The password, when it is not in the URL. */
  password?: string | undefined;
  /** Only addresses starting with this (the mailbox's local part and the run's plus tag) are read. */
  marker: string;
  /** Mail that arrived before this (less `skewMs` for the server's clock) is stale. */
  since: Date;
  /** Slack for a mail server's clock behind ours; default CLOCK_SLACK_MS. */
  skewMs?: number;
  /** What happens to mail the run read once it lets go of it; default delete. */
  afterRead?: AfterRead;
  /** Wait with IDLE when the server offers it (default), or always poll. */
  idle?: boolean;
  /** How often to look for new mail when polling; default 2 s. */
  pollMs?: number;
  /** Where the code is, for an email template the built-in rules misread. */
  codePattern?: RegExp | undefined;
}

export interface ImapAddress {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  mailbox: string;
}

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)$/i;

/** Reads an IMAP URL; a password may come separately, so it need not sit in the URL. */
export function parseImapUrl(value: string, password?: string): ImapAddress {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error("SCALEKIT_INBOX_URL is not a URL: use imaps://user@host:993/INBOX");
  }
  if (url.protocol !== "imaps:" && url.protocol !== "imap:") throw new Error(`SCALEKIT_INBOX_URL: ${url.protocol}// is not IMAP; use imaps://user@host:993/INBOX`);
  const secure = url.protocol === "imaps:";
  // Plain IMAP carries the password in clear: only to this machine, or with STARTTLS (required below).
  const decode = (part: string, what: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new Error(`SCALEKIT_INBOX_URL: the ${what} has a "%" that is not an escape; write it as %25, or give the password in SCALEKIT_INBOX_PASSWORD`);
    }
  };
  const user = decode(url.username, "user");
  const pass = password ?? decode(url.password, "password");
  if (user === "") throw new Error("SCALEKIT_INBOX_URL names no user: imaps://user@host:993/INBOX");
  if (pass === "") throw new Error("the IMAP password is missing: put it in SCALEKIT_INBOX_PASSWORD (or in SCALEKIT_INBOX_URL)");
  const mailbox = decode(url.pathname.replace(/^\/+/, ""), "mailbox") || "INBOX";
  // An IPv6 address comes bracketed in a URL, not in a socket address.
  return { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: url.port === "" ? (secure ? 993 : 143) : Number(url.port), secure, user, pass, mailbox };
}

/** `imaps://user@host:993/INBOX`: the address without its password, for banners and reports. */
export function describeImap(address: ImapAddress): string {
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return `${address.secure ? "imaps" : "imap"}://${encodeURIComponent(address.user)}@${host}:${address.port}/${address.mailbox}`;
}

export class ImapInbox implements InboxReader {
  readonly kind = "imap";
  #client: ImapFlow;
  readonly #options: Required<Omit<ImapInboxOptions, "password" | "codePattern">> & Pick<ImapInboxOptions, "codePattern">;
  readonly #address: ImapAddress;
  /** Bumped by every change the server reports; waiters compare it. */
  #changes = 0;
  #wake: Array<() => void> = [];
  #idling: Promise<unknown> | undefined;
  /** How the reader waits: decided at connect from the server's capabilities. */
  mode: "idle" | "poll" = "poll";
  /** Searches run, for tests that tell waking from polling. */
  searches = 0;

  private constructor(address: ImapAddress, options: ImapInboxOptions) {
    this.#address = address;
    this.#options = { skewMs: CLOCK_SLACK_MS, afterRead: "delete", idle: true, pollMs: 2000, ...options };
    this.#client = this.#newClient();
  }

  #newClient(): ImapFlow {
    const address = this.#address;
    const client = new ImapFlow({
      host: address.host,
      port: address.port,
      secure: address.secure,
      // Off this machine, a plain connection must upgrade: credentials never cross the wire in clear.
      ...(!address.secure && !LOOPBACK.test(address.host) && { doSTARTTLS: true }),
      auth: { user: address.user, pass: address.pass },
      logger: false,
      disableAutoIdle: true,
    });
    client.on("exists", () => this.#changed());
    // A dropped connection fails the next command, which reconnects; the events alone must not crash the run.
    client.on("error", () => this.#changed());
    client.on("close", () => this.#changed());
    return client;
  }

  async #connect(): Promise<void> {
    try {
      await this.#client.connect();
      await this.#client.mailboxOpen(this.#address.mailbox);
    } catch (error) {
      this.#client.close();
      const reason = (error as { responseText?: string }).responseText ?? (error instanceof Error ? error.message : String(error));
      throw new Error(`cannot read the mailbox ${this.where}: ${reason}`);
    }
  }

  static async open(options: ImapInboxOptions): Promise<ImapInbox> {
    const inbox = new ImapInbox(parseImapUrl(options.url, options.password), options);
    await inbox.#connect();
    inbox.mode = inbox.#options.idle && inbox.#client.capabilities.has("IDLE") ? "idle" : "poll";
    return inbox;
  }

  /** Times the reader connected again after the server dropped it. */
  reconnects = 0;

  /**
   * Runs IMAP commands, connecting again once when the server has dropped the
   * connection (servers end idle sessions; a run may outlast one).
   */
  async #run<T>(commands: (client: ImapFlow) => Promise<T>): Promise<T> {
    if (!this.#client.usable) await this.#reconnect();
    try {
      return await commands(this.#client);
    } catch (error) {
      if (this.#client.usable) throw error;
      await this.#reconnect();
      return commands(this.#client);
    }
  }

  async #reconnect(): Promise<void> {
    this.#idling = undefined;
    this.#client.close();
    this.#client = this.#newClient();
    this.reconnects++;
    await this.#connect();
  }

  get where(): string {
    return describeImap(this.#address);
  }

  #changed(): void {
    this.#changes++;
    for (const wake of this.#wake.splice(0)) wake();
  }

  /** Resolves on the server's next change report, or after `ms`. */
  #nextChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake.push(done);
    });
  }

  /** UIDs of mail to `email` newer than `after`, delivered since the run began, newest first. */
  async #candidates(email: string, after: number): Promise<number[]> {
    this.searches++;
    const since = new Date(this.#options.since.getTime() - this.#options.skewMs);
    // SINCE has day granularity (and the server's time zone): the exact instant is checked on each message.
    const day = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate() - 1));
    const found = await this.#run((client) => client.search({ to: email, since: day }, { uid: true }));
    return (found || []).filter((uid) => uid > after).sort((a, b) => b - a);
  }

  /** The message if it is this run's mail to `email`, or undefined. */
  async #read(uid: number, email: string): Promise<MailItem | undefined> {
    const message = await this.#run((client) => client.fetchOne(String(uid), { source: true, internalDate: true }, { uid: true }));
    if (message === false || message.source === undefined) return undefined;
    const arrived = message.internalDate instanceof Date ? message.internalDate : new Date(message.internalDate ?? 0);
    if (arrived.getTime() < this.#options.since.getTime() - this.#options.skewMs) return undefined;
    const parsed = await parseEmail(message.source);
    const wanted = email.toLowerCase();
    if (!parsed.recipients.includes(wanted) || !wanted.startsWith(this.#options.marker.toLowerCase())) return undefined;
    return {
      ...extractCredentials(parsed, { ...(this.#options.codePattern !== undefined && { codePattern: this.#options.codePattern }) }),
      subject: parsed.subject,
      ...(parsed.text !== undefined && { text: parsed.text }),
      ...(parsed.html !== undefined && { html: parsed.html }),
      cursor: uid,
    };
  }

  async waitFor(email: string, options: { after?: number; timeoutMs?: number } = {}): Promise<MailItem> {
    const deadline = performance.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const seen = this.#changes;
      await this.#stopIdle();
      for (const uid of await this.#candidates(email, options.after ?? 0)) {
        const item = await this.#read(uid, email);
        if (item !== undefined) return item;
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no email to ${email} arrived in ${this.where} within ${Math.round((options.timeoutMs ?? 60_000) / 1000)} s`);
      if (this.mode === "idle") {
        // A change reported between the search and IDLE would otherwise wait for the next one.
        if (this.#changes === seen) {
          this.#idling = this.#client.idle().catch(() => undefined);
          await this.#nextChange(Math.min(left, 5 * 60_000));
        }
      } else {
        await this.#nextChange(Math.min(left, this.#options.pollMs));
        await this.#run((client) => client.noop());
      }
    }
  }

  /** Ends IDLE (the next command would too; this waits for it to finish). */
  async #stopIdle(): Promise<void> {
    if (this.#idling === undefined) return;
    const idling = this.#idling;
    this.#idling = undefined;
    // Any command ends IDLE; a dropped connection has ended it already.
    if (this.#client.usable) await this.#client.noop().catch(() => undefined);
    await idling;
  }

  /** Those of `uids` with a To or Cc address that `wanted` accepts (a server's SEARCH matches substrings, or words). */
  async #addressed(uids: number[], wanted: (address: string) => boolean): Promise<number[]> {
    if (uids.length === 0) return [];
    return this.#run(async (client) => {
      const out: number[] = [];
      for await (const message of client.fetch(uids.join(","), { envelope: true }, { uid: true })) {
        const addresses = [...(message.envelope?.to ?? []), ...(message.envelope?.cc ?? [])].map((a) => (a.address ?? "").toLowerCase());
        if (addresses.some(wanted)) out.push(message.uid);
      }
      return out;
    });
  }

  /** Deletes, flags as seen, or keeps (`afterRead`) every message to one of `emails`. Returns how many. */
  async consume(emails: readonly string[]): Promise<number> {
    if (this.#options.afterRead === "keep" || emails.length === 0) return 0;
    await this.#stopIdle();
    const wanted = new Set(emails.map((e) => e.toLowerCase()));
    const uids = new Set<number>();
    for (const email of emails) for (const uid of await this.#candidates(email, 0)) uids.add(uid);
    return this.#apply(await this.#addressed([...uids], (address) => wanted.has(address)));
  }

  /** Consumes whatever reached this run's addresses but nobody read (a late email, an unread resend). */
  async sweep(): Promise<number> {
    if (this.#options.afterRead === "keep") return 0;
    await this.#stopIdle();
    const marker = this.#options.marker.toLowerCase();
    const found = await this.#run((client) => client.search({ to: this.#options.marker }, { uid: true }));
    return this.#apply(await this.#addressed(found || [], (address) => address.startsWith(marker)));
  }

  async #apply(uids: number[]): Promise<number> {
    if (uids.length === 0) return 0;
    const range = uids.join(",");
    await this.#run((client) => (this.#options.afterRead === "delete" ? client.messageDelete(range, { uid: true }) : client.messageFlagsAdd(range, ["\\Seen"], { uid: true })));
    return uids.length;
  }

  async close(): Promise<void> {
    await this.#stopIdle().catch(() => undefined);
    await this.#client.logout().catch(() => this.#client.close());
  }
}
