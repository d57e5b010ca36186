import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { controlErrorBody } from "../mock-server/src/schemas/scalekit.js";
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

describe("snapshot import refuses auth requests the mock could never have made", () => {
  type Request = State["authRequests"][number];
  /** The snapshot with its first auth request changed. */
  const withFirst = (taken: Snapshot, change: (request: Request) => Partial<Request>) =>
    withState(taken, (s) => ({ authRequests: s.authRequests.map((r, i) => (i === 0 ? { ...r, ...change(r) } : r)) }));

  it("refuses credentials other than those its passwordless type issues", async () => {
    const taken = await takeSnapshot();
    await expectRefused(withFirst(taken, (r) => ({ credentials: { generation: r.credentials.generation } })), "state.authRequests.0.credentials: no code, but a LINK_OTP auth request");
    await expectRefused(withFirst(taken, (r) => ({ credentials: { generation: 0, code: r.credentials.code! } })), "state.authRequests.0.credentials: no link token");
    await expectRefused(withFirst(taken, () => ({ passwordlessType: "LINK" })), "state.authRequests.0.credentials.code: a LINK auth request has no code");
    await expectRefused(withFirst(taken, () => ({ passwordlessType: "OTP" })), "state.authRequests.0.credentials.linkToken: a OTP auth request has no link token");
  });

  it("refuses a code or link token with characters or a length the mock never issues", async () => {
    const taken = await takeSnapshot();
    const credentials = (change: object) => withFirst(taken, (r) => ({ credentials: { ...r.credentials, ...change } }));
    await expectRefused(credentials({ code: "12a456" }), "state.authRequests.0.credentials.code: expected 4–10 digits");
    await expectRefused(credentials({ code: "123" }), "state.authRequests.0.credentials.code");
    await expectRefused(credentials({ code: "12345678901" }), "state.authRequests.0.credentials.code");
    await expectRefused(credentials({ code: "12A456" }), "state.authRequests.0.credentials.code: letters in the code of an auth request whose otpCharset is NUMERIC");
    expect((await putText(JSON.stringify(withFirst(taken, (r) => ({ otpCharset: "ALPHANUMERIC", credentials: { ...r.credentials, code: "12A456" } }))))).status).toBe(200);
    await expectRefused(credentials({ linkToken: "abc" }), "state.authRequests.0.credentials.linkToken: expected a link token as the mock issues them");
    await expectRefused(withFirst(taken, () => ({ retiredLinkTokens: ["Not-A-UUID_l"] })), "state.authRequests.0.retiredLinkTokens.0");
    // An email carries copies of them, and the same rules hold there.
    const firstEmail = (change: object) => withState(taken, (s) => ({ inbox: { ...s.inbox, emails: s.inbox.emails.map((e, i) => (i === 0 ? { ...e, ...change } : e)) } }));
    await expectRefused(firstEmail({ otp: "abc" }), "state.inbox.emails.0.otp: expected 4–10 digits");
    await expectRefused(firstEmail({ linkToken: "abc" }), "state.inbox.emails.0.linkToken: expected a link token as the mock issues them");
  });

  it("refuses a magic link URI the send would refuse, or none where the type emails a link, and accepts any the send accepts", async () => {
    const taken = await takeSnapshot();
    await expectRefused(
      withFirst(taken, () => ({ magiclinkAuthUri: `https://app.test/${"x".repeat(1_000)}` })),
      "state.authRequests.0.magiclinkAuthUri: a send would refuse this: value length must be at most 1000 characters",
    );
    await expectRefused(withFirst(taken, () => ({ magiclinkAuthUri: "" })), "state.authRequests.0.magiclinkAuthUri: a send would refuse this");
    await expectRefused(
      withState(taken, (s) => ({ authRequests: s.authRequests.map(({ magiclinkAuthUri: _uri, ...rest }) => rest) })),
      "state.authRequests.0.magiclinkAuthUri: missing: a LINK_OTP auth request emails a magic link",
    );
    for (const uri of ["/relative/callback", "javascript:alert(1)"]) {
      await expectRefused(
        withFirst(taken, () => ({ magiclinkAuthUri: uri })),
        "state.authRequests.0.magiclinkAuthUri: a send would refuse this: value must be an absolute http or https URL",
      );
    }
    // The send refuses the same: what it took, the snapshot takes.
    const api = await restSession(mock);
    expect((await api.send({ email: "rel@example.com", magiclink_auth_uri: "/relative/callback" })).status).toBe(400);
    expect((await api.send({ email: "rel@example.com", magiclink_auth_uri: "http://localhost:3000/cb?next=%2F#top" })).status).toBe(200);
    const exported = await fetch(`${mock.url}/_mock/v1/snapshot`).then((r) => r.text());
    expect((await putText(exported)).status).toBe(200);
  });

  it("refuses template variables and a state outside the send's limits, naming the key", async () => {
    const taken = await takeSnapshot();
    const variables = (templateVariables: Record<string, string>) => withFirst(taken, () => ({ templateVariables }));
    await expectRefused(variables({ a: "short key" }), "state.authRequests.0.templateVariables.a: a send would refuse this: value length must be at least 2 characters");
    await expectRefused(variables({ ["k".repeat(26)]: "v" }), `state.authRequests.0.templateVariables.${"k".repeat(26)}: a send would refuse this`);
    await expectRefused(variables({ app_name: "v".repeat(257) }), "state.authRequests.0.templateVariables.app_name: a send would refuse this: value length must be at most 256 characters");
    await expectRefused(variables({ otp: "123456" }), 'state.authRequests.0.templateVariables.otp: a send would refuse this: "otp" is reserved');
    await expectRefused(
      variables(Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`key${i}`, "v"]))),
      "state.authRequests.0.templateVariables: a send would refuse this: map must be at most 30 entries",
    );
    await expectRefused(withFirst(taken, () => ({ state: "" })), "state.authRequests.0.state: a send would refuse this");
    await expectRefused(withFirst(taken, () => ({ email: "not an address" })), "state.authRequests.0.email: a send would refuse this");
  });

  it("refuses attempts that disagree with the status: reaching maxAttempts locks, and nothing short of it", async () => {
    const taken = await takeSnapshot();
    const maxAttempts = taken.state.authRequests[0]!.maxAttempts;
    await expectRefused(withFirst(taken, () => ({ attempts: maxAttempts })), `state.authRequests.0.status: "pending" with ${maxAttempts} of ${maxAttempts} wrong attempts used`);
    await expectRefused(withFirst(taken, () => ({ attempts: maxAttempts + 1, status: "locked" })), `state.authRequests.0.attempts: ${maxAttempts + 1} wrong attempts, more than`);
    await expectRefused(withFirst(taken, () => ({ attempts: 1, status: "locked" })), `state.authRequests.0.status: locked after 1 of ${maxAttempts} wrong attempts`);
  });

  it("refuses auth requests out of the order they were made, and keeps the order when the clock was set back between sends", async () => {
    mock.clock.freeze();
    await (await restSession(mock)).send({ email: "same@example.com" });
    mock.clock.set(Date.UTC(2020, 0, 1));
    // A new token: the first one's validity starts after the clock's new time.
    await (await restSession(mock)).send({ email: "same@example.com" });
    const exported = await fetch(`${mock.url}/_mock/v1/snapshot`).then((r) => r.text());
    const taken = JSON.parse(exported) as Snapshot;
    const [first, second] = taken.state.authRequests;
    expect(second!.createdAt).toBeLessThan(first!.createdAt);
    expect((await putText(exported)).status).toBe(200);
    await expectRefused(
      withState(taken, () => ({ authRequests: [second!, first!] })),
      "state.authRequests.1.sendIndex: send number 1 to same@example.com comes after send number 2: auth requests go oldest first",
    );
  });
});
