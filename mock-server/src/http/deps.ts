import type { EnvironmentDirectory } from "../services/environment-directory.js";
import type { ScalekitCalls } from "../services/scalekit-call.js";
import type { HostPolicy } from "./browser-guard.js";

/** Whether the server speaks TLS, and with which CA: what `GET /_mock/v1/tls/ca.pem` answers. */
export type TlsState = { mode: "off" } | { mode: "file" } | { mode: "generated"; ca: string };

/** What the transports call into. */
export interface HttpDeps {
  /** The control service: every control route and the web inbox go through it. */
  control: EnvironmentDirectory;
  /** Every Scalekit API call (REST, gRPC, OAuth) goes through it. */
  scalekit: ScalekitCalls;
  version: string;
  /** Which `Host` names the control API and web inbox answer to. */
  hostPolicy: HostPolicy;
  /** When set, control routes (but /health) require it as a bearer token. */
  adminToken?: string;
  tls: TlsState;
  /** Aborted when the server shuts down, ending long-polls and event streams at once. */
  shutdown: AbortSignal;
}
