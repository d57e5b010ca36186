import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { createMockScalekit, type MockScalekit } from "../../mock-server/src/index.js";
import { restSession } from "../support/rest.js";

/**
 * Pages of other sites, in a real browser, against a mock on localhost.
 * `*.rebind.test` resolves to 127.0.0.1 (see playwright.config.ts), as a
 * rebound attacker's name would.
 */

let mock: MockScalekit;
let attacker: Server;
let attackerOrigin: string;
let page = "";

test.beforeAll(async () => {
  mock = await createMockScalekit({ seed: "browser-attacks" });
  attacker = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(page));
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  attackerOrigin = `http://evil.rebind.test:${(attacker.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  attacker.close();
  await mock.close();
});

test("a page of another site cannot reset the mock or create environments, though its requests arrive", async ({ page: tab }) => {
  expect((await (await restSession(mock)).send({ email: "victim@example.com" })).status).toBe(200);
  const emails = mock.inbox.list().length;
  const tokenCalls = mock.requests({ operation: "token" }).length;
  page = `<!doctype html><title>attack</title>
    <form id="f" method="POST" action="${mock.url}/_mock/v1/environments" enctype="text/plain"></form>
    <script>
      Promise.all([
        fetch("${mock.url}/_mock/v1/reset", { method: "POST", mode: "no-cors" }),
        fetch("${mock.url}/_mock/v1/emails", { method: "DELETE", mode: "no-cors" }).catch(() => undefined),
        // Reaches an unguarded route: proof that the browser lets the page's requests through.
        fetch("${mock.url}/oauth/token", { method: "POST", mode: "no-cors", body: new URLSearchParams({ grant_type: "client_credentials" }) }),
      ]).then(() => { document.title = "sent"; document.getElementById("f").submit(); });
    </script>`;
  await tab.goto(`${attackerOrigin}/`);
  await tab.waitForURL(`${mock.url}/_mock/v1/environments`);
  await expect(tab.locator("body")).toContainText("CROSS_SITE_REQUEST");
  expect(mock.requests({ operation: "token" }).length).toBe(tokenCalls + 1);
  expect(mock.inbox.list().length).toBe(emails);
  expect(mock.inbox.list({ to: "victim@example.com" })).toHaveLength(1);
  const listed = await (await fetch(`${mock.url}/_mock/v1/environments`)).json();
  expect(listed.environments).toHaveLength(1);
});

test("a rebound name cannot read the control API or the inbox", async ({ page: tab }) => {
  const port = new URL(mock.url).port;
  for (const path of ["/_mock/v1/environments/default", "/_mock/ui"]) {
    const response = await tab.goto(`http://evil.rebind.test:${port}${path}`);
    expect(response?.status(), path).toBe(403);
    const text = await tab.locator("body").innerText();
    expect(text).toContain("--allowed-host");
    expect(text).not.toContain(mock.clientSecret);
  }
});

test("the mock's own inbox page still changes state (same origin)", async ({ page: tab }) => {
  await tab.goto(`${mock.url}/_mock/ui`);
  await expect(tab.locator("#live")).toHaveText("Live");
  const status = await tab.evaluate(async () => (await fetch("/_mock/v1/clock", { method: "POST", headers: { "content-type": "application/json" }, body: '{"advance":"1m"}' })).status);
  expect(status).toBe(200);
  expect((await (await fetch(`${mock.url}/_mock/v1/clock`)).json()).offset_ms).toBeGreaterThanOrEqual(59_000);
});
