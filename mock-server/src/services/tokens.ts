import { createHash, timingSafeEqual } from "node:crypto";
import type { CryptoKey, JWK } from "jose";
import { ERROR_CODES, ScalekitError } from "../domain/errors.js";
import { randomUrlSafe } from "../domain/random.js";
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
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, publicKey, jwk: { ...jwk, kid, alg: "RS256", use: "sig" } };
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
  readonly #issued = new Map<string, number>();
  /** Tokens already verified, with their client id and `exp` (epoch seconds). */
  readonly #verified = new Map<string, { clientId: string; exp: number }>();

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
    return this.#issued.get(env.id) ?? 0;
  }

  forgetIssued(env: Environment): void {
    this.#issued.delete(env.id);
  }

  async issue(env: Environment): Promise<TokenResponse> {
    const n = (this.#issued.get(env.id) ?? 0) + 1;
    this.#issued.set(env.id, n);
    const keys = await this.#keys();
    const nowSeconds = Math.floor(env.clock.now() / 1000);
    const ttl = env.settings.tokenTtl;
    const { SignJWT } = await loadJose();
    const accessToken = await new SignJWT({ client_id: env.clientId, environment_id: env.id })
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
   * Checks a bearer token and returns the environment it was issued for.
   * Expiry is judged on that environment's clock.
   */
  async authenticate(authorization: string | undefined, findEnvironment: (clientId: string) => Environment | undefined): Promise<Environment> {
    if (!authorization) {
      throw unauthenticated("missing bearer token: call POST /oauth/token with your client credentials and send Authorization: Bearer <access_token>");
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw unauthenticated("the authorization header must be \"Bearer <access_token>\"");
    const token = match[1]!;
    let clientId: string;
    try {
      const [, payload] = token.split(".");
      clientId = String(JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")).client_id ?? "");
    } catch {
      throw unauthenticated("invalid access token: not a JWT");
    }
    const env = findEnvironment(clientId);
    if (env === undefined) throw unauthenticated("invalid access token: it was not issued by this mock");
    // A token whose signature, issuer and audience were checked once needs only its expiry checked
    // again (on the environment's clock, which may have moved): RSA verification is the costly part.
    const verifiedExp = this.#verified.get(token);
    if (verifiedExp !== undefined && verifiedExp.clientId === env.clientId) {
      if (env.clock.now() >= verifiedExp.exp * 1000) {
        throw unauthenticated("access token expired: fetch a new one from POST /oauth/token", ERROR_CODES.tokenExpired);
      }
      return env;
    }
    const { errors: joseErrors, jwtVerify } = await loadJose();
    try {
      const { payload } = await jwtVerify(token, (await this.#keys()).publicKey, {
        algorithms: ["RS256"],
        issuer: this.#issuer(),
        audience: env.clientId,
        currentDate: new Date(env.clock.now()),
      });
      if (this.#verified.size >= VERIFIED_CACHE_SIZE) this.#verified.clear();
      this.#verified.set(token, { clientId: env.clientId, exp: payload.exp! });
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw unauthenticated("access token expired: fetch a new one from POST /oauth/token", ERROR_CODES.tokenExpired);
      }
      throw unauthenticated(`invalid access token: ${error instanceof Error ? error.message : "verification failed"}`);
    }
    return env;
  }
}
