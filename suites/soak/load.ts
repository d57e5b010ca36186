import { TemplateType } from "../../mock-server/src/grpc/gen/scalekit/v1/auth/passwordless_pb.js";
import { isInjected, type ApiResult, type Prng, type Surfaces } from "./surfaces.js";

/**
 * The soak's traffic: workers that sign people in over REST and gRPC (send,
 * read the code from the inbox, verify; resend; wrong codes), read and change
 * things through the control API, and a churn loop that creates environments,
 * uses them, deletes them and checks that what they issued dies with them.
 */

export interface SoakEnv {
  id: string;
  clientId: string;
  clientSecret: string;
  token?: string | undefined;
  addresses: string[];
  /** Recent auth requests (a short ring). */
  recent: Array<{ id: string; email: string }>;
}

const CALLBACK = "https://app.soak.test/cb";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a Scalekit call with the environment's token, fetching one when needed
 * (a fault may refuse that too) and again after TOKEN_EXPIRED (clock moves).
 */
async function withToken(s: Surfaces, env: SoakEnv, call: (token: string) => Promise<ApiResult>): Promise<ApiResult> {
  for (let attempt = 0; attempt < 5; attempt++) {
    env.token ??= await s.token(env.clientId, env.clientSecret);
    const token = env.token;
    if (token === undefined) continue;
    const result = await call(token);
    if (result.kind === "error" && result.grpc === 16) {
      if (result.errorCode !== "TOKEN_EXPIRED") s.tally.problem(`a valid token of ${env.id} refused: ${result.errorCode}`);
      if (env.token === token) env.token = undefined;
      continue;
    }
    return result;
  }
  return { kind: "dropped" };
}

type Transport = "rest" | "grpc";

function send(s: Surfaces, t: Transport, token: string, email: string): Promise<ApiResult> {
  return t === "rest"
    ? s.rest("send", token, { email, magiclink_auth_uri: CALLBACK, template: "SIGNIN" })
    : s.grpc("send", token, { email, magiclinkAuthUri: CALLBACK, template: TemplateType.SIGNIN });
}

function verify(s: Surfaces, t: Transport, token: string, credential: { code?: string; linkToken?: string }, authRequestId: string): Promise<ApiResult> {
  if (t === "rest") {
    return s.rest("verify", token, {
      ...(credential.code !== undefined ? { code: credential.code } : { link_token: credential.linkToken }),
      auth_request_id: authRequestId,
    });
  }
  return s.grpc("verify", token, {
    authCredential: credential.code !== undefined ? { case: "code", value: credential.code } : { case: "linkToken", value: credential.linkToken },
    authRequestId,
  });
}

function remember(env: SoakEnv, id: string, email: string): void {
  env.recent.push({ id, email });
  if (env.recent.length > 30) env.recent.shift();
}

const authRequestIdOf = (result: ApiResult) => (result.kind === "ok" ? (result.body.auth_request_id ?? result.body.authRequestId) : undefined) as string | undefined;

/** One worker: random calls until `until` (performance.now()). */
export async function worker(s: Surfaces, envs: readonly SoakEnv[], r: Prng, until: number): Promise<void> {
  while (performance.now() < until) {
    const env = r.pick(envs);
    const t: Transport = r.chance(0.5) ? "rest" : "grpc";
    const email = r.pick(env.addresses);
    const roll = r.next();
    const base = `/environments/${env.id}`;
    if (roll < 0.3) {
      const id = authRequestIdOf(await withToken(s, env, (token) => send(s, t, token, email)));
      if (id !== undefined) remember(env, id, email);
    } else if (roll < 0.45) {
      const otp = await s.control("GET", `${base}/otp?email=${encodeURIComponent(email)}`);
      if (otp.status === 200) {
        const credential = otp.body.code !== undefined && r.chance(0.7) ? { code: otp.body.code } : { linkToken: otp.body.link_token ?? "none" };
        await withToken(s, env, (token) => verify(s, t, token, credential, otp.body.auth_request_id));
      }
    } else if (roll < 0.55 && env.recent.length > 0) {
      const target = r.pick(env.recent);
      const id = authRequestIdOf(
        await withToken(s, env, (token) => (t === "rest" ? s.rest("resend", token, { auth_request_id: target.id }) : s.grpc("resend", token, { authRequestId: target.id }))),
      );
      if (id !== undefined && id !== target.id) s.tally.problem(`resend of ${target.id} answered for ${id}`);
    } else if (roll < 0.6 && env.recent.length > 0) {
      await withToken(s, env, (token) => verify(s, t, token, { code: "0000000" }, r.pick(env.recent).id));
    } else {
      await controlCall(s, env, r, email);
    }
  }
}

async function controlCall(s: Surfaces, env: SoakEnv, r: Prng, email: string): Promise<void> {
  const base = `/environments/${env.id}`;
  const to = encodeURIComponent(email);
  switch (r.int(11)) {
    case 0: {
      const listed = await s.control("GET", `${base}/emails?to=${to}&limit=5`);
      const first = listed.body?.emails?.[0];
      if (first !== undefined) await s.control("GET", `${base}/emails/${first.id}${r.pick(["", ".eml", ".txt"])}`);
      return;
    }
    case 1:
      return void (await s.control("GET", `${base}/emails/latest?to=${to}`));
    case 2:
      return void (await s.control("GET", `${base}/auth-requests?email=${to}`));
    case 3:
      return void (await s.control("GET", `${base}/stats`));
    case 4:
      return void (await s.control("GET", `${base}/requests?limit=5&status=error`));
    case 5:
      return void (await s.control("GET", `${base}/faults`));
    case 6:
      return void (await s.control("GET", `${base}/clock`));
    case 7:
      return void (await s.control("POST", `${base}/clock`, { advance: `${1 + r.int(20)}s` }));
    case 8:
      return void (await s.control("PUT", `${base}/settings`, r.chance(0.5) ? { newCredentialsOnResend: r.chance(0.5) } : { maxResends: 2 + r.int(5) }));
    case 9:
      return void (await s.control("PUT", `${base}/settings`, { passwordlessType: r.pick(["OTP", "LINK", "LINK_OTP"]) }));
    default:
      return void (await s.control("GET", `${base}/otp?email=${to}&wait=0`));
  }
}

/**
 * Creates short-lived environments, signs in through them, deletes them, then
 * checks that their token is refused and their auth requests are unknown to a
 * live environment.
 */
export async function churn(s: Surfaces, live: readonly SoakEnv[], r: Prng, until: number): Promise<number> {
  let n = 0;
  while (performance.now() < until) {
    const created = await s.control("POST", "/environments", { id: `soak-tmp-${++n}`, settings: { passwordlessType: r.pick(["OTP", "LINK_OTP"]) } });
    if (created.status !== 201) {
      s.tally.problem(`creating soak-tmp-${n}: HTTP ${created.status}`);
      continue;
    }
    const env: SoakEnv = { id: created.body.id, clientId: created.body.client_id, clientSecret: created.body.client_secret, addresses: [`tmp${n}@soak.test`], recent: [] };
    const t: Transport = r.chance(0.5) ? "rest" : "grpc";
    const id = authRequestIdOf(await withToken(s, env, (token) => send(s, t, token, env.addresses[0]!)));
    const otp = await s.control("GET", `/environments/${env.id}/otp?email=${encodeURIComponent(env.addresses[0]!)}`);
    await s.control("DELETE", `/environments/${env.id}`);
    if (env.token !== undefined) {
      const dead = await send(s, t, env.token, "ghost@soak.test");
      if (!(dead.kind === "error" && dead.grpc === 16)) s.tally.problem(`the token of deleted ${env.id} was not refused: ${JSON.stringify(dead)}`);
    }
    if (id !== undefined && otp.status === 200 && otp.body.code !== undefined) {
      const other = r.pick(live);
      const foreign = await withToken(s, other, (token) => verify(s, t, token, { code: otp.body.code }, id));
      const refused = foreign.kind === "dropped" || (foreign.kind === "error" && (foreign.errorCode === "AUTH_REQUEST_NOT_FOUND" || isInjected(foreign.errorCode)));
      if (!refused) s.tally.problem(`a code of deleted ${env.id} was not refused in ${other.id}: ${JSON.stringify(foreign)}`);
    }
    await sleep(20 + r.int(100));
  }
  return n;
}
