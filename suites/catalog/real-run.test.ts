import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Pacer, REAL_DEFAULTS, REAL_ENV, readRealConfig, realBanner, runAddress, runMarker, SendCapReached, type RealConfig } from "./real-run.js";

const BASE = {
  SCALEKIT_ENVIRONMENT_URL: "https://acme.scalekit.dev/",
  SCALEKIT_CLIENT_ID: "skc_1",
  SCALEKIT_CLIENT_SECRET: "s3cret",
};

describe("the real run's configuration", () => {
  it("is skipped, naming what is missing, until environment and inbox are set", () => {
    expect(readRealConfig({})).toEqual({ skip: expect.stringContaining("SCALEKIT_ENVIRONMENT_URL, SCALEKIT_CLIENT_ID, SCALEKIT_CLIENT_SECRET, SCALEKIT_INBOX_URL") });
    expect(readRealConfig(BASE)).toEqual({ skip: expect.stringContaining("SCALEKIT_INBOX_URL") });
  });

  it("reads an IMAP mailbox with its password apart, and never shows the password", () => {
    const config = readRealConfig({ ...BASE, SCALEKIT_INBOX_URL: "imaps://qa%40acme.test@imap.acme.test/Tests", SCALEKIT_INBOX_PASSWORD: "pw", SCALEKIT_TEST_EMAIL: "qa@acme.test" }) as RealConfig;
    expect(config.inbox).toEqual({ kind: "imap", url: "imaps://qa%40acme.test@imap.acme.test/Tests", password: "pw", where: "imaps://qa%40acme.test@imap.acme.test:993/Tests" });
    expect(config.credentials.url).toBe("https://acme.scalekit.dev");
    expect(config).toMatchObject({ type: "OTP", pauseMs: 500, maxSends: 100, afterRead: "delete", inboxTimeoutMs: 60_000 });
    expect(config.runId).toMatch(/^[a-z0-9]{4,16}$/);
    const banner = realBanner("real", config);
    expect(banner).toContain("inbox       imap imaps://qa%40acme.test@imap.acme.test:993/Tests");
    expect(banner).toContain(`mail goes to qa+${config.runId}-<scenario>-<transport><n>@acme.test`);
    expect(banner).toContain("500 ms between calls, at most 100 sends this run");
    expect(banner).not.toContain("pw");
  });

  it("needs the mailbox's address for IMAP, and a password from one place or the other", () => {
    expect(() => readRealConfig({ ...BASE, SCALEKIT_INBOX_URL: "imaps://qa:pw@imap.acme.test" })).toThrow(/SCALEKIT_TEST_EMAIL must name the address imaps:\/\/qa@imap.acme.test:993\/INBOX/);
    expect(() => readRealConfig({ ...BASE, SCALEKIT_INBOX_URL: "imaps://qa@imap.acme.test", SCALEKIT_TEST_EMAIL: "qa@acme.test" })).toThrow(/SCALEKIT_INBOX_PASSWORD/);
  });

  it("reads a Mailpit-compatible API and the run's own settings", () => {
    const config = readRealConfig({
      ...BASE,
      SCALEKIT_INBOX_URL: "http://127.0.0.1:8025/",
      SCALEKIT_PASSWORDLESS_TYPE: "LINK_OTP",
      SCALEKIT_REAL_PAUSE_MS: "0",
      SCALEKIT_REAL_MAX_SENDS: "7",
      SCALEKIT_INBOX_AFTER_READ: "seen",
      SCALEKIT_RUN_ID: "nightly42",
      SCALEKIT_INBOX_CODE_PATTERN: "code: (\\w+)",
    }) as RealConfig;
    expect(config).toMatchObject({ type: "LINK_OTP", pauseMs: 0, maxSends: 7, afterRead: "seen", runId: "nightly42", testEmail: "scalekit-mock@example.com" });
    expect(config.inbox).toEqual({ kind: "mailpit", url: "http://127.0.0.1:8025", where: "http://127.0.0.1:8025" });
    expect(config.codePattern?.exec("code: AB12")?.[1]).toBe("AB12");
  });

  it.each([
    [{ SCALEKIT_INBOX_URL: "pop3://x" }, /must be an imaps:\/\//],
    [{ SCALEKIT_INBOX_URL: "http://x", SCALEKIT_PASSWORDLESS_TYPE: "SMS" }, /SCALEKIT_PASSWORDLESS_TYPE must be one of OTP, LINK, LINK_OTP/],
    [{ SCALEKIT_INBOX_URL: "http://x", SCALEKIT_REAL_PAUSE_MS: "-1" }, /SCALEKIT_REAL_PAUSE_MS must be a whole number of at least 0/],
    [{ SCALEKIT_INBOX_URL: "http://x", SCALEKIT_REAL_MAX_SENDS: "0" }, /SCALEKIT_REAL_MAX_SENDS must be a whole number of at least 1/],
    [{ SCALEKIT_INBOX_URL: "http://x", SCALEKIT_INBOX_AFTER_READ: "archive" }, /SCALEKIT_INBOX_AFTER_READ must be one of delete, seen, keep/],
    [{ SCALEKIT_INBOX_URL: "http://x", SCALEKIT_RUN_ID: "Has Spaces" }, /SCALEKIT_RUN_ID must be/],
    [{ SCALEKIT_INBOX_URL: "http://x", SCALEKIT_RUN_ID: "r".repeat(25) }, /SCALEKIT_RUN_ID must be 4–24/],
    [{ SCALEKIT_INBOX_URL: "imaps://qa:100%@imap.acme.test", SCALEKIT_TEST_EMAIL: "qa@acme.test" }, /SCALEKIT_INBOX_URL: the password has a "%" that is not an escape/],
    [{ SCALEKIT_INBOX_URL: "http://x", SCALEKIT_TEST_EMAIL: "not-an-address" }, /SCALEKIT_TEST_EMAIL is not an email address/],
    [{ SCALEKIT_INBOX_URL: "http://x", SCALEKIT_INBOX_CODE_PATTERN: "(" }, /SCALEKIT_INBOX_CODE_PATTERN is not a regular expression/],
  ])("refuses a value that is set but wrong: %j", (extra, message) => {
    expect(() => readRealConfig({ ...BASE, ...extra })).toThrow(message);
  });
});

describe("run addresses", () => {
  it("are plus addresses of the test mailbox carrying the run id, the scenario and the send", () => {
    expect(runAddress("qa@acme.test", "r1a2b3", "otp-sign-in", "rest", 1)).toBe("qa+r1a2b3-otp-sign-in-rest1@acme.test");
    expect(runAddress("qa+ci@acme.test", "r1a2b3", "otp-sign-in", "sdk", 2)).toBe("qa+ci-r1a2b3-otp-sign-in-sdk2@acme.test");
  });

  it("keep the local part within 64 characters, unique per scenario", () => {
    const long = "a-scenario-with-a-rather-long-identifier-that-goes-on-and-on";
    const a = runAddress("quality.assurance@acme.test", "r1a2b3c4", long, "rest", 1);
    const b = runAddress("quality.assurance@acme.test", "r1a2b3c4", `${long}-too`, "rest", 1);
    expect(a.split("@")[0]!.length).toBeLessThanOrEqual(64);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^quality\.assurance\+r1a2b3c4-a-scenario/);
    expect(() => runAddress(`${"q".repeat(60)}@acme.test`, "r1a2b3c4", "x", "rest", 1)).toThrow(/too long/);
  });
});

describe("the run marker", () => {
  it("is what every address of the run starts with, plus-tagged mailbox or not", () => {
    expect(runMarker("qa@acme.test", "r1")).toBe("qa+r1-");
    expect(runMarker("qa+ci@acme.test", "r1")).toBe("qa+ci-r1-");
    for (const mailbox of ["qa@acme.test", "qa+ci@acme.test"]) expect(runAddress(mailbox, "r1", "otp-sign-in", "sdk", 3).startsWith(runMarker(mailbox, "r1"))).toBe(true);
  });

  it("fits in the banner whenever the run's addresses fit, and a local part too long is refused before anything runs", () => {
    const local = "q".repeat(33);
    const config = readRealConfig({ ...BASE, SCALEKIT_INBOX_URL: "http://x", SCALEKIT_TEST_EMAIL: `${local}@acme.test`, SCALEKIT_RUN_ID: "r".repeat(16) }) as RealConfig;
    expect(realBanner("real", config)).toContain(`${local}+${"r".repeat(16)}-<scenario>-<transport><n>@acme.test`);
    expect(() => readRealConfig({ ...BASE, SCALEKIT_INBOX_URL: "http://x", SCALEKIT_TEST_EMAIL: `${"q".repeat(50)}@acme.test`, SCALEKIT_RUN_ID: "r".repeat(16) })).toThrow(/too long/);
  });
});

describe("pacing a real run", () => {
  it("waits the pause between calls and refuses sends past the cap", async () => {
    const pacer = new Pacer(40, 2);
    const started = performance.now();
    await pacer.call("send");
    await pacer.call("other");
    await pacer.call("send");
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    await expect(pacer.call("send")).rejects.toBeInstanceOf(SendCapReached);
    await expect(pacer.call("send")).rejects.toThrow("the run reached its cap of 2 sends (SCALEKIT_REAL_MAX_SENDS)");
    await pacer.call("other");
    expect(pacer.sends).toBe(2);
  });
});

describe("the docs of the real run", () => {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const docs = readFileSync(join(root, "docs", "contract-suites.md"), "utf8");

  it("name every variable the run reads, with its default", () => {
    const table = docs.slice(docs.indexOf("| variable | default |"));
    for (const name of Object.values(REAL_ENV)) expect(table, name).toContain(`\`${name}\``);
    for (const value of [REAL_DEFAULTS.pauseMs, REAL_DEFAULTS.maxSends, REAL_DEFAULTS.afterRead, REAL_DEFAULTS.inboxTimeoutMs, REAL_DEFAULTS.testEmail]) {
      expect(table).toContain(`\`${value}\``);
    }
  });

  it("show the GitHub Actions job that examples/ ships, passing every required variable from secrets", () => {
    const shipped = readFileSync(join(root, "examples", "github-actions", "compat.yml"), "utf8");
    const inDocs = /```yaml\n(name: Scalekit compatibility[\s\S]*?)```/.exec(docs)![1]!;
    expect(shipped.endsWith(inDocs)).toBe(true);
    for (const name of [REAL_ENV.url, REAL_ENV.clientId, REAL_ENV.clientSecret, REAL_ENV.inboxUrl, REAL_ENV.inboxPassword, REAL_ENV.testEmail]) {
      expect(inDocs).toContain(`${name}: \${{ secrets.${name} }}`);
    }
    expect(inDocs).toContain("path: reports/compat.md");
    // GitHub's run id stays the same on a re-run: the attempt keeps each attempt's mail apart.
    expect(inDocs).toContain("SCALEKIT_RUN_ID: gh${{ github.run_id }}x${{ github.run_attempt }}");
    expect(readRealConfig({ ...BASE, SCALEKIT_INBOX_URL: "http://x", SCALEKIT_RUN_ID: `gh${"9".repeat(14)}x12` })).toMatchObject({ runId: "gh99999999999999x12" });
  });
});
