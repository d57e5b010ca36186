import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkDeviations, checkRepository, findMalformedMarkers, findMarkers, findTestIds, parseDeviationTable } from "./support/deviations.js";

/**
 * Every row of docs/deviations.md is findable: a `// Deviation Dn:` comment
 * where the code decides it, a test named `Dn: …` that pins it.
 */

const ROOT = join(import.meta.dirname, "..");

const at = (sites: Array<{ file: string; line: number }>) => sites.map((site) => `${site.file}:${site.line}`);

describe("the deviation table", () => {
  const problems = checkRepository(ROOT);

  it("has no id twice", () => {
    expect(problems.duplicates).toEqual([]);
  });

  it("has a // Deviation Dn: marker in mock-server/src for every id", () => {
    expect(problems.withoutSite, "ids without a `// Deviation Dn: <few words>` comment where the code decides them").toEqual([]);
  });

  it("has a test named after every id", () => {
    expect(problems.withoutTest, 'ids without a test titled "Dn: …"').toEqual([]);
  });

  it("is named by every marker and test id", () => {
    expect(problems.unknown.map((site) => `${site.id} at ${site.file}:${site.line}`), "ids not in docs/deviations.md").toEqual([]);
  });

  it("has every marker in the fixed format `// Deviation Dn: <few words>`", () => {
    expect(at(problems.malformed)).toEqual([]);
  });
});

describe("the deviation check itself", () => {
  // Built by concatenation, so this file's own source holds no test title or marker the check would read.
  const title = (call: string, id: string, quote = '"') => `${call}(${quote}${id}: pins it${quote}, () => {});`;
  const marker = (id: string) => ["//", "Deviation", `${id}:`, "few words"].join(" ");
  const table = ["| id | what |", "|---|---|", "| D1 | one |", "| D2 | two |", "| D3 | three |", "not a row | D9 |"].join("\n");

  it("reads the ids of the table's rows only", () => {
    expect(parseDeviationTable(table)).toEqual({ ids: ["D1", "D2", "D3"], duplicates: [] });
    expect(parseDeviationTable(`${table}\n| D2 | again |`).duplicates).toEqual(["D2"]);
  });

  it("finds markers and test titles in any quote style, it.each and test included", () => {
    const source = ["const a = 1;", marker("D1"), `x(); ${marker("D2")}`].join("\n");
    expect(findMarkers("f.ts", source)).toEqual([
      { id: "D1", file: "f.ts", line: 2 },
      { id: "D2", file: "f.ts", line: 3 },
    ]);
    const tests = [title("it", "D1"), title("test", "D2", "'"), `it.each([1, 2])${title("", "D3", "`")}`, title("it", "no id")].join("\n");
    expect(findTestIds("t.ts", tests).map((found) => found.id)).toEqual(["D1", "D2", "D3"]);
  });

  it("flags a marker without an id or without words, and only comments meant as markers", () => {
    const source = ["// Deviation" + ": no id", marker("D1"), "// Deviation" + " D2:", "// Deviations are listed elsewhere"].join("\n");
    expect(findMalformedMarkers("f.ts", source).map((site) => site.line)).toEqual([1, 3]);
  });

  it("names the ids without a site or a test, and unknown ids", () => {
    const problems = checkDeviations({
      table: parseDeviationTable(table),
      markers: findMarkers("f.ts", [marker("D1"), marker("D3"), marker("D7")].join("\n")),
      tests: findTestIds("t.ts", [title("it", "D1"), title("it", "D2"), title("it", "D8")].join("\n")),
      malformed: [],
    });
    expect(problems.withoutSite).toEqual(["D2"]);
    expect(problems.withoutTest).toEqual(["D3"]);
    expect(problems.unknown.map((site) => site.id)).toEqual(["D7", "D8"]);
    const unmarked = checkDeviations({ table: parseDeviationTable(table), markers: [], tests: [], malformed: [] });
    expect(unmarked.withoutSite).toEqual(["D1", "D2", "D3"]);
  });
});
