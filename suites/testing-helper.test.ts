import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { useMockScalekit } from "../mock-server/src/testing/index.js";
import { restSession } from "./support/rest.js";

const run = promisify(execFile);
const VITEST = join(import.meta.dirname, "..", "node_modules", "vitest", "vitest.mjs");
const FIXTURES = join(import.meta.dirname, "fixtures", "vitest-helper");

describe("useMockScalekit", () => {
  const mock = useMockScalekit({ seed: "helper", settings: { otpLength: 8 } });

  it("gives the file an environment with the given seed and settings", async () => {
    expect(mock.id).toBe("testing-helper-test");
    const api = await restSession(mock);
    await api.send({ email: "h@example.com" });
    expect((await mock.inbox.waitForOtp("h@example.com")).code).toMatch(/^\d{8}$/);
    mock.settings.update({ otpLength: 4 });
  });

  it("resets mail and settings before each test", () => {
    expect(mock.inbox.list()).toEqual([]);
    expect(mock.settings.get().otpLength).toBe(8);
  });
});

describe("useMockScalekit with a server of its own", () => {
  const mock = useMockScalekit({ server: { clientId: "skc_own_server" } });

  it("starts a separate server and gives its default environment", () => {
    expect(mock.id).toBe("default");
    expect(mock.clientId).toBe("skc_own_server");
    expect(mock.url).toBe(mock.server.url);
  });
});

/** Runs the two fixture files in a child vitest and returns what each printed. */
async function runFixtures(args: string[]): Promise<Map<string, { environment: string; server: string }>> {
  const { stdout } = await run(process.execPath, [VITEST, "run", "--config", join(FIXTURES, "vitest.config.ts"), ...args], {
    cwd: FIXTURES,
    env: { ...process.env, CI: "", NO_COLOR: "1" },
  }).catch((error: { stdout?: string; stderr?: string }) => {
    throw new Error(`fixture run failed:\n${error.stdout ?? ""}\n${error.stderr ?? ""}`);
  });
  const seen = new Map<string, { environment: string; server: string }>();
  for (const match of stdout.matchAll(/HELPER_FILE (\w+) environment=(\S+) server=(\S+)/g)) seen.set(match[1]!, { environment: match[2]!, server: match[3]! });
  expect([...seen.keys()].sort(), stdout).toEqual(["a", "b"]);
  return seen;
}

describe("isolation between test files", () => {
  it("two files in parallel never see each other's mail", async () => {
    const seen = await runFixtures(["--maxWorkers=2", "--fileParallelism"]);
    expect(seen.get("a")!.environment).toBe("a-fixture");
    expect(seen.get("b")!.environment).toBe("b-fixture");
  }, 60_000);

  it("files of one worker share its server, each in its own environment", async () => {
    const seen = await runFixtures(["--no-isolate", "--maxWorkers=1"]);
    expect(seen.get("a")!.server).toBe(seen.get("b")!.server);
    expect(seen.get("a")!.environment).not.toBe(seen.get("b")!.environment);
  }, 60_000);
});
