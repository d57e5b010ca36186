import type { Context, Hono } from "hono";
import { toEml } from "../mail/mime.js";
import { notFound } from "../services/control-error.js";
import type { ControlOf } from "./control-routes.js";
import { credentialsJson, emailJson } from "./views.js";

/** The raw request's signal: a long-poll ends when the client leaves. */
const clientGone = (c: Context) => c.req.raw.signal;

/** The inbox of one environment: list, newest (long-poll), one email in four forms, the usable code or link. */
export function registerEmailRoutes(app: Hono, controlOf: ControlOf): void {
  app.get("/emails", (c) => {
    const emails = controlOf(c).inbox.query(c.req.query());
    return c.json({ count: emails.length, emails: emails.map((e) => emailJson(e, false)) });
  });

  app.delete("/emails", (c) => c.json({ deleted: controlOf(c).inbox.clear() }));

  app.get("/emails/latest", async (c) => c.json(emailJson(await controlOf(c).inbox.latestByQuery(c.req.query(), clientGone(c)), true)));

  app.get("/emails/:name", (c) => {
    // `s`: an id is any text, line breaks included (they only make it unknown, a 404).
    const [, id, format] = /^(.+?)(?:\.(eml|html|txt))?$/s.exec(c.req.param("name"))!;
    const email = controlOf(c).inbox.require(id!);
    switch (format) {
      case "eml":
        c.header("content-disposition", `inline; filename="${email.id}.eml"`);
        return c.body(toEml(email), 200, { "content-type": "message/rfc822" });
      case "html":
        if (email.html === undefined) throw notFound(`email "${email.id}" has no HTML body (its template has text only); read ${email.id}.txt`);
        // The email is ours, but a sandbox keeps any link or script from acting as the mock's origin.
        return c.body(email.html, 200, { "content-type": "text/html; charset=utf-8", "content-security-policy": "sandbox" });
      case "txt":
        if (email.text === undefined) throw notFound(`email "${email.id}" has no plain-text body (its template has HTML only); read ${email.id}.html`);
        return c.body(email.text, 200, { "content-type": "text/plain; charset=utf-8" });
      default:
        return c.json(emailJson(email, true));
    }
  });

  app.get("/otp", async (c) => c.json(credentialsJson(await controlOf(c).inbox.usableByQuery(c.req.query(), clientGone(c)))));
}
