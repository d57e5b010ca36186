import { z } from "zod";
import { chosenId } from "../domain/ids.js";
import { GRPC_CODES, type GrpcCodeName } from "../domain/errors.js";
import { describeValue } from "../domain/preview.js";
import { MAIL_OPERATIONS, OAUTH_OPERATIONS, OPERATIONS, TRANSPORTS } from "../domain/operations.js";
import { LIMITS } from "../domain/validation.js";

export const FAULT_OPERATIONS = [...OPERATIONS, "*"] as const;

const CODE_BY_LOWER_NAME = new Map<string, GrpcCodeName>(
  (Object.keys(GRPC_CODES) as GrpcCodeName[]).flatMap((name) => [
    [name.toLowerCase(), name],
    // SCREAMING_SNAKE, as Go and the gRPC docs write them: RESOURCE_EXHAUSTED.
    [name.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase(), name],
  ]),
);

/** A gRPC code by name in any common spelling ("Unavailable", "UNAVAILABLE", "resource_exhausted") or number. */
const GRPC_CODE_HINT = 'e.g. "Unavailable", "ResourceExhausted", 14';

export const grpcCodeName = z.union([z.string(), z.number().int()], { error: (issue) => `not a gRPC error code: ${describeValue(issue.input)} (${GRPC_CODE_HINT})` }).transform((value, ctx): GrpcCodeName => {
  const name =
    typeof value === "number"
      ? (Object.keys(GRPC_CODES) as GrpcCodeName[]).find((n) => GRPC_CODES[n] === value)
      : CODE_BY_LOWER_NAME.get(value.toLowerCase());
  if (name === undefined || name === "OK") {
    ctx.addIssue({ code: "custom", message: `not a gRPC error code: ${describeValue(value)} (${GRPC_CODE_HINT})` });
    return z.NEVER;
  }
  return name;
});

const errorObject = z
  .object({
    grpcCode: grpcCodeName.optional(),
    status: z.number().int().min(400).max(599).optional(),
    /** The `error_code` in ErrorInfo. Default: the gRPC code in SCREAMING_SNAKE_CASE. */
    code: z.string().min(1).max(100).optional(),
    message: z.string().min(1).max(1000).optional(),
  })
  .strict()
  .refine((e) => e.grpcCode !== undefined || e.status !== undefined, { message: "give grpcCode, status, or both" });

export const faultRuleInput = z
  .object({
    id: chosenId.optional(),
    operation: z.enum(FAULT_OPERATIONS),
    match: z
      .object({
        /** An address, or a glob with * and ? (case-insensitive). */
        email: z.string().min(1).max(LIMITS.emailMaxLength).optional(),
        transport: z.enum(TRANSPORTS).optional(),
      })
      .strict()
      .optional(),
    /** Fail the call: a gRPC code name (mapped to its HTTP status), or the details. */
    error: z
      .union([grpcCodeName, errorObject], {
        // A scalar that is no code gets the code's own message (zod would say only "Invalid input"); an object keeps zod's.
        error: (issue) =>
          typeof issue.input === "object" && issue.input !== null && !Array.isArray(issue.input) ? undefined : grpcCodeName.safeParse(issue.input).error?.issues[0]?.message,
      })
      .optional(),
    /** Hold the call this long (real time) before answering; with `mail: "delay"`, hold the email instead. */
    delayMs: z.number().int().min(0).max(120_000).optional(),
    /** Drop the connection: the socket (HTTP/1.1) or the stream (HTTP/2 RST_STREAM). */
    drop: z.literal(true).optional(),
    /** Answer 429 / ResourceExhausted with a retry-after header. */
    rateLimit: z.union([z.literal(true), z.object({ retryAfter: z.number().int().min(0).max(86_400) }).strict()]).optional(),
    /** The call succeeds, but its email is lost or late. */
    mail: z.enum(["drop", "delay"]).optional(),
    /** Act this many times, then stop. */
    times: z.number().int().min(1).max(1_000_000).optional(),
    /** Let this many matching calls through first. */
    after: z.number().int().min(0).max(1_000_000).default(0),
    /** Chance to act on each matching call, drawn from the seed. */
    probability: z.number().min(0).max(1).default(1),
  })
  .strict()
  .superRefine((rule, ctx) => {
    const actions = (["error", "drop", "rateLimit", "mail"] as const).filter((key) => rule[key] !== undefined);
    if (actions.length > 1) {
      ctx.addIssue({ code: "custom", path: [actions[1]!], message: `give one of error, drop, rateLimit, mail; got ${actions.join(" and ")}` });
    }
    if (actions.length === 0 && rule.delayMs === undefined) {
      ctx.addIssue({ code: "custom", path: ["error"], message: "a rule needs an action: error, delayMs, drop, rateLimit or mail" });
    }
    if (rule.mail !== undefined && ![...MAIL_OPERATIONS, "*"].includes(rule.operation as (typeof MAIL_OPERATIONS)[number] | "*")) {
      ctx.addIssue({ code: "custom", path: ["mail"], message: `mail faults apply to send and resend, not ${rule.operation}` });
    }
    if (rule.match?.email !== undefined && (OAUTH_OPERATIONS as readonly string[]).includes(rule.operation)) {
      ctx.addIssue({ code: "custom", path: ["match", "email"], message: `${rule.operation} calls carry no email to match` });
    }
  });

export type FaultRuleInput = z.input<typeof faultRuleInput>;
export type FaultRuleSpec = z.output<typeof faultRuleInput>;
