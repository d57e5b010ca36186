import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { CLI, startCli } from "./support/cli.js";
import { dovecotSkipReason, startDovecot, type Dovecot } from "./support/dovecot.js";
import { readInbox, waitForMessage } from "./support/imap-read.js";
import { restSession } from "./support/rest.js";

/**
 * `--smtp-relay lmtp://host:port` delivers every captured email straight into
 * a mailbox server: here a real Dovecot, read back over IMAP. What the mailbox
 * holds is the mock's own .eml. Without dovecot-imapd and dovecot-lmtpd these
 * tests skip with the reason printed; with CI=true they fail.
 */

const skip = dovecotSkipReason();

let dovecot: Dovecot;
const mocks: MockScalekit[] = [];

beforeAll(async () => {
  if (skip !== undefined) return;
  dovecot = await startDovecot();
});
afterEach(async () => {
  await Promise.all(mocks.splice(0).map((mock) => mock.close()));
});
afterAll(async () => {
  await dovecot?.stop();
});

async function relayingMock(smtpRelay: string): Promise<MockScalekit> {
  const mock = await createMockScalekit({ seed: "smtp-relay", smtpRelay });
  mocks.push(mock);
  return mock;
}

/** Collects console.error while `run` runs. */
async function errorsDuring(run: () => Promise<void>): Promise<string> {
  const errors: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void errors.push(args.map(String).join(" "));
  try {
    await run();
  } finally {
    console.error = original;
  }
  return errors.join("\n");
}

describe("the SMTP relay's URL", () => {
  it.each(["lmtp://127.0.0.1", "lmtp://user:secret@127.0.0.1:24", "http://127.0.0.1:24", "lmtp:127.0.0.1:24"])("refuses %s, naming the forms it takes", async (url) => {
    await expect(createMockScalekit({ smtpRelay: url })).rejects.toThrow(/smtp:\/\/host:port, smtps:\/\/user:password@host:port or lmtp:\/\/host:port/);
  });
});

describe.skipIf(skip !== undefined)("relaying over LMTP into Dovecot", () => {
  it("delivers the mock's own .eml to the plus address, readable over IMAP with its auth request id", async () => {
    const mock = await relayingMock(dovecot.lmtpUrl);
    const session = await restSession(mock);
    expect((await session.send({ email: "qa+run1-scn@example.test" })).status).toBe(200);
    const [email] = mock.inbox.list();
    const eml = await (await fetch(`${mock.url}/_mock/v1/emails/${email!.id}.eml`)).text();
    await mock.close();

    const message = await waitForMessage(dovecot.imapUrl("qa"), (m) => m.parsed.messageId === `<${email!.id}@scalekit-mock.test>`);
    // Dovecot prepends only its trace headers (Return-Path, Delivered-To, Received).
    expect(message.source.endsWith(eml)).toBe(true);
    expect(message.parsed.headers.get("x-scalekit-auth-request-id")).toBe(email!.authRequestId);
    expect(message.parsed.headers.get("to")).toMatchObject({ text: "qa+run1-scn@example.test" });
    expect(message.parsed.headers.get("delivered-to")).toMatchObject({ text: "qa+run1-scn@example.test" });
    expect(message.parsed.subject).toBe(email!.subject);
    expect(message.parsed.text).toBe(email!.text);
    expect(message.parsed.html).toBe(email!.html);
  });

  it("keeps capturing and logs the host when Dovecot refuses the recipient, and when nothing listens", async () => {
    const refused = await relayingMock(dovecot.lmtpUrl);
    const unreachable = await relayingMock("lmtp://127.0.0.1:9");
    const before = (await readInbox(dovecot.imapUrl("qa"))).length;
    const errors = await errorsDuring(async () => {
      for (const mock of [refused, unreachable]) {
        const session = await restSession(mock);
        expect((await session.send({ email: "stranger@example.test" })).status).toBe(200);
        expect(mock.inbox.list()).toHaveLength(1);
        await mock.close();
      }
    });
    expect(errors).toContain(`to 127.0.0.1:${dovecot.lmtpPort} failed`);
    expect(errors).toMatch(/stranger@example\.test|550/);
    expect(errors).toContain("to 127.0.0.1:9 failed");
    expect(await readInbox(dovecot.imapUrl("qa"))).toHaveLength(before);
  });

  it("relays from the CLI given --smtp-relay lmtp://host:port, printing only the host", async () => {
    const cli = await startCli(process.execPath, [CLI, "--port", "0", "--seed", "smtp-relay-cli", "--smtp-relay", dovecot.lmtpUrl]);
    try {
      expect(cli.output()).toMatch(new RegExp(`smtp relay\\s+127\\.0\\.0\\.1:${dovecot.lmtpPort}`));
      const session = await restSession(cli);
      expect((await session.send({ email: "qa+cli@example.test" })).status).toBe(200);
      const delivered = await waitForMessage(dovecot.imapUrl("qa"), (m) => m.source.includes("Delivered-To: qa+cli@example.test\r\n"));
      expect(delivered.parsed.headers.get("x-scalekit-auth-request-id")).toMatch(/^\S+$/);
    } finally {
      await cli.stop();
    }
  });
});
