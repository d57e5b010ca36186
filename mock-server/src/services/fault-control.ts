import { faultRuleInput } from "../schemas/faults.js";
import { quote } from "../domain/preview.js";
import { FaultRuleError, type FaultRule } from "../faults/rules.js";
import type { Environment } from "../state/environment.js";
import { ControlError, notFound, parseInput } from "./control-error.js";

export type { FaultRule };

const STATUS = { conflict: 409, invalid: 400, limit: 400 } as const;
const CODE = { conflict: "ALREADY_EXISTS", invalid: "INVALID_ARGUMENT", limit: "LIMIT" } as const;

/** A refusal of the rule store as a control failure; the FaultRuleError is its cause. */
export function faultRefusal(error: FaultRuleError): ControlError {
  return new ControlError(STATUS[error.reason], CODE[error.reason], error.message, [], { cause: error });
}

/**
 * The fault rules of one environment. Rules are validated with the same
 * schema whoever adds them, and a batch is added whole or not at all.
 */
export class FaultControl {
  readonly #env: Environment;

  constructor(env: Environment) {
    this.#env = env;
  }

  /** In the order they are tried. */
  list(): FaultRule[] {
    return this.#env.faults.list();
  }

  /** Validates and adds one rule; returns it with its id. */
  add(input: unknown): FaultRule {
    return this.#addAll([parseInput(faultRuleInput, input, "fault rule")])[0]!;
  }

  /** Validates every rule first, then adds them all or none. */
  addAll(inputs: readonly unknown[]): FaultRule[] {
    return this.#addAll(inputs.map((input, i) => parseInput(faultRuleInput, input, inputs.length > 1 ? `fault rule [${i}]` : "fault rule")));
  }

  #addAll(specs: Parameters<Environment["faults"]["addAll"]>[0]): FaultRule[] {
    try {
      return this.#env.faults.addAll(specs);
    } catch (error) {
      if (error instanceof FaultRuleError) throw faultRefusal(error);
      throw error;
    }
  }

  /** Whether a rule with that id was there. */
  remove(id: string): boolean {
    return this.#env.faults.remove(id);
  }

  /** Removes a rule that must exist: NOT_FOUND otherwise. */
  delete(id: string): void {
    if (!this.remove(id)) throw notFound(`no fault rule ${quote(id)}`);
  }

  /** Removes every rule; returns how many. */
  clear(): number {
    return this.#env.faults.clear();
  }
}
