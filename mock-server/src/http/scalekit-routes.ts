import { Hono, type Context } from "hono";
import { ERROR_CODES, ScalekitError } from "../domain/errors.js";
import type { Verification } from "../domain/auth-request.js";
import { TEMPLATE_TYPES, type ResendInput, type SendInput, type VerifyInput } from "../domain/validation.js";
import type { Call } from "../services/calls.js";
import type { SendResult } from "../services/passwordless.js";
import type { Environment } from "../state/environment.js";
import { BodyError, readJson } from "./body.js";
import type { HttpDeps } from "./deps.js";
import { journaled } from "./journaled.js";
import { decodeMessage, type FieldSpec } from "./protojson.js";

const SEND_FIELDS: FieldSpec[] = [
  { name: "email", kind: { type: "string" } },
  { name: "template", kind: { type: "enum", values: TEMPLATE_TYPES } },
  { name: "magiclink_auth_uri", kind: { type: "string" } },
  { name: "state", kind: { type: "string" } },
  { name: "expires_in", kind: { type: "uint32" } },
  { name: "template_variables", kind: { type: "map" } },
];
const VERIFY_FIELDS: FieldSpec[] = [
  { name: "code", kind: { type: "string" } },
  { name: "link_token", kind: { type: "string" } },
  { name: "auth_request_id", kind: { type: "string" } },
];
const RESEND_FIELDS: FieldSpec[] = [{ name: "auth_request_id", kind: { type: "string" } }];

/** SendPasswordlessResponse in protobuf JSON: int64 as a string, enum by name. */
export function sendResponseJson(result: SendResult) {
  return {
    auth_request_id: result.authRequestId,
    expires_at: String(Math.floor(result.expiresAt / 1000)),
    expires_in: result.expiresIn,
    passwordless_type: result.passwordlessType,
  };
}

export function verifyResponseJson(result: Verification) {
  return {
    email: result.email,
    ...(result.state !== undefined && { state: result.state }),
    template: result.template,
    passwordless_type: result.passwordlessType,
  };
}

/** Longest value of the ignored-fields header, and longest field name it spells out (characters). */
const IGNORED_HEADER_LIMITS = { value: 1024, name: 64 };
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The `x-scalekit-mock-ignored-fields` value: the unknown field names
 * percent-encoded (UTF-8) and comma-separated, so any name (non-Latin-1, CR/LF,
 * NUL, a comma) makes a valid ASCII header; cut at a bounded length, with how
 * many more there were.
 */
export function ignoredFieldsHeader(names: readonly string[]): string {
  let value = "";
  let listed = 0;
  for (const name of names) {
    const chars = Array.from(name.slice(0, IGNORED_HEADER_LIMITS.name * 2 + 2));
    const shown = chars.length > IGNORED_HEADER_LIMITS.name ? `${chars.slice(0, IGNORED_HEADER_LIMITS.name).join("")}…` : chars.join("");
    const encoded = encodeURIComponent(shown.replace(LONE_SURROGATE, "\uFFFD"));
    const next = listed === 0 ? encoded : `${value},${encoded}`;
    if (next.length > IGNORED_HEADER_LIMITS.value - 20) break;
    value = next;
    listed++;
  }
  return listed < names.length ? `${value} (+${names.length - listed} more)`.trimStart() : value;
}

function bodyError(error: unknown): never {
  if (error instanceof BodyError) throw new ScalekitError("InvalidArgument", ERROR_CODES.invalidArgument, error.message);
  throw error;
}

/**
 * Decodes the body, then authenticates (the order grpc-gateway runs them
 * in), then applies the environment's fault rules.
 */
async function admit(c: Context, deps: HttpDeps, call: Call, fields: FieldSpec[]) {
  const body = await readJson(c).catch(bodyError);
  const decoded = decodeMessage(body, fields);
  if (decoded.ignored.length > 0) c.header("x-scalekit-mock-ignored-fields", ignoredFieldsHeader(decoded.ignored));
  const env: Environment = await deps.tokens.authenticate(c.req.header("authorization"), (id) => deps.environments.get(id));
  const f = decoded.fields;
  deps.calls.identify(call, env, {
    ...(typeof f.email === "string" && { email: f.email }),
    ...(typeof f.auth_request_id === "string" && { authRequestId: f.auth_request_id }),
    ...(typeof f.link_token === "string" && { linkToken: f.link_token }),
  });
  const mail = await deps.calls.applyFaults(call);
  return { fields: f, env, mail };
}

/** The REST transcoding of PasswordlessService (grpc-gateway style). */
export function scalekitRoutes(deps: HttpDeps): Hono {
  const app = new Hono();

  app.post(
    "/send",
    journaled(deps, "send", async (c, call) => {
      const { fields, env, mail } = await admit(c, deps, call, SEND_FIELDS);
      const input: SendInput = {
        email: (fields.email as string | undefined) ?? "",
        ...(fields.template !== undefined && { template: fields.template as SendInput["template"] }),
        ...(fields.magiclink_auth_uri !== undefined && { magiclinkAuthUri: fields.magiclink_auth_uri as string }),
        ...(fields.state !== undefined && { state: fields.state as string }),
        ...(fields.expires_in !== undefined && { expiresIn: fields.expires_in as number }),
        templateVariables: (fields.template_variables as Record<string, string> | undefined) ?? {},
      };
      return c.json(sendResponseJson(deps.passwordless.send(env, input, mail)));
    }),
  );

  app.post(
    "/resend",
    journaled(deps, "resend", async (c, call) => {
      const { fields, env, mail } = await admit(c, deps, call, RESEND_FIELDS);
      const input: ResendInput = { authRequestId: (fields.auth_request_id as string | undefined) ?? "" };
      return c.json(sendResponseJson(deps.passwordless.resend(env, input, mail)));
    }),
  );

  app.post(
    "/verify",
    journaled(deps, "verify", async (c, call) => {
      const { fields, env } = await admit(c, deps, call, VERIFY_FIELDS);
      if (fields.code !== undefined && fields.link_token !== undefined) {
        throw new ScalekitError("InvalidArgument", ERROR_CODES.invalidArgument, "invalid request body: oneof auth_credential is already set (give code or link_token, not both)", {
          field: "link_token",
        });
      }
      const input: VerifyInput = {
        ...(fields.code !== undefined && { code: fields.code as string }),
        ...(fields.link_token !== undefined && { linkToken: fields.link_token as string }),
        ...(fields.auth_request_id !== undefined && { authRequestId: fields.auth_request_id as string }),
      };
      return c.json(verifyResponseJson(deps.passwordless.verify(env, input)));
    }),
  );

  app.all("/:operation{send|resend|verify}", (c) => {
    c.header("allow", "POST");
    return c.json({ code: 12, message: "Method Not Allowed", details: [] }, 405);
  });

  return app;
}
