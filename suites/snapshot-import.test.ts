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

describe("snapshot round trip", () => {
  it("exports, imports and exports again byte for byte, with verified, resent and numbered records", async () => {
    mock.settings.update({ newCredentialsOnResend: true });
    await takeSnapshot();
    const api = await restSession(mock);
    const [second, first] = mock.inbox.list();
    await api.resend({ auth_request_id: first!.authRequestId });
    await api.verify({ code: mock.inbox.latest({ to: second!.to })!.otp!, auth_request_id: second!.authRequestId });
    mock.faults.add({ id: "named", operation: "send", delayMs: 1, times: 3 });
    const get = () => fetch(`${mock.url}/_mock/v1/snapshot`).then((r) => r.text());
    const exported = await get();
    expect((await putText(exported)).status).toBe(200);
    expect(await get()).toBe(exported);
    mock.restore(JSON.parse(exported));
    expect(await get()).toBe(exported);
    expect(JSON.stringify(mock.snapshot())).toBe(exported);
  });
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


  it("refuses a nextSeq at or below an email's seq, and seqs out of order or repeated", async () => {
    const taken = await takeSnapshot();
    const inbox = (change: Partial<State["inbox"]>) => withState(taken, (s) => ({ inbox: { ...s.inbox, ...change } }));
    const [first, second] = taken.state.inbox.emails;
    await expectRefused(inbox({ nextSeq: 2 }), "state.inbox.nextSeq: 2 is not greater than the last email's seq 2");
    await expectRefused(inbox({ emails: [second!, first!] }), "state.inbox.emails.1.seq: seq 1 does not follow 2");
    await expectRefused(inbox({ emails: [first!, { ...second!, seq: 1 }] }), "state.inbox.emails.1.seq");
  });

  it("refuses repeated email ids, auth request ids and link tokens", async () => {
    const taken = await takeSnapshot();
    const [first, second] = taken.state.inbox.emails;
    const [one, two] = taken.state.authRequests;
    await expectRefused(
      withState(taken, (s) => ({ inbox: { ...s.inbox, emails: [first!, { ...second!, id: first!.id }] } })),
      `email id "${first!.id}" appears twice`,
    );
    await expectRefused(withState(taken, () => ({ authRequests: [one!, { ...two!, id: one!.id }] })), `auth request id "${one!.id}" appears twice`);
    await expectRefused(
      withState(taken, () => ({ authRequests: [one!, { ...two!, retiredLinkTokens: [one!.credentials.linkToken!] }] })),
      "state.authRequests.1.retiredLinkTokens.0: a link token appears twice",
    );
  });

  it("refuses records of another environment, an email to another address than its auth request, and send counts behind the auth requests", async () => {
    const taken = await takeSnapshot();
    const [first, second] = taken.state.inbox.emails;
    const [one, two] = taken.state.authRequests;
    await expectRefused(
      withState(taken, (s) => ({ inbox: { ...s.inbox, emails: [first!, { ...second!, environmentId: "other" }] } })),
      `state.inbox.emails.1.environmentId: "other" is not the snapshot's environment "default"`,
    );
    await expectRefused(withState(taken, () => ({ authRequests: [{ ...one!, environmentId: "other" }, two!] })), "state.authRequests.0.environmentId");
    await expectRefused(
      withState(taken, (s) => ({ inbox: { ...s.inbox, emails: [{ ...first!, to: second!.to }, second!] } })),
      `state.inbox.emails.0.to: the email went to ${second!.to}, but its auth request`,
    );
    await expectRefused(
      withState(taken, (s) => ({ sendsPerAddress: { ...s.sendsPerAddress, [one!.email]: 0 } })),
      "state.sendsPerAddress.one@example.com: Too small",
    );
    await expectRefused(withState(taken, () => ({ sendsPerAddress: { [two!.email]: 1 } })), `counts 0 sends to ${one!.email}`);
  });

  it.each([
    ["to", { to: "one@example.com\r\nBcc: all@example.com" }, "state.inbox.emails.0.to"],
    ["from", { from: "Mock <a@b.test>\r\nX-Injected: 1" }, "state.inbox.emails.0.from: expected no control characters"],
    ["subject", { subject: "Your code\r\nX-Injected: 1" }, "state.inbox.emails.0.subject: expected no control characters"],
    ["subject", { subject: "tab\tor NUL\u0000" }, "state.inbox.emails.0.subject"],
    ["id", { id: "abc\r\nX: y" }, "state.inbox.emails.0.id"],
    ["authRequestId", { authRequestId: "a b" }, "state.inbox.emails.0.authRequestId"],
  ])("refuses an email whose %s would break its headers", async (_field, change, expected) => {
    const taken = await takeSnapshot();
    const [first, ...rest] = taken.state.inbox.emails;
    await expectRefused(withState(taken, (s) => ({ inbox: { ...s.inbox, emails: [{ ...first!, ...change }, ...rest] } })), expected);
  });

  it('refuses a "__proto__" key in sendsPerAddress and settings (template variables keep theirs: the descriptor allows the key)', async () => {
    const taken = await takeSnapshot();
    const text = JSON.stringify(taken);
    for (const [at, withProto, path] of [
      ['"sendsPerAddress":{', '"sendsPerAddress":{"__proto__":{"x":1},', "state.sendsPerAddress.__proto__"],
      ['"settings":{', '"settings":{"__proto__":{"otpLength":4},', 'state.settings: Unrecognized key: "__proto__"'],
    ] as const) {
      expect(text).toContain(at);
      await expectRefused(undefined, path, text.replace(at, withProto));
    }
  });

  it("refuses more emails than emailLimit and more auth requests than authRequestLimit", async () => {
    const taken = await takeSnapshot();
    await expectRefused(withState(taken, (s) => ({ settings: { ...s.settings, emailLimit: 1 } })), "state.inbox.emails: 2 emails, more than the snapshot's emailLimit of 1");
    await expectRefused(
      withState(taken, (s) => ({ settings: { ...s.settings, authRequestLimit: 1 } })),
      "state.authRequests: 2 auth requests, more than the snapshot's authRequestLimit of 1",
    );
  });

  it("restores into another environment, whose records and next export then name it", async () => {
    const taken = await takeSnapshot();
    const other = mock.environment({ id: "restored-here" });
    other.restore(taken);
    const exported = other.snapshot();
    expect(exported.environmentId).toBe("restored-here");
    expect(new Set([...exported.state.authRequests, ...exported.state.inbox.emails].map((r) => r.environmentId))).toEqual(new Set(["restored-here"]));
    expect(() => other.restore(JSON.parse(JSON.stringify(exported)))).not.toThrow();
    mock.deleteEnvironment(other.id);
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

describe("a subject is one header line", () => {
  it("renders control characters of template variables as spaces, so the .eml has a clean Subject and the export re-imports", async () => {
    mock.clock.freeze();
    const api = await restSession(mock);
    const appName = "x\u0001\u0000y\u2028z\u0085w\u2029v\u007f\r\nBcc: all@example.com";
    expect((await api.send({ email: "a@b.co", template_variables: { app_name: appName } })).status).toBe(200);
    const email = mock.inbox.latest({ to: "a@b.co" })!;
    expect(email.subject).toBe(`${email.otp} is your sign-in code for x y z w v Bcc: all@example.com`);
    const eml = await fetch(`${mock.url}/_mock/v1/emails/${email.id}.eml`).then((r) => r.text());
    const headers = eml.slice(0, eml.indexOf("\r\n\r\n")).split("\r\n");
    expect(headers).toContain(`Subject: ${email.subject}`);
    expect(headers.some((line) => line.startsWith("Bcc:"))).toBe(false);
    const exported = await fetch(`${mock.url}/_mock/v1/snapshot`).then((r) => r.text());
    expect((await putText(exported)).status).toBe(200);
    expect(await fetch(`${mock.url}/_mock/v1/snapshot`).then((r) => r.text())).toBe(exported);
    expect(JSON.stringify(mock.snapshot())).toBe(exported);
  });
});
