import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { Chaos, MAX_MAIL_DELAY_MS } from "./soak/chaos.js";
import { checkAfterSoak, dropsAgree } from "./soak/checks.js";
import { followEvents } from "./soak/events.js";
import { churn, worker, type SoakEnv } from "./soak/load.js";
import { Surfaces, Tally, prng } from "./soak/surfaces.js";

/**
 * Chaos soak: mixed concurrent load over REST, gRPC and the control API
 * across several environments, with random seeded fault rules added and
 * removed as it runs, then the invariants checked and the memory measured.
 * 20 s of load by default; SCALEKIT_MOCK_SOAK_SECONDS lengthens it,
 * SCALEKIT_MOCK_SOAK_SEED changes the choices.
 */

const SECONDS = Number(process.env.SCALEKIT_MOCK_SOAK_SECONDS ?? 20);
const SEED = Number(process.env.SCALEKIT_MOCK_SOAK_SEED ?? 20_261_128);
const WORKERS = 12;
const ENVIRONMENTS = 4;
/** Big enough that nothing is evicted during the soak: eviction would break the invariants checked afterwards. */
const LIMITS = { journalLimit: 100_000, emailLimit: 1_000_000, authRequestLimit: 1_000_000 };
/** How far the heap may stay above where it started once everything is deleted. */
const HEAP_MARGIN_BYTES = 24 * 1024 * 1024;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const heapAfterGc = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
};

let mock: MockScalekit;
const crashes: string[] = [];
const onRejection = (reason: unknown) => crashes.push(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
const onException = (error: Error) => crashes.push(`uncaught exception: ${error.stack}`);

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "soak" });
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
});
afterAll(async () => {
  process.off("unhandledRejection", onRejection);
  process.off("uncaughtException", onException);
  await mock.close();
});

async function createEnvironments(s: Surfaces, prefix: string, count: number): Promise<SoakEnv[]> {
  const envs: SoakEnv[] = [];
  for (let i = 0; i < count; i++) {
    const created = await s.control("POST", "/environments", {
      id: `${prefix}-${i}`,
      settings: { ...LIMITS, passwordlessType: ["OTP", "LINK_OTP", "LINK", "OTP"][i % 4], newCredentialsOnResend: i % 2 === 1, maxResends: 20 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const addresses = Array.from({ length: 12 }, (_, n) => `u${n}@${prefix}${i}.test`);
    envs.push({ id: created.body.id, clientId: created.body.client_id, clientSecret: created.body.client_secret, addresses, recent: [] });
  }
  return envs;
}

/** Every surface once, so that lazily loaded code (Connect, jose, templates) is in the heap before it is measured. */
async function warmUp(s: Surfaces): Promise<void> {
  const [env] = await createEnvironments(s, "soak-warmup", 1);
  const events = await followEvents(s.url);
  const chaos = new Chaos(s, prng(1));
  await chaos.step([env!.id]);
  await worker(s, [env!], prng(2), performance.now() + 300);
  await s.control("GET", `/environments/${env!.id}/snapshot`);
  events.stop();
  await s.control("DELETE", `/environments/${env!.id}`);
}

describe("chaos soak", () => {
  it(
    `keeps its invariants, answers no 5xx but injected ones, and gives its memory back after ${SECONDS}s of mixed load under random faults`,
    async () => {
      const tally = new Tally();
      const s = new Surfaces(mock.url, tally);
      await warmUp(s);
      const heapBefore = await heapAfterGc();

      const envs = await createEnvironments(s, "soak", ENVIRONMENTS);
      const envIds = envs.map((e) => e.id);
      const sentinel = await createEnvironments(s, "soak-sentinel", 1);
      const events = await followEvents(mock.url);
      const chaos = new Chaos(s, prng(SEED));
      const started = performance.now();
      const until = started + SECONDS * 1000;
      const [, churned] = await Promise.all([
        chaos.run(envIds, until),
        churn(s, envs, prng(SEED + 1), until),
        ...Array.from({ length: WORKERS }, (_, i) => worker(s, envs, prng(SEED + 100 + i), until)),
      ]);
      const loadSeconds = (performance.now() - started) / 1000;

      // Quiet down: no more faults, late mail delivered, and every event so far received (the stream is ordered).
      await chaos.clear(envIds);
      await new Promise((resolve) => setTimeout(resolve, MAX_MAIL_DELAY_MS + 100));
      const marker = events.seen("clock.changed", sentinel[0]!.id, 10_000);
      await s.control("POST", `/environments/${sentinel[0]!.id}/clock`, { advance: "1s" });
      expect(await marker, "the event stream delivered everything before the marker").toBe(true);

      const checked = await checkAfterSoak(s, envIds, chaos, events, LIMITS.journalLimit);
      const health = await s.control("GET", "/health");
      events.stop();

      expect(crashes, "no unhandled rejection or uncaught exception during the soak").toEqual([]);
      expect(tally.problems, "what the clients saw").toEqual([]);
      expect(checked.problems, "what the mock recorded").toEqual([]);
      expect(dropsAgree(tally, checked.journalDrops), `each dropped call journaled as CONNECTION_DROPPED, and no other: clients saw ${JSON.stringify(tally.drops)}, journals have ${checked.journalDrops}`).toBe(true);
      expect([health.status, health.body?.status]).toEqual([200, "ok"]);

      for (const id of [...envIds, sentinel[0]!.id]) await s.control("DELETE", `/environments/${id}`);
      const summary =
        `chaos soak (seed ${SEED}): ${loadSeconds.toFixed(1)}s of load; requests rest ${tally.requests.rest}, grpc ${tally.requests.grpc}, ` +
        `control ${tally.requests.control}, token ${tally.requests.token}; faults added ${chaos.added}, removed ${chaos.removed}; ` +
        `injected answers 5xx ${tally.injected.serverErrors}, 4xx ${tally.injected.clientErrors}; drops rest ${tally.drops.rest}, grpc ${tally.drops.grpc}, ` +
        `token ${tally.drops.token}; ${churned} environments churned; ${checked.emails} emails, ${checked.checks} invariant checks`;
      // Let go of everything the test itself holds before measuring.
      envs.length = 0;
      events.captured.clear();
      events.faultHits.clear();
      chaos.rules.clear();
      const heapAfter = await heapAfterGc();
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      console.log(`${summary}; heap ${mb(heapBefore)} MB before, ${mb(heapAfter)} MB after`);
      expect(heapAfter, `heap after the soak (${mb(heapAfter)} MB) back near its start (${mb(heapBefore)} MB)`).toBeLessThan(heapBefore + HEAP_MARGIN_BYTES);
    },
    (SECONDS + 90) * 1000,
  );
});
