import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCli } from "../mock-server/src/cli-args.js";
import { hostAllowed } from "../mock-server/src/http/browser-guard.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { RawClient, TRANSPORTS, type RawAnswer } from "./support/raw-http.js";
import { restSession } from "./support/rest.js";

/**
 * A mock on localhost is reachable by every page the developer's browser
 * opens. Pages of other sites must not read it (DNS rebinding) nor change it
 * (cross-site requests); curl, SDKs and test code keep working.
 */

/** A raw HTTP/1.1 request, so the test controls every header, `Host` included. */
const raw = (url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawAnswer> =>
  new RawClient(url).send("http1", { method, path, headers, ...(body !== undefined && { body }) });

/** The same over HTTP/2, where the host travels as `:authority`. */
async function rawH2(url: string, method: string, path: string, authority: string): Promise<RawAnswer> {
  const client = new RawClient(url);
  try {
    return await client.send("http2", { method, path, host: authority });
  } finally {
    client.close();
  }
}

let mock: MockScalekit;
let host: string;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "browser-guard" });
  host = new URL(mock.url).host;
});
afterAll(() => mock.close());

async function emailsInDefault(): Promise<number> {
  return mock.inbox.list().length;
}

describe("DNS rebinding: the control API answers only to names it knows", () => {
  it("refuses Host attacker.example with 403 naming --allowed-host, and gives away no secret", async () => {
    const answer = await raw(mock.url, "GET", "/_mock/v1/environments/default", { host: `attacker.example:${new URL(mock.url).port}` });
    expect(answer.status).toBe(403);
    const body = JSON.parse(answer.body);
    expect(body.error.code).toBe("HOST_NOT_ALLOWED");
    expect(body.error.message).toContain("--allowed-host");
    expect(answer.body).not.toContain(mock.clientSecret);
  });

  it("refuses it over HTTP/2 too, where the host is the :authority", async () => {
    const answer = await rawH2(mock.url, "GET", "/_mock/v1/environments/default", `attacker.example:${new URL(mock.url).port}`);
    expect(answer.status).toBe(403);
    expect(answer.body).not.toContain(mock.clientSecret);
  });

  it("guards the web inbox and its login, not only /_mock/v1", async () => {
    for (const path of ["/_mock/ui", "/_mock/ui/panels/inbox", "/_mock/v1/openapi.json", "/_mock"]) {
      expect((await raw(mock.url, "GET", path, { host: "attacker.example" })).status, path).toBe(403);
    }
  });

  it("answers loopback names, IP literals and its own name", async () => {
    const port = new URL(mock.url).port;
    for (const name of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `app.localhost:${port}`, `10.1.2.3:${port}`]) {
      expect((await raw(mock.url, "GET", "/_mock/v1/environments/default", { host: name })).status, name).toBe(200);
    }
  });

  it("leaves the Scalekit API alone: an SDK may reach the mock by any name", async () => {
    const answer = await raw(mock.url, "GET", "/keys", { host: "scalekit-mock.internal" });
    expect(answer.status).toBe(200);
  });

  it("answers names given with --allowed-host, '.domain' for subdomains and '*' for any", async () => {
    const other = await createMockScalekit({ allowedHosts: ["mock.test", ".corp.example"] });
    try {
      for (const [name, status] of [
        ["mock.test", 200],
        ["MOCK.TEST.", 200],
        ["a.b.corp.example", 200],
        ["corp.example", 200],
        ["evilcorp.example", 403],
        ["mock.test.attacker.example", 403],
      ] as const) {
        expect((await raw(other.url, "GET", "/_mock/v1/health", { host: name })).status, name).toBe(status);
      }
    } finally {
      await other.close();
    }
    expect(hostAllowed("anything.example", { allowedHosts: ["*"], ownNames: [] })).toBe(true);
  });

  it("reads --allowed-host repeated or comma-separated, and SCALEKIT_MOCK_ALLOWED_HOSTS", () => {
    const flags = parseCli(["--allowed-host", "a.test,b.test", "--allowed-host", ".c.test"], {});
    expect(flags.kind === "serve" && flags.options.allowedHosts).toEqual(["a.test", "b.test", ".c.test"]);
    const env = parseCli([], { SCALEKIT_MOCK_ALLOWED_HOSTS: "mock, *" });
    expect(env.kind === "serve" && env.options.allowedHosts).toEqual(["mock", "*"]);
    expect(() => parseCli(["--allowed-host", "bad host/"], {})).toThrow(/allowedHosts/);
  });
});

describe("cross-site requests: a page of another site cannot change the mock's state", () => {
  it("refuses POST /reset with an Origin of another site (fetch mode no-cors) and changes nothing", async () => {
    expect((await (await restSession(mock)).send({ email: "kept@example.com" })).status).toBe(200);
    const before = await emailsInDefault();
    const answer = await raw(mock.url, "POST", "/_mock/v1/reset", { host, origin: "https://attacker.example", "content-length": "0" });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error.code).toBe("CROSS_SITE_REQUEST");
    expect(await emailsInDefault()).toBe(before);
  });

  it("refuses Sec-Fetch-Site cross-site and same-site, and Origin null", async () => {
    const before = await emailsInDefault();
    for (const headers of [{ "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "same-site" }, { origin: "null" }] as Record<string, string>[]) {
      const answer = await raw(mock.url, "DELETE", "/_mock/v1/emails", { host, ...headers });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
    }
    expect(await emailsInDefault()).toBe(before);
  });

  it.each(TRANSPORTS)("keeps a page of another site from replacing, deleting or previewing email templates over %s", async (transport) => {
    const client = new RawClient(mock.url);
    const template = JSON.stringify({ subject: "phish {{otp}}", text: "{{otp}}" });
    try {
      for (const [method, path, body] of [
        ["PUT", "/_mock/v1/templates/SIGNIN", template],
        ["DELETE", "/_mock/v1/templates/SIGNIN", undefined],
        ["POST", "/_mock/v1/templates/SIGNIN/preview", template],
      ] as const) {
        const crossSite = await client.send(transport, {
          method,
          path,
          headers: { origin: "https://attacker.example", "content-type": "application/json" },
          ...(body !== undefined && { body }),
        });
        expect(crossSite.status, `${method} ${path} with a foreign Origin`).toBe(403);
        expect(JSON.parse(crossSite.body).error.code).toBe("CROSS_SITE_REQUEST");
        if (body === undefined) continue;
        const simpleForm = await client.send(transport, { method, path, headers: { "content-type": "text/plain" }, body });
        expect(simpleForm.status, `${method} ${path} as text/plain`).toBe(415);
        const rebound = await client.send(transport, { method, path, host: "attacker.example", headers: { "content-type": "application/json" }, body });
        expect(rebound.status, `${method} ${path} under another Host`).toBe(403);
      }
    } finally {
      client.close();
    }
    expect(mock.templates.get("SIGNIN").custom).toBe(false);
  });

  it("refuses an empty text/plain form to /environments with 415 and creates nothing", async () => {
    const before = JSON.parse((await raw(mock.url, "GET", "/_mock/v1/environments", { host })).body).environments.length;
    const answer = await raw(mock.url, "POST", "/_mock/v1/environments", { host, "content-type": "text/plain", "content-length": "0" });
    expect(answer.status).toBe(415);
    const after = JSON.parse((await raw(mock.url, "GET", "/_mock/v1/environments", { host })).body).environments.length;
    expect(after).toBe(before);
  });

  it.each([
    ["POST", "/_mock/v1/reset"],
    ["DELETE", "/_mock/v1/emails"],
    ["DELETE", "/_mock/v1/clock"],
    ["DELETE", "/_mock/v1/faults"],
    ["DELETE", "/_mock/v1/requests"],
    ["DELETE", "/_mock/v1/environments/some-env"],
  ])("refuses %s %s with a text/plain or form body (a route that never reads it included) and changes nothing", async (method, path) => {
    mock.environment({ id: "some-env" });
    expect((await (await restSession(mock)).send({ email: "stays@example.com" })).status).toBe(200);
    const before = await emailsInDefault();
    for (const [type, body] of [
      ["text/plain", "x"],
      ["multipart/form-data; boundary=b", "--b--"],
      ["application/x-www-form-urlencoded", ""],
      [undefined, "x"],
    ] as const) {
      const headers: Record<string, string> = { host, "content-length": String(body.length) };
      if (type !== undefined) headers["content-type"] = type;
      const answer = await raw(mock.url, method, path, headers, body);
      expect(answer.status, `${type} ${JSON.stringify(body)}`).toBe(415);
    }
    expect(await emailsInDefault()).toBe(before);
    expect(mock.deleteEnvironment("some-env")).toBe(true);
  });

  it("still takes a body-less POST from curl, and a same-origin call from the mock's own inbox page", async () => {
    const plain = await raw(mock.url, "POST", "/_mock/v1/clock", { host, "content-type": "application/json" }, JSON.stringify({ freeze: true }));
    expect(plain.status).toBe(200);
    const sameOrigin = await raw(mock.url, "DELETE", "/_mock/v1/clock", { host, origin: mock.url, "sec-fetch-site": "same-origin" });
    expect(sameOrigin.status).toBe(200);
    const typed = await raw(mock.url, "POST", "/_mock/v1/environments", { host, "sec-fetch-site": "none", "content-length": "0" });
    expect(typed.status).toBe(201);
    await mock.deleteEnvironment(JSON.parse(typed.body).id);
  });

  it("reads page-less GETs from anywhere: reading needs CORS, which the mock never grants", async () => {
    const answer = await raw(mock.url, "GET", "/_mock/v1/health", { host, origin: "https://attacker.example", "sec-fetch-site": "cross-site" });
    expect(answer.status).toBe(200);
    expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("the admin cookie", () => {
  it("is named after the port, so two mocks on one host do not share it", async () => {
    const a = await createMockScalekit({ adminToken: "admin-token-of-mock-a" });
    try {
      const port = new URL(a.url).port;
      const login = await raw(a.url, "POST", "/_mock/ui/login", { host: `127.0.0.1:${port}`, "content-type": "application/x-www-form-urlencoded" }, "token=admin-token-of-mock-a");
      expect(login.status).toBe(303);
      const cookie = String(login.headers["set-cookie"]);
      expect(cookie).toMatch(new RegExp(`^scalekit_mock_admin_${port}=`));
      const pair = cookie.split(";")[0]!;
      expect((await raw(a.url, "GET", "/_mock/v1/settings", { host: `127.0.0.1:${port}`, cookie: pair })).status).toBe(200);
      // The same cookie under another port's name does not log in.
      const renamed = pair.replace(`_${port}=`, "_1=");
      expect((await raw(a.url, "GET", "/_mock/v1/settings", { host: `127.0.0.1:${port}`, cookie: renamed })).status).toBe(401);
    } finally {
      await a.close();
    }
  });
});
