import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendPasswordlessResponse, verifyPasswordlessResponse } from "../mock-server/src/schemas/scalekit.js";
import { ROOT, startCli, type RunningCli } from "./support/cli.js";

/** The README's examples and the reference's request shapes, against `npm start`. */

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
let cli: RunningCli;

beforeAll(async () => {
  cli = await startCli("npm", ["start", "--silent", "--", "--port", "0"], {}, 30_000);
});
afterAll(async () => {
  // npm itself dies of the signal; what matters is that the server behind it shut down.
  await cli.stop("SIGTERM");
  const deadline = performance.now() + 3_000;
  let serving = true;
  while (serving && performance.now() < deadline) {
    serving = await fetch(`${cli.url}/_mock/v1/health`).then(
      () => true,
      () => false,
    );
    if (serving) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(serving).toBe(false);
});

async function token(secret: string): Promise<string> {
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: "skc_mock_default", client_secret: secret });
  const response = await fetch(`${cli.url}/oauth/token`, { method: "POST", body: form });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function call(path: string, accessToken: string, body: unknown) {
  const response = await fetch(`${cli.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** The JSON body of the README's curl call to `path`. */
function readmeBody(path: string): any {
  const block = readme.split("```").find((part) => part.includes(`$URL${path}"`))!;
  const command = block.slice(block.indexOf(`$URL${path}"`));
  return JSON.parse(/-d '([^']+)'/.exec(command)![1]!);
}

describe("README and reference examples against npm start", () => {
  it("the README's client secret is the one npm start prints", () => {
    const secret = /^SECRET=(\S+)$/m.exec(readme)![1];
    expect(cli.clientSecret).toBe(secret);
    expect(cli.clientId).toBe("skc_mock_default");
  });

  it("runs the README's curl flow: token, send, otp, verify, resend", async () => {
    const accessToken = await token(cli.clientSecret);
    const sendBody = readmeBody("/api/v1/passwordless/email/send");
    const sent = await call("/api/v1/passwordless/email/send", accessToken, sendBody);
    expect(sent.status).toBe(200);
    const { auth_request_id } = sendPasswordlessResponse.parse(sent.body);

    const otp = await fetch(`${cli.url}/_mock/v1/otp?email=${sendBody.email}&wait=5s`).then((r) => r.json());
    expect(otp.auth_request_id).toBe(auth_request_id);

    const resent = await call("/api/v1/passwordless/email/resend", accessToken, { ...readmeBody("/api/v1/passwordless/email/resend"), auth_request_id });
    expect(resent.status).toBe(200);

    const verifyBody = { ...readmeBody("/api/v1/passwordless/email/verify"), code: otp.code, auth_request_id };
    const verified = await call("/api/v1/passwordless/email/verify", accessToken, verifyBody);
    expect(verifyPasswordlessResponse.parse(verified.body)).toEqual({
      email: sendBody.email,
      state: sendBody.state,
      template: "SIGNIN",
      passwordless_type: "OTP",
    });
  });

  it("accepts the reference's full send request and its link verify", async () => {
    await fetch(`${cli.url}/_mock/v1/settings`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ passwordlessType: "LINK_OTP" }),
    });
    const accessToken = await token(cli.clientSecret);
    const sent = await call("/api/v1/passwordless/email/send", accessToken, {
      email: "john.doe@example.com",
      expires_in: 300,
      state: "jAy-state1-gM4fdZ",
      template: "SIGNUP",
      magiclink_auth_uri: "https://yourapp.com/passwordless/verify",
      template_variables: { custom_variable_key: "custom_variable_value" },
    });
    expect(sent.status).toBe(200);
    expect(sent.body.passwordless_type).toBe("LINK_OTP");
    const otp = await fetch(`${cli.url}/_mock/v1/otp?email=john.doe@example.com&wait=5s`).then((r) => r.json());
    expect(otp.link).toBe(`https://yourapp.com/passwordless/verify?link_token=${otp.link_token}`);
    const verified = await call("/api/v1/passwordless/email/verify", accessToken, { link_token: otp.link_token });
    expect(verified.body).toEqual({ email: "john.doe@example.com", state: "jAy-state1-gM4fdZ", template: "SIGNUP", passwordless_type: "LINK" });
  });
});
