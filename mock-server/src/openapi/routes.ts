import { z } from "zod";
import { PASSWORDLESS_REST_PREFIX } from "../domain/operations.js";
import { authRequestsQuery, clockChange, emailListQuery, latestEmailQuery, newEnvironment, otpQuery, requestsQuery, templatePreviewInput, templatePut } from "../schemas/control.js";
import * as views from "../schemas/control-views.js";
import { faultRuleInput } from "../schemas/faults.js";
import * as scalekit from "../schemas/scalekit.js";
import { snapshotSchema } from "../schemas/snapshot.js";

/** One documented route: its inputs and, per status, the body it answers. */
export interface RouteDoc {
  method: "get" | "post" | "put" | "delete";
  /** OpenAPI path, e.g. `/_mock/v1/emails/{id}`. */
  path: string;
  summary: string;
  query?: z.ZodObject;
  body?: z.ZodType;
  bodyType?: string;
  /** By status; `default` covers any other (fault rules can answer any status). */
  responses: Partial<Record<number | "default", { description: string; schema?: z.ZodType; contentType?: string }>>;
}

const gatewayError = { description: "grpc-gateway error body", schema: scalekit.gatewayErrorBody };
const faultError = { description: "any other status a fault rule asks for, same body", schema: scalekit.gatewayErrorBody };
const controlError = { description: "control API error", schema: scalekit.controlErrorBody };
const sendResponse = { description: "the auth request", schema: scalekit.sendPasswordlessResponse };

export const scalekitRoutes: RouteDoc[] = [
  {
    method: "post",
    path: `${PASSWORDLESS_REST_PREFIX}/send`,
    summary: "Send a passwordless email (OTP and/or magic link)",
    body: scalekit.sendPasswordlessRequest,
    responses: { 200: sendResponse, 400: gatewayError, 401: gatewayError, 429: gatewayError, default: faultError },
  },
  {
    method: "post",
    path: `${PASSWORDLESS_REST_PREFIX}/resend`,
    summary: "Resend the email of an auth request",
    body: scalekit.resendPasswordlessRequest,
    responses: { 200: sendResponse, 400: gatewayError, 401: gatewayError, 404: gatewayError, 429: gatewayError, default: faultError },
  },
  {
    method: "post",
    path: `${PASSWORDLESS_REST_PREFIX}/verify`,
    summary: "Verify an OTP code or a magic link token",
    body: scalekit.verifyPasswordlessRequest,
    responses: {
      200: { description: "who was verified", schema: scalekit.verifyPasswordlessResponse },
      400: gatewayError,
      401: gatewayError,
      403: gatewayError,
      404: gatewayError,
      429: gatewayError,
      default: faultError,
    },
  },
  {
    method: "post",
    path: "/oauth/token",
    summary: "Client credentials grant",
    body: z.object({ grant_type: z.literal("client_credentials"), client_id: z.string(), client_secret: z.string() }),
    bodyType: "application/x-www-form-urlencoded",
    responses: {
      200: { description: "an RS256 access token", schema: scalekit.tokenResponse },
      400: { description: "OAuth error", schema: scalekit.oauthError },
      401: { description: "OAuth error", schema: scalekit.oauthError },
    },
  },
  { method: "get", path: "/keys", summary: "JWKS of the token signing key", responses: { 200: { description: "JWKS", schema: scalekit.jwks } } },
];

const C = "/_mock/v1";

export const controlRoutes: RouteDoc[] = [
  { method: "get", path: `${C}/health`, summary: "Health", responses: { 200: { description: "ok", schema: views.health } } },
  {
    method: "get",
    path: `${C}/tls/ca.pem`,
    summary: "The generated CA certificate to trust for https:// (no admin token needed)",
    responses: { 200: { description: "the CA certificate, PEM", contentType: "application/x-pem-file" }, 404: controlError },
  },
  { method: "get", path: `${C}/stats`, summary: "Counts of auth requests, emails and tokens", responses: { 200: { description: "counts", schema: views.stats } } },
  { method: "post", path: `${C}/reset`, summary: "Reset the environment", responses: { 200: { description: "reset", schema: views.resetResult } } },
  { method: "get", path: `${C}/settings`, summary: "Settings", responses: { 200: { description: "settings", schema: views.settings } } },
  {
    method: "put",
    path: `${C}/settings`,
    summary: "Change settings (fields left out keep their values)",
    body: views.settingsPatch,
    responses: { 200: { description: "all settings", schema: views.settings }, 400: controlError, 415: controlError },
  },
  { method: "get", path: `${C}/emails`, summary: "Captured emails, newest first", query: emailListQuery, responses: { 200: { description: "emails", schema: views.emailList }, 400: controlError } },
  { method: "delete", path: `${C}/emails`, summary: "Delete every email", responses: { 200: { description: "count", schema: views.deletedCount } } },
  {
    method: "get",
    path: `${C}/emails/latest`,
    summary: "The newest matching email; long-polls up to `wait`",
    query: latestEmailQuery,
    responses: { 200: { description: "the email", schema: views.email }, 400: controlError, 404: controlError, 503: controlError },
  },
  { method: "get", path: `${C}/emails/{id}`, summary: "One email; append .eml, .html or .txt for the raw forms", responses: { 200: { description: "the email", schema: views.email }, 404: controlError } },
  {
    method: "get",
    path: `${C}/otp`,
    summary: "The newest code or link to an address that still works",
    query: otpQuery,
    responses: { 200: { description: "credentials", schema: views.otp }, 400: controlError, 404: controlError, 503: controlError },
  },
  { method: "get", path: `${C}/templates`, summary: "The email templates, SIGNIN and SIGNUP, each the environment's own or the packaged one", responses: { 200: { description: "templates", schema: views.templateList } } },
  { method: "get", path: `${C}/templates/{type}`, summary: "One email template (type SIGNIN or SIGNUP)", responses: { 200: { description: "the template", schema: views.template }, 404: controlError } },
  {
    method: "put",
    path: `${C}/templates/{type}`,
    summary: "Replace the environment's email template of this type (Mustache: {{ name }}, sections, comments)",
    body: templatePut,
    responses: { 200: { description: "the template", schema: views.template }, 400: controlError, 404: controlError, 415: controlError },
  },
  {
    method: "delete",
    path: `${C}/templates/{type}`,
    summary: "Back to the packaged template of this type",
    responses: { 200: { description: "the packaged template", schema: views.template }, 404: controlError },
  },
  {
    method: "post",
    path: `${C}/templates/{type}/preview`,
    summary: "Render the stored template (or one given) with sample credentials, the settings' built-in values and the given template_variables",
    body: templatePreviewInput,
    responses: { 200: { description: "the rendered email", schema: views.templatePreview }, 400: controlError, 404: controlError, 415: controlError },
  },
  { method: "get", path: `${C}/auth-requests`, summary: "Auth requests, newest first", query: authRequestsQuery, responses: { 200: { description: "auth requests", schema: views.authRequestList } } },
  { method: "get", path: `${C}/auth-requests/{id}`, summary: "One auth request", responses: { 200: { description: "the auth request", schema: views.authRequest }, 404: controlError } },
  { method: "get", path: `${C}/clock`, summary: "The mock clock", responses: { 200: { description: "clock", schema: views.clock } } },
  { method: "post", path: `${C}/clock`, summary: "Advance, set or freeze the clock", body: clockChange, responses: { 200: { description: "clock", schema: views.clock }, 400: controlError } },
  { method: "delete", path: `${C}/clock`, summary: "Back to real time", responses: { 200: { description: "clock", schema: views.clock } } },
  { method: "get", path: `${C}/faults`, summary: "Fault rules with hit counts", responses: { 200: { description: "rules", schema: views.faultList } } },
  {
    method: "post",
    path: `${C}/faults`,
    summary: "Add a fault rule (or an array of them)",
    body: z.union([faultRuleInput, z.array(faultRuleInput)]),
    responses: { 201: { description: "the rule (or {faults})", schema: z.union([views.fault, views.faultList]) }, 400: controlError, 409: controlError },
  },
  { method: "delete", path: `${C}/faults`, summary: "Delete every fault rule", responses: { 200: { description: "count", schema: views.deletedCount } } },
  { method: "delete", path: `${C}/faults/{id}`, summary: "Delete one fault rule", responses: { 200: { description: "count", schema: views.deletedCount }, 404: controlError } },
  {
    method: "get",
    path: `${C}/requests`,
    summary: "Journal of Scalekit calls, newest first",
    query: requestsQuery,
    responses: { 200: { description: "calls", schema: views.requestList }, 400: controlError },
  },
  { method: "delete", path: `${C}/requests`, summary: "Clear the journal", responses: { 200: { description: "count", schema: views.deletedCount } } },
  { method: "get", path: `${C}/events`, summary: "Server-sent events", responses: { 200: { description: "event stream", contentType: "text/event-stream" } } },
  { method: "get", path: `${C}/snapshot`, summary: "Export the environment", responses: { 200: { description: "snapshot", schema: snapshotSchema } } },
  { method: "put", path: `${C}/snapshot`, summary: "Restore the environment", body: snapshotSchema, responses: { 200: { description: "restored", schema: views.snapshotRestored }, 400: controlError } },
  { method: "get", path: `${C}/environments`, summary: "Environments (without secrets)", responses: { 200: { description: "environments", schema: views.environmentList } } },
  {
    method: "post",
    path: `${C}/environments`,
    summary: "Create an isolated environment",
    // The settings are checked when the environment is made; documented here field by field.
    body: newEnvironment.extend({ settings: views.settingsPatch.optional() }),
    responses: { 201: { description: "the environment, with its secret", schema: views.environment }, 400: controlError, 409: controlError },
  },
  { method: "get", path: `${C}/environments/{id}`, summary: "One environment", responses: { 200: { description: "the environment", schema: views.environment }, 404: controlError } },
  {
    method: "delete",
    path: `${C}/environments/{id}`,
    summary: "Delete an environment",
    responses: { 200: { description: "deleted", schema: z.object({ deleted: z.string() }).strict() }, 400: controlError, 404: controlError },
  },
];
