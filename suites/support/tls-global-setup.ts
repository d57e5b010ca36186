import { rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { createMockScalekit } from "../../mock-server/src/index.js";

/**
 * One mock with TLS on for the whole run, started before any test worker:
 * its generated CA is written where `vitest.config.ts` points
 * NODE_EXTRA_CA_CERTS, so every worker process (a child of this one, started
 * after this ran) trusts it the way an application's process would, and the
 * official SDK reaches it over https:// unchanged.
 */
export default async function tlsGlobalSetup(project: TestProject): Promise<() => Promise<void>> {
  const caFile = process.env.SCALEKIT_MOCK_TEST_CA;
  if (caFile === undefined) throw new Error("vitest.config.ts sets SCALEKIT_MOCK_TEST_CA; run the tests through it");
  const mock = await createMockScalekit({ seed: "catalog-https", tls: true, tlsCaOut: caFile });
  project.provide("tlsMock", { url: mock.url, httpsUrl: mock.tls!.url, caFile });
  return async () => {
    await mock.close();
    rmSync(caFile, { force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    /** The run's shared TLS mock: one port, http:// and https://. */
    tlsMock: { url: string; httpsUrl: string; caFile: string };
  }
}
