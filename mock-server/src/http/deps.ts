import type { PasswordlessService } from "../services/passwordless.js";
import type { TokenService } from "../services/tokens.js";
import type { EnvironmentStore } from "../state/environments.js";

/** What the HTTP routes call into. */
export interface HttpDeps {
  environments: EnvironmentStore;
  passwordless: PasswordlessService;
  tokens: TokenService;
  version: string;
  /** Aborted when the server shuts down, ending long-polls at once. */
  shutdown: AbortSignal;
}
