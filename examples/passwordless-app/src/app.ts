/**
 * A small app that signs people in with Scalekit passwordless email, through
 * the official SDK: email form → code form (or the emailed magic link) →
 * signed-in page. Nothing in it knows about the mock: point it at a real
 * Scalekit environment and it works the same.
 */
import { ScalekitServerException, type ScalekitClient } from "@scalekit-sdk/node";
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { html } from "hono/html";

interface Session {
  email?: string;
  authRequestId?: string;
  user?: string;
  /** One message for the next page. */
  flash?: { kind: "info" | "error"; text: string };
}

export interface AppOptions {
  scalekit: ScalekitClient;
  /** How long a code or link works, in seconds. Default 300. */
  expiresIn?: number;
}

const SESSION_COOKIE = "sid";

/** What a person should read for a failed verify, by Scalekit error code. */
function verifyProblem(error: unknown): string {
  if (!(error instanceof ScalekitServerException)) return "Something went wrong. Please try again.";
  switch (error.errorCode) {
    case "OTP_INVALID":
      return `That code is not right. ${/(\d+) attempts? left/.exec(error.message)?.[0] ?? ""}`.trim();
    case "AUTH_REQUEST_EXPIRED":
      return "That code has expired. Send a new email to get a fresh one.";
    case "TOO_MANY_ATTEMPTS":
    case "AUTH_REQUEST_LOCKED":
      return "Too many wrong codes. Send a new email to try again.";
    case "AUTH_REQUEST_ALREADY_VERIFIED":
      return "That code was already used. Send a new email to sign in again.";
    case "LINK_TOKEN_INVALID":
      return "That sign-in link does not work any more. Send a new email.";
    default:
      return error.message;
  }
}

function page(title: string, session: Session, body: unknown) {
  const flash = session.flash;
  delete session.flash;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Example app</title>
        <style>
          body { font: 16px/1.5 system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #1b1f24; }
          label { display: block; font-weight: 600; margin-bottom: .25rem; }
          input, button { font: inherit; padding: .4rem .6rem; }
          form { margin: 1rem 0; }
          .error { color: #a40e26; } .info { color: #116329; }
        </style>
      </head>
      <body>
        <main>
          <h1>${title}</h1>
          ${flash ? html`<p role="${flash.kind === "error" ? "alert" : "status"}" class="${flash.kind}">${flash.text}</p>` : ""}
          ${body}
        </main>
      </body>
    </html>`;
}

export function createApp(options: AppOptions): Hono {
  const { scalekit, expiresIn = 300 } = options;
  const sessions = new Map<string, Session>();
  const app = new Hono();

  const sessionOf = (c: Context): Session => {
    let id = getCookie(c, SESSION_COOKIE);
    if (id === undefined || !sessions.has(id)) {
      id = crypto.randomUUID();
      sessions.set(id, {});
      setCookie(c, SESSION_COOKIE, id, { httpOnly: true, sameSite: "Lax", path: "/" });
    }
    return sessions.get(id)!;
  };

  app.get("/", (c) => {
    const session = sessionOf(c);
    if (session.user) return c.redirect("/me");
    return c.html(
      page(
        "Sign in",
        session,
        html`<form method="post" action="/send">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" required autocomplete="email" />
          <button type="submit">Email me a sign-in code</button>
        </form>`,
      ),
    );
  });

  app.post("/send", async (c) => {
    const session = sessionOf(c);
    const email = String((await c.req.parseBody()).email ?? "").trim();
    try {
      const sent = await scalekit.passwordless.sendPasswordlessEmail(email, {
        expiresIn,
        magiclinkAuthUri: `${new URL(c.req.url).origin}/passwordless/verify`,
      });
      Object.assign(session, { email, authRequestId: sent.authRequestId, flash: { kind: "info", text: `We sent an email to ${email}.` } });
      return c.redirect("/code", 303);
    } catch (error) {
      session.flash = { kind: "error", text: error instanceof ScalekitServerException ? error.message : "Could not send the email." };
      return c.redirect("/", 303);
    }
  });

  app.get("/code", (c) => {
    const session = sessionOf(c);
    if (!session.authRequestId) return c.redirect("/");
    return c.html(
      page(
        "Enter your code",
        session,
        html`<p>Enter the code we sent to <strong>${session.email}</strong>, or follow the link in the email.</p>
          <form method="post" action="/verify">
            <label for="code">Code</label>
            <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required />
            <button type="submit">Sign in</button>
          </form>
          <form method="post" action="/resend"><button type="submit">Resend the email</button></form>
          <p><a href="/">Use another email</a></p>`,
      ),
    );
  });

  app.post("/verify", async (c) => {
    const session = sessionOf(c);
    const code = String((await c.req.parseBody()).code ?? "").trim();
    if (!session.authRequestId) return c.redirect("/");
    try {
      const verified = await scalekit.passwordless.verifyPasswordlessEmail({ code }, session.authRequestId);
      session.user = verified.email;
      return c.redirect("/me", 303);
    } catch (error) {
      session.flash = { kind: "error", text: verifyProblem(error) };
      return c.redirect("/code", 303);
    }
  });

  app.post("/resend", async (c) => {
    const session = sessionOf(c);
    if (!session.authRequestId) return c.redirect("/");
    try {
      const sent = await scalekit.passwordless.resendPasswordlessEmail(session.authRequestId);
      session.authRequestId = sent.authRequestId;
      session.flash = { kind: "info", text: `We sent a new email to ${session.email}.` };
    } catch (error) {
      session.flash = { kind: "error", text: error instanceof ScalekitServerException ? error.message : "Could not resend the email." };
    }
    return c.redirect("/code", 303);
  });

  // The magic link's target (magiclink_auth_uri): Scalekit appends link_token.
  app.get("/passwordless/verify", async (c) => {
    const session = sessionOf(c);
    const linkToken = c.req.query("link_token");
    if (!linkToken) {
      session.flash = { kind: "error", text: "That sign-in link is incomplete." };
      return c.redirect("/");
    }
    try {
      // The auth request id is known when the link opens in the browser that asked for it.
      const verified = await scalekit.passwordless.verifyPasswordlessEmail({ linkToken }, session.authRequestId);
      session.user = verified.email;
      return c.redirect("/me");
    } catch (error) {
      session.flash = { kind: "error", text: verifyProblem(error) };
      return c.redirect(session.authRequestId ? "/code" : "/");
    }
  });

  app.get("/me", (c) => {
    const session = sessionOf(c);
    if (!session.user) return c.redirect("/");
    return c.html(
      page(
        "Welcome",
        session,
        html`<p data-testid="signed-in">Signed in as <strong>${session.user}</strong>.</p>
          <form method="post" action="/logout"><button type="submit">Sign out</button></form>`,
      ),
    );
  });

  app.post("/logout", (c) => {
    const id = getCookie(c, SESSION_COOKIE);
    if (id !== undefined) sessions.delete(id);
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.redirect("/", 303);
  });

  return app;
}
