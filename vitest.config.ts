import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["mock-server/src/**/*.test.ts", "contracts/**/*.test.ts", "suites/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
