import { Hono, type Context } from "hono";
import {
  resendCommand,
  sendCommand,
  verifyCommand,
  type InvalidCommand,
  type ResendCommand,
  type ScalekitCommand,
  type SendCommand,
  type SendFields,
  type VerifyCommand,
} from "../domain/commands.js";
import { ERROR_CODES, ScalekitError } from "../domain/errors.js";
import { RESEND_REQUEST, SEND_REQUEST, SEND_RESPONSE, sendResponseValues, VERIFY_REQUEST, VERIFY_RESPONSE, type FieldDescription } from "../domain/messages.js";
import { PASSWORDLESS_OPERATIONS, type Operation } from "../domain/operations.js";
import type { ResultOf } from "../services/scalekit-call.js";
import { BodyError, readJson } from "./body.js";
import type { HttpDeps } from "./deps.js";
import { dropConnection, gatewayError } from "./errors.js";
import { ignoredFieldsHeader } from "./ignored-fields.js";
import { decodeMessage, encodeMessage } from "./protojson.js";

type Fields = Record<string, unknown>;

/** Reads and decodes a body (protojson rules), naming ignored fields in a response header. */
async function decodeBody(c: Context, fields: readonly FieldDescription[]): Promise<Fields> {
  const body = await readJson(c).catch((error: unknown) => {
    if (error instanceof BodyError) throw new ScalekitError("InvalidArgument", ERROR_CODES.invalidArgument, error.message);
    throw error;
  });
  const decoded = decodeMessage(body, fields);
  if (decoded.ignored.length > 0) c.header("x-scalekit-mock-ignored-fields", ignoredFieldsHeader(decoded.ignored));
  return decoded.fields;
}

/** The REST transcoding of PasswordlessService (grpc-gateway style): decode, call, encode. */
export function scalekitRoutes(deps: HttpDeps): Hono {
  const app = new Hono();

  const route =
    <C extends ScalekitCommand>(
      operation: Operation,
      request: readonly FieldDescription[],
      toCommand: (fields: Fields) => C | InvalidCommand,
      encode: (result: ResultOf<C>) => Record<string, unknown>,
    ) =>
    async (c: Context): Promise<Response> => {
      const outcome = await deps.scalekit.call({
        transport: "rest",
        operation,
        authorization: c.req.header("authorization"),
        headers: c.req.raw.headers.entries(),
        decode: async () => toCommand(await decodeBody(c, request)),
        encode,
      });
      if (outcome.kind === "drop") return dropConnection(c);
      if (outcome.kind === "error") return gatewayError(c, outcome.error);
      return c.json(outcome.value);
    };
  const sendResponse = (result: ResultOf<SendCommand>) => encodeMessage(SEND_RESPONSE, sendResponseValues(result));

  app.post("/send", route<SendCommand>("send", SEND_REQUEST, (f) => sendCommand(f as SendFields), sendResponse));
  app.post("/resend", route<ResendCommand>("resend", RESEND_REQUEST, (f) => resendCommand(f as { authRequestId?: string }), sendResponse));
  app.post("/verify", route<VerifyCommand>("verify", VERIFY_REQUEST, (f) => verifyCommand(f), (v) => encodeMessage(VERIFY_RESPONSE, { ...v })));

  // Deviation D39: other methods get grpc-gateway's 405 with Allow: POST
  app.all(`/:operation{${PASSWORDLESS_OPERATIONS.join("|")}}`, (c) => {
    c.header("allow", "POST");
    return c.json({ code: 12, message: "Method Not Allowed", details: [] }, 405);
  });

  return app;
}
