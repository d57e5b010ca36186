import { EnvironmentError } from "../domain/environment-error.js";
import { chosenIdProblem } from "../domain/ids.js";
import { randomUrlSafe } from "../domain/random-source.js";
import { settingsSchema, type Settings, type SettingsInput } from "../domain/settings.js";
import { SeededRandom } from "../domain/seeded-random.js";
import type { TemplateDir } from "../mail/templates.js";
import { Environment } from "./environment.js";
import type { EventBus } from "./events.js";

export const DEFAULT_ENVIRONMENT_ID = "default";
// Deviation D35: at most 10,000 environments
export const MAX_ENVIRONMENTS = 10_000;

export interface NewEnvironment {
  id?: string;
  clientId?: string;
  clientSecret?: string;
  settings?: SettingsInput;
  seed?: string;
}

/** The environments of one mock server, found by id or by API client id. */
export class EnvironmentStore {
  readonly default: Environment;
  readonly #byId = new Map<string, Environment>();
  readonly #byClientId = new Map<string, Environment>();
  readonly #seed: string;
  readonly #bus: EventBus;
  readonly #baseSettings: Settings;
  readonly #wallTime: (() => number) | undefined;
  readonly #templates: TemplateDir | undefined;
  #created = 0;

  /** `templates`: what every environment starts with (`--templates`), the default one and those created later. */
  constructor(options: { seed: string; bus: EventBus; clientId: string; clientSecret: string; settings: Settings; wallTime?: () => number; templates?: TemplateDir }) {
    this.#seed = options.seed;
    this.#templates = options.templates;
    this.#bus = options.bus;
    this.#baseSettings = options.settings;
    this.#wallTime = options.wallTime;
    this.default = this.#add({ id: DEFAULT_ENVIRONMENT_ID, generation: 0, clientId: options.clientId, clientSecret: options.clientSecret, settings: options.settings, seed: options.seed });
  }

  #add(options: { id: string; generation: number; clientId: string; clientSecret: string; settings: Settings; seed: string }): Environment {
    const env = new Environment({
      ...options,
      ...(this.#wallTime !== undefined && { wallTime: this.#wallTime }),
      ...(this.#templates !== undefined && { templates: this.#templates }),
      publish: (type, data) => this.#bus.publish(type, options.id, data),
    });
    this.#byId.set(env.id, env);
    this.#byClientId.set(env.clientId, env);
    return env;
  }

  /**
   * Creates an isolated environment. Ids and credentials not given derive
   * from the server seed and the creation count, so they repeat run to run.
   */
  create(request: NewEnvironment = {}): Environment {
    if (this.#byId.size >= MAX_ENVIRONMENTS) {
      throw new EnvironmentError("limit", `at most ${MAX_ENVIRONMENTS} environments at once; delete some first`);
    }
    const invalid = request.id === undefined ? undefined : chosenIdProblem("environment", request.id);
    if (invalid !== undefined) throw new EnvironmentError("invalid", invalid);
    // Counted only once the environment is made: a refused create must not shift the ids and
    // credentials of every later one.
    const n = this.#created + 1;
    const stream = new SeededRandom(this.#seed).stream("environment", n);
    const id = request.id ?? `env_${randomUrlSafe(stream, 16).replace(/[-_]/g, "x")}`;
    const clientId = request.clientId ?? `skc_${randomUrlSafe(stream, 20).replace(/[-_]/g, "x")}`;
    if (this.#byId.has(id)) throw new EnvironmentError("conflict", `an environment with id "${id}" already exists`);
    if (this.#byClientId.has(clientId)) throw new EnvironmentError("conflict", `client id "${clientId}" is already used by another environment`);
    const clientSecret = request.clientSecret ?? `test_${randomUrlSafe(stream, 48)}`;
    const settings = settingsSchema.parse({ ...this.#baseSettings, ...request.settings });
    const env = this.#add({
      id,
      // The creation count: unique among the environments this store ever made, and the same run to run.
      generation: n,
      clientId,
      clientSecret,
      settings,
      seed: request.seed ?? `${this.#seed}/${id}`,
    });
    this.#created = n;
    return env;
  }

  delete(id: string): boolean {
    if (id === DEFAULT_ENVIRONMENT_ID) throw new EnvironmentError("protected", "the default environment cannot be deleted; reset it instead");
    const env = this.#byId.get(id);
    if (env === undefined) return false;
    env.reset();
    this.#byId.delete(id);
    this.#byClientId.delete(env.clientId);
    return true;
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
