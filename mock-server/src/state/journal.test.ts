import { describe, expect, it } from "vitest";
import { Journal, redactHeaders } from "./journal.js";

const entry = (operation: "send" | "verify", outcome = "ok", time = 0) => ({
  time,
  transport: "rest" as const,
  operation,
  outcome,
  grpcCode: outcome === "ok" ? ("OK" as const) : ("InvalidArgument" as const),
  httpStatus: outcome === "ok" ? 200 : 400,
  durationMs: 1,
  headers: {},
});

describe("redactHeaders", () => {
  it("keeps headers named like Object.prototype members", () => {
    const headers = redactHeaders([["__proto__", "p"], ["constructor", "c"]]);
    expect(Object.entries(headers)).toEqual([["__proto__", "p"], ["constructor", "c"]]);
    expect(JSON.parse(JSON.stringify(headers))).toEqual(JSON.parse('{"__proto__": "p", "constructor": "c"}'));
  });

  it("keeps the scheme of credentials and nothing else of them", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    expect(
      redactHeaders([
        ["Authorization", `Bearer ${jwt}`],
        ["cookie", "session=abc"],
        ["x-client-secret", "s3cret"],
        ["x-api-key", "k"],
        ["x-forwarded-for", `for ${jwt}`],
        ["user-agent", "node"],
        [":path", "/x"],
      ]),
    ).toEqual({
      authorization: "Bearer [redacted]",
      cookie: "[redacted]",
      "x-client-secret": "[redacted]",
      "x-api-key": "[redacted]",
      "x-forwarded-for": "for [redacted-jwt]",
      "user-agent": "node",
    });
  });
});

describe("Journal", () => {
  it("keeps the newest entries up to its limit, newest first", () => {
    const journal = new Journal(3);
    for (let i = 0; i < 5; i++) journal.record(entry("send", "ok", i));
    expect(journal.list().map((e) => e.seq)).toEqual([5, 4, 3]);
    journal.limit = 2;
    expect(journal.list().map((e) => e.seq)).toEqual([5, 4]);
  });

  it("filters by operation, status and time", () => {
    const journal = new Journal(10);
    journal.record(entry("send", "ok", 1));
    journal.record(entry("verify", "OTP_INVALID", 2));
    journal.record(entry("verify", "ok", 3));
    expect(journal.list({ operation: "verify" })).toHaveLength(2);
    expect(journal.list({ status: "error" }).map((e) => e.outcome)).toEqual(["OTP_INVALID"]);
    expect(journal.list({ status: "400" })).toHaveLength(1);
    expect(journal.list({ status: "invalidargument" })).toHaveLength(1);
    expect(journal.list({ since: 2 })).toHaveLength(2);
    expect(journal.list({ limit: 1 })[0]!.time).toBe(3);
  });
});
