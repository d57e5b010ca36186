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
});
