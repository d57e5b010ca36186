import { createHash, randomBytes } from "node:crypto";
import type { Target } from "../support/drivers.js";
import { AFTER_READ, describeImap, parseImapUrl, type AfterRead } from "./imap-inbox.js";
import type { PasswordlessType } from "./types.js";

/**
 * What a run against a real Scalekit environment is configured with (all
 * from environment variables, so a CI job needs nothing else), its run id,
 * the addresses it sends to, and how it spares the environment's rate limit.
 */

export const REAL_ENV = {
  url: "SCALEKIT_ENVIRONMENT_URL",
  clientId: "SCALEKIT_CLIENT_ID",
  clientSecret: "SCALEKIT_CLIENT_SECRET",
  inboxUrl: "SCALEKIT_INBOX_URL",
  inboxPassword: "SCALEKIT_INBOX_PASSWORD",
  testEmail: "SCALEKIT_TEST_EMAIL",
  type: "SCALEKIT_PASSWORDLESS_TYPE",
  pauseMs: "SCALEKIT_REAL_PAUSE_MS",
  maxSends: "SCALEKIT_REAL_MAX_SENDS",
  afterRead: "SCALEKIT_INBOX_AFTER_READ",
  inboxTimeout: "SCALEKIT_INBOX_TIMEOUT_MS",
  codePattern: "SCALEKIT_INBOX_CODE_PATTERN",
  runId: "SCALEKIT_RUN_ID",
} as const;

export const REAL_DEFAULTS = { pauseMs: 500, maxSends: 100, afterRead: "delete" as AfterRead, inboxTimeoutMs: 60_000, testEmail: "scalekit-mock@example.com" };

const TYPES: readonly PasswordlessType[] = ["OTP", "LINK", "LINK_OTP"];

export type InboxConfig = { kind: "imap"; url: string; password?: string; where: string } | { kind: "mailpit"; url: string; where: string };

export interface RealConfig {
  credentials: Target;
  type: PasswordlessType;
  inbox: InboxConfig;
  /** The mailbox's address; every recipient is a plus address of it. */
  testEmail: string;
  runId: string;
  pauseMs: number;
  maxSends: number;
  afterRead: AfterRead;
  inboxTimeoutMs: number;
  codePattern?: RegExp;
}

/** A fresh run id: short, lower-case, unique enough that two runs on one mailbox never share one. */
export function newRunId(): string {
  return `r${Date.now().toString(36).slice(-5)}${randomBytes(3).toString("hex")}`;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min}, got "${raw}"`);
  return value;
}

/** The run's configuration, or what is missing (the target is then skipped). Throws on a value that is set but wrong. */
export function readRealConfig(env: NodeJS.ProcessEnv): RealConfig | { skip: string } {
  const missing = [REAL_ENV.url, REAL_ENV.clientId, REAL_ENV.clientSecret, REAL_ENV.inboxUrl].filter((name) => !env[name]);
  if (missing.length > 0) return { skip: `set ${missing.join(", ")} (see "Run the suites against your Scalekit environment" in docs/contract-suites.md)` };
  const type = (env[REAL_ENV.type] || "OTP") as PasswordlessType;
  if (!TYPES.includes(type)) throw new Error(`${REAL_ENV.type} must be one of ${TYPES.join(", ")}, got "${type}"`);
  const inboxUrl = env[REAL_ENV.inboxUrl]!;
  let inbox: InboxConfig;
  if (/^imaps?:/i.test(inboxUrl)) {
    const password = env[REAL_ENV.inboxPassword] || undefined;
    const address = parseImapUrl(inboxUrl, password);
    inbox = { kind: "imap", url: inboxUrl, ...(password !== undefined && { password }), where: describeImap(address) };
    if (!env[REAL_ENV.testEmail]) throw new Error(`${REAL_ENV.testEmail} must name the address ${describeImap(address)} receives (mail goes to its plus addresses)`);
  } else if (/^https?:/i.test(inboxUrl)) {
    inbox = { kind: "mailpit", url: inboxUrl.replace(/\/+$/, ""), where: new URL(inboxUrl).origin };
  } else {
    throw new Error(`${REAL_ENV.inboxUrl} must be an imaps:// (or imap://) mailbox or the http(s):// URL of a Mailpit-compatible API`);
  }
  const testEmail = env[REAL_ENV.testEmail] || REAL_DEFAULTS.testEmail;
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(testEmail)) throw new Error(`${REAL_ENV.testEmail} is not an email address: "${testEmail}"`);
  const afterRead = (env[REAL_ENV.afterRead] || REAL_DEFAULTS.afterRead) as AfterRead;
  if (!AFTER_READ.includes(afterRead)) throw new Error(`${REAL_ENV.afterRead} must be one of ${AFTER_READ.join(", ")}, got "${afterRead}"`);
  const runId = env[REAL_ENV.runId] || newRunId();
  if (!/^[a-z0-9]{4,24}$/.test(runId)) throw new Error(`${REAL_ENV.runId} must be 4–24 lower-case letters and digits, unique to each run and attempt, got "${runId}"`);
  // The longest address a run makes must fit: refused now, before anything is sent.
  runAddress(testEmail, runId, "x", "rest", 99);
  let codePattern: RegExp | undefined;
  if (env[REAL_ENV.codePattern]) {
    try {
      codePattern = new RegExp(env[REAL_ENV.codePattern]!);
    } catch (error) {
      throw new Error(`${REAL_ENV.codePattern} is not a regular expression: ${(error as Error).message}`);
    }
  }
  return {
    credentials: { url: env[REAL_ENV.url]!.replace(/\/+$/, ""), clientId: env[REAL_ENV.clientId]!, clientSecret: env[REAL_ENV.clientSecret]! },
    type,
    inbox,
    testEmail,
    runId,
    pauseMs: integer(env, REAL_ENV.pauseMs, REAL_DEFAULTS.pauseMs, 0),
    maxSends: integer(env, REAL_ENV.maxSends, REAL_DEFAULTS.maxSends, 1),
    afterRead,
    inboxTimeoutMs: integer(env, REAL_ENV.inboxTimeout, REAL_DEFAULTS.inboxTimeoutMs, 1000),
    ...(codePattern !== undefined && { codePattern }),
  };
}

/** The longest local part an address may have (RFC 5321). */
const LOCAL_MAX = 64;

/**
 * `local+<run>-<scenario>-<transport><n>@domain`: one address per send of a
 * scenario run, all carrying the run id, so runs sharing a mailbox never read
 * each other's mail. A scenario id that would make the local part too long
 * is shortened, with a hash keeping it unique.
 */
/**
 * What every address of a run starts with: the mailbox's local part, its plus
 * tag (the run's, after the mailbox's own tag when it has one), the run id.
 * Mail is the run's only when its address starts with this.
 */
export function runMarker(testEmail: string, runId: string): string {
  const local = testEmail.slice(0, testEmail.lastIndexOf("@"));
  // A mailbox address with a plus tag of its own keeps it; the run's tag follows.
  return `${local}${local.includes("+") ? "-" : "+"}${runId}-`;
}

export function runAddress(testEmail: string, runId: string, scenario: string, transport: string, n: number): string {
  const at = testEmail.lastIndexOf("@");
  const local = testEmail.slice(0, at);
  const domain = testEmail.slice(at + 1);
  const head = runMarker(testEmail, runId);
  const tail = `-${transport}${n}`;
  let name = scenario;
  if (head.length + name.length + tail.length > LOCAL_MAX) {
    const hash = createHash("sha256").update(scenario).digest("hex").slice(0, 6);
    name = `${scenario.slice(0, Math.max(0, LOCAL_MAX - head.length - tail.length - hash.length - 1))}-${hash}`;
  }
  if (head.length + name.length + tail.length > LOCAL_MAX) throw new Error(`${REAL_ENV.testEmail}'s local part "${local}" is too long to carry a run id and a scenario`);
  return `${head}${name}${tail}@${domain}`;
}

/** Thrown instead of a send once the run's cap is reached: the scenario is reported n/a, not failed. */
export class SendCapReached extends Error {
  constructor(cap: number) {
    super(`the run reached its cap of ${cap} sends (${REAL_ENV.maxSends})`);
  }
}

/** Spaces a run's calls to a real environment, and stops sending at the cap. */
export class Pacer {
  readonly #pauseMs: number;
  readonly #maxSends: number;
  #last = 0;
  #chain: Promise<void> = Promise.resolve();
  sends = 0;

  constructor(pauseMs: number, maxSends: number) {
    this.#pauseMs = pauseMs;
    this.#maxSends = maxSends;
  }

  /** Waits until the pause since the previous call has passed; a send past the cap throws SendCapReached. */
  call(kind: "send" | "other"): Promise<void> {
    const turn = this.#chain.then(async () => {
      if (kind === "send") {
        if (this.sends >= this.#maxSends) throw new SendCapReached(this.#maxSends);
        this.sends++;
      }
      const wait = this.#last + this.#pauseMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.#last = performance.now();
    });
    this.#chain = turn.catch(() => undefined);
    return turn;
  }
}

/** What a run prints before it starts, so whoever reads the log knows what it will do to the environment. */
export function realBanner(name: string, config: RealConfig): string {
  return [
    `${name}: Scalekit environment ${config.credentials.url} (${config.type})`,
    `  inbox       ${config.inbox.kind} ${config.inbox.where}`,
    `  run id      ${config.runId}: mail goes to ${runMarker(config.testEmail, config.runId)}<scenario>-<transport><n>@${config.testEmail.slice(config.testEmail.lastIndexOf("@") + 1)}`,
    `  pacing      ${config.pauseMs} ms between calls, at most ${config.maxSends} sends this run`,
    `  after read  ${config.afterRead}`,
  ].join("\n");
}
