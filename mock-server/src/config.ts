import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { DEFAULT_CLIENT_ID, DEFAULT_SEED } from "./credentials.js";
import { ownRecord } from "./domain/own-record.js";
import { PASSWORDLESS_TYPES, settingsSchema } from "./domain/settings.js";

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = "127.0.0.1";
export { DEFAULT_CLIENT_ID, DEFAULT_SEED };

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
    /** Serve the control API without a token on a non-loopback address (prints a warning). */
    openControl: z.boolean().default(false),
    /** Also send every captured email to this SMTP server (smtp://host:port or smtps://user:pass@host:port). */
    smtpRelay: z
      .string()
      .refine((value) => /^smtps?:\/\/[^\s/]+(:\d+)?\/?$/.test(value), "expected smtp://host:port or smtps://user:password@host:port")
      .optional(),
  })
  .strict();

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
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("expected a JSON object");
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(config)"}: ${issue.message}`).join("; ");
}

/**
 * Reads the command line and environment into server options. Throws
 * ConfigError with a message fit for the terminal.
 */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliRequest {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: "string" as const }]));
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
    const value = (values[flag] as string | undefined) ?? env[FLAGS[flag].env];
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
