import {
  addressKey,
  expiryOf,
  openAuthRequest,
  assertResendable,
  resendAuthRequest,
  type AuthRequest,
  type RequestContext,
  type Verification,
} from "../domain/auth-request.js";
import { verifyCode, verifyLinkToken } from "../domain/verification.js";
import { phrased } from "../domain/error-phrases.js";
import { ERROR_CODES, ScalekitError } from "../domain/errors.js";
import type { MailOperation } from "../domain/operations.js";
import { randomUrlSafe } from "../domain/random-source.js";
import type { PasswordlessType } from "../domain/settings.js";
import type { ResendCommand, VerifyCommand } from "../domain/commands.js";
import { validateResend, validateSend, type SendInput } from "../domain/validation.js";
import { assertTemplateVariables, composeEmail } from "../mail/email.js";
import type { Environment } from "../state/environment.js";
import type { MailPlan, PlanMail } from "./call-stages.js";

const NOW: PlanMail = () => ({ mode: "now" });

export interface SendResult {
  authRequestId: string;
  /** Epoch ms. */
  expiresAt: number;
  /** Seconds. */
  expiresIn: number;
  passwordlessType: PasswordlessType;
}

function context(env: Environment): RequestContext {
  return { environmentId: env.id, settings: env.settings, random: env.random, now: env.clock.now() };
}

function sendResult(request: AuthRequest): SendResult {
  return {
    authRequestId: request.id,
    expiresAt: request.expiresAt,
    expiresIn: request.expiresIn,
    passwordlessType: request.passwordlessType,
  };
}

function notFound(id: string): ScalekitError {
  return new ScalekitError("NotFound", ERROR_CODES.authRequestNotFound, phrased("authRequestNotFound", `"${id}" is not an auth request of this environment; check the id its send returned, or send a new email`), {
    field: "auth_request_id",
  });
}

/**
 * Send, resend and verify, whatever the transport. REST and gRPC both call
 * this, so they behave the same by construction.
 */
export class PasswordlessService {
  /** `mail` decides, at delivery, what becomes of the email (mail faults may lose or delay it). */
  send(env: Environment, input: SendInput, mail: PlanMail = NOW): SendResult {
    const valid = validateSend(input, env.settings);
    assertTemplateVariables(env.templates.active(valid.template), valid.template, valid.templateVariables);
    const ctx = context(env);
    // Refused before the send is counted, so a refused send leaves the next one's credentials as they were.
    expiryOf(ctx.now, valid.expiresIn);
    const request = openAuthRequest(ctx, valid, env.nextSendIndex(valid.email));
    env.saveAuthRequest(request);
    this.#deliver(env, request, "send", mail);
    return sendResult(request);
  }

  resend(env: Environment, input: Pick<ResendCommand, "authRequestId">, mail: PlanMail = NOW): SendResult {
    validateResend(input);
    const request = env.authRequest(input.authRequestId);
    if (request === undefined) throw notFound(input.authRequestId);
    const ctx = context(env);
    // A request that cannot be resent says so first: its variables cannot be supplied on a resend anyway.
    assertResendable(ctx, request);
    // Deviation D57: a resend renders the template of now, so it needs that template's variables too
    assertTemplateVariables(env.templates.active(request.template), request.template, request.templateVariables, "resend");
    resendAuthRequest(ctx, request);
    env.saveAuthRequest(request);
    this.#deliver(env, request, "resend", mail);
    return sendResult(request);
  }

  /** The command is valid by construction (`verifyCommand`): exactly one credential, lengths checked. */
  verify(env: Environment, command: VerifyCommand): Verification {
    const request = this.#requestToVerify(env, command);
    try {
      const now = env.clock.now();
      const verification =
        command.kind === "verifyCode"
          ? verifyCode(request, command.code, now)
          : verifyLinkToken(request, command.linkToken, command.authRequestId !== undefined, env.settings, now);
      env.publish("auth_request.verified", { auth_request_id: request.id, email: request.email });
      return verification;
    } catch (error) {
      if (error instanceof ScalekitError) {
        env.publish("auth_request.failed", { auth_request_id: request.id, email: request.email, error_code: error.errorCode, attempts: request.attempts });
      }
      throw error;
    }
  }

  #requestToVerify(env: Environment, command: VerifyCommand): AuthRequest {
    // A code always names its request; a link token names it when auth_request_id is given.
    const named = command.authRequestId;
    if (named !== undefined) {
      // Deviation D10: the named request decides, never the token's owner
      const request = env.authRequest(named);
      if (request === undefined) throw notFound(named);
      return request;
    }
    const request = command.kind === "verifyLink" ? env.authRequestByLinkToken(command.linkToken) : undefined;
    if (request === undefined) {
      throw new ScalekitError("InvalidArgument", ERROR_CODES.linkTokenInvalid, phrased("verificationFailed", "link_token is not valid: no magic link was issued with this token"), {
        field: "link_token",
      });
    }
    return request;
  }

  #deliver(env: Environment, request: AuthRequest, kind: MailOperation, planMail: PlanMail): void {
    const mail: MailPlan = planMail();
    if (mail.mode === "drop") return;
    const id = randomUrlSafe(env.random.stream(env.id, addressKey(request.email), request.sendIndex, "email", request.resends), 22);
    // Composed now, so the Date header, expiry, template and settings are those of send time, even when delivered late.
    const source = { template: env.templates.active(request.template), from: env.templates.from, settings: env.settings };
    const draft = composeEmail(source, request, { id, kind, now: env.clock.now() });
    if (mail.mode === "delay") env.inbox.captureLater(draft, mail.delayMs);
    else env.inbox.capture(draft);
  }
}
