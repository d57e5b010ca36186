import type { Context } from "hono";
import { ControlError } from "../services/control-error.js";
import type { TlsState } from "./deps.js";
import { controlError } from "./errors.js";

/** Where the generated CA certificate is served; public, like any CA certificate, so no admin token is asked. */
export const CA_PATH = "/_mock/v1/tls/ca.pem";

/**
 * The CA certificate clients must trust to reach the mock over TLS, as PEM.
 * Without a generated CA (TLS off, or a certificate brought with --tls-cert)
 * the answer says why, and what to do.
 */
export function caCertificate(tls: TlsState): (c: Context) => Response {
  return (c) => {
    if (tls.mode === "generated") {
      c.header("cache-control", "no-store");
      return c.body(tls.ca, 200, { "content-type": "application/x-pem-file" });
    }
    const message =
      tls.mode === "off"
        ? "TLS is off, so there is no CA: start the mock with --tls (SCALEKIT_MOCK_TLS=true) to serve https:// with a generated CA"
        : "this mock serves the certificate given with --tls-cert and has no CA of its own: trust the CA that issued that certificate";
    return controlError(c, new ControlError(404, "NOT_FOUND", message));
  };
}
