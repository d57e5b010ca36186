import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, chmodSync, chownSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { childrenOf, waitUntilGone } from "./processes.js";

/**
 * A real IMAP mailbox for tests: Debian's Dovecot (dovecot-imapd +
 * dovecot-lmtpd) configured in a fresh temporary folder, listening on
 * loopback only, mail delivered over LMTP and read over IMAP. `.ci/run`
 * installs the packages; elsewhere the tests skip, except with CI=true.
 */

export const DOVECOT = "/usr/sbin/dovecot";
const LIBEXEC = "/usr/lib/dovecot";
const HOST = "127.0.0.1";
const INSTALL = "apt-get install -y dovecot-imapd dovecot-lmtpd (as .ci/run does)";
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;
/** Tries with other ports when one that was free a moment ago is taken by the time Dovecot binds it. */
const PORT_ATTEMPTS = 5;

/**
 * What Dovecot 2.3 advertises after login by default: CAPABILITY_STRING of src/imap/imap-common.h
 * plus the LITERAL+ and NOTIFY it appends only while `imap_capability` is unset. Setting
 * `imap_capability` replaces the whole list, so a server without IDLE gets this list minus IDLE;
 * suites/dovecot.test.ts checks it against a default server.
 */
const DEFAULT_CAPABILITIES =
  "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY";

export interface DovecotUser {
  /** Lowercase: Dovecot lowercases the name it looks up. */
  name: string;
  password: string;
}

export interface DovecotOptions {
  /** Mailbox owners; default one user `qa`. */
  users?: DovecotUser[];
  /** Whether the server advertises IDLE (default true); false leaves a client only polling. */
  idle?: boolean;
}

export interface Dovecot {
  host: string;
  imapPort: number;
  lmtpPort: number;
  /** `lmtp://127.0.0.1:<port>`, for nodemailer's `lmtp: true` or the mock's `--smtp-relay`. */
  lmtpUrl: string;
  users: DovecotUser[];
  /** The master process. */
  pid: number;
  /** The temporary folder holding configuration, sockets, log and mail. */
  dir: string;
  /** Milliseconds from spawn until IMAP answered. */
  readyMs: number;
  /** `imap://user:password@127.0.0.1:<port>/INBOX` for one of `users`. */
  imapUrl(user: string): string;
  /** Dovecot's own log (logins, deliveries, errors). */
  log(): string;
  /** Stops the master and every process it started, then removes the folder. */
  stop(): Promise<void>;
}

export function dovecotAvailable(): { available: true } | { available: false; reason: string } {
  const needed: [string, string][] = [
    [DOVECOT, "dovecot-core"],
    [join(LIBEXEC, "imap"), "dovecot-imapd"],
    [join(LIBEXEC, "lmtp"), "dovecot-lmtpd"],
  ];
  for (const [path, pkg] of needed) {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      return { available: false, reason: `${path} (package ${pkg}) is missing; ${INSTALL}` };
    }
  }
  return { available: true };
}

/**
 * The reason the Dovecot tests cannot run here, or undefined when they can.
 * With CI=true a missing Dovecot is an error: CI must run these tests.
 */
export function dovecotSkipReason(): string | undefined {
  const dovecot = dovecotAvailable();
  if (dovecot.available) return undefined;
  if (process.env.CI) throw new Error(`the Dovecot tests must run in CI: ${dovecot.reason}`);
  console.warn(`skipping the Dovecot tests: ${dovecot.reason}`);
  return dovecot.reason;
}

const DEFAULT_USERS: DovecotUser[] = [{ name: "qa", password: "qa-password" }];

export async function startDovecot(options: DovecotOptions = {}): Promise<Dovecot> {
  const users = options.users ?? DEFAULT_USERS;
  for (const user of users) {
    // The passwd-file is colon-separated, one user a line; Dovecot lowercases names it looks up (%Ln).
    if (!/^[a-z0-9._-]+$/.test(user.name)) throw new Error(`Dovecot user name ${JSON.stringify(user.name)}: use lowercase letters, digits, ".", "_" or "-"`);
    if (!/^[^\s:]+$/.test(user.password)) throw new Error(`password of Dovecot user ${user.name}: must be non-empty without spaces or colons`);
  }
  const failures: string[] = [];
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    const started = await startOnce(users, options.idle ?? true);
    if ("dovecot" in started) return started.dovecot;
    failures.push(started.failure);
    if (!started.portTaken) break;
  }
  throw new Error(`Dovecot did not start:\n${failures.join("\n---\n")}`);
}

/** Two ports free on loopback right now (Dovecot takes no port 0): held together so they differ. */
async function freePorts(): Promise<[number, number]> {
  const servers = [createServer(), createServer()];
  await Promise.all(servers.map((s) => new Promise<void>((resolve, reject) => s.once("error", reject).listen(0, HOST, resolve))));
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return [ports[0]!, ports[1]!];
}

/**
 * Who owns the mail. Dovecot never runs a mail process as root, so as root the
 * mail belongs to `nobody` (found in /etc/passwd, Debian's 65534 otherwise);
 * without root every process, mail included, runs as the current user.
 */
function mailOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("nobody:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  return { uid: Number(uid ?? 65534), gid: Number(gid ?? 65534) };
}

/** The name of group `gid` (Dovecot wants names), from /etc/group. */
function groupName(gid: number): string {
  const line = readFileSync("/etc/group", "utf8")
    .split("\n")
    .find((l) => l.split(":")[2] === String(gid));
  if (line === undefined) throw new Error(`group ${gid} is not in /etc/group: Dovecot needs its name to run without root`);
  return line.split(":")[0]!;
}

interface Layout {
  dir: string;
  imapPort: number;
  lmtpPort: number;
  greeting: string;
  idle: boolean;
  owner: { uid: number; gid: number } | undefined;
}

/** The whole configuration: nothing comes from /etc/dovecot. */
function dovecotConf({ dir, imapPort, lmtpPort, greeting, idle, owner }: Layout): string {
  const me = userInfo().username;
  return [
    "protocols = imap lmtp",
    `listen = ${HOST}`,
    `base_dir = ${join(dir, "run")}`,
    `state_dir = ${join(dir, "state")}`,
    `log_path = ${join(dir, "dovecot.log")}`,
    // Unique to this start: the readiness check knows it reached this server, not one that took the port.
    `login_greeting = ${greeting}`,
    "ssl = no",
    "disable_plaintext_auth = no",
    "auth_mechanisms = plain login",
    // "QA@example.test" and "qa" log in as qa; LMTP drops "+detail" before the lookup, so qa+x@ is qa's.
    "auth_username_format = %Ln",
    "recipient_delimiter = +",
    // Every detail address lands in INBOX, not a folder named after the detail.
    "lmtp_save_to_detail_mailbox = no",
    "mail_location = maildir:~/Maildir",
    "first_valid_uid = 1",
    ...(owner !== undefined
      ? [`mail_uid = ${owner.uid}`, `mail_gid = ${owner.gid}`]
      : [`default_login_user = ${me}`, `default_internal_user = ${me}`, `default_internal_group = ${groupName(process.getgid!())}`]),
    ...(idle ? [] : [`imap_capability = ${DEFAULT_CAPABILITIES.replace(" IDLE", "")}`]),
    `passdb {\n  driver = passwd-file\n  args = scheme=PLAIN ${join(dir, "users")}\n}`,
    `userdb {\n  driver = passwd-file\n  args = ${join(dir, "users")}\n}`,
    // No chroot: a process that is not root cannot, and the login processes need none here.
    `service anvil {\n  chroot =\n}`,
    `service imap-login {\n  chroot =\n  inet_listener imap {\n    address = ${HOST}\n    port = ${imapPort}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
    `service lmtp {\n  inet_listener lmtp {\n    address = ${HOST}\n    port = ${lmtpPort}\n  }\n}`,
    "",
  ].join("\n");
}

type Attempt = { dovecot: Dovecot } | { failure: string; portTaken: boolean };

async function startOnce(users: DovecotUser[], idle: boolean): Promise<Attempt> {
  const [imapPort, lmtpPort] = await freePorts();
  const dir = mkdtempSync(join(tmpdir(), "scalekit-mock-dovecot-"));
  const owner = mailOwner();
  const greeting = `scalekit-mock dovecot ${randomBytes(6).toString("hex")} ready`;
  const conf = join(dir, "dovecot.conf");
  // Login and auth processes run as Dovecot's own users and must reach the sockets and the user list.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, "mail"), { mode: 0o700 });
  if (owner !== undefined) chownSync(join(dir, "mail"), owner.uid, owner.gid);
  writeFileSync(join(dir, "users"), users.map((u) => `${u.name}:{PLAIN}${u.password}::::${join(dir, "mail", u.name)}::\n`).join(""), { mode: 0o644 });
  writeFileSync(conf, dovecotConf({ dir, imapPort, lmtpPort, greeting, idle, owner }));

  const started = performance.now();
  // Its own process group: stop() signals the master and every process it started at once,
  // including an imap process that outlives the master while a client stays connected.
  const child = spawn(DOVECOT, ["-F", "-c", conf], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  const collect = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-20_000));
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Dovecot does not keep the process alive, and goes when it exits normally; a test runner that
  // kills its worker skips exit hooks, so tests still stop() what they start.
  child.unref();
  (child.stdout as unknown as Socket).unref();
  (child.stderr as unknown as Socket).unref();
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Nothing left in the group.
    }
  };
  const killOnExit = () => {
    signalGroup("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", killOnExit);
  const logPath = join(dir, "dovecot.log");
  const log = () => (existsSync(logPath) ? readFileSync(logPath, "utf8") : "");

  const stop = async () => {
    process.removeListener("exit", killOnExit);
    const processes = [child.pid!, ...childrenOf(child.pid!)];
    signalGroup("SIGTERM");
    await waitUntilGone(processes, STOP_TIMEOUT_MS);
    signalGroup("SIGKILL");
    await Promise.race([exited, waitUntilGone(processes, STOP_TIMEOUT_MS)]);
    rmSync(dir, { recursive: true, force: true });
  };

  const ready = await waitForGreeting(imapPort, greeting, exited);
  if (!ready) {
    const report = `${output}${log()}`.trim() || "no output";
    await stop();
    return { failure: `${DOVECOT} -F -c ${conf} (ports ${imapPort}, ${lmtpPort}):\n${report}`, portTaken: /Address already in use/.test(report) };
  }
  const byName = new Map(users.map((u) => [u.name, u]));
  return {
    dovecot: {
      host: HOST,
      imapPort,
      lmtpPort,
      lmtpUrl: `lmtp://${HOST}:${lmtpPort}`,
      users,
      pid: child.pid!,
      dir,
      readyMs: performance.now() - started,
      imapUrl: (name) => {
        const user = byName.get(name);
        if (user === undefined) throw new Error(`no Dovecot user ${JSON.stringify(name)}; users: ${[...byName.keys()].join(", ")}`);
        return `imap://${encodeURIComponent(user.name)}:${encodeURIComponent(user.password)}@${HOST}:${imapPort}/INBOX`;
      },
      log,
      stop,
    },
  };
}

/** Resolves true once the IMAP port greets with this server's greeting, false when Dovecot exits or time runs out. */
async function waitForGreeting(port: number, greeting: string, exited: Promise<void>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (!gone && performance.now() < deadline) {
    if (await greets(port, greeting)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

function greets(port: number, greeting: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, HOST);
    let received = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on("error", () => done(false));
    socket.on("data", (chunk) => {
      received += chunk.toString();
      if (received.includes("\r\n")) done(received.includes(greeting));
    });
  });
}
