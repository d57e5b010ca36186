import type { Settings } from "../domain/settings.js";
import type { TemplateDir } from "../mail/templates.js";
import { EnvironmentStore } from "../state/environments.js";
import { EventBus } from "../state/events.js";
import { EnvironmentDirectory } from "./environment-directory.js";
import { PasswordlessService } from "./passwordless.js";
import { ScalekitCalls } from "./scalekit-call.js";
import { TokenService } from "./tokens.js";

export interface MockServicesOptions {
  seed: string;
  clientId: string;
  clientSecret: string;
  settings: Settings;
  /** Every environment's own email templates at start (`--templates`); the packaged ones otherwise. */
  templates?: TemplateDir;
  /** The mock's URL, the issuer of its tokens (known once it listens). */
  issuer: () => string;
  /** Aborted when the mock shuts down: long-polls end. */
  shutdown: AbortSignal;
}

/** The services the transports call, over one set of environments: what a server, or a test without one, runs. */
export interface MockServices {
  /** Every Scalekit API call (REST, gRPC, OAuth) goes through it. */
  scalekit: ScalekitCalls;
  /** The control service: environments and everything done to them. */
  control: EnvironmentDirectory;
  tokens: TokenService;
}

export function createMockServices(options: MockServicesOptions): MockServices {
  const events = new EventBus();
  const environments = new EnvironmentStore({
    seed: options.seed,
    bus: events,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    settings: options.settings,
    ...(options.templates !== undefined && { templates: options.templates }),
  });
  const tokens = new TokenService(options.issuer);
  return {
    scalekit: new ScalekitCalls(environments, new PasswordlessService(), tokens),
    control: new EnvironmentDirectory(environments, { tokens, events, shutdown: options.shutdown }),
    tokens,
  };
}
