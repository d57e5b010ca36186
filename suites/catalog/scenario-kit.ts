import assert from "node:assert/strict";
import type { Failure, Outcome } from "../support/drivers.js";
import { fetchToken, post, type RestResult } from "../support/rest.js";
import type { ScenarioContext } from "./types.js";

/** What scenarios share: the callback URI, outcome checks, a sign-in, and raw REST calls. */

export const CALLBACK = "https://app.example.test/passwordless/verify";

export function ok<T>(outcome: Outcome<T>, what: string): T {
  if (!outcome.ok) assert.fail(`${what} failed: ${outcome.error.grpcCode} ${outcome.error.errorCode ?? ""} ${outcome.error.message}`);
  return outcome.value;
}

/** gRPC codes: 3 InvalidArgument, 5 NotFound, 7 PermissionDenied, 8 ResourceExhausted, 9 FailedPrecondition, 16 Unauthenticated. */
export function fails(outcome: Outcome<unknown>, grpcCodes: number | number[], what: string): Failure {
  assert.equal(outcome.ok, false, `${what} should fail`);
  const { error } = outcome as { ok: false; error: Failure };
  const expected = Array.isArray(grpcCodes) ? grpcCodes : [grpcCodes];
  assert.ok(expected.includes(error.grpcCode), `${what}: expected gRPC code ${expected.join(" or ")}, got ${error.grpcCode} (${error.errorCode}: ${error.message})`);
  return error;
}

/** Another code of the same length and alphabet: the given one with its last digit or letter moved on (9 → 0, Z → A). */
export function other(code: string): string {
  return code.replace(/[0-9A-Za-z]$/, (c) => {
    if (/\d/.test(c)) return String((Number(c) + 1) % 10);
    if (c === "Z" || c === "z") return String.fromCharCode(c.charCodeAt(0) - 25);
    return String.fromCharCode(c.charCodeAt(0) + 1);
  });
}

export async function signIn(ctx: ScenarioContext, how: "code" | "link", withId: boolean) {
  const email = ctx.address();
  const sent = ok(await ctx.driver.send(email, { magiclinkAuthUri: CALLBACK }), "send");
  const mail = await ctx.inbox.waitFor(email);
  const credential = how === "code" ? { code: mail.code! } : { linkToken: mail.linkToken! };
  assert.ok(how === "code" ? mail.code : mail.linkToken, `the email should carry a ${how}`);
  const verified = ok(await ctx.driver.verify(credential, withId ? sent.authRequestId : undefined), "verify");
  assert.equal(verified.email, email);
  return { sent, mail, verified };
}

export type RestOperation = "send" | "resend" | "verify";

/** Raw REST calls with a valid token, for what no driver can say (field spellings, bodies that are not messages). */
export async function rawRest(ctx: ScenarioContext) {
  await ctx.pace("other");
  const token = await fetchToken(ctx.target.url, ctx.target.clientId, ctx.target.clientSecret);
  return async (operation: RestOperation, body: unknown, headers: Record<string, string> = {}): Promise<RestResult> => {
    await ctx.pace(operation === "verify" ? "other" : "send");
    return post(ctx.target.url, `/api/v1/passwordless/email/${operation}`, body, { authorization: `Bearer ${token}`, ...headers });
  };
}

/** A REST answer in grpc-gateway's error shape with the given HTTP status and gRPC code. */
export function restFails(result: RestResult, status: number, grpcCode: number, what: string): { code: number; message: string } {
  assert.equal(result.status, status, `${what}: HTTP ${result.status} ${JSON.stringify(result.body)}`);
  assert.equal(result.body?.code, grpcCode, `${what}: gRPC code in ${JSON.stringify(result.body)}`);
  assert.equal(typeof result.body.message, "string", `${what}: a message`);
  assert.ok(Array.isArray(result.body.details), `${what}: details`);
  return result.body;
}
