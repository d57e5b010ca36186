import { Hono, type Context } from "hono";
import { secretsEqual } from "../services/tokens.js";
import type { HttpDeps } from "./deps.js";
import { journaled } from "./journaled.js";

/** An OAuth 2.0 error response (RFC 6749 §5.2). */
function oauthError(c: Context, status: 400 | 401, error: string, description: string): Response {
  c.header("cache-control", "no-store");
  if (status === 401) c.header("www-authenticate", 'Basic realm="scalekit-mock"');
  return c.json({ error, error_description: description }, status);
}

/** Client id and secret from the form, or from HTTP Basic auth (client_secret_basic). */
function clientCredentials(c: Context, form: Record<string, string>): { clientId?: string; clientSecret?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
  if (basic) {
    const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) {
      return {
        clientId: decodeURIComponent(decoded.slice(0, colon)),
        clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
      };
    }
  }
  return { clientId: form.client_id, clientSecret: form.client_secret };
}

/** `POST /oauth/token` (client credentials) and `GET /keys` (JWKS). */
export function authRoutes(deps: HttpDeps): Hono {
  const app = new Hono();

  app.post(
    "/oauth/token",
    journaled(deps, "token", async (c, call) => {
      const refuse = (status: 400 | 401, error: string, description: string) => {
        call.outcome = error;
        return oauthError(c, status, error, description);
      };
      const type = c.req.header("content-type") ?? "";
      if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
        return refuse(400, "invalid_request", `the token request must be application/x-www-form-urlencoded, got ${type ? JSON.stringify(type) : "none"}`);
      }
      const form = Object.fromEntries(new URLSearchParams(await c.req.text()));
      if (!form.grant_type) return refuse(400, "invalid_request", "grant_type is required; use grant_type=client_credentials");
      if (form.grant_type !== "client_credentials") {
        return refuse(400, "unsupported_grant_type", `grant_type ${JSON.stringify(form.grant_type)} is not supported; use client_credentials`);
      }
      const { clientId, clientSecret } = clientCredentials(c, form);
      const env = clientId ? deps.environments.byClientId(clientId) : undefined;
      if (env !== undefined) call.env = env;
      await deps.calls.applyFaults(call);
      if (!clientId || !clientSecret) return refuse(401, "invalid_client", "client_id and client_secret are required");
      if (env === undefined || !secretsEqual(clientSecret, env.clientSecret)) {
        return refuse(401, "invalid_client", "client authentication failed: unknown client_id or wrong client_secret");
      }
      c.header("cache-control", "no-store");
      return c.json(await deps.tokens.issue(env));
    }),
  );

  app.get(
    "/keys",
    journaled(deps, "keys", async (c, call) => {
      await deps.calls.applyFaults(call);
      return c.json(await deps.tokens.jwks());
    }),
  );

  return app;
}
