import { generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { ScalekitError } from "../domain/errors.js";
import { SeededRandom } from "../domain/seeded-random.js";
import type { Environment } from "../state/environment.js";
import { TokenService } from "./tokens.js";

const ISSUER = "http://127.0.0.1:5000";
const T0 = Date.UTC(2026, 10, 28, 12);

/** Just what TokenService reads of an environment: its identity, clock, token lifetime and random source. */
function environment(id: string, clientId: string, clock = { at: T0 }): Environment {
  return {
    id,
    clientId,
    generation: 0,
    clock: { now: () => clock.at },
    settings: { tokenTtl: 3600 },
    random: new SeededRandom(id),
  } as unknown as Environment;
}

async function refusal(tokens: TokenService, authorization: string | undefined, envs: Environment[]): Promise<ScalekitError> {
  try {
    await tokens.authenticate(authorization, (id) => envs.find((e) => e.id === id));
  } catch (error) {
    if (error instanceof ScalekitError) return error;
    throw error;
  }
  throw new Error("expected the token to be refused");
}

const part = (token: string, i: number) => token.split(".")[i]!;
const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("bearer tokens", () => {
  const tokens = new TokenService(() => ISSUER);
  const env = environment("default", "skc_test");

  it("accepts a token it issued, for the environment it was issued to", async () => {
    const { access_token } = await tokens.issue(env);
    expect(await tokens.authenticate(`Bearer ${access_token}`, () => env)).toBe(env);
  });

  it.each([
    ["no header", undefined],
    ["a token that is not a JWT", "Bearer not-a-jwt"],
    ["another scheme", "Basic abc"],
  ])("refuses %s as UNAUTHENTICATED", async (_name, authorization) => {
    const error = await refusal(tokens, authorization, [env]);
    expect([error.status, error.errorCode]).toEqual(["Unauthenticated", "UNAUTHENTICATED"]);
  });

  it("refuses an unsigned token (alg none) and one with a forged signature", async () => {
    const { access_token } = await tokens.issue(env);
    const unsigned = `${json({ alg: "none", typ: "JWT" })}.${part(access_token, 1)}.`;
    expect((await refusal(tokens, `Bearer ${unsigned}`, [env])).errorCode).toBe("UNAUTHENTICATED");
    const forged = `${part(access_token, 0)}.${part(access_token, 1)}.${"A".repeat(342)}`;
    expect((await refusal(tokens, `Bearer ${forged}`, [env])).errorCode).toBe("UNAUTHENTICATED");
  });

  it("refuses the right claims signed with another key, or with HS256 keyed by its own public JWK", async () => {
    const claims = { client_id: "skc_test", environment_id: "default", environment_generation: 0 };
    const sign = (key: CryptoKey | Uint8Array, alg: string) =>
      new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).setIssuer(ISSUER).setAudience(["skc_test"]).setIssuedAt(T0 / 1000).setExpirationTime(T0 / 1000 + 3600).sign(key);
    const { privateKey } = await generateKeyPair("RS256");
    expect((await refusal(tokens, `Bearer ${await sign(privateKey, "RS256")}`, [env])).errorCode).toBe("UNAUTHENTICATED");
    // The algorithm-confusion attack: HMAC keyed with the public key the mock publishes.
    const jwk = new TextEncoder().encode(JSON.stringify((await tokens.jwks()).keys[0]));
    expect((await refusal(tokens, `Bearer ${await sign(jwk, "HS256")}`, [env])).errorCode).toBe("UNAUTHENTICATED");
  });

  it("refuses a token another mock issued for the same credentials", async () => {
    const other = new TokenService(() => "http://127.0.0.1:6000");
    const { access_token } = await other.issue(environment("default", "skc_test"));
    expect((await refusal(tokens, `Bearer ${access_token}`, [env])).errorCode).toBe("UNAUTHENTICATED");
  });

  it("refuses another environment's token whose client id was changed to this one's", async () => {
    const second = environment("env-2", "skc_other");
    const { access_token } = await tokens.issue(second);
    const payload = JSON.parse(Buffer.from(part(access_token, 1), "base64url").toString());
    const swapped = `${part(access_token, 0)}.${json({ ...payload, client_id: "skc_test", environment_id: "default" })}.${part(access_token, 2)}`;
    expect((await refusal(tokens, `Bearer ${swapped}`, [env, second])).errorCode).toBe("UNAUTHENTICATED");
  });

  it("refuses a token as TOKEN_EXPIRED once it outlives tokenTtl on the environment's clock", async () => {
    const clock = { at: T0 };
    const timed = environment("timed", "skc_timed", clock);
    const { access_token } = await tokens.issue(timed);
    clock.at = T0 + 3_599_000;
    expect(await tokens.authenticate(`Bearer ${access_token}`, () => timed)).toBe(timed);
    clock.at = T0 + 3_601_000;
    const error = await refusal(tokens, `Bearer ${access_token}`, [timed]);
    expect([error.status, error.errorCode]).toEqual(["Unauthenticated", "TOKEN_EXPIRED"]);
  });
});
