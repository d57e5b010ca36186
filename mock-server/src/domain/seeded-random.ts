import { createHmac } from "node:crypto";
import type { RandomSource, RandomStream } from "./random-source.js";

/**
 * A RandomSource keyed by a seed: each stream is HMAC-SHA256(seed, scope ‖ block)
 * in counter mode, so streams are independent and reproducible.
 */
export class SeededRandom implements RandomSource {
  readonly seed: string;

  constructor(seed: string) {
    this.seed = seed;
  }

  stream(...scope: Array<string | number>): RandomStream {
    const label = scope.map(String).join("\u0000");
    let block = 0;
    let buffer = Buffer.alloc(0);
    return {
      bytes: (count: number) => {
        while (buffer.length < count) {
          const next = createHmac("sha256", this.seed).update(label).update(`\u0001${block++}`).digest();
          buffer = Buffer.concat([buffer, next]);
        }
        const out = new Uint8Array(buffer.subarray(0, count));
        buffer = buffer.subarray(count);
        return out;
      },
    };
  }
}
