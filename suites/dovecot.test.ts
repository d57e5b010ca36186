import { existsSync, readFileSync } from "node:fs";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dovecotSkipReason, startDovecot, type Dovecot } from "./support/dovecot.js";
import { imapClient, readInbox } from "./support/imap-read.js";
import { childrenOf, isRunning } from "./support/processes.js";

/**
 * The stand-in mailbox itself: Dovecot in a temporary folder takes mail over
 * LMTP and serves it over IMAP, on loopback only, and leaves nothing behind.
 * Without dovecot-imapd and dovecot-lmtpd these tests skip with the reason
 * printed; with CI=true they fail.
 */

const skip = dovecotSkipReason();

let dovecot: Dovecot;
let noIdle: Dovecot;

beforeAll(async () => {
  if (skip !== undefined) return;
  [dovecot, noIdle] = await Promise.all([
    startDovecot({
      users: [
        { name: "qa", password: "qa-password" },
        { name: "other", password: "other-password" },
      ],
    }),
    startDovecot({ idle: false }),
  ]);
});
afterAll(async () => {
  await Promise.all([dovecot?.stop(), noIdle?.stop()]);
});

function lmtp(server: Dovecot) {
  return nodemailer.createTransport({ host: server.host, port: server.lmtpPort, lmtp: true });
}

/** The capabilities a user sees after login. */
async function capabilities(server: Dovecot): Promise<string[]> {
  const client = imapClient(server.imapUrl("qa"));
  await client.connect();
  try {
    return [...client.capabilities.keys()];
  } finally {
    await client.logout();
  }
}

/** Local addresses (hex, as /proc/net/tcp* writes them) of the sockets listening on `port`. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  return ["/proc/net/tcp", "/proc/net/tcp6"]
    .filter((file) => existsSync(file))
    .flatMap((file) => readFileSync(file, "utf8").split("\n").slice(1))
    .map((line) => line.trim().split(/\s+/))
    // st 0A is LISTEN.
    .filter((fields) => fields[3] === "0A" && fields[1]?.endsWith(`:${hexPort}`))
    .map((fields) => fields[1]!.split(":")[0]!);
}

describe.skipIf(skip !== undefined)("Dovecot as a stand-in mailbox", () => {
  it("files a message delivered over LMTP to qa+detail@ in qa's INBOX, with the plus address in To and the body intact", async () => {
    const text = "Your code is 123456.\nIt expires in 5 minutes — café ✓.\n" + "x".repeat(200);
    const html = "<p>Your code is <b>123456</b>.</p>";
    const sent = await lmtp(dovecot).sendMail({ from: "sender@example.test", to: "qa+run1-scn@example.test", subject: "Your code ✓", text, html });
    expect(sent.accepted).toEqual(["qa+run1-scn@example.test"]);

    const [message, ...rest] = (await readInbox(dovecot.imapUrl("qa"))).filter((m) => m.parsed.subject === "Your code ✓");
    expect(rest).toEqual([]);
    expect(message!.parsed.headers.get("to")).toMatchObject({ text: "qa+run1-scn@example.test" });
    expect(message!.parsed.subject).toBe("Your code ✓");
    expect(message!.parsed.text?.trimEnd()).toBe(text);
    expect(message!.parsed.html).toBe(html);
    expect(dovecot.log()).toContain("saved mail to INBOX");
  });

  it("lets a user log in by name or by address, to the same mailbox", async () => {
    await lmtp(dovecot).sendMail({ from: "sender@example.test", to: "QA@example.test", subject: "by address", text: "hello" });
    const byName = await readInbox(dovecot.imapUrl("qa"));
    const byAddress = await readInbox(dovecot.imapUrl("qa").replace("//qa:", "//qa%40example.test:"));
    expect(byName.map((m) => m.parsed.subject)).toContain("by address");
    expect(byAddress.map((m) => m.source)).toEqual(byName.map((m) => m.source));
  });

  it("keeps two users' mailboxes apart", async () => {
    await lmtp(dovecot).sendMail({ from: "sender@example.test", to: "other@example.test", subject: "for other", text: "only other" });
    const other = await readInbox(dovecot.imapUrl("other"));
    expect(other.map((m) => m.parsed.subject)).toEqual(["for other"]);
    expect((await readInbox(dovecot.imapUrl("qa"))).map((m) => m.parsed.subject)).not.toContain("for other");
  });

  it("refuses a recipient it has no user for", async () => {
    const error = await lmtp(dovecot)
      .sendMail({ from: "sender@example.test", to: "nobody-here@example.test", subject: "lost", text: "lost" })
      .catch((e: unknown) => e);
    expect(String(error)).toMatch(/550|User doesn't exist/);
  });

  it("advertises IDLE by default, and with idle: false the same capabilities without IDLE", async () => {
    const withIdle = await capabilities(dovecot);
    const withoutIdle = await capabilities(noIdle);
    expect(withIdle).toContain("IDLE");
    expect(withoutIdle).not.toContain("IDLE");
    expect(withoutIdle.sort()).toEqual(withIdle.filter((c) => c !== "IDLE").sort());
  });

  it("listens on 127.0.0.1 only", () => {
    for (const server of [dovecot, noIdle]) {
      expect(listeningAddresses(server.imapPort)).toEqual(["0100007F"]);
      expect(listeningAddresses(server.lmtpPort)).toEqual(["0100007F"]);
    }
  });

  it("stops every process it started and removes its folder", async () => {
    const server = await startDovecot();
    const processes = [server.pid, ...childrenOf(server.pid)];
    expect(processes.length).toBeGreaterThan(2);
    expect(existsSync(server.dir)).toBe(true);
    await server.stop();
    expect(processes.filter(isRunning)).toEqual([]);
    expect(existsSync(server.dir)).toBe(false);
    expect(listeningAddresses(server.imapPort)).toEqual([]);
  });
});
