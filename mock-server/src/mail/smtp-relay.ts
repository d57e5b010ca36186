import nodemailer, { type Transporter } from "nodemailer";
import type { CapturedEmail } from "./email.js";

/**
 * Sends a copy of every captured email to an SMTP server, so a mail sink
 * (Mailpit or the like) sees what a real environment with a custom SMTP
 * provider would send. Failures are logged, never thrown.
 */
export class SmtpRelay {
  readonly #transport: Transporter;
  readonly #where: string;
  #queue = Promise.resolve();

  constructor(url: string) {
    const parsed = new URL(url);
    // Only the host is ever printed: the URL may carry a password.
    this.#where = `${parsed.hostname}:${parsed.port || (parsed.protocol === "smtps:" ? 465 : 25)}`;
    this.#transport = nodemailer.createTransport(url);
  }

  /** Queues the email; emails leave in capture order. */
  relay(email: CapturedEmail): void {
    this.#queue = this.#queue.then(async () => {
      try {
        await this.#transport.sendMail({
          from: email.from,
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          date: new Date(email.date),
          messageId: `<${email.id}@scalekit-mock.test>`,
          headers: { "X-Scalekit-Auth-Request-Id": email.authRequestId },
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
