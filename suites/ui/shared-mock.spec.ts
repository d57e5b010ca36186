import { ScalekitMockClient } from "../../mock-server/src/client/index.js";
import { expect, test } from "../../mock-server/src/testing/playwright.js";
import { restSession } from "../support/rest.js";

/** The Playwright fixture pointed at a mock that runs elsewhere (`scalekitUrl`). */

test.use({ scalekitUrl: process.env.PLAYWRIGHT_SHARED_MOCK_URL });

test("uses the running mock, in an environment of the worker's own", async ({ scalekit, scalekitServer }) => {
  expect(scalekitServer).toEqual({ url: process.env.PLAYWRIGHT_SHARED_MOCK_URL, owned: false });
  const environments = await new ScalekitMockClient(scalekitServer.url).environments.list();
  expect(environments.map((env) => env.id)).toContain(scalekit.id);
  expect(scalekit.id).not.toBe("default");

  expect((await (await restSession(scalekit)).send({ email: "far@example.com" })).status).toBe(200);
  expect(await scalekit.otpFor("far@example.com")).toMatch(/^\d{6}$/);
  // The mail went to the worker's environment, not to the shared mock's default one.
  expect(await new ScalekitMockClient(scalekitServer.url).inbox.list()).toEqual([]);
});
