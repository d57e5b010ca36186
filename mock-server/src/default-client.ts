import { randomUrlSafe } from "./domain/random-source.js";
import { SeededRandom } from "./domain/seeded-random.js";

export const DEFAULT_SEED = "scalekit-mock";
export const DEFAULT_CLIENT_ID = "skc_mock_default";

/** Derives the default client secret from the seed, so a seed pins it too. */
export function defaultClientSecret(seed: string): string {
  return `test_${randomUrlSafe(new SeededRandom(seed).stream("client_secret"), 48)}`;
}
