import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie, setCookie } from "hono/cookie";
import type { Context, MiddlewareHandler } from "hono";
import type { OPENAPI_DOCUMENTS } from "../openapi/build.js";
import { firstCredential } from "../domain/authorization.js";
import { TEMPLATE_ROUTE_BODY_LIMIT } from "../domain/email-template.js";
import { ERROR_CODES, internalError, ScalekitError } from "../domain/errors.js";
import { PASSWORDLESS_REST_PREFIX } from "../domain/operations.js";
import { quote, truncate } from "../domain/preview.js";
import { DropConnection } from "../services/scalekit-call.js";
import { ControlError, notFound } from "../services/control-error.js";
import { secretsEqual } from "../services/tokens.js";
import { authRoutes } from "./auth-routes.js";
import { ClientGone } from "./body.js";
import { jsonBodiesOnly } from "./control-body.js";
import { browserGuard } from "./browser-guard.js";
import { controlRoutes } from "./control-routes.js";
import type { HttpDeps } from "./deps.js";
import { environmentRoutes } from "./environment-routes.js";
import { controlError, dropConnection, gatewayError } from "./errors.js";
import { scalekitRoutes } from "./scalekit-routes.js";
import { CA_PATH, caCertificate } from "./tls-route.js";
import { loginPage } from "./ui/pages.js";
import { UI_PREFIX, uiRoutes } from "./ui/routes.js";

export const CONTROL_PREFIX = "/_mock/v1";

// Deviation D33: body size limits of the mock itself
/** Largest body of a Scalekit call; requests are a few hundred bytes. */
export const API_BODY_LIMIT = 64 * 1024;
/** Largest control API body; snapshots carry whole inboxes. */
const CONTROL_BODY_LIMIT = 1024 * 1024;
const SNAPSHOT_BODY_LIMIT = 256 * 1024 * 1024;

/** `/templates/{type}` and its preview, of the default environment or another: a template may need more than CONTROL_BODY_LIMIT as JSON. */
const TEMPLATE_ROUTE = /\/templates\/[^/]+(\/preview)?$/;

const isControlPath = (path: string) => path === "/_mock" || path.startsWith("/_mock/");

/**
 * The web inbox's login cookie. Cookies are shared by every port of a host,
 * so the name carries the port: two mocks on one machine keep their own.
 */
const adminCookie = (c: Context) => `scalekit_mock_admin_${new URL(c.req.url).port || "default"}`;

/** Accepts `Authorization: Bearer <token>` or, for the web inbox, the cookie its login form sets. */
function adminGuard(expected: string): (c: Context) => boolean {
  return (c) => {
    const header = c.req.header("authorization") ?? "";
    const bearer = (value: string) => /^Bearer\s+(.+)$/i.exec(value)?.[1];
    const given = bearer(header) ?? getCookie(c, adminCookie(c));
    if (given === undefined) return false;
    // An admin token may hold a comma; of several Authorization headers (joined into one value) the first decides.
    const first = bearer(firstCredential(header) ?? "");
    return secretsEqual(given, expected) || (first !== undefined && first !== given && secretsEqual(first, expected));
  };
}

function refuseControl(c: Context): Response {
  c.header("www-authenticate", 'Bearer realm="scalekit-mock control"');
  return controlError(c, new ControlError(401, "UNAUTHENTICATED", "the control API needs Authorization: Bearer <admin token> (--admin-token)"));
}

/** Every HTTP surface on one Hono app: Scalekit REST, OAuth, control API. */
export function createHttpApp(deps: HttpDeps): Hono {
  const app = new Hono();

  // Before anything reads a body: pages of other sites get nothing from the control API or the inbox.
  const fromBrowsers = browserGuard(deps.hostPolicy);
  app.use("/_mock", fromBrowsers);
  app.use("/_mock/*", fromBrowsers);
  app.use(`${CONTROL_PREFIX}/*`, jsonBodiesOnly);

  const tooLarge = (limit: number) => (c: Context) =>
    isControlPath(c.req.path)
      ? controlError(c, new ControlError(413, "PAYLOAD_TOO_LARGE", `request body over ${limit} bytes`))
      : gatewayError(c, new ScalekitError("ResourceExhausted", "PAYLOAD_TOO_LARGE", `request body over ${limit} bytes`, { httpStatus: 413 }));
  // Content-Length is checked from the header alone: touching the raw body stream would make
  // @hono/node-server build a full web Request for every call. Bodies without a length (chunked,
  // often HTTP/2) are counted while they stream in.
  const limitOf = (maxSize: number): MiddlewareHandler => {
    const streamed = bodyLimit({ maxSize, onError: tooLarge(maxSize) });
    return async (c, next) => {
      const length = c.req.header("content-length");
      if (length !== undefined && /^\d+$/.test(length)) return Number(length) > maxSize ? tooLarge(maxSize)(c) : next();
      if (c.req.method === "GET" || c.req.method === "HEAD") return next();
      return streamed(c, next);
    };
  };
  const snapshotLimit = limitOf(SNAPSHOT_BODY_LIMIT);
  const controlLimit = limitOf(CONTROL_BODY_LIMIT);
  const apiLimit = limitOf(API_BODY_LIMIT);
  const templateLimit = limitOf(TEMPLATE_ROUTE_BODY_LIMIT);
  const limitFor = (path: string) =>
    path.endsWith("/snapshot") ? snapshotLimit : !isControlPath(path) ? apiLimit : TEMPLATE_ROUTE.test(path) ? templateLimit : controlLimit;
  app.use("*", (c, next) => limitFor(c.req.path)(c, next));

  if (deps.adminToken !== undefined) {
    const expected = deps.adminToken;
    const guard = adminGuard(expected);
    app.post(`${UI_PREFIX}/login`, async (c) => {
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      const given = typeof form.token === "string" ? form.token : "";
      if (!secretsEqual(given, expected)) return c.html(loginPage("That is not the admin token."), 401);
      setCookie(c, adminCookie(c), given, { path: "/_mock", httpOnly: true, sameSite: "Strict" });
      return c.redirect(UI_PREFIX, 303);
    });
    const open = new Set([`${CONTROL_PREFIX}/health`, CA_PATH]);
    app.use(`${CONTROL_PREFIX}/*`, async (c, next) => (open.has(c.req.path) || guard(c) ? next() : refuseControl(c)));
    app.use(`${UI_PREFIX}/*`, async (c, next) => (c.req.path.startsWith(`${UI_PREFIX}/assets/`) || guard(c) ? next() : c.html(loginPage(), 401)));
    app.use(UI_PREFIX, async (c, next) => (guard(c) ? next() : c.html(loginPage(), 401)));
  }

  app.route(PASSWORDLESS_REST_PREFIX, scalekitRoutes(deps));
  app.route("/", authRoutes(deps));
  const documents = new Map<string, unknown>();
  // The OpenAPI builder loads on the first request for a document: most runs never ask.
  const openApi = async (name: keyof typeof OPENAPI_DOCUMENTS) => {
    if (!documents.has(name)) {
      const { OPENAPI_DOCUMENTS: builders } = await import("../openapi/build.js");
      documents.set(name, builders[name](deps.version));
    }
    return documents.get(name);
  };
  app.get(`${CONTROL_PREFIX}/openapi.json`, async (c) => c.json(await openApi("mock-control")));
  app.get(`${CONTROL_PREFIX}/openapi/:name{scalekit-passwordless\\.json|mock-control\\.json}`, async (c) =>
    c.json(await openApi(c.req.param("name").replace(/\.json$/, "") as keyof typeof OPENAPI_DOCUMENTS)),
  );
  app.get(CA_PATH, caCertificate(deps.tls));
  app.route(UI_PREFIX, uiRoutes(deps));
  app.get(`${UI_PREFIX}/`, (c) => c.redirect(UI_PREFIX + new URL(c.req.url).search, 301));
  app.route(CONTROL_PREFIX, environmentRoutes(deps.control));
  app.route(
    `${CONTROL_PREFIX}/environments/:env`,
    controlRoutes(deps, (c) => {
      const id = c.req.param("env")!;
      const control = deps.control.find(id);
      if (control === undefined) throw notFound(`no environment ${quote(id)}; create it with POST ${CONTROL_PREFIX}/environments`);
      return control;
    }),
  );
  // The short form addresses the default environment.
  app.route(CONTROL_PREFIX, controlRoutes(deps, () => deps.control.default));

  app.notFound((c) => {
    if (isControlPath(c.req.path)) {
      return controlError(c, new ControlError(404, "NOT_FOUND", `no control route ${c.req.method} ${truncate(c.req.path, 200)}; see the README for the control API`));
    }
    return gatewayError(c, new ScalekitError("NotFound", ERROR_CODES.notFound, "Not Found"));
  });

  app.onError((error, c) => {
    if (error instanceof DropConnection) return dropConnection(c);
    if (error instanceof ControlError) return controlError(c, error);
    if (error instanceof ScalekitError) {
      if (isControlPath(c.req.path)) return controlError(c, new ControlError(400, error.errorCode, error.message));
      return gatewayError(c, error);
    }
    if (error instanceof ClientGone) return new Response(null, { status: 499 });
    console.error(`scalekit-mock: unexpected error on ${c.req.method} ${c.req.path}:`, error);
    if (isControlPath(c.req.path)) return controlError(c, new ControlError(500, "INTERNAL", internalError().message));
    return gatewayError(c, internalError());
  });

  return app;
}
