/**
 * Where the domain gets randomness from. A stream is named by a scope
 * (environment, email, nth send, purpose): the same seed and scope always give
 * the same bytes, whatever else happened before.
 */
export interface RandomSource {
  stream(...scope: Array<string | number>): RandomStream;
}

export interface RandomStream {
  bytes(count: number): Uint8Array;
}

const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const DIGITS = "0123456789";

/**
 * `count` characters of `alphabet` (at most 256 of them), each uniform:
 * rejection sampling, so no modulo bias. Bytes are drawn `count * 2` at a
 * time, which keeps the digits of a seed what they have always been.
 */
export function randomChars(stream: RandomStream, alphabet: string, count: number): string {
  // The largest multiple of the alphabet's size a byte can reach: bytes from it up are drawn again.
  const limit = 256 - (256 % alphabet.length);
  // Char codes joined once: a string grown one character at a time stays a rope of `count` pieces in memory.
  const codes: number[] = [];
  while (codes.length < count) {
    for (const byte of stream.bytes(count * 2)) {
      if (byte < limit && codes.length < count) codes.push(alphabet.charCodeAt(byte % alphabet.length));
    }
  }
  return String.fromCharCode(...codes);
}

/** `count` decimal digits, each uniform. */
export function randomDigits(stream: RandomStream, count: number): string {
  return randomChars(stream, DIGITS, count);
}

/** `count` characters of the URL-safe base64 alphabet. */
export function randomUrlSafe(stream: RandomStream, count: number): string {
  return String.fromCharCode(...Array.from(stream.bytes(count), (byte) => URL_SAFE.charCodeAt(byte & 63)));
}

/** What randomUuid makes, as a regular expression source: lower-case hex, version 4, RFC 4122 variant. */
export const UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

/** A version-4 shaped UUID. */
export function randomUuid(stream: RandomStream): string {
  const b = stream.bytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
