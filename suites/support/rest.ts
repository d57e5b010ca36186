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

/**
 * Fetches a token and calls the passwordless endpoints with it. With
 * `refreshOn401`, a 401 fetches a new token and retries once, as a careful
 * app does when its token expires.
 */
export async function restSession(mock: { url: string; clientId: string; clientSecret: string }, options: { refreshOn401?: boolean } = {}): Promise<RestSession> {
  const session: RestSession = {
    token: await fetchToken(mock.url, mock.clientId, mock.clientSecret),
    send: (body) => call("send", body),
    resend: (body) => call("resend", body),
    verify: (body) => call("verify", body),
  };
  const call = async (op: string, body: unknown): Promise<RestResult> => {
    const result = await post(mock.url, `/api/v1/passwordless/email/${op}`, body, { authorization: `Bearer ${session.token}` });
    if (result.status !== 401 || !options.refreshOn401) return result;
    session.token = await fetchToken(mock.url, mock.clientId, mock.clientSecret);
    return post(mock.url, `/api/v1/passwordless/email/${op}`, body, { authorization: `Bearer ${session.token}` });
  };
  return session;
}
