import { describe, expect, it } from "vitest";
import { appWithoutSocket } from "./support/app-request.js";

/** The control API of a fresh app, called with `app.request()`: no socket. */
function setup() {
  const { app, control } = appWithoutSocket();
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await app.request(`http://localhost/_mock/v1${path}`, {
      method,
      ...(body !== undefined && { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  return { call, control };
}

describe("control routes over the control service", () => {
  it("adds fault rules one or many, lists them with counters and removes them", async () => {
    const { call, control } = setup();
    const one = await call("POST", "/faults", { operation: "verify", error: "Unavailable", times: 2 });
    expect(one).toMatchObject({ status: 201, body: { id: "f_1", operation: "verify", error: "Unavailable", times: 2, hits: 0, matches: 0, active: true } });
    const many = await call("POST", "/faults", [{ operation: "send", delayMs: 5 }, { id: "lost", operation: "send", mail: "drop" }]);
    expect(many.status).toBe(201);
    expect(many.body.faults.map((f: { id: string }) => f.id)).toEqual(["f_2", "lost"]);
    expect((await call("GET", "/faults")).body.faults.map((f: { id: string }) => f.id)).toEqual(["f_1", "f_2", "lost"]);
    expect(await call("DELETE", "/faults/lost")).toEqual({ status: 200, body: { deleted: 1 } });
    expect(await call("DELETE", "/faults/lost")).toEqual({ status: 404, body: { error: { code: "NOT_FOUND", message: 'no fault rule "lost"', details: [] } } });
    expect(control.default.faults.list().map((r) => r.id)).toEqual(["f_1", "f_2"]);
  });

  it("refuses a batch with one bad rule as a 400 naming it, adding none", async () => {
    const { call, control } = setup();
    const refused = await call("POST", "/faults", [{ operation: "send", delayMs: 5 }, { operation: "nope", delayMs: 5 }]);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: "INVALID_ARGUMENT", details: [{ field: "operation" }] });
    expect(refused.body.error.message).toMatch(/^invalid fault rule \[1\]: operation: /);
    expect(control.default.faults.list()).toEqual([]);
  });

  it("refuses a settings update with a bad field, keeping every setting", async () => {
    const { call } = setup();
    const before = (await call("GET", "/settings")).body;
    const refused = await call("PUT", "/settings", { otpLength: 8, maxAttempts: "many" });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: "INVALID_ARGUMENT", details: [{ field: "maxAttempts" }] });
    expect((await call("PUT", "/settings", [1])).body.error.message).toBe("settings must be a JSON object of the fields to change");
    expect((await call("GET", "/settings")).body).toEqual(before);
  });

  it("exports a snapshot that restores into another environment", async () => {
    const { call } = setup();
    await call("POST", "/faults", { id: "slow", operation: "send", delayMs: 5 });
    await call("POST", "/clock", { advance: "10m", freeze: true });
    const snapshot = (await call("GET", "/snapshot")).body;
    expect((await call("POST", "/environments", { id: "copy" })).status).toBe(201);
    const restored = await call("PUT", "/environments/copy/snapshot", snapshot);
    expect(restored).toEqual({ status: 200, body: { restored: true, environment_id: "copy", auth_requests: 0, emails: 0, faults: 1 } });
    expect((await call("GET", "/environments/copy/faults")).body.faults[0]).toMatchObject({ id: "slow" });
    expect((await call("GET", "/environments/copy/clock")).body).toMatchObject({ frozen: true, epoch_ms: snapshot.state.clock.now });
  });

  it("refuses a snapshot that is not one, restoring nothing", async () => {
    const { call } = setup();
    await call("POST", "/faults", { id: "kept", operation: "send", delayMs: 5 });
    const refused = await call("PUT", "/snapshot", { format: "something-else" });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/^invalid snapshot: /);
    expect((await call("GET", "/faults")).body.faults.map((f: { id: string }) => f.id)).toEqual(["kept"]);
  });

  it("answers 404 for an unknown environment, on its own routes and under it", async () => {
    const { call } = setup();
    expect(await call("GET", "/environments/ghost")).toEqual({ status: 404, body: { error: { code: "NOT_FOUND", message: 'no environment "ghost"', details: [] } } });
    const under = await call("GET", "/environments/ghost/faults");
    expect(under.status).toBe(404);
    expect(under.body.error.message).toBe('no environment "ghost"; create it with POST /_mock/v1/environments');
    expect((await call("DELETE", "/environments/default")).body.error.code).toBe("PROTECTED");
  });

  it("lists the journal by query and refuses an unknown transport", async () => {
    const { call } = setup();
    expect(await call("GET", "/requests?operation=send&limit=5")).toEqual({ status: 200, body: { count: 0, requests: [] } });
    const refused = await call("GET", "/requests?transport=pigeon");
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ field: "transport" })]);
  });

  it("answers 404 for an unknown environment before it reads the body or query", async () => {
    const { call } = setup();
    for (const [method, path, body] of [
      ["PUT", "/environments/ghost/settings", []],
      ["POST", "/environments/ghost/clock", { bogus: true }],
      ["GET", "/environments/ghost/emails?limit=0", undefined],
      ["PUT", "/environments/ghost/snapshot", {}],
    ] as const) {
      const answer = await call(method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body.error.code).toBe("NOT_FOUND");
    }
  });
});
