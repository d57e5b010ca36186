import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { EnvironmentError } from "../domain/environment-error.js";
import { settingsSchema } from "../domain/settings.js";
import { EnvironmentStore } from "../state/environments.js";
import { EventBus, type MockEvent } from "../state/events.js";
import { refusal } from "./control-refusals.test-helpers.js";
import { EnvironmentDirectory } from "./environment-directory.js";

function setup() {
  const events = new EventBus();
  const store = new EnvironmentStore({ seed: "unit", bus: events, clientId: "skc_unit", clientSecret: "unit-secret", settings: settingsSchema.parse({}) });
  const tokens = { issuedCount: () => 0, forgetIssued: () => undefined };
  return new EnvironmentDirectory(store, { tokens, events, shutdown: new AbortController().signal });
}

describe("environment directory", () => {
  it("starts with the default environment, under its configured client", () => {
    const directory = setup();
    expect(directory.default).toMatchObject({ id: "default", clientId: "skc_unit", clientSecret: "unit-secret" });
    expect(directory.list().map((env) => env.id)).toEqual(["default"]);
  });

  it("creates an environment from the control API's body and hands out one control per environment", () => {
    const directory = setup();
    const env = directory.create({ id: "team-a", client_id: "skc_team_a", client_secret: "a-long-secret", seed: "s", settings: { otpLength: 8 } });
    expect(env).toMatchObject({ id: "team-a", clientId: "skc_team_a", clientSecret: "a-long-secret" });
    expect(env.settings().otpLength).toBe(8);
    expect(directory.find("team-a")).toBe(env);
    expect(directory.get("team-a")).toBe(env);
    expect(directory.list().map((e) => e.id)).toEqual(["default", "team-a"]);
  });

  it("derives what is left out from the server seed, the same run to run", () => {
    expect(setup().create().clientId).toBe(setup().create().clientId);
  });

  it("refuses a malformed body naming the field, creating nothing", () => {
    const directory = setup();
    const error = refusal(() => directory.create({ id: "short", client_secret: "short" }));
    expect(error).toMatchObject({ status: 400, code: "INVALID_ARGUMENT", details: [{ field: "client_secret" }] });
    expect(error.message).toMatch(/^invalid environment: client_secret: /);
    expect(refusal(() => directory.create({ name: "x" }))).toMatchObject({ status: 400 });
    expect(directory.list()).toHaveLength(1);
  });

  it("refuses invalid settings as invalid settings, with the ZodError as the cause", () => {
    const directory = setup();
    const error = refusal(() => directory.create({ id: "odd", settings: { otpLength: 3 } }));
    expect(error).toMatchObject({ status: 400, code: "INVALID_ARGUMENT", details: [{ field: "otpLength" }] });
    expect(error.message).toMatch(/^invalid settings: /);
    expect(error.cause).toBeInstanceOf(ZodError);
    expect(directory.find("odd")).toBeUndefined();
  });

  it("refuses a taken id or client id with CONFLICT, the store's error as the cause", () => {
    const directory = setup();
    directory.create({ id: "taken" });
    const error = refusal(() => directory.create({ id: "taken" }));
    expect(error).toMatchObject({ status: 409, code: "CONFLICT", message: 'an environment with id "taken" already exists' });
    expect(error.cause).toBeInstanceOf(EnvironmentError);
    expect(refusal(() => directory.create({ client_id: "skc_unit" }))).toMatchObject({ status: 409, code: "CONFLICT" });
  });

  it("creates from typed options too, where the store still refuses a bad id with its own error as the cause", () => {
    const directory = setup();
    expect(directory.createWith({ id: "typed", clientId: "skc_typed", settings: { otpLength: 4 } }).settings().otpLength).toBe(4);
    const error = refusal(() => directory.createWith({ id: "-bad" }));
    expect(error).toMatchObject({ status: 400, code: "INVALID_ARGUMENT" });
    expect(error.cause).toMatchObject({ reason: "invalid" });
    expect(directory.list().map((e) => e.id)).toEqual(["default", "typed"]);
  });

  it("answers NOT_FOUND for an unknown environment, and find answers undefined", () => {
    const directory = setup();
    expect(refusal(() => directory.get("nope"))).toMatchObject({ status: 404, code: "NOT_FOUND", message: 'no environment "nope"' });
    expect(directory.find("nope")).toBeUndefined();
  });

  it("deletes an environment; the default one is PROTECTED and an unknown one NOT_FOUND", () => {
    const directory = setup();
    directory.create({ id: "gone" });
    directory.delete("gone");
    expect(directory.find("gone")).toBeUndefined();
    expect(directory.remove("gone")).toBe(false);
    expect(refusal(() => directory.delete("gone"))).toMatchObject({ status: 404 });
    expect(refusal(() => directory.delete("default"))).toMatchObject({ status: 400, code: "PROTECTED" });
    expect(directory.find("default")).toBeDefined();
  });

  it("streams the events of every environment to one subscriber", () => {
    const directory = setup();
    const seen: MockEvent[] = [];
    const stop = directory.subscribe((event) => seen.push(event));
    const other = directory.create({ id: "other" });
    directory.default.changeClock({ advance: "1m" });
    other.changeClock({ advance: "2m" });
    stop();
    other.changeClock({ advance: "3m" });
    expect(seen.map((e) => [e.type, e.environmentId])).toEqual([
      ["clock.changed", "default"],
      ["clock.changed", "other"],
    ]);
  });
});
