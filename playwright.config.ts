import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";

/**
 * Browser tests: the web inbox (suites/ui) and the example app's e2e
 * (examples/passwordless-app/e2e), in Debian's Chromium. Without Chromium
 * they are skipped with the reason printed, except in CI, where that fails.
 */
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(chromium);
if (!haveChromium) {
  const reason = `no Chromium at ${chromium} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI) throw new Error(`browser tests must run in CI, but there is ${reason}`);
  console.warn(`skipping the browser tests: ${reason}`);
}

export default defineConfig({
  ...(haveChromium ? {} : { testIgnore: ["**/*"] }),
  timeout: 30_000,
  expect: { timeout: 7_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  reporter: "list",
  outputDir: "reports/playwright",
  globalSetup: "./suites/ui/global-setup.ts",
  use: {
    browserName: "chromium",
    headless: true,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // Names that resolve to this machine, for pages that attack the mock (suites/ui/browser-attacks.spec.ts).
        "--host-resolver-rules=MAP *.rebind.test 127.0.0.1",
      ],
    },
  },
  projects: [
    { name: "inbox-ui", testDir: "suites/ui", testMatch: "*.spec.ts" },
    { name: "example-app", testDir: "examples/passwordless-app/e2e", testMatch: "*.spec.ts" },
  ],
});
