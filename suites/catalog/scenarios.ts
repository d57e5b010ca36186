import { accessScenarios } from "./scenarios/access.js";
import { credentialScenarios } from "./scenarios/credentials.js";
import { errorWordingScenarios } from "./scenarios/error-wording.js";
import { invalidInputScenarios } from "./scenarios/invalid-input.js";
import { rateLimitScenarios } from "./scenarios/rate-limit.js";
import { restWireScenarios } from "./scenarios/rest-wire.js";
import { sendFidelityScenarios } from "./scenarios/send-fidelity.js";
import { signInScenarios } from "./scenarios/sign-in.js";
import { templateScenarios } from "./scenarios/templates.js";
import type { Scenario } from "./types.js";

/**
 * The scenario catalog: each written once against a driver and an inbox,
 * run on every target and transport. Assertions hold to what Scalekit
 * documents (outcomes, gRPC codes); exact error code strings are compared
 * between targets by the compatibility report instead, and checked against
 * each scenario's `mockErrors` on mock targets.
 */
export const scenarios: Scenario[] = [
  ...signInScenarios,
  ...credentialScenarios,
  ...invalidInputScenarios,
  ...accessScenarios,
  ...restWireScenarios,
  ...rateLimitScenarios,
  ...templateScenarios,
  ...sendFidelityScenarios,
];
scenarios.push(...errorWordingScenarios);
