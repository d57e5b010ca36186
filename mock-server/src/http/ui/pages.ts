import { html, raw } from "hono/html";
import { FAULT_OPERATIONS } from "../../schemas/faults.js";
import { apiPrefix, clockPanel, faultsPanel, inboxPanel, messagePanel, pageQuery, requestsPanel, type Html, type UiView } from "./panels.js";

export { PANELS, type UiView } from "./panels.js";

/** A whole page: the shared head (title, viewport, stylesheet, optionally the script) around `body`. */
export function htmlDocument(title: string, body: unknown, options: { script?: boolean; bodyAttributes?: unknown } = {}): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <link rel="stylesheet" href="/_mock/ui/assets/inbox.css" />
        ${options.script ? raw('<script src="/_mock/ui/assets/inbox.js" defer></script>') : ""}
      </head>
      <body ${options.bodyAttributes ?? ""}>
        ${body}
      </body>
    </html>` as Html;
}

const EFFECTS = [
  ["Unavailable", "Unavailable (503)"],
  ["ResourceExhausted", "Resource exhausted (429)"],
  ["Internal", "Internal (500)"],
  ["InvalidArgument", "Invalid argument (400)"],
  ["Unauthenticated", "Unauthenticated (401)"],
  ["DeadlineExceeded", "Deadline exceeded (504)"],
  ["rateLimit", "Rate limit with retry-after"],
  ["drop", "Drop the connection"],
  ["mail-drop", "Succeed, but lose the email"],
] as const;

export function inboxDocument(view: UiView): Html {
  return htmlDocument(
    `Inbox${view.env.id === "default" ? "" : ` · ${view.env.id}`} · scalekit-mock`,
    html`
        <a class="skip" href="#inbox">Skip to the inbox</a>
        <header>
          <h1>scalekit-mock inbox <small>${view.version}</small></h1>
          <form method="get" action="/_mock/ui">
            <label for="env-select">Environment</label>
            <select id="env-select" name="env">
              ${view.environments.map((env) => html`<option value="${env.id}" ${raw(env.id === view.env.id ? "selected" : "")}>${env.id}</option>`)}
            </select>
            <button type="submit">Switch</button>
          </form>
          <span id="live" role="status" data-state="connecting">Connecting…</span>
        </header>
        <p id="notice" role="alert" aria-live="assertive"></p>
        <main>
          <section id="inbox" aria-labelledby="inbox-title">
            <h2 id="inbox-title">Emails</h2>
            <form method="get" action="/_mock/ui" role="search">
              ${view.env.id === "default" ? "" : html`<input type="hidden" name="env" value="${view.env.id}" />`}
              <div class="field">
                <label for="to-filter">Filter by address</label>
                <input id="to-filter" name="to" type="email" value="${view.to ?? ""}" placeholder="ana@example.com" autocomplete="off" />
              </div>
              <button type="submit">Filter</button>
              ${view.to ? html`<a href="/_mock/ui${pageQuery({ ...view, to: undefined })}">Show all</a>` : ""}
            </form>
            <div id="panel-inbox" aria-live="polite">${inboxPanel(view)}</div>
            <button type="button" class="danger" data-action="inbox-clear">Clear inbox</button>
          </section>
          <section aria-labelledby="message-title">
            <h2 id="message-title">Message</h2>
            <div id="panel-message">${messagePanel(view)}</div>
          </section>
          <aside>
            <section aria-labelledby="clock-title">
              <h2 id="clock-title">Clock</h2>
              <div id="panel-clock" aria-live="polite">${clockPanel(view)}</div>
              <form data-action="clock-advance">
                <div class="field">
                  <label for="advance-by">Advance by (e.g. 5m, 1h, -30s)</label>
                  <input id="advance-by" name="by" value="10m" required pattern="-?[0-9smhd. ]+" />
                </div>
                <button type="submit">Advance</button>
              </form>
              <button type="button" class="secondary" data-action="clock-freeze">Freeze</button>
              <button type="button" class="secondary" data-action="clock-unfreeze">Unfreeze</button>
              <button type="button" class="secondary" data-action="clock-reset">Real time</button>
            </section>
            <section aria-labelledby="requests-title">
              <h2 id="requests-title">Auth requests</h2>
              <div id="panel-requests" aria-live="polite">${requestsPanel(view)}</div>
            </section>
            <section aria-labelledby="faults-title">
              <h2 id="faults-title">Faults</h2>
              <div id="panel-faults">${faultsPanel(view)}</div>
              <form data-action="fault-add" aria-label="Add a fault rule">
                <div class="field">
                  <label for="fault-operation">Operation</label>
                  <select id="fault-operation" name="operation">
                    ${FAULT_OPERATIONS.map((op) => html`<option value="${op}">${op === "*" ? "any" : op}</option>`)}
                  </select>
                </div>
                <div class="field">
                  <label for="fault-effect">Effect</label>
                  <select id="fault-effect" name="effect">
                    ${EFFECTS.map(([value, label]) => html`<option value="${value}">${label}</option>`)}
                  </select>
                </div>
                <div class="field">
                  <label for="fault-email">Only for address (glob)</label>
                  <input id="fault-email" name="email" placeholder="*@example.com" />
                </div>
                <div class="field">
                  <label for="fault-times">Times</label>
                  <input id="fault-times" name="times" type="number" min="1" inputmode="numeric" />
                </div>
                <button type="submit">Add rule</button>
              </form>
            </section>
          </aside>
        </main>
    `,
    { script: true, bodyAttributes: html`data-api="${apiPrefix(view.env)}" data-env="${view.env.id}"` },
  );
}

/** Asks for the admin token when the mock has one (`--admin-token`). */
export function loginPage(problem?: string): Html {
  return htmlDocument(
    "Sign in · scalekit-mock inbox",
    html`<main>
      <section>
        <h1>scalekit-mock inbox</h1>
        <p>This mock was started with <code>--admin-token</code>. Enter that token to open the inbox.</p>
        ${problem ? html`<p id="notice" role="alert">${problem}</p>` : ""}
        <form method="post" action="/_mock/ui/login">
          <div class="field">
            <label for="token">Admin token</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
          </div>
          <button type="submit">Open the inbox</button>
        </form>
      </section>
    </main>`,
  );
}

/** A page for an unknown environment or panel. */
export function notFoundDocument(message: string): Html {
  return htmlDocument(
    "Not found · scalekit-mock",
    html`<main>
      <section>
        <h1>Not found</h1>
        <p>${message}</p>
        <p><a href="/_mock/ui">Back to the default environment</a></p>
      </section>
    </main>`,
  );
}
