/**
 * A typed client of the mock's control API (`/_mock/v1`), for tests that
 * talk to a mock in another process or container. Needs only `fetch`.
 */
import type { z } from "zod";
import type * as views from "../schemas/control-views.js";
import type { FaultRuleInput } from "../schemas/faults.js";
import type { Snapshot } from "../schemas/snapshot.js";
import type { Settings, SettingsInput } from "../domain/settings.js";
import type { EmailTemplateType, TemplateSource } from "../domain/email-template.js";

// Every answer's type is inferred from the zod schema the server's answers are tested against.
export type EmailSummary = z.infer<typeof views.emailSummary>;
export type Email = z.infer<typeof views.email>;
export type OtpView = z.infer<typeof views.otp>;
export type AuthRequestView = z.infer<typeof views.authRequest>;
export type ClockView = z.infer<typeof views.clock>;
export type FaultView = z.infer<typeof views.fault>;
export type JournalView = z.infer<typeof views.journalEntry>;
export type EnvironmentView = z.infer<typeof views.environment>;
export type HealthView = z.infer<typeof views.health>;
export type StatsView = z.infer<typeof views.stats>;
export type TemplateView = z.infer<typeof views.template>;
export type TemplatePreviewView = z.infer<typeof views.templatePreview>;
export type { TemplateSource };
export type { Settings, SettingsInput, FaultRuleInput, Snapshot };

export interface EmailQuery {
  to?: string;
  authRequestId?: string;
  /** Only emails with a greater `seq`. */
  after?: number;
}

export interface WaitQuery {
  /** How long to wait: a duration such as "5s", or milliseconds. Default "5s". */
  timeout?: string | number;
  /** The same as `timeout`, in the control API's terms (a bare number is seconds). */
  wait?: string | number;
  after?: number;
  authRequestId?: string;
}

/** `timeout` in ms or as a duration, else `wait` as the control API takes it. */
function waitParam(query: WaitQuery): string | number {
  if (query.timeout !== undefined) return typeof query.timeout === "number" ? `${Math.max(0, Math.round(query.timeout))}ms` : query.timeout;
  return query.wait ?? "5s";
}

/** An error answered by the mock; `message` is the server's. */
export class MockApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown[];

  constructor(status: number, code: string, message: string, details: unknown[] = []) {
    super(message);
    this.name = "MockApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface ClientOptions {
  fetch?: typeof fetch;
  /** Address this environment (`/_mock/v1/environments/{id}/…`) instead of the default one. */
  environment?: string;
  /** The mock's --admin-token, when it has one. */
  adminToken?: string;
}



export class ScalekitMockClient {
  readonly baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #prefix: string;
  readonly #options: ClientOptions;

  constructor(baseUrl: string, options: ClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
    this.#prefix = options.environment === undefined ? "/_mock/v1" : `/_mock/v1/environments/${encodeURIComponent(options.environment)}`;
  }

  /** A client of another environment of the same mock. */
  forEnvironment(id: string): ScalekitMockClient {
    return new ScalekitMockClient(this.baseUrl, { ...this.#options, environment: id });
  }

  async #call<T>(method: string, path: string, query: Record<string, string | number | undefined> = {}, body?: unknown, root = false): Promise<T> {
    const url = new URL(`${this.baseUrl}${root ? "/_mock/v1" : this.#prefix}${path}`);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = {
      ...(body !== undefined && { "content-type": "application/json" }),
      ...(this.#options.adminToken !== undefined && { authorization: `Bearer ${this.#options.adminToken}` }),
    };
    const response = await this.#fetch(url, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
    const text = await response.text();
    const json: unknown = text === "" ? undefined : JSON.parse(text);
    if (!response.ok) {
      const error = (json as { error?: { code?: string; message?: string; details?: unknown[] } } | undefined)?.error;
      throw new MockApiError(response.status, error?.code ?? "UNKNOWN", error?.message ?? `${method} ${path} failed with HTTP ${response.status}`, error?.details);
    }
    return json as T;
  }

  readonly inbox = {
    list: (query: EmailQuery & { limit?: number } = {}) =>
      this.#call<{ count: number; emails: EmailSummary[] }>("GET", "/emails", {
        to: query.to,
        auth_request_id: query.authRequestId,
        after: query.after,
        limit: query.limit,
      }).then((r) => r.emails),
    latest: (query: EmailQuery & { wait?: string | number } = {}) =>
      this.#call<Email>("GET", "/emails/latest", { to: query.to, auth_request_id: query.authRequestId, after: query.after, wait: query.wait }),
    get: (id: string) => this.#call<Email>("GET", `/emails/${encodeURIComponent(id)}`),
    clear: () => this.#call<{ deleted: number }>("DELETE", "/emails").then((r) => r.deleted),
    /** The newest working OTP sent to `email`, waiting up to `wait` for it. */
    waitForOtp: (email: string, query: WaitQuery = {}) => this.#otp(email, query, "code"),
    /** The newest working magic link sent to `email`, waiting up to `wait` for it. */
    waitForLink: (email: string, query: WaitQuery = {}) => this.#otp(email, query, "link"),
  };

  async #otp<K extends "code" | "link">(email: string, query: WaitQuery, want: K): Promise<OtpView & Required<Pick<OtpView, K>>> {
    const found = await this.#call<OtpView>("GET", "/otp", {
      email,
      wait: waitParam(query),
      after: query.after,
      auth_request_id: query.authRequestId,
    });
    if (found[want] === undefined) {
      throw new MockApiError(404, "NOT_FOUND", `the newest email to ${email} carries no ${want === "code" ? "OTP code" : "magic link"}; check the passwordless type`);
    }
    return found as OtpView & Required<Pick<OtpView, K>>;
  }

  readonly clock = {
    now: () => this.#call<ClockView>("GET", "/clock"),
    /** `by`: a duration such as "5m" or "-30s", or milliseconds. */
    advance: (by: string | number) => this.#call<ClockView>("POST", "/clock", {}, { advance: by }),
    set: (to: Date | string | number) => this.#call<ClockView>("POST", "/clock", {}, { set: to instanceof Date ? to.toISOString() : to }),
    freeze: () => this.#call<ClockView>("POST", "/clock", {}, { freeze: true }),
    unfreeze: () => this.#call<ClockView>("POST", "/clock", {}, { freeze: false }),
    reset: () => this.#call<ClockView>("DELETE", "/clock"),
  };

  readonly settings = {
    get: () => this.#call<Settings>("GET", "/settings"),
    update: (patch: SettingsInput) => this.#call<Settings>("PUT", "/settings", {}, patch),
  };

  /** The environment's email templates (type SIGNIN or SIGNUP). */
  readonly templates = {
    list: () => this.#call<{ templates: TemplateView[] }>("GET", "/templates").then((r) => r.templates),
    get: (type: EmailTemplateType) => this.#call<TemplateView>("GET", `/templates/${type}`),
    /** Replaces the template; a 400 names the part (subject, html, text), line and column of a syntax error. */
    put: (type: EmailTemplateType, template: TemplateSource) => this.#call<TemplateView>("PUT", `/templates/${type}`, {}, template),
    /** Back to the packaged template; returns it. */
    delete: (type: EmailTemplateType) => this.#call<TemplateView>("DELETE", `/templates/${type}`),
    /** Renders the stored template, or `template`, with sample credentials and the given variables. */
    preview: (type: EmailTemplateType, options: { template?: TemplateSource; templateVariables?: Record<string, string>; email?: string } = {}) =>
      this.#call<TemplatePreviewView>("POST", `/templates/${type}/preview`, {}, {
        ...(options.template !== undefined && { template: options.template }),
        ...(options.templateVariables !== undefined && { template_variables: options.templateVariables }),
        ...(options.email !== undefined && { email: options.email }),
      }),
  };

  readonly authRequests = {
    list: (email?: string) =>
      this.#call<{ count: number; auth_requests: AuthRequestView[] }>("GET", "/auth-requests", { email }).then((r) => r.auth_requests),
    get: (id: string) => this.#call<AuthRequestView>("GET", `/auth-requests/${encodeURIComponent(id)}`),
  };

  readonly faults = {
    add: (rule: FaultRuleInput) => this.#call<FaultView>("POST", "/faults", {}, rule),
    list: () => this.#call<{ faults: FaultView[] }>("GET", "/faults").then((r) => r.faults),
    remove: (id: string) => this.#call<{ deleted: number }>("DELETE", `/faults/${encodeURIComponent(id)}`),
    clear: () => this.#call<{ deleted: number }>("DELETE", "/faults").then((r) => r.deleted),
  };

  readonly requests = {
    list: (query: { operation?: string; transport?: string; status?: string; since?: string; limit?: number } = {}) =>
      this.#call<{ count: number; requests: JournalView[] }>("GET", "/requests", query).then((r) => r.requests),
    clear: () => this.#call<{ deleted: number }>("DELETE", "/requests").then((r) => r.deleted),
  };

  readonly snapshot = {
    export: () => this.#call<Snapshot>("GET", "/snapshot"),
    import: (snapshot: unknown) => this.#call<{ restored: true }>("PUT", "/snapshot", {}, snapshot),
  };

  readonly environments = {
    create: (request: { id?: string; client_id?: string; client_secret?: string; seed?: string; settings?: SettingsInput } = {}) =>
      this.#call<EnvironmentView>("POST", "/environments", {}, request, true),
    list: () => this.#call<{ environments: EnvironmentView[] }>("GET", "/environments", {}, undefined, true).then((r) => r.environments),
    get: (id: string) => this.#call<EnvironmentView>("GET", `/environments/${encodeURIComponent(id)}`, {}, undefined, true),
    delete: (id: string) => this.#call<{ deleted: string }>("DELETE", `/environments/${encodeURIComponent(id)}`, {}, undefined, true),
  };

  /** How many auth requests, emails and access tokens the environment has seen since start or reset. */
  stats(): Promise<StatsView> {
    return this.#call("GET", "/stats");
  }

  health(): Promise<HealthView> {
    return this.#call("GET", "/health", {}, undefined, true);
  }

  reset(): Promise<{ status: "reset"; environment_id: string }> {
    return this.#call("POST", "/reset");
  }
}
