import { afterEach, describe, expect, it } from "vitest";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { restSession } from "./support/rest.js";

const started: MockScalekit[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((m) => m.close()));
});

async function start(seed: string): Promise<MockScalekit> {
  const mock = await createMockScalekit({ seed, settings: { passwordlessType: "LINK_OTP", newCredentialsOnResend: true } });
  // Freeze first: set-then-freeze would let real time slip in between.
  mock.clock.freeze();
  mock.clock.set("2026-11-28T09:00:00Z");
  started.push(mock);
  return mock;
}

const LINK = "https://app.test/cb";

/** The same scripted session: sends, a resend, a wrong code, a verify. Returns every response and email. */
async function script(mock: MockScalekit, order: string[]) {
  const api = await restSession(mock);
  const responses: Record<string, unknown[]> = {};
  for (const address of order) {
    const sent = await api.send({ email: address, state: `s-${address}`, magiclink_auth_uri: LINK, template_variables: { app_name: "Acme" } });
    mock.clock.advance("1s");
    const resent = await api.resend({ auth_request_id: sent.body.auth_request_id });
    const wrong = await api.verify({ code: "0", auth_request_id: sent.body.auth_request_id });
    const { code } = await mock.inbox.waitForOtp(address);
    const verified = await api.verify({ code, auth_request_id: sent.body.auth_request_id });
    responses[address] = [sent.body, resent.body, wrong.body, verified.body];
  }
  // The cursor (seq) counts captures in arrival order, so it is the one field that follows the interleaving.
  const emails = Object.fromEntries(order.map((a) => [a, mock.inbox.list({ to: a }).map(({ seq: _seq, date: _date, ...rest }) => rest)]));
  return { responses, emails };
}

describe("determinism", () => {
  it("gives byte-identical responses and emails for the same seed and calls", async () => {
    const order = ["ana@example.com", "bo@example.com", "ana@example.com"];
    const a = await start("fixed-seed");
    const b = await start("fixed-seed");
    const runA = await script(a, order);
    const runB = await script(b, order);
    expect(JSON.stringify(runB)).toBe(JSON.stringify(runA));
    expect(a.clientSecret).toBe(b.clientSecret);
    const full = (m: MockScalekit) => JSON.stringify(m.inbox.list());
    expect(full(b)).toBe(full(a));
  });

  it("gives each address the same ids and codes whatever the interleaving", async () => {
    const a = await start("fixed-seed");
    const b = await start("fixed-seed");
    const runA = await script(a, ["ana@example.com", "bo@example.com", "cy@example.com"]);
    const runB = await script(b, ["cy@example.com", "ana@example.com", "bo@example.com"]);
    // Each address is handled at another mock time in each order, so expiry times differ; all else must not.
    const timeless = (bodies: unknown[] | undefined) => JSON.stringify(bodies).replace(/"expires_at":"\d+"/g, "");
    for (const address of ["ana@example.com", "bo@example.com", "cy@example.com"]) {
      expect(timeless(runB.responses[address])).toBe(timeless(runA.responses[address]));
      const credentials = (emails: (typeof runA.emails)[string] | undefined) => emails!.map((e) => [e.id, e.authRequestId, e.otp, e.linkToken, e.link, e.subject]);
      expect(credentials(runB.emails[address])).toEqual(credentials(runA.emails[address]));
    }
  });

  it("gives other ids and codes for another seed", async () => {
    const a = await script(await start("seed-one"), ["ana@example.com"]);
    const b = await script(await start("seed-two"), ["ana@example.com"]);
    expect((b.responses["ana@example.com"]![0] as { auth_request_id: string }).auth_request_id).not.toBe(
      (a.responses["ana@example.com"]![0] as { auth_request_id: string }).auth_request_id,
    );
  });
});
