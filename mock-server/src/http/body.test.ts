import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { BodyError, readJson } from "./body.js";

/** Runs readJson on one request and says what it read, or how it refused. */
async function read(body: string, contentType?: string): Promise<{ value?: unknown; problem?: string; message?: string }> {
  const app = new Hono();
  app.post("/", async (c) => {
    try {
      return c.json({ value: await readJson(c) });
    } catch (error) {
      if (error instanceof BodyError) return c.json({ problem: error.problem, message: error.message });
      throw error;
    }
  });
  const response = await app.request("/", { method: "POST", body, headers: contentType === undefined ? {} : { "content-type": contentType } });
  return response.json();
}

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

describe("reading a JSON request body", () => {
  it("reads a JSON body sent as application/json", async () => {
    expect(await read('{"email":"a@example.com"}', "application/json")).toEqual({ value: { email: "a@example.com" } });
  });

  it("refuses a form body, saying which content type it must be", async () => {
    const result = await read("email=a@example.com", "application/x-www-form-urlencoded");
    expect(result.problem).toBe("content-type");
    expect(result.message).toContain("Content-Type must be application/json");
  });

  it("refuses a body that is not valid JSON, saying so", async () => {
    const result = await read("{email:", "application/json");
    expect(result.problem).toBe("json");
    expect(result.message).toContain("not valid JSON");
  });

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
