import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlErrorBody } from "../mock-server/src/schemas/scalekit.js";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { restSession } from "./support/rest.js";

/**
 * Every path parameter of the control API and the web inbox, given text a
 * regular expression or a header might choke on: line breaks (`.` does not
 * match them), NUL, bytes that are not UTF-8. Unknown is unknown: 404.
 */

let mock: MockScalekit;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "route-params" });
  mock.environment({ id: "other" });
  // Something in the inbox, so a lookup has candidates to miss.
  await (await restSession(mock)).send({ email: "ana@example.com" });
});
afterAll(() => mock.close());

const HOSTILE = ["x%0A", "x%0D", "x%E2%80%A8", "x%E2%80%A9", "a%0Ab.eml", "a%0Db.html", "a%E2%80%A8b.txt", "%0A.eml", "x%00", "x%C0", "x%E0%A4%A", "x%25", "x%2Fy"];

/** Control routes with a parameter, `{}` marking it. */
const CONTROL_ROUTES: Array<[string, string]> = [
  ["GET", "/_mock/v1/emails/{}"],
  ["GET", "/_mock/v1/auth-requests/{}"],
  ["DELETE", "/_mock/v1/faults/{}"],
  ["GET", "/_mock/v1/environments/{}"],
  ["DELETE", "/_mock/v1/environments/{}"],
  ["GET", "/_mock/v1/environments/{}/emails"],
  ["GET", "/_mock/v1/environments/other/emails/{}"],
  ["GET", "/_mock/v1/environments/other/auth-requests/{}"],
  ["DELETE", "/_mock/v1/environments/other/faults/{}"],
  ["GET", "/_mock/v1/openapi/{}"],
];

describe("path parameters of the control API", () => {
  it.each(CONTROL_ROUTES)("%s %s answers a line break, NUL or non-UTF-8 parameter with 404 in the control error shape", async (method, route) => {
    for (const value of HOSTILE) {
      const path = route.replace("{}", value);
      const response = await fetch(`${mock.url}${path}`, { method });
      const text = await response.text();
      expect(response.status, `${method} ${path}: ${text}`).toBe(404);
      expect(controlErrorBody.parse(JSON.parse(text)).error.code).toBe("NOT_FOUND");
    }
  });

  it("still finds an email by id in each format", async () => {
    const id = mock.inbox.latest()!.id;
    for (const suffix of ["", ".eml", ".html", ".txt"]) {
      expect((await fetch(`${mock.url}/_mock/v1/emails/${id}${suffix}`)).status).toBe(200);
    }
  });
});

describe("parameters of the web inbox", () => {
  it("answers a panel with such a name with a 404 page", async () => {
    for (const value of HOSTILE) {
      const response = await fetch(`${mock.url}/_mock/ui/panels/${value}`);
      expect(response.status, value).toBe(404);
      expect(response.headers.get("content-type")).toContain("text/html");
    }
  });

  it("answers an environment with such a name with a 404 page", async () => {
    for (const value of HOSTILE) {
      expect((await fetch(`${mock.url}/_mock/ui?env=${value}`)).status, value).toBe(404);
      expect((await fetch(`${mock.url}/_mock/ui/panels/inbox?env=${value}`)).status, value).toBe(404);
    }
  });

  it("shows the page for such an email id or address, with nothing found", async () => {
    for (const value of HOSTILE) {
      for (const query of [`email=${value}`, `to=${value}`]) {
        for (const page of ["", "/panels/inbox", "/panels/message"]) {
          expect((await fetch(`${mock.url}/_mock/ui${page}?${query}`)).status, `${page}?${query}`).toBe(200);
        }
      }
    }
  });
});
