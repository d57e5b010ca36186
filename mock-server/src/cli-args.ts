import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { z } from "zod";
import { ConfigError, controlExposure, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SEED, DEFAULT_CLIENT_ID, SERVER_LIMIT_DEFAULTS, serverOptionsSchema, type ServerOptions } from "./config.js";
import { SDK_PACKAGE } from "./contract/sdk.js";
import { PASSWORDLESS_TYPES, settingsSchema } from "./domain/settings.js";

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
  templates: {
    env: "SCALEKIT_MOCK_TEMPLATES",
    type: "string",
    help: "folder of email templates every environment starts with: manifest.json plus its HTML/text files (see docs/control-api.md)",
  },
  "smtp-relay": { env: "SCALEKIT_MOCK_SMTP_RELAY", type: "string", help: "also send every captured email to this SMTP server, e.g. smtp://127.0.0.1:1025, or over LMTP to lmtp://host:port" },
  "allowed-host": {
    env: "SCALEKIT_MOCK_ALLOWED_HOSTS",
    type: "string",
    help: "another host name the control API and inbox answer to (repeat, or comma-separate; .example.com for subdomains, * for any)",
  },
  "tls-cert": { env: "SCALEKIT_MOCK_TLS_CERT", type: "string", help: "serve TLS with this certificate (PEM) instead of a generated one; with --tls-key" },
  "tls-key": { env: "SCALEKIT_MOCK_TLS_KEY", type: "string", help: "the private key (PEM) of --tls-cert" },
  "tls-ca-out": { env: "SCALEKIT_MOCK_TLS_CA_OUT", type: "string", help: "write the generated CA certificate (PEM) here (default: a file in the temp dir, named in the banner)" },
  "tls-port": { env: "SCALEKIT_MOCK_TLS_PORT", type: "string", help: "also listen on this port with TLS only, e.g. 443 for the Java SDK (implies --tls)" },
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
  config: { env: "SCALEKIT_MOCK_CONFIG", type: "string", help: "JSON file with any of: port, host, seed, clientId, clientSecret, smtpRelay, settings, templates" },
} as const;

export function helpText(version: string): string {
  const lines = Object.entries(FLAGS).map(([flag, spec]) => `  --${`${flag} <value>`.padEnd(28)}${spec.help}\n  ${"".padEnd(30)}env ${spec.env}`);
  return [
    `scalekit-mock ${version}: an offline Scalekit passwordless email API (OTP and magic link) with an inbox`,
    "",
    "Usage: scalekit-mock [options]",
    "       scalekit-mock check [--project DIR | --sdk-version X.Y.Z|latest | --sdk-range RANGE] [--json FILE]",
    `         compare the mock's contract with ${SDK_PACKAGE} (scalekit-mock check --help)`,
    "",
    "Options (flags win over env vars, env vars over the config file):",
    ...lines,
    `  ${"--tls".padEnd(30)}also serve TLS (https://, gRPC over h2) on the same port, with a generated CA\n  ${"".padEnd(30)}env SCALEKIT_MOCK_TLS=true`,
    `  ${"--open-control".padEnd(30)}serve the control API without a token off loopback (not safe)\n  ${"".padEnd(30)}env SCALEKIT_MOCK_OPEN_CONTROL=true`,
    `  ${"-h, --help".padEnd(30)}show this help`,
    `  ${"-v, --version".padEnd(30)}print the version and the SDK versions it was verified with`,
    "",
    "Control API: GET <url>/_mock/v1/health, /emails, /otp?email=…, /clock, /settings (see README).",
  ].join("\n");
}

/** An on/off env var: true/1/yes or false/0/no; unset or empty leaves the option to the config file. */
function envSwitch(env: NodeJS.ProcessEnv, name: string): { tls?: boolean } {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === "") return {};
  if (["true", "1", "yes"].includes(value)) return { tls: true };
  if (["false", "0", "no"].includes(value)) return { tls: false };
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
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
      options: { ...options, "open-control": { type: "boolean" }, tls: { type: "boolean" }, help: { type: "boolean", short: "h" }, version: { type: "boolean", short: "v" } },
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
    ...(pick("templates") !== undefined && { templates: pick("templates") }),
    ...(pick("admin-token") !== undefined && { adminToken: pick("admin-token") }),
    ...(pick("allowed-host") !== undefined && { allowedHosts: pick("allowed-host")!.split(",").map((name) => name.trim()).filter(Boolean) }),
    ...(pick("first-byte-timeout") !== undefined && { firstByteTimeout: pick("first-byte-timeout") }),
    ...(pick("headers-timeout") !== undefined && { headersTimeout: pick("headers-timeout") }),
    ...(pick("request-timeout") !== undefined && { requestTimeout: pick("request-timeout") }),
    ...(pick("idle-timeout") !== undefined && { idleTimeout: pick("idle-timeout") }),
    ...(pick("max-connections") !== undefined && { maxConnections: pick("max-connections") }),
    ...((values["open-control"] === true || env.SCALEKIT_MOCK_OPEN_CONTROL === "true") && { openControl: true }),
    ...(pick("tls-cert") !== undefined && { tlsCert: pick("tls-cert") }),
    ...(pick("tls-key") !== undefined && { tlsKey: pick("tls-key") }),
    ...(pick("tls-ca-out") !== undefined && { tlsCaOut: pick("tls-ca-out") }),
    ...(pick("tls-port") !== undefined && { tlsPort: pick("tls-port") }),
    ...(values.tls === true ? { tls: true } : envSwitch(env, "SCALEKIT_MOCK_TLS")),
    settings: {
      ...fileSettings,
      ...(passwordlessType !== undefined && { passwordlessType }),
      ...(tokenTtl !== undefined && { tokenTtl }),
    },
  };
  for (const [flag, value] of [["port", merged.port], ["tls-port", merged.tlsPort]] as const) {
    if (typeof value === "string" && !/^\d+$/.test(value)) throw new ConfigError(`--${flag} must be a number from 0 to 65535, got "${value}"`);
  }
  const parsed = serverOptionsSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${describeIssues(parsed.error)}`);
  const settings = settingsSchema.safeParse(parsed.data.settings);
  if (!settings.success) throw new ConfigError(`invalid settings: ${describeIssues(settings.error)}`);
  const exposure = controlExposure(parsed.data);
  if (exposure !== undefined && !parsed.data.openControl) throw new ConfigError(exposure);
  return { kind: "serve", options: parsed.data };
}
