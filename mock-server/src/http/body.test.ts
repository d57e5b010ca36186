import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { BodyError, readJson } from "./body.js";

/** A route that answers what readJson made of the body, or the problem it found. */
const app = new Hono().post("/", async (c) => {
  try {
    return c.json({ body: await readJson(c) });
  } catch (error) {
    if (error instanceof BodyError) return c.json({ problem: error.problem, message: error.message }, 400);
    throw error;
  }
});

const post = (body: string, type?: string) => app.request("/", { method: "POST", body, headers: type === undefined ? {} : { "content-type": type } });

describe("reading a JSON body", () => {
  it("D16: refuses a JSON body sent as another content type, or as none", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", undefined]) {
      const answer = await post('{"email":"a@example.com"}', type);
      expect(answer.status, String(type)).toBe(400);
      expect(await answer.json()).toMatchObject({ problem: "content-type", message: expect.stringContaining("must be application/json") });
    }
    const accepted = await post('{"email":"a@example.com"}', "application/json; charset=utf-8");
    expect(await accepted.json()).toEqual({ body: { email: "a@example.com" } });
  });
});
