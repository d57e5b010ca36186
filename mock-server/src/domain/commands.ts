import { ERROR_CODES, ScalekitError } from "./errors.js";
import { templateVariables, validationError, verifyViolations, type SendInput, type TemplateName } from "./validation.js";

/**
 * What a Scalekit call asks for, whatever carried it: each transport decodes
 * its wire format into one of these, once, and the call pipeline takes it
 * from there.
 */
/** `given`: what the request named, before defaults (an absent email is "" here, and matches no fault rule). */
export type SendCommand = { kind: "send"; given: CallFacts } & SendInput;
export interface ResendCommand {
  kind: "resend";
  authRequestId: string;
  given: CallFacts;
}
/** A verify by code: the code belongs to the named auth request. */
export interface VerifyCodeCommand {
  kind: "verifyCode";
  code: string;
  authRequestId: string;
}
/** A verify by magic link token; `authRequestId` only when the app passes it (same-origin enforcement). */
export interface VerifyLinkCommand {
  kind: "verifyLink";
  linkToken: string;
  authRequestId?: string;
}
export type VerifyCommand = VerifyCodeCommand | VerifyLinkCommand;
export type ScalekitCommand = SendCommand | ResendCommand | VerifyCommand;

/** What a call is about, for fault matching and the journal, before the service runs. */
export interface CallFacts {
  email?: string;
  authRequestId?: string;
  linkToken?: string;
}

/**
 * A request that decoded but breaks a rule of its message (the verify oneof,
 * a length): it is authenticated, meets fault rules and is journaled like
 * any call, then refused where the service would have validated it.
 */
export interface InvalidCommand {
  kind: "invalid";
  error: ScalekitError;
  facts: CallFacts;
}

export function factsOf(command: ScalekitCommand | InvalidCommand): CallFacts {
  switch (command.kind) {
    case "send":
    case "resend":
      return command.given;
    case "verifyCode":
      return { authRequestId: command.authRequestId };
    case "verifyLink":
      return { linkToken: command.linkToken, ...(command.authRequestId !== undefined && { authRequestId: command.authRequestId }) };
    case "invalid":
      return command.facts;
  }
}

/** The fields of a send as a transport decoded them; unset ones are absent or undefined. */
export interface SendFields {
  email?: string | undefined;
  /** An enum name, or a number the enum does not define (open enums). */
  template?: TemplateName | number | undefined;
  magiclinkAuthUri?: string | undefined;
  state?: string | undefined;
  expiresIn?: number | undefined;
  templateVariables?: Record<string, string> | undefined;
}

const NO_VARIABLES: Readonly<Record<string, string>> = Object.freeze(templateVariables());

export function sendCommand(fields: SendFields): SendCommand {
  return {
    kind: "send",
    given: fields.email === undefined ? {} : { email: fields.email },
    email: fields.email ?? "",
    ...(fields.template !== undefined && { template: fields.template }),
    ...(fields.magiclinkAuthUri !== undefined && { magiclinkAuthUri: fields.magiclinkAuthUri }),
    ...(fields.state !== undefined && { state: fields.state }),
    ...(fields.expiresIn !== undefined && { expiresIn: fields.expiresIn }),
    // Validation reads the map by its entries and keeps its own copy: no copy here.
    templateVariables: fields.templateVariables ?? NO_VARIABLES,
  };
}

export function resendCommand(fields: { authRequestId?: string | undefined }): ResendCommand {
  return {
    kind: "resend",
    given: fields.authRequestId === undefined ? {} : { authRequestId: fields.authRequestId },
    authRequestId: fields.authRequestId ?? "",
  };
}

export interface VerifyFields {
  code?: string | undefined;
  linkToken?: string | undefined;
  authRequestId?: string | undefined;
}

/**
 * A verify command, or why the fields make none. The one place of the rule
 * "exactly one credential": `code` and `link_token` form the oneof
 * `auth_credential`; a JSON body may name both (protojson refuses that),
 * while a protobuf message can name neither (protovalidate's `required`).
 */
export function verifyCommand(fields: VerifyFields): VerifyCommand | InvalidCommand {
  const facts: CallFacts = {
    ...(fields.authRequestId !== undefined && { authRequestId: fields.authRequestId }),
    ...(fields.linkToken !== undefined && { linkToken: fields.linkToken }),
  };
  const invalid = (error: ScalekitError): InvalidCommand => ({ kind: "invalid", error, facts });
  if (fields.code !== undefined && fields.linkToken !== undefined) {
    return invalid(
      new ScalekitError("InvalidArgument", ERROR_CODES.invalidArgument, "invalid request body: oneof auth_credential is already set (give code or link_token, not both)", {
        field: "link_token",
      }),
    );
  }
  const violations = verifyViolations(fields);
  if (violations.length > 0) return invalid(validationError(violations));
  if (fields.code !== undefined) return { kind: "verifyCode", code: fields.code, authRequestId: fields.authRequestId! };
  return { kind: "verifyLink", linkToken: fields.linkToken!, ...(fields.authRequestId !== undefined && { authRequestId: fields.authRequestId }) };
}
