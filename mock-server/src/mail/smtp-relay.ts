import nodemailer, { type Transporter } from "nodemailer";
import { parseSender } from "../domain/sender.js";
import type { CapturedEmail } from "./email.js";
import { toEml } from "./mime.js";

/** Where a relay URL without a port sends; LMTP has no well-known port, so its URL names one. */
const DEFAULT_PORTS: Record<string, number> = { "smtp:": 25, "smtps:": 465 };

/** SMTP(S) as nodemailer reads the URL; LMTP (`lmtp://host:port`) as nodemailer's `lmtp: true`. */
function transportFor(url: string, parsed: URL): Transporter {
  if (parsed.protocol !== "lmtp:") return nodemailer.createTransport(url);
  // URL keeps an IPv6 host in brackets; a socket wants it bare.
  return nodemailer.createTransport({ host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(parsed.port), lmtp: true });
}

/**
 * Sends a copy of every captured email to an SMTP server, so a mail sink
 * (Mailpit or the like) sees what a real environment with a custom SMTP
 * provider would send, or over LMTP straight into a mailbox server (Dovecot).
 * The copy is the mock's own .eml, so a mailbox holds what the web inbox
 * shows. Failures are logged, never thrown.
 */
export class SmtpRelay {
  readonly #transport: Transporter;
  readonly #where: string;
  #queue = Promise.resolve();

  constructor(url: string) {
    const parsed = new URL(url);
    // Only the host is ever printed: the URL may carry a password.
    this.#where = `${parsed.hostname}:${parsed.port || DEFAULT_PORTS[parsed.protocol]}`;
    this.#transport = transportFor(url, parsed);
  }

  /** Queues the email; emails leave in capture order. */
  relay(email: CapturedEmail): void {
    this.#queue = this.#queue.then(async () => {
      try {
        await this.#transport.sendMail({
          // Every captured sender passed senderSchema, so it parses; the recipient is a bare address.
          envelope: { from: parseSender(email.from)?.address ?? email.from, to: [email.to] },
          raw: toEml(email),
        });
      } catch (error) {
        console.error(`scalekit-mock: relaying email ${email.id} to ${this.#where} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }

  /** Waits for queued emails, then closes the connection pool. */
  async close(): Promise<void> {
    await this.#queue;
    this.#transport.close();
  }
}
