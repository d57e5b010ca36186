import { ZodError } from "zod";
import { newEnvironment } from "../schemas/control.js";
import { EnvironmentError } from "../domain/environment-error.js";
import { quote } from "../domain/preview.js";
import type { Environment } from "../state/environment.js";
import type { EnvironmentStore, NewEnvironment } from "../state/environments.js";
import type { MockEvent } from "../state/events.js";
import { ControlError, invalidInput, notFound, parseInput } from "./control-error.js";
import { EnvironmentControl, type ControlDeps } from "./environment-control.js";

export type { NewEnvironment };

const STATUS = { conflict: 409, invalid: 400, limit: 429, protected: 400 } as const;
const CODE = { conflict: "CONFLICT", invalid: "INVALID_ARGUMENT", limit: "LIMIT", protected: "PROTECTED" } as const;

/** A refusal of the store as a control failure; the EnvironmentError (or the settings' ZodError) is its cause. */
function refusal(error: unknown): unknown {
  if (error instanceof EnvironmentError) return new ControlError(STATUS[error.reason], CODE[error.reason], error.message, [], { cause: error });
  if (error instanceof ZodError) return invalidInput("settings", error);
  return error;
}

/**
 * The environments of one server, as control services: the default one,
 * create, list, find and delete, and the event stream of them all.
 */
export class EnvironmentDirectory {
  readonly #store: EnvironmentStore;
  readonly #deps: ControlDeps;
  readonly #controls = new WeakMap<Environment, EnvironmentControl>();

  constructor(store: EnvironmentStore, deps: ControlDeps) {
    this.#store = store;
    this.#deps = deps;
  }

  #control(env: Environment): EnvironmentControl {
    let control = this.#controls.get(env);
    if (control === undefined) {
      control = new EnvironmentControl(env, this.#deps);
      this.#controls.set(env, control);
    }
    return control;
  }

  get default(): EnvironmentControl {
    return this.#control(this.#store.default);
  }

  /** In the order they were made, the default one first. */
  list(): EnvironmentControl[] {
    return this.#store.list().map((env) => this.#control(env));
  }

  find(id: string): EnvironmentControl | undefined {
    const env = this.#store.get(id);
    return env === undefined ? undefined : this.#control(env);
  }

  /** The environment, or NOT_FOUND. */
  get(id: string): EnvironmentControl {
    const control = this.find(id);
    if (control === undefined) throw notFound(`no environment ${quote(id)}`);
    return control;
  }

  /**
   * Creates an isolated environment from the control API's body (`id`,
   * `client_id`, `client_secret`, `seed`, `settings`); what is left out
   * derives from the server seed.
   */
  create(input: unknown = {}): EnvironmentControl {
    const body = parseInput(newEnvironment, input, "environment");
    return this.createWith({
      ...(body.id !== undefined && { id: body.id }),
      ...(body.client_id !== undefined && { clientId: body.client_id }),
      ...(body.client_secret !== undefined && { clientSecret: body.client_secret }),
      ...(body.seed !== undefined && { seed: body.seed }),
      ...(body.settings !== undefined && { settings: body.settings }),
    });
  }

  /**
   * Creates an environment from typed options (the in-process API's): the
   * store still refuses an invalid or taken id and invalid settings.
   */
  createWith(options: NewEnvironment): EnvironmentControl {
    try {
      return this.#control(this.#store.create(options));
    } catch (error) {
      throw refusal(error);
    }
  }

  /** Whether an environment with that id was there; the default one cannot go (PROTECTED). */
  remove(id: string): boolean {
    try {
      return this.#store.delete(id);
    } catch (error) {
      throw refusal(error);
    }
  }

  /** Deletes an environment that must exist: NOT_FOUND otherwise. */
  delete(id: string): void {
    this.get(id);
    this.remove(id);
  }

  /** Follows the events of every environment; returns the function that stops. */
  subscribe(listener: (event: MockEvent) => void): () => void {
    return this.#deps.events.subscribe(listener);
  }

  /** Stops mail held back by delay faults: the server is closing. */
  cancelLateDeliveries(): void {
    for (const env of this.#store.list()) env.inbox.cancelLateDeliveries();
  }
}
