/**
 * A small REST client of Scalekit's passwordless API: the consumer in the
 * Pact contract. It is what an app without the SDK would write.
 */
export interface SendResult {
  authRequestId: string;
  expiresAt: number;
  expiresIn: number;
  passwordlessType: string;
}

export interface VerifyResult {
  email: string;
  state?: string;
  template?: string;
  passwordlessType: string;
}

export class PasswordlessApiError extends Error {
  constructor(
    readonly status: number,
    readonly grpcCode: number,
    message: string,
  ) {
    super(message);
  }
}

export class PasswordlessRestClient {
  constructor(
    private readonly baseUrl: string,
    private readonly accessToken: string,
  ) {}

  async #post(path: string, body: unknown): Promise<any> {
    const response = await fetch(`${this.baseUrl}/api/v1/passwordless/email/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.accessToken}` },
      body: JSON.stringify(body),
    });
    const json: any = await response.json();
    if (!response.ok) throw new PasswordlessApiError(response.status, json.code, json.message);
    return json;
  }

  async send(email: string, options: { state?: string; template?: "SIGNIN" | "SIGNUP" } = {}): Promise<SendResult> {
    const body = await this.#post("send", { email, ...options });
    return { authRequestId: body.auth_request_id, expiresAt: Number(body.expires_at), expiresIn: body.expires_in, passwordlessType: body.passwordless_type };
  }

  async resend(authRequestId: string): Promise<SendResult> {
    const body = await this.#post("resend", { auth_request_id: authRequestId });
    return { authRequestId: body.auth_request_id, expiresAt: Number(body.expires_at), expiresIn: body.expires_in, passwordlessType: body.passwordless_type };
  }

  async verifyCode(code: string, authRequestId: string): Promise<VerifyResult> {
    const body = await this.#post("verify", { code, auth_request_id: authRequestId });
    return { email: body.email, ...(body.state !== undefined && { state: body.state }), template: body.template, passwordlessType: body.passwordless_type };
  }
}
