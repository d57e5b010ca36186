/** Room left after the base name for the `-2`, `-3`… that tell apart files of the same name. */
const BASE_MAX_LENGTH = 56;

/**
 * The environment id for a test file: its base name without extension, every
 * run of other characters turned into "-", trimmed to a letter or digit at the
 * start, so it is a valid environment id (`CHOSEN_ID_PATTERN`). The nth file of
 * the same name gets `-n`.
 */
export function fileEnvironmentId(filepath: string | undefined, n = 1): string {
  const base =
    (filepath?.split(/[\\/]/).pop() ?? "")
      .replace(/\.[cm]?[jt]sx?$/, "")
      .replace(/[^A-Za-z0-9_-]+/g, "-")
      .replace(/^[^A-Za-z0-9]+/, "")
      .slice(0, BASE_MAX_LENGTH) || "test-file";
  return n === 1 ? base : `${base}-${n}`;
}
