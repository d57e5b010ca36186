import { createHash, timingSafeEqual } from "node:crypto";
import type { CryptoKey, JWK } from "jose";
import { firstCredential } from "../domain/authorization.js";
import { ERROR_CODES, ScalekitError } from "../domain/errors.js";
import { randomUrlSafe } from "../domain/random-source.js";
import type { Environment } from "../state/environment.js";

export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  /** Seconds. */
  expires_in: number;
  scope: string;
}

/** Compares two secrets in time that does not depend on where they differ. */
export function secretsEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

const VERIFIED_CACHE_SIZE = 10_000;

function unauthenticated(message: string, code: string = ERROR_CODES.unauthenticated): ScalekitError {
  return new ScalekitError("Unauthenticated", code as typeof ERROR_CODES.unauthenticated, message);
}

interface SigningKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

/** jose, loaded once, after the server is up (see `TokenService.prepare`). */
let jose: Promise<typeof import("jose")> | undefined;
const loadJose = () => (jose ??= import("jose"));

async function generateSigningKeys(): Promise<SigningKeys> {
  const { calculateJwkThumbprint, exportJWK, generateKeyPair } = await loadJose();
  // Deviation D22: a new key pair each start, not from the seed
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, publicKey, jwk: { ...jwk, kid, alg: "RS256", use: "sig" } };
}

/** What a verified token says: where it belongs and when it is valid (epoch ms). */
interface TokenClaims {
  environmentId: string;
  /** `Environment.generation` of the environment it was issued to. */
  generation: number;
  clientId: string;
  notBefore: number;
  expiresAt: number;
}

const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/** The claims `issue` writes, or why a verified payload does not carry them. */
function claimsOf(payload: Record<string, unknown>, issuer: string): TokenClaims | string {
  const { client_id: clientId, environment_id: environmentId, environment_generation: generation, iss, aud, iat, nbf, exp } = payload;
  if (iss !== issuer) return "it was not issued by this mock (wrong issuer)";
  if (typeof clientId !== "string" || typeof environmentId !== "string" || !Number.isSafeInteger(generation)) {
    return "it does not name the environment it was issued to";
  }
  if (!(aud === clientId || (Array.isArray(aud) && aud.includes(clientId)))) return "its audience is not its client id";
  if (!isNumber(exp) || !isNumber(iat) || (nbf !== undefined && !isNumber(nbf))) return "it lacks a valid iat or exp";
  // iat counts as a second nbf: a token issued after the clock's now is not valid yet either way.
  return { environmentId, generation: generation as number, clientId, notBefore: Math.max(iat, nbf ?? iat) * 1000, expiresAt: exp * 1000 };
}

/**
 * Judges a token's lifetime on its environment's clock. The same check runs
 * for a token verified just now and for one found in the cache, so moving the
 * clock gives the same answer for both.
 */
function checkLifetime(claims: TokenClaims, env: Environment): void {
  // Deviation D21: token lifetime judged on the environment's clock
  const now = env.clock.now();
  if (now >= claims.expiresAt) {
    throw unauthenticated("access token expired: fetch a new one from POST /oauth/token", ERROR_CODES.tokenExpired);
  }
  if (now < claims.notBefore) {
    throw unauthenticated(
      `access token not valid yet: it was issued at ${new Date(claims.notBefore).toISOString()}, after the mock clock's now ` +
        `(${new Date(now).toISOString()}; was the clock moved back?): fetch a new one from POST /oauth/token`,
      ERROR_CODES.tokenNotYetValid,
    );
  }
}

/**
 * Issues and checks RS256 access tokens for the client credentials grant.
 * The key pair is generated in the background once the server listens, so
 * start-up does not wait for it (tokens are the one output that differs
 * between runs with the same seed).
 */
export class TokenService {
  #pendingKeys: Promise<SigningKeys> | undefined;
  readonly #issuer: () => string;
  /** Per environment object: one deleted and created again with the same id starts from 0. */
  readonly #issued = new WeakMap<Environment, number>();
  /** Tokens whose signature and claims were verified once. */
  readonly #verified = new Map<string, TokenClaims>();

  constructor(issuer: () => string) {
    this.#issuer = issuer;
  }

  /**
   * Starts loading jose and generating the key pair in the background. The
   * server calls it once it listens, so neither delays start-up; the first
   * token request waits for them if they are not ready yet.
   */
  prepare(): void {
    void this.#keys();
  }

  #keys(): Promise<SigningKeys> {
    if (this.#pendingKeys === undefined) {
      this.#pendingKeys = generateSigningKeys();
      // Callers await the keys and see a failure there; this only keeps it from counting as unhandled meanwhile.
      this.#pendingKeys.catch(() => undefined);
    }
    return this.#pendingKeys;
  }

  /** The JWKS served at `/keys`. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: [(await this.#keys()).jwk] };
  }

  /** How many tokens an environment has been issued since start or reset. */
  issuedCount(env: Environment): number {
    return this.#issued.get(env) ?? 0;
  }

  forgetIssued(env: Environment): void {
    this.#issued.delete(env);
  }

  async issue(env: Environment): Promise<TokenResponse> {
    const n = (this.#issued.get(env) ?? 0) + 1;
    this.#issued.set(env, n);
    const keys = await this.#keys();
    const nowSeconds = Math.floor(env.clock.now() / 1000);
    const ttl = env.settings.tokenTtl;
    const { SignJWT } = await loadJose();
    // Deviation D19: our claims; real tokens carry more
    const accessToken = await new SignJWT({ client_id: env.clientId, environment_id: env.id, environment_generation: env.generation })
      .setProtectedHeader({ alg: "RS256", kid: keys.jwk.kid!, typ: "JWT" })
      .setIssuer(this.#issuer())
      .setSubject(env.clientId)
      .setAudience([env.clientId])
      .setJti(`tkn_${randomUrlSafe(env.random.stream(env.id, "token", n), 24)}`)
      .setIssuedAt(nowSeconds)
      .setNotBefore(nowSeconds)
      .setExpirationTime(nowSeconds + ttl)
      .sign(keys.privateKey);
    return { access_token: accessToken, token_type: "Bearer", expires_in: ttl, scope: "" };
  }

  /**
   * Checks a bearer token and returns the environment it was issued to: the
   * same environment object, not merely one with its id or client id.
   * Lifetime is judged on that environment's clock. Of several
   * `authorization` entries joined into one value, the first decides.
   */
  async authenticate(entries: string | undefined, findEnvironment: (environmentId: string) => Environment | undefined): Promise<Environment> {
    const authorization = firstCredential(entries);
    if (!authorization) {
      throw unauthenticated("missing bearer token: call POST /oauth/token with your client credentials and send Authorization: Bearer <access_token>");
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw unauthenticated("the authorization header must be \"Bearer <access_token>\"");
    const token = match[1]!;
    // RSA verification is the costly part: a token verified once is only looked up again.
    const claims = this.#verified.get(token) ?? (await this.#verify(token));
    // Deviation D31: the token, not the URL, picks the environment
    const env = findEnvironment(claims.environmentId);
    // Deviation D20: a token belongs to one environment object
    if (env === undefined || env.generation !== claims.generation || env.clientId !== claims.clientId) {
      throw unauthenticated(
        `invalid access token: the environment "${claims.environmentId}" it was issued to no longer exists (deleted, or created again since): ` +
          "fetch a new one from POST /oauth/token with that environment's credentials",
      );
    }
    checkLifetime(claims, env);
    return env;
  }

  /** Verifies the signature and reads the claims of a token not seen before. */
  async #verify(token: string): Promise<TokenClaims> {
    const { compactVerify } = await loadJose();
    let payload: unknown;
    try {
      const verified = await compactVerify(token, (await this.#keys()).publicKey, { algorithms: ["RS256"] });
      payload = JSON.parse(new TextDecoder().decode(verified.payload));
    } catch (error) {
      throw unauthenticated(`invalid access token: ${error instanceof Error ? error.message : "verification failed"}`);
    }
    const claims = typeof payload === "object" && payload !== null ? claimsOf(payload as Record<string, unknown>, this.#issuer()) : "its payload is not a JSON object";
    if (typeof claims === "string") throw unauthenticated(`invalid access token: ${claims}`);
    if (this.#verified.size >= VERIFIED_CACHE_SIZE) this.#verified.clear();
    this.#verified.set(token, claims);
    return claims;
  }
}
