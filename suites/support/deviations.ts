import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Reads the deviation table of docs/deviations.md and finds where code and
 * tests name its ids, so a check can say which id lacks a marker or a test.
 * Pure functions over text, plus one file walker.
 */

/** A place in a file: `path:line`. */
export interface Site {
  file: string;
  line: number;
}

/** The fixed marker format: `// Deviation D7: <few words>`. */
const MARKER = /\/\/\s*Deviation (D\d+): \S/g;
/** Any comment that means to be a marker, well-formed or not. */
const MARKER_LIKE = /\/\/\s*Deviation\b/g;
/**
 * A test title starting with an id: `it("D7: …"`, `test('D7: …'`,
 * `it.each(cases)(\`D7: …\``, `it.concurrent("D7: …"`.
 */
const TEST_TITLE = /(?:\b(?:it|test)(?:\.\w+)*|\))\s*\(\s*["'`](D\d+):/g;

export interface DeviationTable {
  ids: string[];
  /** Ids that appear in more than one row. */
  duplicates: string[];
}

/** The ids of the table's rows: each row starts with `| Dn |`. */
export function parseDeviationTable(markdown: string): DeviationTable {
  const ids: string[] = [];
  const duplicates: string[] = [];
  for (const line of markdown.split("\n")) {
    const id = /^\|\s*(D\d+)\s*\|/.exec(line)?.[1];
    if (id === undefined) continue;
    if (ids.includes(id)) duplicates.push(id);
    else ids.push(id);
  }
  return { ids, duplicates };
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Every well-formed marker in a source text, by id. */
export function findMarkers(file: string, text: string): Array<{ id: string } & Site> {
  return [...text.matchAll(MARKER)].map((match) => ({ id: match[1]!, file, line: lineOf(text, match.index) }));
}

/** Comments that start like a marker but do not follow `// Deviation Dn: <words>`. */
export function findMalformedMarkers(file: string, text: string): Site[] {
  const wellFormed = new Set(findMarkers(file, text).map((marker) => marker.line));
  return [...text.matchAll(MARKER_LIKE)].map((match) => ({ file, line: lineOf(text, match.index) })).filter((site) => !wellFormed.has(site.line));
}

/** Every test whose title starts with an id, by id. */
export function findTestIds(file: string, text: string): Array<{ id: string } & Site> {
  return [...text.matchAll(TEST_TITLE)].map((match) => ({ id: match[1]!, file, line: lineOf(text, match.index) }));
}

/** Files under `dir` whose name passes `keep`, as paths relative to `root`. */
export function listFiles(root: string, dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === "gen") continue;
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (keep(entry.name)) out.push(relative(root, full));
    }
  };
  walk(join(root, dir));
  return out.sort();
}

export interface DeviationProblems {
  /** Table ids with no marker under the source folders. */
  withoutSite: string[];
  /** Table ids no test title names. */
  withoutTest: string[];
  /** Markers or test titles naming an id the table does not have. */
  unknown: Array<{ id: string } & Site>;
  duplicates: string[];
  malformed: Site[];
}

/** Compares the table with the markers and test titles found. */
export function checkDeviations(input: {
  table: DeviationTable;
  markers: Array<{ id: string } & Site>;
  tests: Array<{ id: string } & Site>;
  malformed: Site[];
}): DeviationProblems {
  const known = new Set(input.table.ids);
  const marked = new Set(input.markers.map((marker) => marker.id));
  const tested = new Set(input.tests.map((test) => test.id));
  return {
    withoutSite: input.table.ids.filter((id) => !marked.has(id)),
    withoutTest: input.table.ids.filter((id) => !tested.has(id)),
    unknown: [...input.markers, ...input.tests].filter((site) => !known.has(site.id)),
    duplicates: input.table.duplicates,
    malformed: input.malformed,
  };
}

/** Reads the repository and checks it. */
export function checkRepository(root: string): DeviationProblems {
  const read = (file: string) => readFileSync(join(root, file), "utf8");
  const sources = listFiles(root, "mock-server/src", (name) => name.endsWith(".ts") && !/\.(test|spec)\.ts$/.test(name));
  const testFiles = ["mock-server/src", "suites", "contracts"].flatMap((dir) => listFiles(root, dir, (name) => /\.(test|spec)\.ts$/.test(name)));
  const markers = sources.flatMap((file) => findMarkers(file, read(file)));
  const malformed = sources.flatMap((file) => findMalformedMarkers(file, read(file)));
  const tests = testFiles.flatMap((file) => findTestIds(file, read(file)));
  return checkDeviations({ table: parseDeviationTable(read("docs/deviations.md")), markers, tests, malformed });
}
