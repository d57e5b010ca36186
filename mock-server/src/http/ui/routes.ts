import { Hono, type Context } from "hono";
import { quote } from "../../domain/preview.js";
import type { HttpDeps } from "../deps.js";
import { UI_CSS, UI_SCRIPT } from "./assets.js";
import { inboxDocument, notFoundDocument, PANELS, type UiView } from "./pages.js";

export const UI_PREFIX = "/_mock/ui";

/** Scripts and styles come from the page's own origin; the email bodies render in sandboxed frames. */
const PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "frame-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

function securityHeaders(c: Context): void {
  c.header("content-security-policy", PAGE_POLICY);
  c.header("x-content-type-options", "nosniff");
  c.header("referrer-policy", "no-referrer");
  c.header("cache-control", "no-store");
}

function notFoundPage(c: Context, message: string) {
  securityHeaders(c);
  return c.html(notFoundDocument(message), 404);
}

/** The web inbox: one server-rendered page, panels re-rendered on events, and its two assets. */
export function uiRoutes(deps: HttpDeps): Hono {
  const app = new Hono();

  app.get("/assets/inbox.css", (c) => c.body(UI_CSS, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "no-cache" }));
  app.get("/assets/inbox.js", (c) => c.body(UI_SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" }));

  const viewOf = (c: Context): UiView | string => {
    const id = c.req.query("env") || "default";
    const env = deps.control.find(id);
    if (env === undefined) return `There is no environment ${quote(id)}.`;
    const to = c.req.query("to")?.trim();
    const emailId = c.req.query("email");
    return {
      env,
      environments: deps.control.list(),
      ...(to && { to }),
      ...(emailId && { emailId }),
      version: deps.version,
    };
  };

  app.get("/", (c) => {
    const view = viewOf(c);
    if (typeof view === "string") return notFoundPage(c, view);
    securityHeaders(c);
    return c.html(inboxDocument(view));
  });

  app.get("/panels/:panel", (c) => {
    const name = c.req.param("panel");
    const render = Object.hasOwn(PANELS, name) ? PANELS[name as keyof typeof PANELS] : undefined;
    if (render === undefined) return notFoundPage(c, `There is no panel ${quote(name)}.`);
    const view = viewOf(c);
    if (typeof view === "string") return notFoundPage(c, view);
    securityHeaders(c);
    return c.html(render(view));
  });

  return app;
}
