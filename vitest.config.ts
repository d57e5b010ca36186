import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// The CA of the run's TLS mock (suites/support/tls-global-setup.ts writes it before any worker
// starts): each worker process trusts it from its start, as NODE_EXTRA_CA_CERTS asks.
const testCa = join(tmpdir(), `scalekit-mock-test-ca-${process.pid}.pem`);
process.env.SCALEKIT_MOCK_TEST_CA = testCa;

export default defineConfig({
  test: {
    include: ["mock-server/src/**/*.test.ts", "contracts/**/*.test.ts", "suites/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    globalSetup: ["suites/support/tls-global-setup.ts"],
    env: { NODE_EXTRA_CA_CERTS: testCa },
  },
});
