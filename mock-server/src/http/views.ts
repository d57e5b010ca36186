import { describeStatus, magicLink, type AuthRequest } from "../domain/auth-request.js";
import type { CapturedEmail } from "../mail/email.js";
import type { ClockState, EnvironmentControl, EnvironmentStats, JournalEntry, RestoreSummary } from "../services/environment-control.js";
import type { FaultRule } from "../services/fault-control.js";
import type { UsableCredentials } from "../services/inbox-reads.js";
import type { TemplatePreview, TemplateView } from "../services/template-control.js";

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
    ...(full && email.html !== undefined && { html: email.html }),
    ...(full && email.text !== undefined && { text: email.text }),
  };
}

/** `GET /otp`: the code or link, already extracted. */
export function credentialsJson({ email, request }: UsableCredentials) {
  return {
    ...(email.otp !== undefined && { code: email.otp }),
    ...(email.link !== undefined && { link: email.link }),
    ...(email.linkToken !== undefined && { link_token: email.linkToken }),
    auth_request_id: request.id,
    template: request.template,
    expires_at: iso(request.expiresAt),
    seq: email.seq,
    email_id: email.id,
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

export function statsJson(stats: EnvironmentStats) {
  return { environment_id: stats.environmentId, auth_requests: stats.authRequests, emails: stats.emails, tokens_issued: stats.tokensIssued };
}

export function faultJson(rule: FaultRule) {
  return { ...rule.spec, hits: rule.hits, matches: rule.matches, active: rule.times === undefined || rule.hits < rule.times };
}

export function journalJson(entry: JournalEntry) {
  return {
    seq: entry.seq,
    time: iso(entry.time),
    transport: entry.transport,
    operation: entry.operation,
    ...(entry.email !== undefined && { email: entry.email }),
    ...(entry.authRequestId !== undefined && { auth_request_id: entry.authRequestId }),
    outcome: entry.outcome,
    grpc_code: entry.grpcCode,
    ...(entry.httpStatus !== undefined && { http_status: entry.httpStatus }),
    duration_ms: entry.durationMs,
    headers: entry.headers,
    ...(entry.faultId !== undefined && { fault_id: entry.faultId }),
    ...(entry.mailFaultId !== undefined && { mail_fault_id: entry.mailFaultId }),
  };
}

export function restoredJson(summary: RestoreSummary) {
  return { restored: true, environment_id: summary.environmentId, auth_requests: summary.authRequests, emails: summary.emails, faults: summary.faults };
}

export function environmentJson(env: EnvironmentControl, origin: string, withSecret: boolean) {
  return {
    id: env.id,
    environment_url: origin,
    client_id: env.clientId,
    ...(withSecret && { client_secret: env.clientSecret }),
    control_url: `${origin}/_mock/v1/environments/${env.id}`,
    created_at: iso(env.createdAt),
    settings: env.settings(),
  };
}

/** A template type in the control API: its template as written, and whether it is the environment's own. */
export function templateJson(view: TemplateView) {
  const { variablesRequired, ...template } = view;
  return { ...template, variables_required: variablesRequired };
}

export function templatePreviewJson(preview: TemplatePreview) {
  return {
    subject: preview.subject,
    ...(preview.html !== undefined && { html: preview.html }),
    ...(preview.text !== undefined && { text: preview.text }),
    variables_required: preview.variablesRequired,
  };
}
