import { readFileSync } from "node:fs";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImapInbox, type ImapInboxOptions } from "./catalog/imap-inbox.js";
import { runAddress, runMarker } from "./catalog/real-run.js";
import { buildReport } from "./catalog/report.js";
import { runTarget, type RunResult, type TargetRun } from "./catalog/runner.js";
import { scenarios } from "./catalog/scenarios.js";
import { dovecotRealTarget, realTarget } from "./catalog/targets.js";
import { catalogOn } from "./catalog/vitest.js";
import { CLI, startCli, type RunningCli } from "./support/cli.js";
import { dovecotSkipReason, startDovecot, type Dovecot } from "./support/dovecot.js";
import { imapClient, readInbox, type ImapMessage } from "./support/imap-read.js";
import { childrenOf } from "./support/processes.js";

/**
 * The `real` target through a real mailbox, offline: Debian's Dovecot on
 * loopback is the mailbox, a second mock process the remote environment.
 * First the IMAP reader on its own (IDLE and polling, which mail it reads and
 * which it leaves, what it deletes), then the catalog over REST and the SDK
 * once per passwordless type, then two runs at once on one mailbox.
 */

const skip = dovecotSkipReason();

async function deliver(dovecot: Dovecot, to: string, text: string, html?: string): Promise<void> {
  const transport = nodemailer.createTransport({ host: dovecot.host, port: dovecot.lmtpPort, lmtp: true });
  try {
    await transport.sendMail({ from: "Scalekit <no-reply@scalekit.test>", to, subject: "Sign in", text, ...(html !== undefined && { html }) });
  } finally {
    transport.close();
  }
}

/** UIDs and recipients of every message in qa's INBOX. */
async function mailbox(dovecot: Dovecot): Promise<Array<{ uid: number; to: string; seen: boolean }>> {
  const to = (m: ImapMessage) => (Array.isArray(m.parsed.to) ? m.parsed.to[0] : m.parsed.to)?.value[0]?.address ?? "";
  return (await readInbox(dovecot.imapUrl("qa"))).map((m) => ({ uid: m.uid, to: to(m), seen: m.seen }));
}

describe.skipIf(skip !== undefined)("the IMAP inbox reader", () => {
  let dovecot: Dovecot;
  let noIdle: Dovecot;
  const readers: ImapInbox[] = [];
  const open = async (server: Dovecot, options: Partial<ImapInboxOptions> = {}) => {
    const reader = await ImapInbox.open({ url: server.imapUrl("qa"), marker: "qa+run1-", since: new Date(), ...options });
    readers.push(reader);
    return reader;
  };

  beforeAll(async () => {
    [dovecot, noIdle] = await Promise.all([startDovecot(), startDovecot({ idle: false })]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all(readers.map((r) => r.close()));
    await Promise.all([dovecot?.stop(), noIdle?.stop()]);
  });

  it("waits with IDLE where the server offers it: the email is read long before the next poll would be", async () => {
    const reader = await open(dovecot, { pollMs: 60_000 });
    expect(reader.mode).toBe("idle");
    const waiting = reader.waitFor("qa+run1-idle-rest1@example.test", { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await deliver(dovecot, "qa+run1-idle-rest1@example.test", "Enter this code to sign in: 481516");
    const mail = await waiting;
    expect(mail).toMatchObject({ code: "481516", subject: "Sign in" });
    expect(reader.searches).toBeLessThanOrEqual(3);
  });

  it("polls a server without IDLE", async () => {
    const reader = await open(noIdle, { pollMs: 200 });
    expect(reader.mode).toBe("poll");
    const waiting = reader.waitFor("qa+run1-poll-rest1@example.test", { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await deliver(noIdle, "qa+run1-poll-rest1@example.test", "Enter this code to sign in: 234234");
    expect((await waiting).code).toBe("234234");
    expect(reader.searches).toBeGreaterThanOrEqual(2);
  });

  it("reads only mail to the exact address, never another run's or a longer address that contains it", async () => {
    await deliver(dovecot, "qa+run2-match-rest1@example.test", "Enter this code to sign in: 222222");
    await deliver(dovecot, "qa+run1-match-rest10@example.test", "Enter this code to sign in: 101010");
    await deliver(dovecot, "qa+run1-match-rest1@example.test", "Enter this code to sign in: 111111");
    await deliver(dovecot, "qa+run1-match-rest11@example.test", "Enter this code to sign in: 121212");
    const reader = await open(dovecot);
    expect((await reader.waitFor("qa+run1-match-rest1@example.test", { timeoutMs: 5000 })).code).toBe("111111");
    await expect(reader.waitFor("qa+run2-match-rest1@example.test", { timeoutMs: 300 })).rejects.toThrow(/no email to qa\+run2-match-rest1@example.test arrived/);
  });

  it("ignores stale mail: delivered before the run began, even to the run's own address", async () => {
    const client = imapClient(dovecot.imapUrl("qa"));
    await client.connect();
    const raw = "From: Scalekit <no-reply@scalekit.test>\r\nTo: qa+run1-stale-rest1@example.test\r\nSubject: Sign in\r\n\r\nEnter this code to sign in: 999999\r\n";
    await client.append("INBOX", raw, [], new Date(Date.now() - 3_600_000));
    await client.logout();
    const reader = await open(dovecot);
    await expect(reader.waitFor("qa+run1-stale-rest1@example.test", { timeoutMs: 500 })).rejects.toThrow(/no email/);
    await deliver(dovecot, "qa+run1-stale-rest1@example.test", "Enter this code to sign in: 777777");
    expect((await reader.waitFor("qa+run1-stale-rest1@example.test", { timeoutMs: 5000 })).code).toBe("777777");
  });

  it("gives the newest email, and with a cursor only one newer than it", async () => {
    const reader = await open(dovecot);
    const address = "qa+run1-cursor-sdk1@example.test";
    await deliver(dovecot, address, "Enter this code to sign in: 100001");
    const first = await reader.waitFor(address, { timeoutMs: 5000 });
    const waiting = reader.waitFor(address, { after: first.cursor, timeoutMs: 5000 });
    await deliver(dovecot, address, "Open this link to sign in: https://app.test/cb?link_token=tok-2_l\nor enter 200002");
    expect(await waiting).toMatchObject({ code: "200002", link: "https://app.test/cb?link_token=tok-2_l", linkToken: "tok-2_l" });
  });

  it("deletes what a scenario read when it ends, then sweeps the rest of its run's mail, and leaves other mail alone", async () => {
    await deliver(dovecot, "qa+run3-own-rest1@example.test", "Enter this code to sign in: 303030");
    await deliver(dovecot, "qa+run3-own-rest2@example.test", "Enter this code to sign in: 313131");
    await deliver(dovecot, "qa+run4-other-rest1@example.test", "Enter this code to sign in: 404040");
    const reader = await open(dovecot, { marker: "qa+run3-" });
    await reader.waitFor("qa+run3-own-rest1@example.test", { timeoutMs: 5000 });
    expect(await reader.consume(["qa+run3-own-rest1@example.test"])).toBe(1);
    let left = (await mailbox(dovecot)).map((m) => m.to);
    expect(left).not.toContain("qa+run3-own-rest1@example.test");
    expect(left).toContain("qa+run3-own-rest2@example.test");
    expect(await reader.sweep()).toBe(1);
    left = (await mailbox(dovecot)).map((m) => m.to);
    expect(left.filter((to) => to.includes("+run3-"))).toEqual([]);
    expect(left).toContain("qa+run4-other-rest1@example.test");
  });

  it("flags what it read as seen instead, when asked", async () => {
    await deliver(dovecot, "qa+run5-seen-rest1@example.test", "Enter this code to sign in: 505050");
    const reader = await open(dovecot, { marker: "qa+run5-", afterRead: "seen" });
    await reader.waitFor("qa+run5-seen-rest1@example.test", { timeoutMs: 5000 });
    await reader.consume(["qa+run5-seen-rest1@example.test"]);
    expect((await mailbox(dovecot)).find((m) => m.to === "qa+run5-seen-rest1@example.test")).toMatchObject({ seen: true });
  });

  it("connects again when the server drops the connection, and still finds the email", async () => {
    const reader = await open(dovecot, { pollMs: 60_000 });
    await deliver(dovecot, "qa+run1-drop-rest1@example.test", "Enter this code to sign in: 606060");
    expect((await reader.waitFor("qa+run1-drop-rest1@example.test", { timeoutMs: 5000 })).code).toBe("606060");
    // Dovecot serves each IMAP connection from a process of its own: killing them drops every client.
    const imapProcesses = childrenOf(dovecot.pid).filter((pid) => readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "imap");
    expect(imapProcesses.length).toBeGreaterThan(0);
    for (const pid of imapProcesses) process.kill(pid, "SIGKILL");
    await deliver(dovecot, "qa+run1-drop-rest2@example.test", "Enter this code to sign in: 616161");
    expect((await reader.waitFor("qa+run1-drop-rest2@example.test", { timeoutMs: 5000 })).code).toBe("616161");
    expect(reader.reconnects).toBe(1);
  });

  it("reads and sweeps the run's mail when the mailbox address has a plus tag of its own", async () => {
    const address = runAddress("qa+ci@example.test", "runp1", "otp-sign-in", "rest", 1);
    expect(address).toBe("qa+ci-runp1-otp-sign-in-rest1@example.test");
    await deliver(dovecot, address, "Enter this code to sign in: 818181");
    await deliver(dovecot, runAddress("qa+ci@example.test", "runp1", "otp-sign-in", "rest", 2), "Enter this code to sign in: 828282");
    await deliver(dovecot, runAddress("qa+ci@example.test", "runp10", "otp-sign-in", "rest", 1), "Enter this code to sign in: 838383");
    const reader = await open(dovecot, { marker: runMarker("qa+ci@example.test", "runp1") });
    expect((await reader.waitFor(address, { timeoutMs: 5000 })).code).toBe("818181");
    expect(await reader.sweep()).toBe(2);
    const left = (await mailbox(dovecot)).map((m) => m.to);
    expect(left.filter((to) => to.startsWith("qa+ci-runp1-"))).toEqual([]);
    expect(left).toContain("qa+ci-runp10-otp-sign-in-rest1@example.test");
  });

  it("says which mailbox refused the login, without the password", async () => {
    const url = dovecot.imapUrl("qa").replace(/:[^:@]*@/, ":wrong-password@");
    const error = await ImapInbox.open({ url, marker: "qa+x-", since: new Date() }).catch((e: Error) => e);
    expect(String(error)).toMatch(/cannot read the mailbox imap:\/\/qa@127\.0\.0\.1:\d+\/INBOX/);
    expect(String(error)).not.toContain("wrong-password");
  });
});

// A real environment offers no control and sends one passwordless type.
const byId = new Map(scenarios.map((s) => [s.id, s]));
const realNa = (type: string) => (r: RunResult) => {
  const scenario = byId.get(r.scenario)!;
  return scenario.needs.length > 0 || scenario.type !== type || (scenario.transports !== undefined && !scenario.transports.includes(r.transport));
};

const runs: TargetRun[] = [];
if (skip === undefined) {
  for (const type of ["OTP", "LINK", "LINK_OTP"] as const) catalogOn(dovecotRealTarget(type), realNa(type), runs, 60_000);
}

describe.skipIf(skip !== undefined)("the real target over Dovecot", () => {
  it("shows in the report as an IMAP inbox with its run id, and every scenario a mailbox can show passes", () => {
    expect(runs).toHaveLength(3);
    const report = buildReport(runs);
    expect(report.summary).toMatchObject({ fail: 0 });
    for (const target of report.targets) {
      expect(target.details).toMatchObject({ inbox: "imap", runId: expect.stringMatching(/^r[a-z0-9]+$/) });
      expect(target.pass).toBeGreaterThan(0);
    }
    // Every scenario that needs no control runs on one of the three.
    const passed = new Set(report.results.filter((r) => r.status === "pass").map((r) => r.scenario));
    expect(scenarios.filter((s) => s.needs.length === 0).map((s) => s.id).filter((id) => !passed.has(id))).toEqual([]);
  });
});

describe.skipIf(skip !== undefined)("two runs at once on one mailbox", () => {
  let dovecot: Dovecot;
  let remote: RunningCli;

  beforeAll(async () => {
    dovecot = await startDovecot();
    remote = await startCli(process.execPath, [CLI, "--port", "0", "--seed", "shared-mailbox", "--smtp-relay", dovecot.lmtpUrl]);
  }, 30_000);
  afterAll(async () => {
    await remote?.stop("SIGTERM");
    await dovecot?.stop();
  });

  it("never read each other's mail, and each takes away only its own", async () => {
    const env = (runId: string) => ({
      SCALEKIT_ENVIRONMENT_URL: remote.url,
      SCALEKIT_CLIENT_ID: remote.clientId,
      SCALEKIT_CLIENT_SECRET: remote.clientSecret,
      SCALEKIT_INBOX_URL: dovecot.imapUrl("qa"),
      SCALEKIT_TEST_EMAIL: "qa@example.test",
      SCALEKIT_REAL_PAUSE_MS: "0",
      SCALEKIT_INBOX_TIMEOUT_MS: "10000",
      SCALEKIT_RUN_ID: runId,
    });
    // The same scenarios at the same time: the same plus addresses but for the run id.
    const subset = scenarios.filter((s) => ["otp-sign-in", "wrong-then-right", "single-use", "resend-same"].includes(s.id) || s.id === "unknown-auth-request");
    const [a, b] = await Promise.all([runTarget(realTarget(env("runa")), subset), runTarget(realTarget(env("runb")), subset)]);
    for (const run of [a, b]) {
      expect(run.results.filter((r) => r.status === "fail").map((r) => `${r.scenario}/${r.transport}: ${r.reason}`)).toEqual([]);
      expect(run.results.filter((r) => r.status === "pass").length).toBeGreaterThan(4);
    }
    expect(a.details?.runId).toBe("runa");
    expect(b.details?.runId).toBe("runb");
    // Both swept their own mail and nothing else was there.
    expect(await mailbox(dovecot)).toEqual([]);
  }, 120_000);
});
