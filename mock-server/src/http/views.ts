import type { ClockState } from "../state/clock.js";
import { describeStatus, magicLink, type AuthRequest } from "../domain/auth-request.js";
import type { CapturedEmail } from "../mail/email.js";

const iso = (epochMs: number) => new Date(epochMs).toISOString();

/** An email in the control API; `full` adds the bodies. */
export function emailJson(email: CapturedEmail, full: boolean) {
  return {
    id: email.id,
    seq: email.seq,
    auth_request_id: email.authRequestId,
    kind: email.kind,
    from: email.from,
    to: email.to,
    subject: email.subject,
    date: iso(email.date),
    template: email.template,
    ...(email.otp !== undefined && { otp: email.otp }),
    ...(email.link !== undefined && { link: email.link }),
    ...(email.linkToken !== undefined && { link_token: email.linkToken }),
    expires_at: iso(email.expiresAt),
    ...(full && { html: email.html, text: email.text }),
  };
}

export function authRequestJson(request: AuthRequest, now: number) {
  const link = magicLink(request);
  return {
    auth_request_id: request.id,
    email: request.email,
    status: describeStatus(request, now),
    passwordless_type: request.passwordlessType,
    template: request.template,
    ...(request.state !== undefined && { state: request.state }),
    ...(request.magiclinkAuthUri !== undefined && { magiclink_auth_uri: request.magiclinkAuthUri }),
    template_variables: request.templateVariables,
    expires_in: request.expiresIn,
    created_at: iso(request.createdAt),
    expires_at: iso(request.expiresAt),
    ...(request.verifiedAt !== undefined && { verified_at: iso(request.verifiedAt) }),
    attempts: request.attempts,
    max_attempts: request.maxAttempts,
    resends: request.resends,
    credentials: {
      generation: request.credentials.generation,
      ...(request.credentials.code !== undefined && { code: request.credentials.code }),
      ...(request.credentials.linkToken !== undefined && { link_token: request.credentials.linkToken }),
      ...(link !== undefined && { link }),
    },
    retired_link_tokens: request.retiredLinkTokens,
  };
}

export function clockJson(state: ClockState) {
  return { now: iso(state.now), epoch_ms: state.now, offset_ms: state.offsetMs, frozen: state.frozen };
}
