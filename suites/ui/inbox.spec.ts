import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createMockScalekit } from "../../mock-server/src/index.js";
import { expect, test, type ScalekitFixture } from "../../mock-server/src/testing/playwright.js";
import { restSession } from "../support/rest.js";

/** The web inbox in Chromium, driven only through the page and the public APIs. */

async function send(scalekit: ScalekitFixture, email: string, extra: Record<string, unknown> = {}) {
  return (await restSession(scalekit)).send({ email, ...extra });
}

const inboxUrl = (scalekit: ScalekitFixture, query = "") => `${scalekit.url}/_mock/ui?env=${encodeURIComponent(scalekit.id)}${query}`;

async function openInbox(page: import("@playwright/test").Page, scalekit: ScalekitFixture, query = "") {
  await page.goto(inboxUrl(scalekit, query));
  await expect(page.locator("#live")).toHaveText("Live");
}

test("an email sent through the API appears without a reload, its code large and copyable", async ({ page, context, scalekit }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await openInbox(page, scalekit);
  await expect(page.locator("#panel-inbox")).toContainText("No emails");
  await page.evaluate(() => ((window as unknown as { loadedOnce: string }).loadedOnce = "still here"));

  expect((await send(scalekit, "ana@example.com")).status).toBe(200);
  const code = await scalekit.otpFor("ana@example.com");

  await expect(page.getByTestId("emails").locator("li")).toHaveCount(1);
  await expect(page.getByTestId("emails")).toContainText("ana@example.com");
  await expect(page.getByTestId("otp")).toHaveText(code);
  expect(await page.evaluate(() => (window as unknown as { loadedOnce?: string }).loadedOnce)).toBe("still here");

  await page.getByRole("button", { name: "Copy code" }).click();
  await expect(page.locator("#notice")).toHaveText(/copied/);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);

  // The HTML body renders in a sandboxed frame.
  const frame = page.locator("iframe");
  await expect(frame).toHaveAttribute("sandbox", "");
  await expect(page.frameLocator("iframe").locator("body")).toContainText(code);

  // A second email lands on top.
  await send(scalekit, "ben@example.com");
  await expect(page.getByTestId("emails").locator("li")).toHaveCount(2);
  await expect(page.getByTestId("emails").locator("li").first()).toContainText("ben@example.com");
});

test("advancing the clock shows the auth request as expired", async ({ page, scalekit }) => {
  await send(scalekit, "clock@example.com", { expires_in: 300 });
  await openInbox(page, scalekit);
  const row = page.getByTestId("auth-requests").locator("tbody tr").first();
  await expect(row).toContainText("clock@example.com");
  await expect(row.locator(".status")).toHaveText("pending");

  await page.getByLabel(/Advance by/).fill("10m");
  await page.getByRole("button", { name: "Advance", exact: true }).click();
  await expect(row.locator(".status")).toHaveText("expired");
  await expect(page.locator("#panel-clock")).toContainText("+10m");

  // A change made through the API shows as well.
  await scalekit.clock.reset();
  await expect(row.locator(".status")).toHaveText("pending");
  await scalekit.clock.advance("1h");
  await expect(row.locator(".status")).toHaveText("expired");
});

test("a magic link is shown as a link to follow", async ({ page, scalekit }) => {
  await scalekit.settings.update({ passwordlessType: "LINK_OTP" });
  await send(scalekit, "link@example.com", { magiclink_auth_uri: "https://app.test/passwordless/verify" });
  const link = await scalekit.magicLinkFor("link@example.com");
  await openInbox(page, scalekit);
  await expect(page.getByTestId("magic-link")).toHaveAttribute("href", link);
  await expect(page.getByTestId("otp")).toHaveText(await scalekit.otpFor("link@example.com"));
});

test("filters by address and keeps the filter while mail arrives", async ({ page, scalekit }) => {
  await send(scalekit, "keep@example.com");
  await send(scalekit, "other@example.com");
  await openInbox(page, scalekit);
  await page.getByLabel("Filter by address").fill("keep@example.com");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/to=keep%40example\.com/);
  await expect(page.getByTestId("emails").locator("li")).toHaveCount(1);
  await expect(page.locator("#live")).toHaveText("Live");
  await send(scalekit, "other@example.com");
  await send(scalekit, "keep@example.com");
  await expect(page.getByTestId("emails").locator("li")).toHaveCount(2);
  await expect(page.getByTestId("emails")).not.toContainText("other@example.com");
  await page.getByRole("link", { name: "Show all" }).click();
  await expect(page.getByTestId("emails").locator("li")).toHaveCount(4);
});

test("switches environments; each shows its own mail", async ({ page, scalekit }) => {
  await send(scalekit, "mine@example.com");
  await page.goto(`${scalekit.url}/_mock/ui`);
  await expect(page.getByTestId("emails")).toHaveCount(0);
  await page.getByLabel("Environment").selectOption(scalekit.id);
  await page.getByRole("button", { name: "Switch" }).click();
  await expect(page.getByTestId("emails")).toContainText("mine@example.com");
  await expect(page).toHaveTitle(new RegExp(scalekit.id));
});

test("adds, shows hits of, and removes fault rules", async ({ page, scalekit }) => {
  await openInbox(page, scalekit);
  await page.getByLabel("Operation").selectOption("send");
  await page.getByLabel("Effect").selectOption("Unavailable");
  await page.getByLabel("Only for address (glob)").fill("*@down.test");
  await page.getByLabel("Times").fill("2");
  await page.getByRole("button", { name: "Add rule" }).click();
  const rule = page.getByTestId("faults").locator("li");
  await expect(rule).toContainText("send for *@down.test: Unavailable, 0/2 used");
  expect((await scalekit.faults.list()).map((f) => f.match)).toEqual([{ email: "*@down.test" }]);

  expect((await send(scalekit, "x@down.test")).status).toBe(503);
  await expect(rule).toContainText("1/2 used");

  // The server's validation message reaches the page.
  await page.getByLabel("Only for address (glob)").fill(`${"x".repeat(400)}@example.com`);
  await page.getByRole("button", { name: "Add rule" }).click();
  await expect(page.locator("#notice")).toHaveText(/match\.email/);
  await expect(rule).toHaveCount(1);

  await page.getByRole("button", { name: /Remove fault rule/ }).click();
  await expect(page.locator("#panel-faults")).toContainText("No fault rules");
  expect(await scalekit.faults.list()).toEqual([]);
});

test("every control has a label, and the keyboard reaches the skip link first", async ({ page, scalekit }) => {
  await send(scalekit, "a11y@example.com");
  await openInbox(page, scalekit);
  const unlabeled = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement>("input:not([type=hidden]), select")]
      .filter((el) => el.labels?.length === 0 && !el.getAttribute("aria-label"))
      .map((el) => el.outerHTML),
  );
  expect(unlabeled).toEqual([]);
  const nameless = await page.evaluate(() => [...document.querySelectorAll("button")].filter((b) => (b.getAttribute("aria-label") ?? b.textContent ?? "").trim() === "").length);
  expect(nameless).toBe(0);
  await page.keyboard.press("Tab");
  await expect(page.locator(":focus")).toHaveText("Skip to the inbox");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.locator("iframe")).toHaveAttribute("title", /a11y@example\.com/);
});

test("asks for the admin token when the mock has one", async ({ page }) => {
  const mock = await createMockScalekit({ adminToken: "inbox-admin-token-1234" });
  try {
    const response = await page.goto(`${mock.url}/_mock/ui`);
    expect(response?.status()).toBe(401);
    await page.getByLabel("Admin token").fill("not-the-token-at-all");
    await page.getByRole("button", { name: "Open the inbox" }).click();
    await expect(page.getByRole("alert")).toHaveText(/not the admin token/);
    await page.getByLabel("Admin token").fill("inbox-admin-token-1234");
    await page.getByRole("button", { name: "Open the inbox" }).click();
    await expect(page.locator("#live")).toHaveText("Live");
    await (await restSession(mock)).send({ email: "guarded@example.com" });
    await expect(page.getByTestId("emails")).toContainText("guarded@example.com");
  } finally {
    await mock.close();
  }
});

test("screenshot for the docs", async ({ page, scalekit }) => {
  await scalekit.settings.update({ passwordlessType: "LINK_OTP" });
  await send(scalekit, "ana@example.com", { magiclink_auth_uri: "https://app.example.com/passwordless/verify" });
  await send(scalekit, "ben@example.com", { magiclink_auth_uri: "https://app.example.com/passwordless/verify" });
  await scalekit.faults.add({ operation: "verify", match: { email: "*@flaky.test" }, error: "Unavailable", times: 3 });
  await page.setViewportSize({ width: 1440, height: 900 });
  await openInbox(page, scalekit);
  await expect(page.getByTestId("otp")).toBeVisible();
  await expect(page.frameLocator("iframe").locator("body")).toContainText(await scalekit.otpFor("ben@example.com"));
  const dir = process.env.UPDATE_DOCS_SCREENSHOT ? "docs" : join("reports", "playwright");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, "inbox-ui.png"), fullPage: true });
});
