import { Hono, type Context } from "hono";
import { firstCredential } from "../domain/authorization.js";
import { quote } from "../domain/preview.js";
import type { HttpDeps } from "./deps.js";
import { readText } from "./body.js";

/** An OAuth 2.0 error response (RFC 6749 §5.2). */
function oauthError(c: Context, status: 400 | 401 | 429, error: string, description: string): Response {
  c.header("cache-control", "no-store");
  if (status === 401) c.header("www-authenticate", 'Basic realm="scalekit-mock"');
  return c.json({ error, error_description: description }, status);
}

/** Why a token request is malformed (→ 400 invalid_request). */
class InvalidRequest extends Error {}

/** The form's parameters; each may appear once (RFC 6749 §3.2). */
function readForm(text: string): Record<string, string> {
  const form: Record<string, string> = Object.create(null);
  for (const [name, value] of new URLSearchParams(text)) {
    if (Object.hasOwn(form, name)) throw new InvalidRequest(`parameter ${quote(name)} is given more than once; give each parameter once`);
    form[name] = value;
  }
  return form;
}

/**
 * RFC 6749 §2.3.1 form-urlencodes the Basic credentials, but many clients
 * (curl -u) send them raw: text that does not decode is taken as it is.
 */
function decodeBasicPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * Client id and secret from HTTP Basic auth (client_secret_basic) or from the
 * form (client_secret_post). A client uses one method per request (RFC 6749
 * §2.3): Basic plus client_id or client_secret in the body is refused, not
 * resolved by picking one.
 */
// Deviation D23: Basic or form credentials, one method per request
function clientCredentials(c: Context, form: Record<string, string>): { clientId?: string; clientSecret?: string } {
  // Of several Authorization headers (joined into one value by the web Headers) the first decides.
  const authorization = firstCredential(c.req.header("authorization")) ?? "";
  const basic = /^Basic\s+(\S+)$/i.exec(authorization);
  // A Basic header that is not one token of base64 is a broken credential, not the absence of one.
  if (!basic && /^Basic\b/i.test(authorization)) throw new InvalidRequest('the Authorization header must be "Basic <base64 of client_id:client_secret>"');
  if (!basic) return { ...(form.client_id !== undefined && { clientId: form.client_id }), ...(form.client_secret !== undefined && { clientSecret: form.client_secret }) };
  if (form.client_id !== undefined || form.client_secret !== undefined) {
    throw new InvalidRequest(
      "the request carries client credentials twice, in an Authorization: Basic header and as client_id or client_secret in the body. " +
        "Use one method per request (RFC 6749 §2.3): the Basic header alone, or client_id and client_secret in the form alone",
    );
  }
  const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) throw new InvalidRequest("the HTTP Basic credentials must be base64 of client_id:client_secret");
  return { clientId: decodeBasicPart(decoded.slice(0, colon)), clientSecret: decodeBasicPart(decoded.slice(colon + 1)) };
}

/** `POST /oauth/token` (client credentials) and `GET /keys` (JWKS). */
export function authRoutes(deps: HttpDeps): Hono {
  const app = new Hono();

  app.post("/oauth/token", (c) =>
    deps.scalekit.track("rest", "token", c.req.raw.headers.entries(), async (call) => {
      const refuse = (status: 400 | 401 | 429, error: string, description: string, outcome = error) => {
        call.outcome = outcome;
        return oauthError(c, status, error, description);
      };
      const type = c.req.header("content-type") ?? "";
      if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
        return refuse(400, "invalid_request", `the token request must be application/x-www-form-urlencoded, got ${type ? quote(type) : "none"}`);
      }
      let form: Record<string, string>;
      let credentials: { clientId?: string; clientSecret?: string };
      try {
        form = readForm(await readText(c));
        credentials = clientCredentials(c, form);
      } catch (error) {
        if (error instanceof InvalidRequest) return refuse(400, "invalid_request", error.message);
        throw error;
      }
      if (!form.grant_type) return refuse(400, "invalid_request", "grant_type is required; use grant_type=client_credentials");
      if (form.grant_type !== "client_credentials") {
        return refuse(400, "unsupported_grant_type", `grant_type ${quote(form.grant_type)} is not supported; use client_credentials`);
      }
      const { clientId, clientSecret } = credentials;
      if (clientId) call.forClient(clientId);
      // Only a request that tries a secret counts: knowing a client id alone must not use up its environment's window.
      const limited = clientSecret ? call.rateLimit() : undefined;
      if (limited !== undefined) {
        // Deviation D52: a token request over the rate limit answers OAuth's shape, error rate_limited
        c.header("retry-after", String(limited.retryAfter));
        return refuse(429, "rate_limited", limited.message, limited.errorCode);
      }
      await call.faults();
      if (!clientId || !clientSecret) return refuse(401, "invalid_client", "client_id and client_secret are required");
      const token = await call.issueToken(clientSecret);
      if (token === undefined) return refuse(401, "invalid_client", "client authentication failed: unknown client_id or wrong client_secret");
      c.header("cache-control", "no-store");
      return c.json(token);
    }),
  );

  app.get("/keys", (c) =>
    deps.scalekit.track("rest", "keys", c.req.raw.headers.entries(), async (call) => {
      await call.faults();
      return c.json(await call.jwks());
    }),
  );

  return app;
}
