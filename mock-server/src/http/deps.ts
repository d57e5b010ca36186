import type { ScalekitCalls } from "../services/scalekit-call.js";
import type { TokenService } from "../services/tokens.js";
import type { EnvironmentStore } from "../state/environments.js";
import type { EventBus } from "../state/events.js";
import type { HostPolicy } from "./browser-guard.js";

/** What the transports call into. */
export interface HttpDeps {
  environments: EnvironmentStore;
  tokens: TokenService;
  /** Every Scalekit API call (REST, gRPC, OAuth) goes through it. */
  scalekit: ScalekitCalls;
  events: EventBus;
  version: string;
  /** Which `Host` names the control API and web inbox answer to. */
  hostPolicy: HostPolicy;
  /** When set, control routes (but /health) require it as a bearer token. */
  adminToken?: string;
  /** Aborted when the server shuts down, ending long-polls and event streams at once. */
  shutdown: AbortSignal;
}
