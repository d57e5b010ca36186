/**
 * The web inbox's stylesheet and browser script, served as files so the
 * page's Content-Security-Policy needs no inline code.
 */

export const UI_CSS = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #4a5560; --bg: #f6f7f9; --card: #fff; --line: #d0d7de;
  --accent: #0b57d0; --accent-fg: #fff; --ok: #116329; --warn: #7a4b00; --bad: #a40e26; --focus: #ffbf47; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--card); padding: 8px; }
.skip:focus { left: 8px; }
header { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; padding: 10px 20px; background: #101820; color: #fff; }
header h1 { font-size: 18px; margin: 0 auto 0 0; }
header label { font-weight: 600; font-size: 14px; color: #e6edf3; }
header select, header button { font: inherit; }
#live { font-size: 13px; padding: 2px 8px; border-radius: 10px; background: #2e7d32; }
#live[data-state="offline"] { background: #b3261e; }
main { display: grid; grid-template-columns: minmax(260px, 1fr) minmax(340px, 2fr) minmax(300px, 1.2fr); gap: 16px; padding: 16px 20px; }
@media (max-width: 1100px) { main { grid-template-columns: 1fr; } }
section, aside > section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
aside { display: grid; gap: 16px; align-content: start; }
h2 { font-size: 16px; margin: 0 0 10px; }
h3 { font-size: 17px; margin: 0 0 8px; }
form { display: flex; flex-wrap: wrap; gap: 6px; align-items: end; margin: 8px 0; }
form .field { display: flex; flex-direction: column; gap: 2px; }
label { font-size: 13px; color: var(--muted); }
input, select, button { font: inherit; padding: 5px 8px; border: 1px solid #8c959f; border-radius: 6px; background: #fff; color: var(--fg); }
button { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: #fff; color: var(--bad); border-color: var(--bad); }
.emails { list-style: none; margin: 0; padding: 0; }
.emails li { border-top: 1px solid var(--line); }
.emails a { display: block; padding: 8px 6px; text-decoration: none; color: var(--fg); }
.emails a:hover { background: #eef3fb; }
.emails a[aria-current="true"] { background: #dbe7fb; border-left: 4px solid var(--accent); }
.emails .to { font-weight: 600; display: block; overflow-wrap: anywhere; }
.emails .meta { color: var(--muted); font-size: 13px; }
.empty { color: var(--muted); }
.otp { display: flex; align-items: center; gap: 12px; margin: 12px 0; padding: 12px; background: #eef3fb; border-radius: 8px; }
.otp .code { font: 700 36px/1 ui-monospace, "SFMono-Regular", Menlo, monospace; letter-spacing: 6px; }
.magic { margin: 12px 0; overflow-wrap: anywhere; }
.magic a { font-weight: 600; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 10px; font-size: 14px; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
iframe { width: 100%; height: 420px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.text-body { white-space: pre-wrap; overflow-wrap: anywhere; border: 1px solid var(--line); border-radius: 6px; padding: 8px; max-height: 420px; overflow: auto; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 4px 6px; border-top: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
.status { font-weight: 600; }
.status-pending { color: var(--warn); }
.status-verified { color: var(--ok); }
.status-expired, .status-locked { color: var(--bad); }
.faults { list-style: none; padding: 0; margin: 0; }
.faults li { display: flex; justify-content: space-between; gap: 8px; align-items: center; padding: 4px 0; border-top: 1px solid var(--line); font-size: 14px; }
#notice { min-height: 1.4em; margin: 0 20px; color: var(--bad); font-weight: 600; }
#notice[data-kind="ok"] { color: var(--ok); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

/**
 * Runs in the browser (served as its source): follows the environment's
 * event stream and re-renders the affected panels, and wires the forms and
 * buttons to the control API. Self-contained: no imports, no outer names.
 */
export function inboxPage(): void {
  const body = document.body;
  const api = body.dataset.api ?? "/_mock/v1";
  const notice = document.getElementById("notice")!;
  const live = document.getElementById("live")!;

  const say = (text: string, kind: "ok" | "error") => {
    notice.textContent = text;
    notice.dataset.kind = kind;
  };

  const refresh = async (...panels: string[]) => {
    const query = location.search;
    await Promise.all(
      panels.map(async (panel) => {
        const target = document.getElementById(`panel-${panel}`);
        if (target === null) return;
        const response = await fetch(`/_mock/ui/panels/${panel}${query}`, { headers: { accept: "text/html" } });
        if (response.ok) target.innerHTML = await response.text();
      }),
    );
  };

  const control = async (method: string, path: string, payload?: unknown) => {
    const response = await fetch(`${api}${path}`, {
      method,
      ...(payload !== undefined && { headers: { "content-type": "application/json" }, body: JSON.stringify(payload) }),
    });
    const text = await response.text();
    const json = text === "" ? undefined : JSON.parse(text);
    if (!response.ok) throw new Error(json?.error?.message ?? `HTTP ${response.status}`);
    return json;
  };

  const run = async (work: () => Promise<unknown>, done: string, ...panels: string[]) => {
    try {
      await work();
      say(done, "ok");
    } catch (error) {
      say((error as Error).message, "error");
    }
    await refresh(...panels);
  };

  const selected = new URLSearchParams(location.search).has("email");
  const events = new EventSource(`${api}/events`);
  events.onopen = () => {
    live.textContent = "Live";
    live.dataset.state = "live";
  };
  events.onerror = () => {
    live.textContent = "Reconnecting…";
    live.dataset.state = "offline";
  };
  events.addEventListener("email.captured", () => void refresh("inbox", "requests", ...(selected ? [] : ["message"])));
  events.addEventListener("auth_request.verified", () => void refresh("requests"));
  events.addEventListener("auth_request.failed", () => void refresh("requests"));
  events.addEventListener("clock.changed", () => void refresh("clock", "requests"));
  events.addEventListener("fault.hit", () => void refresh("faults"));
  events.addEventListener("rate.limited", () => void refresh("requests"));

  document.addEventListener("submit", (event) => {
    const form = event.target as HTMLFormElement;
    const action = form.dataset.action;
    if (action === undefined) return;
    event.preventDefault();
    const data = new FormData(form);
    const field = (name: string) => String(data.get(name) ?? "").trim();
    if (action === "clock-advance") {
      void run(() => control("POST", "/clock", { advance: field("by") }), `Clock advanced by ${field("by")}`, "clock", "requests");
    } else if (action === "fault-add") {
      const rule: Record<string, unknown> = { operation: field("operation") };
      const effect = field("effect");
      if (effect === "drop") rule.drop = true;
      else if (effect === "rateLimit") rule.rateLimit = true;
      else if (effect === "mail-drop") rule.mail = "drop";
      else rule.error = effect;
      if (field("email") !== "") rule.match = { email: field("email") };
      if (field("times") !== "") rule.times = Number(field("times"));
      void run(() => control("POST", "/faults", rule), "Fault rule added", "faults");
    }
  });

  document.addEventListener("click", (event) => {
    const button = (event.target as Element).closest("button");
    if (button === null) return;
    const { action, id, copy } = button.dataset;
    if (copy !== undefined) {
      void navigator.clipboard.writeText(copy).then(
        () => say("Code copied to the clipboard", "ok"),
        () => say("The browser refused the clipboard; select the code instead", "error"),
      );
    } else if (action === "clock-freeze") void run(() => control("POST", "/clock", { freeze: true }), "Clock frozen", "clock", "requests");
    else if (action === "clock-unfreeze") void run(() => control("POST", "/clock", { freeze: false }), "Clock running", "clock", "requests");
    else if (action === "clock-reset") void run(() => control("DELETE", "/clock"), "Clock back to real time", "clock", "requests");
    else if (action === "fault-remove" && id !== undefined) void run(() => control("DELETE", `/faults/${encodeURIComponent(id)}`), `Fault rule ${id} removed`, "faults");
    else if (action === "faults-clear") void run(() => control("DELETE", "/faults"), "All fault rules removed", "faults");
    else if (action === "inbox-clear") void run(() => control("DELETE", "/emails"), "Inbox cleared", "inbox", "message");
  });

  body.dataset.ready = "true";
}

/** The browser script: the function above, called once. */
export const UI_SCRIPT = `(${inboxPage.toString()})();\n`;
