import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { DEFAULT_CLIENT_ID, DEFAULT_SEED } from "./default-client.js";
import { parseDuration } from "./domain/duration.js";
import { ownRecord } from "./domain/own-record.js";
import { PASSWORDLESS_TYPES, settingsSchema } from "./domain/settings.js";

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = "127.0.0.1";
export { DEFAULT_CLIENT_ID, DEFAULT_SEED };

/** Longest a server timeout may be: a day (timers cannot count much past 24 days anyway). */
const MAX_TIMEOUT_MS = 86_400_000;

/**
 * A server timeout: a duration such as "30s" or "5m" (a bare numeric string,
 * as a flag gives, is seconds), or a number of milliseconds as in code. Output:
 * milliseconds, so parsing the output again gives the same.
 */
const timeout = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = typeof value === "number" ? value : parseDuration(value, "s");
  if (ms === undefined || !Number.isInteger(ms) || ms < 1 || ms > MAX_TIMEOUT_MS) {
    ctx.addIssue({ code: "custom", message: `expected a duration from 1ms to 24h such as "30s" or "5m", got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return ms;
});

/**
 * Connection limits. The idle timeout is generous: SDKs keep connections open
 * between test steps, and a connection or HTTP/2 session with a request in
 * flight (a long-poll, an event stream) is never closed for idleness. The
 * request timeout is Node's own default: requests are tiny except snapshot
 * imports of up to 256 MiB, which five minutes carries at under 1 MB/s; it
 * covers only the arrival of a request, never the wait for its answer.
 */
export const SERVER_LIMIT_DEFAULTS = {
  firstByteTimeout: 30_000,
  headersTimeout: 30_000,
  requestTimeout: 300_000,
  idleTimeout: 300_000,
  maxConnections: 10_000,
} as const;

/** Options of a mock server, whether they come from flags, env vars, a file or code. */
export const serverOptionsSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_PORT),
    host: z.string().min(1).default(DEFAULT_HOST),
    seed: z.string().min(1).default(DEFAULT_SEED),
    clientId: z.string().min(1).max(200).default(DEFAULT_CLIENT_ID),
    /** Derived from the seed when not given. */
    clientSecret: z.string().min(8).max(500).optional(),
    /** Initial settings of the default environment (see `GET /_mock/v1/settings`). */
    settings: ownRecord(z.string(), z.unknown()).default({}),
    /** When set, the control API (except /health) requires `Authorization: Bearer <adminToken>`. */
    adminToken: z.string().min(16, "use at least 16 characters").max(500).optional(),
    /**
     * Host names (besides loopback names, IP addresses and the machine's own name) the control API
     * and web inbox answer to; `.example.com` allows its subdomains too, `*` any name.
     */
    allowedHosts: z.array(z.string().regex(/^(\*|\.?[A-Za-z0-9_.-]{1,253})$/, 'a host name, ".domain" for its subdomains, or "*"')).default([]),
    /** Serve the control API without a token on a non-loopback address (prints a warning). */
    openControl: z.boolean().default(false),
    /** Also send every captured email to this SMTP server (smtp://host:port or smtps://user:pass@host:port). */
    smtpRelay: z
      .string()
      .refine((value) => /^smtps?:\/\/[^\s/]+(:\d+)?\/?$/.test(value), "expected smtp://host:port or smtps://user:password@host:port")
      .optional(),
    /** A new connection that sends nothing (or not all of an HTTP/2 preface) within this is closed. */
    firstByteTimeout: timeout.default(SERVER_LIMIT_DEFAULTS.firstByteTimeout),
    /** An HTTP/1.1 request whose headers take longer than this to arrive is answered 408 and closed. */
    headersTimeout: timeout.default(SERVER_LIMIT_DEFAULTS.headersTimeout),
    /**
     * A request (headers and body) that takes longer than this to arrive is answered 408 (an HTTP/2
     * stream whose response has started is reset). A long-poll or event stream whose request has
     * arrived waits as long as it needs.
     */
    requestTimeout: timeout.default(SERVER_LIMIT_DEFAULTS.requestTimeout),
    /** A keep-alive connection or HTTP/2 session with no request in flight for this long is closed. */
    idleTimeout: timeout.default(SERVER_LIMIT_DEFAULTS.idleTimeout),
    /** Connections open at once; past it new ones are closed on arrival, open ones keep working. */
    maxConnections: z.coerce.number().int().min(1).max(1_000_000).default(SERVER_LIMIT_DEFAULTS.maxConnections),
  })
  .strict()
  .superRefine((options, ctx) => {
    if (options.requestTimeout >= options.headersTimeout) return;
    ctx.addIssue({
      code: "custom",
      path: ["requestTimeout"],
      message: `${options.requestTimeout} ms is shorter than headersTimeout (${options.headersTimeout} ms), yet a request's headers are part of it: raise --request-timeout or lower --headers-timeout`,
    });
  });

export type ServerOptionsInput = z.input<typeof serverOptionsSchema>;
export type ServerOptions = z.output<typeof serverOptionsSchema>;

/** Flags, their env vars, and what `--help` says of them. */
const FLAGS = {
  port: { env: "SCALEKIT_MOCK_PORT", type: "string", help: `port to listen on; 0 picks a free one (default ${DEFAULT_PORT})` },
  host: { env: "SCALEKIT_MOCK_HOST", type: "string", help: `address to bind (default ${DEFAULT_HOST}; 0.0.0.0 in a container)` },
  seed: { env: "SCALEKIT_MOCK_SEED", type: "string", help: `seed for ids, codes and links (default "${DEFAULT_SEED}")` },
  "client-id": { env: "SCALEKIT_MOCK_CLIENT_ID", type: "string", help: `API client id (default ${DEFAULT_CLIENT_ID})` },
  "client-secret": { env: "SCALEKIT_MOCK_CLIENT_SECRET", type: "string", help: "API client secret (default: derived from the seed)" },
  "passwordless-type": { env: "SCALEKIT_MOCK_PASSWORDLESS_TYPE", type: "string", help: "OTP, LINK or LINK_OTP (default OTP)" },
  "token-ttl": { env: "SCALEKIT_MOCK_TOKEN_TTL", type: "string", help: 'access token lifetime, e.g. 3600 or "1h" (default 1h)' },
  "admin-token": { env: "SCALEKIT_MOCK_ADMIN_TOKEN", type: "string", help: "require Authorization: Bearer <token> on the control API (needed off loopback)" },
  "smtp-relay": { env: "SCALEKIT_MOCK_SMTP_RELAY", type: "string", help: "also send every captured email to this SMTP server, e.g. smtp://127.0.0.1:1025" },
  "allowed-host": {
    env: "SCALEKIT_MOCK_ALLOWED_HOSTS",
    type: "string",
    help: "another host name the control API and inbox answer to (repeat, or comma-separate; .example.com for subdomains, * for any)",
  },
  "first-byte-timeout": {
    env: "SCALEKIT_MOCK_FIRST_BYTE_TIMEOUT",
    type: "string",
    help: `close a new connection that sends nothing within this (default ${SERVER_LIMIT_DEFAULTS.firstByteTimeout / 1000}s)`,
  },
  "headers-timeout": {
    env: "SCALEKIT_MOCK_HEADERS_TIMEOUT",
    type: "string",
    help: `answer 408 to an HTTP/1.1 request whose headers take longer (default ${SERVER_LIMIT_DEFAULTS.headersTimeout / 1000}s)`,
  },
  "request-timeout": {
    env: "SCALEKIT_MOCK_REQUEST_TIMEOUT",
    type: "string",
    help: `answer 408 to a request (headers and body) that takes longer to arrive (default ${SERVER_LIMIT_DEFAULTS.requestTimeout / 60_000}m)`,
  },
  "idle-timeout": {
    env: "SCALEKIT_MOCK_IDLE_TIMEOUT",
    type: "string",
    help: `close a keep-alive connection or HTTP/2 session idle this long (default ${SERVER_LIMIT_DEFAULTS.idleTimeout / 60_000}m)`,
  },
  "max-connections": {
    env: "SCALEKIT_MOCK_MAX_CONNECTIONS",
    type: "string",
    help: `connections open at once; more are closed on arrival (default ${SERVER_LIMIT_DEFAULTS.maxConnections})`,
  },
  config: { env: "SCALEKIT_MOCK_CONFIG", type: "string", help: "JSON file with any of: port, host, seed, clientId, clientSecret, smtpRelay, settings" },
} as const;

export class ConfigError extends Error {}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Why the options would expose the control API to other machines without a token, if they do. */
export function controlExposure(options: { host: string; adminToken?: string | undefined }): string | undefined {
  if (isLoopback(options.host) || options.adminToken !== undefined) return undefined;
  return `binding ${options.host} exposes the control API (mail, codes, faults) to other machines: set --admin-token (SCALEKIT_MOCK_ADMIN_TOKEN), or pass --open-control to accept the risk`;
}

export function helpText(version: string): string {
  const lines = Object.entries(FLAGS).map(([flag, spec]) => `  --${`${flag} <value>`.padEnd(28)}${spec.help}\n  ${"".padEnd(30)}env ${spec.env}`);
  return [
    `scalekit-mock ${version}: an offline Scalekit passwordless email API (OTP and magic link) with an inbox`,
    "",
    "Usage: scalekit-mock [options]",
    "",
    "Options (flags win over env vars, env vars over the config file):",
    ...lines,
    `  ${"--open-control".padEnd(30)}serve the control API without a token off loopback (not safe)\n  ${"".padEnd(30)}env SCALEKIT_MOCK_OPEN_CONTROL=true`,
    `  ${"-h, --help".padEnd(30)}show this help`,
    `  ${"-v, --version".padEnd(30)}print the version`,
    "",
    "Control API: GET <url>/_mock/v1/health, /emails, /otp?email=…, /clock, /settings (see README).",
  ].join("\n");
}

export type CliRequest = { kind: "help" } | { kind: "version" } | { kind: "serve"; options: ServerOptions };

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid JSON${whereJsonFails(text, error)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ConfigError(`config file ${path} is not valid: expected a JSON object`);
  return parsed as Record<string, unknown>;
}

/**
 * Where JSON.parse stopped, as line and column. Its own message is not shown:
 * it may quote the file around the error, and the file may hold the client secret.
 */
function whereJsonFails(text: string, error: unknown): string {
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : "")?.[1];
  if (position === undefined) return " (the parser's message is not shown: it quotes the file, which may hold a secret)";
  const before = text.slice(0, Number(position));
  const line = before.split("\n").length;
  return ` at line ${line}, column ${before.length - before.lastIndexOf("\n")}`;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(config)"}: ${issue.message}`).join("; ");
}

/**
 * Reads the command line and environment into server options. Throws
 * ConfigError with a message fit for the terminal.
 */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliRequest {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    const options = Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: "string" as const, multiple: flag === "allowed-host" }]));
    ({ values } = parseArgs({
      args: argv,
      options: { ...options, "open-control": { type: "boolean" }, help: { type: "boolean", short: "h" }, version: { type: "boolean", short: "v" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError(`${error instanceof Error ? error.message : String(error)}\nRun scalekit-mock --help for the options.`);
  }
  if (values.help) return { kind: "help" };
  if (values.version) return { kind: "version" };

  const pick = (flag: keyof typeof FLAGS): string | undefined => {
    const given = values[flag] as string | string[] | undefined;
    const value = (Array.isArray(given) ? given.join(",") : given) ?? env[FLAGS[flag].env];
    return value === undefined || value === "" ? undefined : value;
  };

  const configPath = pick("config");
  const file = configPath === undefined ? {} : readConfigFile(configPath);
  const fileSettings = (file.settings ?? {}) as Record<string, unknown>;
  const passwordlessType = pick("passwordless-type");
  if (passwordlessType !== undefined && !(PASSWORDLESS_TYPES as readonly string[]).includes(passwordlessType)) {
    throw new ConfigError(`--passwordless-type must be one of ${PASSWORDLESS_TYPES.join(", ")}, got "${passwordlessType}"`);
  }
  const tokenTtl = pick("token-ttl");

  const merged = {
    ...file,
    ...(pick("port") !== undefined && { port: pick("port") }),
    ...(pick("host") !== undefined && { host: pick("host") }),
    ...(pick("seed") !== undefined && { seed: pick("seed") }),
    ...(pick("client-id") !== undefined && { clientId: pick("client-id") }),
    ...(pick("client-secret") !== undefined && { clientSecret: pick("client-secret") }),
    ...(pick("smtp-relay") !== undefined && { smtpRelay: pick("smtp-relay") }),
    ...(pick("admin-token") !== undefined && { adminToken: pick("admin-token") }),
    ...(pick("allowed-host") !== undefined && { allowedHosts: pick("allowed-host")!.split(",").map((name) => name.trim()).filter(Boolean) }),
    ...(pick("first-byte-timeout") !== undefined && { firstByteTimeout: pick("first-byte-timeout") }),
    ...(pick("headers-timeout") !== undefined && { headersTimeout: pick("headers-timeout") }),
    ...(pick("request-timeout") !== undefined && { requestTimeout: pick("request-timeout") }),
    ...(pick("idle-timeout") !== undefined && { idleTimeout: pick("idle-timeout") }),
    ...(pick("max-connections") !== undefined && { maxConnections: pick("max-connections") }),
    ...((values["open-control"] === true || env.SCALEKIT_MOCK_OPEN_CONTROL === "true") && { openControl: true }),
    settings: {
      ...fileSettings,
      ...(passwordlessType !== undefined && { passwordlessType }),
      ...(tokenTtl !== undefined && { tokenTtl }),
    },
  };
  if (typeof merged.port === "string" && !/^\d+$/.test(merged.port)) {
    throw new ConfigError(`--port must be a number from 0 to 65535, got "${merged.port}"`);
  }
  const parsed = serverOptionsSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${describeIssues(parsed.error)}`);
  const settings = settingsSchema.safeParse(parsed.data.settings);
  if (!settings.success) throw new ConfigError(`invalid settings: ${describeIssues(settings.error)}`);
  const exposure = controlExposure(parsed.data);
  if (exposure !== undefined && !parsed.data.openControl) throw new ConfigError(exposure);
  return { kind: "serve", options: parsed.data };
}
