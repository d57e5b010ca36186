import { z } from "zod";
import { DEFAULT_CLIENT_ID, DEFAULT_SEED } from "./default-client.js";
import { parseDuration } from "./domain/duration.js";
import { EMAIL_TEMPLATE_TYPES, templateSourceSchema, type EmailTemplateType } from "./domain/email-template.js";
import { senderSchema } from "./domain/sender.js";
import { ownRecord } from "./domain/own-record.js";

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
    /**
     * Email templates every environment starts with: a folder holding `manifest.json` (as
     * `fixtures/email-templates`), or the templates themselves by type. Types left out use the packaged ones.
     */
    templates: z
      .union([
        z.string().min(1),
        z
          .object({
            from: senderSchema.optional(),
            ...(Object.fromEntries(EMAIL_TEMPLATE_TYPES.map((type) => [type, templateSourceSchema.optional()])) as Record<
              EmailTemplateType,
              z.ZodOptional<typeof templateSourceSchema>
            >),
          })
          .strict(),
      ])
      .optional(),
    /** When set, the control API (except /health) requires `Authorization: Bearer <adminToken>`. */
    adminToken: z.string().min(16, "use at least 16 characters").max(500).optional(),
    /**
     * Host names (besides loopback names, IP addresses and the machine's own name) the control API
     * and web inbox answer to; `.example.com` allows its subdomains too, `*` any name.
     */
    allowedHosts: z.array(z.string().regex(/^(\*|\.?[A-Za-z0-9_.-]{1,253})$/, 'a host name, ".domain" for its subdomains, or "*"')).default([]),
    /** Serve the control API without a token on a non-loopback address (prints a warning). */
    openControl: z.boolean().default(false),
    /**
     * Also send every captured email to this SMTP server (smtp://host:port or smtps://user:pass@host:port),
     * or over LMTP to a mailbox server such as Dovecot (lmtp://host:port: LMTP has no standard port).
     */
    smtpRelay: z
      .string()
      .refine(
        (value) => /^(smtps?:\/\/[^\s/]+(:\d+)?|lmtp:\/\/[^\s/@]+:\d+)\/?$/.test(value),
        "expected smtp://host:port, smtps://user:password@host:port or lmtp://host:port",
      )
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
    /**
     * Serve TLS (https://, gRPC over h2 via ALPN) on the same port as plain HTTP, with a CA and
     * server certificate generated at start from the seed. Implied by the other tls* options.
     */
    tls: z.boolean().optional(),
    /** A server certificate (PEM, chain allowed) to serve instead of a generated one; needs `tlsKey`. */
    tlsCert: z.string().min(1).optional(),
    /** The private key (PEM) of `tlsCert`. */
    tlsKey: z.string().min(1).optional(),
    /** Write the generated CA certificate (PEM) to this file, for clients to trust. */
    tlsCaOut: z.string().min(1).optional(),
    /** Another port that speaks only TLS, such as 443 for clients that always dial it (grpc-java). */
    tlsPort: z.coerce.number().int().min(0).max(65_535).optional(),
  })
  .strict()
  .superRefine((options, ctx) => {
    for (const problem of tlsProblems(options)) ctx.addIssue({ code: "custom", path: [problem.option], message: problem.message });
  })
  .superRefine((options, ctx) => {
    if (options.requestTimeout >= options.headersTimeout) return;
    ctx.addIssue({
      code: "custom",
      path: ["requestTimeout"],
      message: `${options.requestTimeout} ms is shorter than headersTimeout (${options.headersTimeout} ms), yet a request's headers are part of it: raise --request-timeout or lower --headers-timeout`,
    });
  });

/** Where a TLS server certificate comes from: none, generated at start, or files you bring. */
export type TlsMode = "off" | "generated" | "file";

type TlsOptions = Pick<ServerOptionsInput, "tls" | "tlsCert" | "tlsKey" | "tlsCaOut" | "tlsPort" | "port">;

export function tlsMode(options: TlsOptions): TlsMode {
  if (options.tlsCert !== undefined || options.tlsKey !== undefined) return "file";
  const asked = options.tls === true || options.tlsCaOut !== undefined || options.tlsPort !== undefined;
  return asked ? "generated" : "off";
}

/** Combinations of TLS options that cannot work, each with what to do instead. */
function tlsProblems(options: TlsOptions): { option: keyof TlsOptions; message: string }[] {
  const problems: { option: keyof TlsOptions; message: string }[] = [];
  const brought = options.tlsCert !== undefined || options.tlsKey !== undefined;
  if (brought && (options.tlsCert === undefined || options.tlsKey === undefined)) {
    problems.push({ option: options.tlsCert === undefined ? "tlsCert" : "tlsKey", message: "--tls-cert and --tls-key go together: give both files, or neither to have a certificate generated" });
  }
  if (options.tls === false && tlsMode(options) !== "off") {
    problems.push({ option: "tls", message: "tls is false, yet other tls options ask for TLS: drop one or the other" });
  }
  if (brought && options.tlsCaOut !== undefined) {
    problems.push({ option: "tlsCaOut", message: "--tls-ca-out writes the generated CA, and with --tls-cert nothing is generated: trust your certificate's own CA instead" });
  }
  if (options.tlsPort !== undefined && options.tlsPort !== 0 && Number(options.tlsPort) === Number(options.port ?? DEFAULT_PORT)) {
    problems.push({ option: "tlsPort", message: `--tls-port ${options.tlsPort} is the main port, which already speaks TLS with --tls: pick another port, or drop --tls-port` });
  }
  return problems;
}

export type ServerOptionsInput = z.input<typeof serverOptionsSchema>;
export type ServerOptions = z.output<typeof serverOptionsSchema>;

export class ConfigError extends Error {}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Why the options would expose the control API to other machines without a token, if they do. */
export function controlExposure(options: { host: string; adminToken?: string | undefined }): string | undefined {
  if (isLoopback(options.host) || options.adminToken !== undefined) return undefined;
  return `binding ${options.host} exposes the control API (mail, codes, faults) to other machines: set --admin-token (SCALEKIT_MOCK_ADMIN_TOKEN), or pass --open-control to accept the risk`;
}
