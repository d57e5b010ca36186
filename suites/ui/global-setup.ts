import { createMockScalekit } from "../../mock-server/src/index.js";

/**
 * A mock running outside the test workers, as a team's shared mock or a
 * container would be: `shared-mock.spec.ts` points the fixture at it.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const mock = await createMockScalekit({ seed: "shared-for-playwright" });
  process.env.PLAYWRIGHT_SHARED_MOCK_URL = mock.url;
  return () => mock.close();
}
