import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { settingsSchema } from "../domain/settings.js";
import { ClockRangeError } from "../state/clock.js";
import type { Environment } from "../state/environment.js";
import { EnvironmentStore } from "../state/environments.js";
import { EventBus, type MockEvent } from "../state/events.js";
import { asyncRefusal, refusal } from "./control-refusals.test-helpers.js";
import { EnvironmentDirectory } from "./environment-directory.js";
import { PasswordlessService } from "./passwordless.js";

const START = Date.parse("2030-01-01T00:00:00.000Z");

/** A directory over a fresh store, a fake token count, and a way to send mail as a Scalekit call would. */
function setup() {
  const events = new EventBus();
  const store = new EnvironmentStore({ seed: "unit", bus: events, clientId: "skc_unit", clientSecret: "unit-secret", settings: settingsSchema.parse({}), wallTime: () => START });
  const issued = new Map<Environment, number>();
  const tokens = { issuedCount: (env: Environment) => issued.get(env) ?? 0, forgetIssued: (env: Environment) => void issued.delete(env) };
  const shutdown = new AbortController();
  const directory = new EnvironmentDirectory(store, { tokens, events, shutdown: shutdown.signal });
  const passwordless = new PasswordlessService();
  const send = (email: string, env: Environment = store.default) => passwordless.send(env, { email, templateVariables: {} });
  return { store, directory, control: directory.default, issued, send, shutdown };
}

describe("environment control: stats and reset", () => {
  it("counts auth requests, emails and issued tokens of its environment", () => {
    const { control, store, issued, send } = setup();
    send("a@example.com");
    send("b@example.com");
    issued.set(store.default, 3);
    expect(control.stats()).toEqual({ environmentId: "default", authRequests: 2, emails: 2, tokensIssued: 3 });
  });

  it("resets requests, mail, faults, journal, settings, clock and the token count at once", () => {
    const { control, store, issued, send } = setup();
    send("a@example.com");
    control.faults.add({ operation: "send", delayMs: 1 });
    control.updateSettings({ otpLength: 8 });
    control.changeClock({ advance: "5m", freeze: true });
    issued.set(store.default, 2);
    control.reset();
    expect(control.stats()).toEqual({ environmentId: "default", authRequests: 0, emails: 0, tokensIssued: 0 });
    expect(control.faults.list()).toEqual([]);
    expect(control.settings().otpLength).toBe(6);
    expect(control.clock()).toMatchObject({ offsetMs: 0, frozen: false });
  });
});

describe("environment control: clock", () => {
  it("advances and freezes from the control API's body, and resets to real time", () => {
    const { control } = setup();
    expect(control.changeClock({ advance: "5m", freeze: true })).toEqual({ now: START + 300_000, offsetMs: 300_000, frozen: true });
    expect(control.resetClock()).toEqual({ now: START, offsetMs: 0, frozen: false });
  });

  it("refuses a malformed change naming the field, and leaves the clock alone", () => {
    const { control } = setup();
    const error = refusal(() => control.changeClock({ advance: "soon", freeze: true }));
    expect(error).toMatchObject({ status: 400, code: "INVALID_ARGUMENT", details: [{ field: "advance" }] });
    expect(error.message).toMatch(/^invalid clock change: advance: expected a duration/);
    expect(control.clock()).toEqual({ now: START, offsetMs: 0, frozen: false });
  });

  it("refuses a change past the mock time range with the clock's own error as the cause", () => {
    const { control } = setup();
    const error = refusal(() => control.applyClock({ advance: 1e16, freeze: true }));
    expect(error).toMatchObject({ status: 400, code: "INVALID_ARGUMENT", details: [{ field: "advance" }] });
    expect(error.cause).toBeInstanceOf(ClockRangeError);
    expect(control.clock().frozen).toBe(false);
  });
});

describe("environment control: settings", () => {
  it("changes the fields given and keeps the rest", () => {
    const { control } = setup();
    const before = control.settings();
    expect(control.updateSettings({ otpLength: 8 })).toEqual({ ...before, otpLength: 8 });
  });

  it("refuses a body that is not an object of fields", () => {
    const { control } = setup();
    for (const body of [null, [], "otpLength=8", 8]) {
      expect(refusal(() => control.updateSettings(body))).toMatchObject({ status: 400, code: "INVALID_ARGUMENT", message: "settings must be a JSON object of the fields to change" });
    }
  });

  it("refuses an invalid field whole, naming it, and changes nothing", () => {
    const { control } = setup();
    const before = control.settings();
    const error = refusal(() => control.updateSettings({ otpLength: 8, maxAttempts: 0 }));
    expect(error).toMatchObject({ status: 400, code: "INVALID_ARGUMENT", details: [{ field: "maxAttempts" }] });
    expect(error.cause).toBeInstanceOf(ZodError);
    expect(control.settings()).toBe(before);
  });

  it("refuses a faultLimit below the rules held", () => {
    const { control } = setup();
    control.faults.addAll([{ operation: "send", delayMs: 1 }, { operation: "verify", delayMs: 1 }]);
    expect(refusal(() => control.updateSettings({ faultLimit: 1 })).message).toMatch(/delete some first/);
    expect(control.settings().faultLimit).not.toBe(1);
  });
});

describe("environment control: faults", () => {
  it("adds a rule with a fresh id, lists, removes and clears", () => {
    const { control } = setup();
    const rule = control.faults.add({ operation: "verify", error: "Unavailable", times: 2 });
    expect(rule).toMatchObject({ id: "f_1", operation: "verify", times: 2 });
    expect(control.faults.list().map((r) => r.id)).toEqual(["f_1"]);
    expect(control.faults.remove("f_1")).toBe(true);
    expect(control.faults.remove("f_1")).toBe(false);
    control.faults.addAll([{ operation: "send", delayMs: 1 }, { operation: "resend", delayMs: 1 }]);
    expect(control.faults.clear()).toBe(2);
  });

  it("adds a batch whole or not at all, naming the rule that failed", () => {
    const { control } = setup();
    const error = refusal(() => control.faults.addAll([{ operation: "send", delayMs: 1 }, { operation: "send" }]));
    expect(error).toMatchObject({ status: 400, code: "INVALID_ARGUMENT" });
    expect(error.message).toMatch(/^invalid fault rule \[1\]: /);
    expect(control.faults.list()).toEqual([]);
  });

  it("refuses a taken id with ALREADY_EXISTS and the limit with LIMIT, adding nothing", () => {
    const { control } = setup();
    control.faults.add({ id: "slow", operation: "send", delayMs: 1 });
    expect(refusal(() => control.faults.addAll([{ id: "fresh", operation: "send", delayMs: 1 }, { id: "slow", operation: "send", delayMs: 1 }]))).toMatchObject({ status: 409, code: "ALREADY_EXISTS" });
    control.updateSettings({ faultLimit: 2 });
    expect(refusal(() => control.faults.addAll([{ operation: "send", delayMs: 1 }, { operation: "send", delayMs: 1 }]))).toMatchObject({ status: 400, code: "LIMIT" });
    expect(control.faults.list().map((r) => r.id)).toEqual(["slow"]);
  });

  it("answers NOT_FOUND when a rule that must exist does not", () => {
    const { control } = setup();
    expect(refusal(() => control.faults.delete("nope"))).toMatchObject({ status: 404, code: "NOT_FOUND", message: 'no fault rule "nope"' });
  });
});

describe("environment control: journal", () => {
  const record = (env: Environment, operation: "send" | "verify", outcome = "ok") =>
    env.journal.record({ time: START, transport: "rest", operation, outcome, grpcCode: outcome === "ok" ? "OK" : "Unavailable", httpStatus: outcome === "ok" ? 200 : 503, durationMs: 1, headers: {} });

  it("lists newest first, filtered by the control API's query, and clears", () => {
    const { control, store } = setup();
    record(store.default, "send");
    record(store.default, "verify", "UNAVAILABLE");
    record(store.default, "send");
    expect(control.requestsByQuery({ operation: "send" }).map((e) => e.seq)).toEqual([3, 1]);
    expect(control.requestsByQuery({ status: "503" }).map((e) => e.seq)).toEqual([2]);
    expect(control.requestsByQuery({ limit: "1" }).map((e) => e.seq)).toEqual([3]);
    expect(control.requests({ operation: "verify" }).map((e) => e.seq)).toEqual([2]);
    expect(control.clearRequests()).toBe(3);
    expect(control.requests()).toEqual([]);
  });

  it("refuses an unknown operation or a bad time", () => {
    const { control } = setup();
    expect(refusal(() => control.requestsByQuery({ operation: "sned" }))).toMatchObject({ status: 400, details: [{ field: "operation" }] });
    expect(refusal(() => control.requestsByQuery({ since: "yesterday" }))).toMatchObject({ status: 400, details: [{ field: "since" }] });
  });
});

describe("environment control: auth requests", () => {
  it("lists newest first, by address in any case, and finds one by id", () => {
    const { control, send } = setup();
    const first = send("Ana@example.com");
    send("bo@example.com");
    expect(control.authRequests({ email: "ana@EXAMPLE.com" }).map((r) => r.id)).toEqual([first.authRequestId]);
    expect(control.authRequests()).toHaveLength(2);
    expect(control.authRequest(first.authRequestId).email).toBe("Ana@example.com");
  });

  it("answers NOT_FOUND for an unknown id", () => {
    const { control } = setup();
    expect(refusal(() => control.authRequest("ar_missing"))).toMatchObject({ status: 404, message: 'auth request "ar_missing" not found in environment "default"' });
  });
});

describe("environment control: snapshot", () => {
  it("restores an export into another environment, which then holds the same mail", () => {
    const { control, directory, send } = setup();
    send("a@example.com");
    control.faults.add({ operation: "verify", delayMs: 1 });
    const other = directory.create({ id: "copy" });
    expect(other.restore(JSON.parse(JSON.stringify(control.snapshotDocument())))).toEqual({ environmentId: "copy", authRequests: 1, emails: 1, faults: 1 });
    expect(other.inbox.latest()?.to).toBe("a@example.com");
    expect(other.snapshot().state.inbox.emails[0]?.environmentId).toBe("copy");
  });

  it("refuses an invalid snapshot whole, naming the field, and keeps the state", () => {
    const { control, send } = setup();
    send("a@example.com");
    const snapshot = JSON.parse(JSON.stringify(control.snapshotDocument()));
    snapshot.state.settings.otpLength = 99;
    const other = setup();
    other.send("kept@example.com");
    const error = refusal(() => other.control.restore(snapshot));
    expect(error).toMatchObject({ status: 400, code: "INVALID_ARGUMENT", details: [{ field: "state.settings.otpLength" }] });
    expect(error.cause).toBeInstanceOf(ZodError);
    expect(other.control.inbox.latest()?.to).toBe("kept@example.com");
  });

  it("forgets the tokens issued before a restore", () => {
    const { control, store, issued } = setup();
    issued.set(store.default, 4);
    control.restore(control.snapshotDocument());
    expect(control.stats().tokensIssued).toBe(0);
  });
});

describe("environment control: inbox", () => {
  it("lists by the control API's query, newest first and limited", () => {
    const { control, send } = setup();
    send("a@example.com");
    send("b@example.com");
    send("a@example.com");
    expect(control.inbox.query({ to: "A@example.com", limit: "1" }).map((e) => e.seq)).toEqual([3]);
    expect(control.inbox.query({ after: "1" }).map((e) => e.seq)).toEqual([3, 2]);
    expect(refusal(() => control.inbox.query({ limit: "0" }))).toMatchObject({ status: 400, details: [{ field: "limit" }] });
  });

  it("finds an email by id, NOT_FOUND when it is gone, and clears", () => {
    const { control, send } = setup();
    send("a@example.com");
    const email = control.inbox.latest()!;
    expect(control.inbox.require(email.id)).toBe(email);
    expect(control.inbox.clear()).toBe(1);
    expect(control.inbox.get(email.id)).toBeUndefined();
    expect(refusal(() => control.inbox.require(email.id))).toMatchObject({ status: 404, message: `email "${email.id}" not found (deleted, or captured in another environment)` });
  });

  it("answers NOT_FOUND describing the filter when no email came", async () => {
    const { control } = setup();
    const error = await asyncRefusal(() => control.inbox.latestByQuery({ to: "x@example.com", after: "4" }));
    expect(error).toMatchObject({ status: 404, message: 'no email to "x@example.com" after seq 4' });
  });

  it("wakes a waiter when the email lands", async () => {
    const { control, send } = setup();
    const waiting = control.inbox.latestByQuery({ to: "late@example.com", wait: "5s" });
    send("late@example.com");
    expect((await waiting).to).toBe("late@example.com");
  });

  it("gives the newest usable code, and NOT_FOUND once none works", async () => {
    const { control, send } = setup();
    send("ana@example.com");
    const found = await control.inbox.usableByQuery({ email: "ana@example.com" });
    expect(found.email.otp).toMatch(/^\d{6}$/);
    control.changeClock({ advance: "1h" });
    const error = await asyncRefusal(() => control.inbox.usableByQuery({ email: "ana@example.com" }));
    expect(error.message).toMatch(/^no usable code or link to "ana@example.com" \(emails whose auth request is verified/);
    expect(await asyncRefusal(() => control.inbox.usableByQuery({}))).toMatchObject({ status: 400, details: [{ field: "email" }] });
  });

  it("ends a wait with UNAVAILABLE when the server shuts down", async () => {
    const { control, shutdown } = setup();
    const waiting = asyncRefusal(() => control.inbox.waitForLatest({ to: "never@example.com" }, 60_000));
    shutdown.abort();
    expect(await waiting).toMatchObject({ status: 503, code: "UNAVAILABLE" });
  });
});

describe("environment control: events", () => {
  it("passes on only its own environment's events", () => {
    const { control, directory, send, store } = setup();
    const seen: MockEvent[] = [];
    const stop = control.subscribe((event) => seen.push(event));
    const other = directory.create({ id: "other" });
    send("mine@example.com");
    send("theirs@example.com", store.get(other.id)!);
    stop();
    send("after@example.com");
    expect(seen.map((e) => [e.type, e.environmentId, e.data.to])).toEqual([["email.captured", "default", "mine@example.com"]]);
  });
});
