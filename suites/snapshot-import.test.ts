import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { controlErrorBody } from "../contracts/schemas/scalekit.js";
import { createMockScalekit, type MockScalekit, type Snapshot } from "../mock-server/src/index.js";
import { restSession } from "./support/rest.js";

let mock: MockScalekit;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "snapshot-import" });
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

/** A snapshot of the default environment after two sends with a code and a link, as plain JSON; the clock stands still. */
async function takeSnapshot(): Promise<Snapshot> {
  mock.clock.freeze();
  mock.settings.update({ passwordlessType: "LINK_OTP" });
  const api = await restSession(mock);
  await api.send({ email: "one@example.com", magiclink_auth_uri: "https://app.test/cb" });
  await api.send({ email: "two@example.com", magiclink_auth_uri: "https://app.test/cb" });
  mock.faults.add({ operation: "verify", error: "Internal", match: { email: "nobody@example.com" } });
  return JSON.parse(JSON.stringify(mock.snapshot())) as Snapshot;
}

const putText = (text: string) =>
  fetch(`${mock.url}/_mock/v1/snapshot`, { method: "PUT", headers: { "content-type": "application/json" }, body: text }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as any,
  }));

/**
 * Imports over HTTP and in-process; both must refuse with a message containing
 * `expected`, and the environment must keep what it had.
 */
async function expectRefused(snapshot: unknown, expected: string, text = JSON.stringify(snapshot)) {
  const before = JSON.stringify(mock.snapshot());
  const refused = await putText(text);
  expect(refused.status).toBe(400);
  expect(controlErrorBody.parse(refused.body).error.message).toContain(expected);
  expect(() => mock.restore(JSON.parse(text))).toThrow(expected);
  expect(JSON.stringify(mock.snapshot())).toBe(before);
}

type State = Snapshot["state"];
const withState = (snapshot: Snapshot, change: (state: State) => Partial<State>): Snapshot => ({
  ...snapshot,
  state: { ...snapshot.state, ...change(snapshot.state) },
});

describe("snapshot import checks consistency, all or nothing", () => {
  it("refuses instants outside 1970 to 9999: the clock, an expiry, an email date", async () => {
    const taken = await takeSnapshot();
    const [request] = taken.state.authRequests;
    const [email] = taken.state.inbox.emails;
    await expectRefused(withState(taken, (s) => ({ clock: { ...s.clock, now: 8_639_999_999_000_000 } })), "state.clock.now");
    await expectRefused(withState(taken, () => ({ authRequests: [{ ...request!, expiresAt: 253_402_300_800_000 }] })), "state.authRequests.0.expiresAt");
    await expectRefused(withState(taken, (s) => ({ inbox: { ...s.inbox, emails: [{ ...email!, date: -1 }] } })), "state.inbox.emails.0.date");
  });


  it("refuses more fault rules than the snapshot's faultLimit, and repeated fault ids", async () => {
    const taken = await takeSnapshot();
    const rule = taken.state.faults[0]!;
    await expectRefused(
      withState(taken, () => ({ faults: Array.from({ length: 1_001 }, (_, i) => ({ ...rule, id: `r${i}` })) })),
      "more than the snapshot's faultLimit of 1000",
    );
    await expectRefused(
      withState(taken, (s) => ({ settings: { ...s.settings, faultLimit: 1 }, faults: [rule, { ...rule, id: "f_2" }] })),
      "faultLimit of 1",
    );
    await expectRefused(withState(taken, () => ({ faults: [rule, rule] })), 'fault rule id "f_1" appears twice');
  });
});
