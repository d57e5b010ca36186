/** A plain `fetch` client of the Scalekit REST API, as an app without the SDK would call it. */

export interface RestResult {
  status: number;
  body: any;
  headers: Headers;
}

export async function fetchToken(baseUrl: string, clientId: string, clientSecret: string): Promise<string> {
  const response = await fetch(`${baseUrl}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }),
  });
  if (!response.ok) throw new Error(`token request failed: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

export async function post(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<RestResult> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text), headers: response.headers };
}

export interface RestSession {
  token: string;
  send(body: unknown): Promise<RestResult>;
  resend(body: unknown): Promise<RestResult>;
  verify(body: unknown): Promise<RestResult>;
}

/** Fetches a token once and calls the passwordless endpoints with it. */
export async function restSession(mock: { url: string; clientId: string; clientSecret: string }): Promise<RestSession> {
  const token = await fetchToken(mock.url, mock.clientId, mock.clientSecret);
  const auth = { authorization: `Bearer ${token}` };
  const call = (op: string) => (body: unknown) => post(mock.url, `/api/v1/passwordless/email/${op}`, body, auth);
  return { token, send: call("send"), resend: call("resend"), verify: call("verify") };
}
