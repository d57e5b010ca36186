import type { Environment } from "./environment.js";

/** The environments of one mock server, found by id or by API client id. */
export class EnvironmentStore {
  readonly default: Environment;
  readonly #byId = new Map<string, Environment>();
  readonly #byClientId = new Map<string, Environment>();

  constructor(defaultEnvironment: Environment) {
    this.default = defaultEnvironment;
    this.add(defaultEnvironment);
  }

  add(env: Environment): void {
    this.#byId.set(env.id, env);
    this.#byClientId.set(env.clientId, env);
  }

  get(id: string): Environment | undefined {
    return this.#byId.get(id);
  }

  byClientId(clientId: string): Environment | undefined {
    return this.#byClientId.get(clientId);
  }

  list(): Environment[] {
    return [...this.#byId.values()];
  }
}
