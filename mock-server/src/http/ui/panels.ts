import { html, raw } from "hono/html";
import { describeStatus } from "../../domain/auth-request.js";
import type { EnvironmentControl } from "../../services/environment-control.js";
import type { CapturedEmail } from "../../services/inbox-reads.js";
import { formatOffset } from "./format.js";

export type Html = ReturnType<typeof raw>;

// The panels of the web inbox: each is rendered alone for the live refresh, and all together in the page.

/** What one page view shows: the environment, an address filter and the open email. */
export interface UiView {
  env: EnvironmentControl;
  environments: readonly EnvironmentControl[];
  to?: string;
  /** The email asked for by id; otherwise the newest one is shown. */
  emailId?: string;
  version: string;
}

/** The control API prefix of the environment, as the browser script calls it. */
export function apiPrefix(env: EnvironmentControl): string {
  return env.id === "default" ? "/_mock/v1" : `/_mock/v1/environments/${encodeURIComponent(env.id)}`;
}

export function pageQuery(view: UiView, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  if (view.env.id !== "default") params.set("env", view.env.id);
  if (view.to !== undefined && view.to !== "") params.set("to", view.to);
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) params.set(key, value);
  const query = params.toString();
  return query === "" ? "" : `?${query}`;
}

const iso = (ms: number) => new Date(ms).toISOString();
const shortTime = (ms: number) => iso(ms).slice(11, 19);

const MAX_LISTED = 100;

function listedEmails(view: UiView): CapturedEmail[] {
  return view.env.inbox.list(view.to ? { to: view.to } : {}, MAX_LISTED);
}

function openEmail(view: UiView): CapturedEmail | undefined {
  if (view.emailId !== undefined) return view.env.inbox.get(view.emailId);
  return view.env.inbox.latest(view.to ? { to: view.to } : {});
}

export function inboxPanel(view: UiView): Html {
  const emails = listedEmails(view);
  const open = openEmail(view);
  if (emails.length === 0) {
    return html`<p class="empty">No emails${view.to ? html` to <strong>${view.to}</strong>` : ""} yet. New ones appear here as they are sent.</p>` as Html;
  }
  return html`<p class="sr-only">${emails.length} email${emails.length === 1 ? "" : "s"}, newest first</p>
    <ol class="emails" data-testid="emails">
      ${emails.map(
        (email) => html`<li>
          <a href="/_mock/ui${pageQuery(view, { email: email.id })}" ${raw(open?.id === email.id ? 'aria-current="true"' : "")} data-email-id="${email.id}">
            <span class="to">${email.to}</span>
            <span class="meta">${email.subject} · #${email.seq} · ${email.kind} · <time datetime="${iso(email.date)}">${shortTime(email.date)}</time></span>
          </a>
        </li>`,
      )}
    </ol>` as Html;
}

export function messagePanel(view: UiView): Html {
  const email = openEmail(view);
  if (email === undefined) {
    return html`<p class="empty">${view.emailId !== undefined ? "That email is no longer in the inbox." : "Send a passwordless email and it shows here."}</p>` as Html;
  }
  const base = `${apiPrefix(view.env)}/emails/${encodeURIComponent(email.id)}`;
  return html`<article aria-labelledby="subject" data-email-id="${email.id}">
    <h3 id="subject">${email.subject}</h3>
    <dl>
      <dt>To</dt><dd>${email.to}</dd>
      <dt>From</dt><dd>${email.from}</dd>
      <dt>Sent</dt><dd><time datetime="${iso(email.date)}">${iso(email.date)}</time> (mock clock)</dd>
      <dt>Auth request</dt><dd><code>${email.authRequestId}</code></dd>
      <dt>Expires</dt><dd><time datetime="${iso(email.expiresAt)}">${iso(email.expiresAt)}</time></dd>
    </dl>
    ${
      email.otp !== undefined
        ? html`<div class="otp">
            <span class="code" id="otp-code" data-testid="otp" aria-label="One-time code ${email.otp.split("").join(" ")}">${email.otp}</span>
            <button type="button" data-copy="${email.otp}">Copy code</button>
          </div>`
        : ""
    }
    ${
      email.link !== undefined
        ? html`<p class="magic"><a href="${email.link}" target="_blank" rel="noopener noreferrer" data-testid="magic-link">Open the magic link</a><br /><code>${email.link}</code></p>`
        : ""
    }
    ${
      email.html !== undefined
        ? html`<iframe title="HTML body of the email to ${email.to}" src="${base}.html" sandbox="" referrerpolicy="no-referrer" loading="lazy"></iframe>`
        : html`<pre class="text-body" data-testid="text-body">${email.text ?? ""}</pre>`
    }
    <p><a href="${base}.eml" download>Download .eml</a>${email.text !== undefined ? html` · <a href="${base}.txt">Plain text</a>` : ""}</p>
  </article>` as Html;
}

export function clockPanel(view: UiView): Html {
  const state = view.env.clock();
  return html`<p>Now <time datetime="${iso(state.now)}" data-testid="clock-now">${iso(state.now)}</time></p>
    <p>${state.offsetMs === 0 ? "Real time" : `Real time ${formatOffset(state.offsetMs)}`}${state.frozen ? ", frozen" : ", running"}</p>` as Html;
}

export function requestsPanel(view: UiView): Html {
  const now = view.env.now();
  const requests = view.env.authRequests(view.to ? { email: view.to } : {}).slice(0, MAX_LISTED);
  if (requests.length === 0) return html`<p class="empty">No auth requests yet.</p>` as Html;
  return html`<table data-testid="auth-requests">
    <caption class="sr-only">Auth requests, newest first</caption>
    <thead><tr><th scope="col">Email</th><th scope="col">Status</th><th scope="col">Expires</th><th scope="col">Attempts</th></tr></thead>
    <tbody>
      ${requests.map((request) => {
        const status = describeStatus(request, now);
        return html`<tr data-auth-request-id="${request.id}">
          <td>${request.email}</td>
          <td class="status status-${status}">${status}</td>
          <td><time datetime="${iso(request.expiresAt)}">${shortTime(request.expiresAt)}</time></td>
          <td>${request.attempts} / ${request.maxAttempts}</td>
        </tr>`;
      })}
    </tbody>
  </table>` as Html;
}

export function faultsPanel(view: UiView): Html {
  const rules = view.env.faults.list();
  if (rules.length === 0) return html`<p class="empty">No fault rules: every call behaves.</p>` as Html;
  return html`<ul class="faults" data-testid="faults">
      ${rules.map((rule) => {
        const spec = rule.spec;
        const effect = spec.drop ? "drop connection" : spec.rateLimit !== undefined ? "rate limit" : spec.mail !== undefined ? `mail ${spec.mail}` : spec.error !== undefined ? JSON.stringify(spec.error).replaceAll('"', "") : spec.delayMs !== undefined ? `delay ${spec.delayMs} ms` : "no effect";
        const where = spec.match?.email ? ` for ${spec.match.email}` : "";
        const limit = rule.times !== undefined ? `, ${rule.hits}/${rule.times} used` : `, ${rule.hits} hits`;
        return html`<li data-fault-id="${spec.id}"><span><strong>${spec.operation}</strong>${where}: ${effect}${limit}</span>
          <button type="button" class="danger" data-action="fault-remove" data-id="${spec.id}" aria-label="Remove fault rule ${spec.id}">Remove</button></li>`;
      })}
    </ul>
    <button type="button" class="secondary" data-action="faults-clear">Remove all</button>` as Html;
}

export const PANELS = {
  inbox: inboxPanel,
  message: messagePanel,
  clock: clockPanel,
  requests: requestsPanel,
  faults: faultsPanel,
} as const;
