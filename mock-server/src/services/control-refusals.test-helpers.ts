import { expect } from "vitest";
import { ControlError } from "./control-error.js";

/** Runs `operation`, expecting it to throw a ControlError; returns it. */
export function refusal(operation: () => unknown): ControlError {
  try {
    operation();
  } catch (error) {
    expect(error).toBeInstanceOf(ControlError);
    return error as ControlError;
  }
  throw new Error("expected a ControlError, but the operation succeeded");
}

/** Awaits `operation`, expecting it to reject with a ControlError; returns it. */
export async function asyncRefusal(operation: () => Promise<unknown>): Promise<ControlError> {
  const error = await operation().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ControlError);
  return error as ControlError;
}
