/**
 * The example app end to end in Chromium, against scalekit-mock: the app
 * talks to the mock through the official SDK; the test reads codes and links
 * from the mock's inbox and moves its clock.
 */
import type { Page } from "@playwright/test";
import { expect, test as base } from "scalekit-mock/testing/playwright";
import { startApp } from "../src/server.js";

// One app per worker, configured with the worker's own mock environment.
const test = base.extend<object, { appUrl: string }>({
  appUrl: [
    async ({ scalekitEnvironment }, use) => {
      const app = await startApp(scalekitEnvironment);
      await use(app.url);
      await app.close();
    },
    { scope: "worker" },
  ],
});

test.use({ scalekitEnvironmentOptions: { settings: { passwordlessType: "LINK_OTP", newCredentialsOnResend: true } } });

async function askForEmail(page: Page, appUrl: string, email: string) {
  await page.goto(appUrl);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in code" }).click();
  await expect(page.getByRole("status")).toHaveText(`We sent an email to ${email}.`);
}

test("signs in with the code from the inbox", async ({ page, appUrl, scalekit }) => {
  await askForEmail(page, appUrl, "ana@example.com");
  await page.getByLabel("Code").fill(await scalekit.otpFor("ana@example.com"));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in")).toHaveText("Signed in as ana@example.com.");
});

test("signs in by following the magic link", async ({ page, appUrl, scalekit }) => {
  await askForEmail(page, appUrl, "ben@example.com");
  const link = await scalekit.magicLinkFor("ben@example.com");
  expect(link.startsWith(`${appUrl}/passwordless/verify?link_token=`)).toBe(true);
  await page.goto(link);
  await expect(page.getByTestId("signed-in")).toHaveText("Signed in as ben@example.com.");
});

test("a wrong code shows how many attempts are left", async ({ page, appUrl, scalekit }) => {
  await askForEmail(page, appUrl, "typo@example.com");
  const code = await scalekit.otpFor("typo@example.com");
  await page.getByLabel("Code").fill(code === "000000" ? "111111" : "000000");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText(/That code is not right\. 4 attempts left/);
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in")).toBeVisible();
});

test("an expired code shows the error after the clock moves on", async ({ page, appUrl, scalekit }) => {
  await askForEmail(page, appUrl, "late@example.com");
  const code = await scalekit.otpFor("late@example.com");
  await scalekit.clock.advance("6m");
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("That code has expired. Send a new email to get a fresh one.");
  await expect(page.getByTestId("signed-in")).toHaveCount(0);
});

test("resend sends new credentials and the old code stops working", async ({ page, appUrl, scalekit }) => {
  await askForEmail(page, appUrl, "again@example.com");
  const first = await scalekit.otpFor("again@example.com");
  const [seen] = await scalekit.inbox.list({ to: "again@example.com" });
  await page.getByRole("button", { name: "Resend the email" }).click();
  await expect(page.getByRole("status")).toHaveText("We sent a new email to again@example.com.");
  const second = await scalekit.otpFor("again@example.com", { after: seen!.seq });
  expect(second).not.toBe(first);

  await page.getByLabel("Code").fill(first);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("That code is not right");
  await page.getByLabel("Code").fill(second);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in")).toHaveText("Signed in as again@example.com.");
});

test("a magic link used twice is refused", async ({ page, appUrl, scalekit }) => {
  await askForEmail(page, appUrl, "twice@example.com");
  const link = await scalekit.magicLinkFor("twice@example.com");
  await page.goto(link);
  await expect(page.getByTestId("signed-in")).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.goto(link);
  await expect(page.getByRole("alert")).toBeVisible();
  await expect(page.getByTestId("signed-in")).toHaveCount(0);
});
