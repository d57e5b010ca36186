/**
 * The instants the mock clock may show, and so every time the mock stores:
 * from the Unix epoch to the last millisecond of year 9999. Past 9999 an
 * ISO 8601 time needs a six-digit year that RFC 3339 parsers (and the
 * control API's own schema) refuse, and JavaScript dates end soon after.
 */
export const MOCK_TIME_MIN = 0;
export const MOCK_TIME_MAX = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export function isMockTime(epochMs: number): boolean {
  return Number.isFinite(epochMs) && epochMs >= MOCK_TIME_MIN && epochMs <= MOCK_TIME_MAX;
}

/** "1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z", for messages. */
export const MOCK_TIME_RANGE = `${new Date(MOCK_TIME_MIN).toISOString()} to ${new Date(MOCK_TIME_MAX).toISOString()}`;

/** An instant for a message: ISO 8601 when JavaScript can write it, else epoch ms. */
export function describeInstant(epochMs: number): string {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? `${epochMs} ms since 1970` : date.toISOString();
}
