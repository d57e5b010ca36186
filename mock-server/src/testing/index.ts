/**
 * Test helpers. `useMockScalekit()` starts one mock for the test file that
 * calls it (in `beforeAll`), resets it before each test, and closes it after.
 */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { createMockScalekit, type MockScalekit, type MockScalekitOptions } from "../index.js";

export interface UseMockOptions extends MockScalekitOptions {
  /** Reset auth requests, mail, settings and clock before each test. Default true. */
  resetBeforeEach?: boolean;
}

export function useMockScalekit(options: UseMockOptions = {}): MockScalekit {
  const { resetBeforeEach = true, ...mockOptions } = options;
  let mock: MockScalekit | undefined;
  beforeAll(async () => {
    mock = await createMockScalekit(mockOptions);
  });
  if (resetBeforeEach) beforeEach(() => mock?.reset());
  afterAll(async () => {
    await mock?.close();
  });
  return new Proxy({} as MockScalekit, {
    get(_target, key) {
      if (mock === undefined) throw new Error("the mock starts in beforeAll: use it inside tests or hooks, not at the top level of the file");
      return mock[key as keyof MockScalekit];
    },
  });
}

export { createMockScalekit };
export type { MockScalekit, MockScalekitOptions };
