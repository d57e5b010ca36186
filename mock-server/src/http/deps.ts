import type { Calls } from "../services/calls.js";
import type { EnvironmentDirectory } from "../services/environment-directory.js";
import type { PasswordlessService } from "../services/passwordless.js";
import type { TokenService } from "../services/tokens.js";
import type { EnvironmentStore } from "../state/environments.js";
import type { HostPolicy } from "./browser-guard.js";

/** What the transports call into. */
export interface HttpDeps {
  /** The control service: every control route and the web inbox go through it. */
  control: EnvironmentDirectory;
  environments: EnvironmentStore;
  passwordless: PasswordlessService;
  tokens: TokenService;
  calls: Calls;
  version: string;
  /** Which `Host` names the control API and web inbox answer to. */
  hostPolicy: HostPolicy;
  /** When set, control routes (but /health) require it as a bearer token. */
  adminToken?: string;
  /** Aborted when the server shuts down, ending long-polls and event streams at once. */
  shutdown: AbortSignal;
}
