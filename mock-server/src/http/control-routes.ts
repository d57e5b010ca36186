import { Hono, type Context } from "hono";
import { ZodError } from "zod";
import { clockChange, emailListQuery, latestEmailQuery, otpQuery } from "../schemas/control.js";
import { quote } from "../domain/preview.js";
import { ClockRangeError } from "../state/clock.js";
import type { SettingsInput } from "../domain/settings.js";
import type { CapturedEmail } from "../mail/email.js";
import { waitForUsableCredentials } from "../services/credential-lookup.js";
import type { EmailFilter } from "../mail/inbox.js";
import { toEml } from "../mail/mime.js";
import type { Environment } from "../state/environment.js";
import { readControlJson } from "./control-body.js";
import type { HttpDeps } from "./deps.js";
import { ControlError, invalidInput, parseInput, shuttingDown } from "./errors.js";
import { registerHookRoutes } from "./hook-routes.js";
import { authRequestJson, clockJson, emailJson } from "./views.js";

function notFound(message: string): ControlError {
  return new ControlError(404, "NOT_FOUND", message);
}

function filterOf(query: { to?: string | undefined; auth_request_id?: string | undefined; after?: number | undefined }): EmailFilter {
  return {
    ...(query.to !== undefined && { to: query.to }),
    ...(query.auth_request_id !== undefined && { authRequestId: query.auth_request_id }),
    ...(query.after !== undefined && { after: query.after }),
  };
}

function describeFilter(filter: EmailFilter): string {
  const parts = [
    filter.to !== undefined && `to ${quote(filter.to)}`,
    filter.authRequestId !== undefined && `for auth request ${quote(filter.authRequestId)}`,
    filter.after !== undefined && `after seq ${filter.after}`,
  ].filter(Boolean);
  return parts.length > 0 ? ` ${parts.join(" ")}` : "";
}

/**
 * The mock's control API for one environment: inbox, OTP lookup, auth
 * requests, clock, settings, reset, and (hook-routes.ts) faults, journal,
 * events and snapshot. `environmentOf` picks the environment a
 * request addresses.
 */
export function controlRoutes(deps: HttpDeps, environmentOf: (c: Context) => Environment): Hono {
  const app = new Hono();
  /** Waits until the client leaves or the mock shuts down; a wait that shutdown cut short answers 503. */
  const waitUnlessClosing = async <T>(c: Context, wait: (signal: AbortSignal) => Promise<T | undefined>): Promise<T | undefined> => {
    const found = await wait(AbortSignal.any([c.req.raw.signal, deps.shutdown]));
    if (found === undefined && deps.shutdown.aborted) throw shuttingDown();
    return found;
  };

  app.get("/health", (c) => c.json({ status: "ok", name: "scalekit-mock", version: deps.version }));

  app.get("/stats", (c) => {
    const env = environmentOf(c);
    return c.json({
      environment_id: env.id,
      auth_requests: env.authRequests().length,
      emails: env.inbox.size,
      tokens_issued: deps.tokens.issuedCount(env),
    });
  });

  app.post("/reset", (c) => {
    const env = environmentOf(c);
    env.reset();
    deps.tokens.forgetIssued(env);
    return c.json({ status: "reset", environment_id: env.id });
  });

  app.get("/settings", (c) => c.json(environmentOf(c).settings));
  app.put("/settings", async (c) => {
    const body = await readControlJson(c);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new ControlError(400, "INVALID_ARGUMENT", "settings must be a JSON object of the fields to change");
    }
    try {
      return c.json(environmentOf(c).updateSettings(body as SettingsInput));
    } catch (error) {
      if (error instanceof ZodError) throw invalidInput("settings", error);
      throw error;
    }
  });

  app.get("/emails", (c) => {
    const query = parseInput(emailListQuery, c.req.query(), "query");
    const emails = environmentOf(c).inbox.list(filterOf(query), query.limit);
    return c.json({ count: emails.length, emails: emails.map((e) => emailJson(e, false)) });
  });

  app.delete("/emails", (c) => c.json({ deleted: environmentOf(c).inbox.clear() }));

  app.get("/emails/latest", async (c) => {
    const query = parseInput(latestEmailQuery, c.req.query(), "query");
    const inbox = environmentOf(c).inbox;
    const filter = filterOf(query);
    const email = await waitUnlessClosing(c, (signal) => inbox.waitFor(() => inbox.latest(filter), query.wait, signal));
    if (email === undefined) throw notFound(`no email${describeFilter(filter)}${query.wait > 0 ? ` within ${query.wait / 1000}s` : ""}`);
    return c.json(emailJson(email, true));
  });

  app.get("/emails/:name", (c) => {
    // `s`: an id is any text, line breaks included (they only make it unknown, a 404).
    const [, id, format] = /^(.+?)(?:\.(eml|html|txt))?$/s.exec(c.req.param("name"))!;
    const email: CapturedEmail | undefined = environmentOf(c).inbox.get(id!);
    if (email === undefined) throw notFound(`email ${quote(id!)} not found (deleted, or captured in another environment)`);
    switch (format) {
      case "eml":
        c.header("content-disposition", `inline; filename="${email.id}.eml"`);
        return c.body(toEml(email), 200, { "content-type": "message/rfc822" });
      case "html":
        // The email is ours, but a sandbox keeps any link or script from acting as the mock's origin.
        return c.body(email.html, 200, { "content-type": "text/html; charset=utf-8", "content-security-policy": "sandbox" });
      case "txt":
        return c.body(email.text, 200, { "content-type": "text/plain; charset=utf-8" });
      default:
        return c.json(emailJson(email, true));
    }
  });

  app.get("/otp", async (c) => {
    const query = parseInput(otpQuery, c.req.query(), "query");
    const env = environmentOf(c);
    const filter = filterOf({ ...query, to: query.email });
    const found = await waitUnlessClosing(c, (signal) => waitForUsableCredentials(env, filter, query.wait, signal));
    if (found === undefined) {
      throw notFound(
        `no usable code or link${describeFilter(filter)}${query.wait > 0 ? ` within ${query.wait / 1000}s` : ""}` +
          " (emails whose auth request is verified, locked, expired or resent with new credentials are skipped)",
      );
    }
    const { email, request } = found;
    return c.json({
      ...(email.otp !== undefined && { code: email.otp }),
      ...(email.link !== undefined && { link: email.link }),
      ...(email.linkToken !== undefined && { link_token: email.linkToken }),
      auth_request_id: request.id,
      template: request.template,
      expires_at: new Date(request.expiresAt).toISOString(),
      seq: email.seq,
      email_id: email.id,
    });
  });

  app.get("/auth-requests", (c) => {
    const env = environmentOf(c);
    const now = env.clock.now();
    const email = c.req.query("email")?.toLowerCase();
    const requests = env.authRequests().filter((r) => email === undefined || r.email.toLowerCase() === email);
    return c.json({ count: requests.length, auth_requests: requests.map((r) => authRequestJson(r, now)) });
  });

  app.get("/auth-requests/:id", (c) => {
    const env = environmentOf(c);
    const request = env.authRequest(c.req.param("id"));
    if (request === undefined) throw notFound(`auth request ${quote(c.req.param("id"))} not found in environment "${env.id}"`);
    return c.json(authRequestJson(request, env.clock.now()));
  });

  app.get("/clock", (c) => c.json(clockJson(environmentOf(c).clock.state())));
  app.post("/clock", async (c) => {
    const change = parseInput(clockChange, await readControlJson(c), "clock change");
    try {
      return c.json(clockJson(environmentOf(c).clock.apply(change)));
    } catch (error) {
      if (error instanceof ClockRangeError) {
        throw new ControlError(400, "INVALID_ARGUMENT", `invalid clock change: ${error.message}`, [{ field: error.field, message: error.message }]);
      }
      throw error;
    }
  });
  app.delete("/clock", (c) => c.json(clockJson(environmentOf(c).clock.reset())));

  registerHookRoutes(app, deps, environmentOf);
  return app;
}
