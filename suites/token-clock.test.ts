import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { fetchToken, post } from "./support/rest.js";

/**
 * Access tokens against a clock moved back: whether a token is accepted may
 * depend on the token and the clock, never on whether it was used before.
 */

let mock: MockScalekit;
beforeAll(async () => {
  mock = await createMockScalekit({ seed: "token-clock" });
});
afterAll(() => mock.close());

const send = (token: string) => post(mock.url, "/api/v1/passwordless/email/send", { email: "ana@example.com" }, { authorization: `Bearer ${token}` });
const answer = (r: { status: number; body: any }) => [r.status, r.body.details?.[0]?.error_code ?? "ok"];

describe("access tokens and a clock moved back", () => {
  it("answers a token issued before the clock moved back the same whether or not it was used before", async () => {
    mock.clock.freeze();
    const used = await fetchToken(mock.url, mock.clientId, mock.clientSecret);
    const unused = await fetchToken(mock.url, mock.clientId, mock.clientSecret);
    expect(answer(await send(used))).toEqual([200, "ok"]);
    // Both tokens now lie an hour in the future: not valid before (nbf) the time they were issued.
    mock.clock.advance("-1h");
    expect(answer(await send(used)), "the token used before the move").toEqual(answer(await send(unused)));
  });
});
