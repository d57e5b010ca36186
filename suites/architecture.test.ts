import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  findCycles,
  folderGraph,
  folderOf,
  GENERATED,
  graphLines,
  importSpecifiers,
  importsOf,
  REPO,
  resolveImport,
  ROOT_GROUP,
  sourceFiles,
  SRC,
  type Import,
} from "./support/import-graph.js";

/**
 * The layer rules of the source tree (docs/architecture.md), checked on
 * every hand-written file. Each failure names the file and the import (or
 * the size) that breaks a rule. `npm run imports:graph` prints the
 * folder-level graph.
 */

/**
 * Which folders each folder of mock-server/src may import, read from the
 * table in docs/architecture.md: the doc is the rule. A row names its folder
 * in the first cell (the root row names root files), what it may import in
 * the last: folders in backticks, "the root", "everything" or "nothing".
 */
function layersOf(markdown: string): Map<string, string[] | "everything"> {
  const layers = new Map<string, string[] | "everything">();
  for (const [, first, last] of markdown.matchAll(/^\| (.+?) \| .+? \| (.+?) \|$/gm)) {
    const folder = /^`([a-z-]+)\/`$/.exec(first!)?.[1] ?? (first!.includes("`index.ts`") ? ROOT_GROUP : undefined);
    if (folder === undefined) continue;
    if (last === "everything") layers.set(folder, "everything");
    else layers.set(folder, [...(last!.includes("the root") ? [ROOT_GROUP] : []), ...[...last!.matchAll(/`([a-z-]+)\/`/g)].map((m) => m[1]!)]);
  }
  return layers;
}

const LAYERS = layersOf(readFileSync(join(REPO, "docs/architecture.md"), "utf8"));

const MAX_LINES = 300;
/** npm packages domain code may use: zod for its schemas; test runners in its tests only. */
const DOMAIN_PACKAGES = ["zod"];
const DOMAIN_TEST_PACKAGES = ["vitest", "fast-check"];
/** Files a repository root may hold besides data, docs and lock files. */
const ROOT_CONFIG_SCRIPTS = ["vitest.config.ts", "playwright.config.ts"];

const isTest = (path: string) => path.endsWith(".test.ts");
const show = (edge: Import) => `${edge.from} imports "${edge.specifier}"`;
const under = (path: string | undefined, folder: string) => path !== undefined && path.startsWith(`${SRC}/${folder}/`);

const server = sourceFiles(REPO, SRC).filter((f) => !f.path.startsWith(GENERATED));
const contracts = sourceFiles(REPO, "contracts");
const suites = sourceFiles(REPO, "suites");
const serverImports = server.flatMap(importsOf);

/** Imports under `from/` that reach `to/` (folders of mock-server/src). */
function crossing(from: string, to: string): string[] {
  return serverImports.filter((e) => under(e.from, from) && under(e.target, to)).map(show);
}

describe("the import graph helpers", () => {
  it("read the layer table: folder, then what it may import", () => {
    const table = [
      "| folder | holds | may import |",
      "|---|---|---|",
      "| `index.ts`, `cli.ts` | the root | everything |",
      "| `testing/` | helpers | the root, `client/`, `domain/` |",
      "| `http/` | routes | `services/`, `domain/` |",
      "| `runtime/` | paths | nothing |",
    ].join("\n");
    expect(Object.fromEntries(layersOf(table))).toEqual({
      "(root)": "everything",
      testing: ["(root)", "client", "domain"],
      http: ["services", "domain"],
      runtime: [],
    });
  });

  it("find static, re-exported, side-effect and dynamic imports, not commented ones", () => {
    const text = [
      'import { a } from "./a.js";',
      'import type { B } from "../b/b.js";',
      'export { c } from "./c.js";',
      'export * from "./d.js";',
      'import "./e.js";',
      'const f = await import("../f/f.js");',
      '// import { g } from "./g.js";',
      "import {",
      "  h,",
      '} from "zod";',
    ].join("\n");
    expect(importSpecifiers(text).sort()).toEqual(["../b/b.js", "../f/f.js", "./a.js", "./c.js", "./d.js", "./e.js", "zod"]);
  });

  it("resolve a relative import to a repository path and group it by folder", () => {
    expect(resolveImport(`${SRC}/http/app.ts`, "../state/clock.js")).toBe(`${SRC}/state/clock.ts`);
    expect(resolveImport(`${SRC}/http/app.ts`, "hono")).toBeUndefined();
    expect(folderOf(`${SRC}/http/ui/pages.ts`)).toBe("http");
    expect(folderOf(`${SRC}/index.ts`)).toBe("(root)");
    expect(folderOf("contracts/drift/check.ts")).toBeUndefined();
  });

  it("report a folder cycle as a path back to where it starts", () => {
    const graph = new Map([
      ["http", ["services"]],
      ["services", ["state"]],
      ["state", ["http", "domain"]],
      ["domain", []],
    ]);
    expect(findCycles(graph)).toEqual([["http", "services", "state", "http"]]);
  });

  it("find no cycle in a layered graph", () => {
    const graph = new Map([
      ["http", ["services", "domain"]],
      ["grpc", ["services"]],
      ["services", ["state", "domain"]],
      ["state", ["domain"]],
    ]);
    expect(findCycles(graph)).toEqual([]);
  });

  it("build folder edges from file imports, leaving out imports inside one folder", () => {
    const edges: Import[] = [
      { from: `${SRC}/http/a.ts`, specifier: "./b.js", target: `${SRC}/http/b.ts` },
      { from: `${SRC}/http/a.ts`, specifier: "../index.js", target: `${SRC}/index.ts` },
      { from: `${SRC}/index.ts`, specifier: "./http/a.js", target: `${SRC}/http/a.ts` },
    ];
    const graph = folderGraph(edges);
    expect(graphLines(graph)).toEqual(["(root) -> http", "http -> (root)"]);
    expect(findCycles(new Map([...graph].map(([a, t]) => [a, [...t.keys()]])))).toEqual([["(root)", "http", "(root)"]]);
  });
});

describe("the layers of mock-server/src", () => {
  it("have no import cycle between folders", () => {
    const graph = folderGraph(serverImports);
    const cycles = findCycles(new Map([...graph].map(([a, targets]) => [a, [...targets.keys()]])));
    const described = cycles.map((cycle) => {
      const steps = cycle.slice(1).map((b, i) => `  ${show(graph.get(cycle[i]!)!.get(b)!)}`);
      return [`cycle ${cycle.join(" -> ")}:`, ...steps].join("\n");
    });
    expect(described).toEqual([]);
  });

  it("import only the folders docs/architecture.md lets each import", () => {
    const offending = [...folderGraph(serverImports)].flatMap(([from, targets]) => {
      const allowed = LAYERS.get(from);
      if (allowed === undefined) return [`${from}/ is a folder the table in docs/architecture.md does not describe`];
      if (allowed === "everything") return [];
      return [...targets].filter(([to]) => !allowed.includes(to)).map(([to, edge]) => `${from} -> ${to}: ${show(edge)}`);
    });
    expect(offending).toEqual([]);
  });

  it("keep http/ and grpc/ off state/ and faults/, and off each other", () => {
    const offending = ["http", "grpc"].flatMap((transport) => [
      ...crossing(transport, "state"),
      ...crossing(transport, "faults"),
      ...crossing(transport, transport === "http" ? "grpc" : "http"),
    ]);
    expect(offending).toEqual([]);
  });

  it("keep domain/ to itself, node builtins and its own packages", () => {
    const offending = serverImports.filter((e) => {
      if (!under(e.from, "domain")) return false;
      if (e.target !== undefined) return !under(e.target, "domain");
      if (e.specifier.startsWith("node:")) return false;
      return !(DOMAIN_PACKAGES.includes(e.specifier) || (isTest(e.from) && DOMAIN_TEST_PACKAGES.includes(e.specifier)));
    });
    expect(offending.map(show)).toEqual([]);
  });

  it("never import contracts/ (contracts may import the server, not the reverse)", () => {
    const offending = serverImports.filter((e) => e.target?.startsWith("contracts/") || /(^|\/)contracts\//.test(e.specifier));
    expect(offending.map(show)).toEqual([]);
  });
});

describe("file sizes and places", () => {
  it(`keep every hand-written source file to ${MAX_LINES} lines`, () => {
    const sources = [...server, ...contracts, ...suites].filter((f) => !isTest(f.path));
    const long = sources
      .map((f) => ({ path: f.path, lines: f.text.split("\n").length - (f.text.endsWith("\n") ? 1 : 0) }))
      .filter((f) => f.lines > MAX_LINES)
      .map((f) => `${f.path}: ${f.lines} lines`);
    expect(long).toEqual([]);
  });

  it("export the package from the files the build writes directly under dist/", () => {
    const manifest = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { exports: Record<string, Record<string, string>>; bin: Record<string, string> };
    const targets = [...Object.values(manifest.exports).flatMap((entry) => Object.values(entry)), ...Object.values(manifest.bin)];
    const wrong = targets.filter((target) => !/^(\.\/)?dist\//.test(target) || target.includes("mock-server/") || !existsSync(join(REPO, target)));
    expect(targets.length).toBeGreaterThan(5);
    expect(wrong, "export targets outside dist/, nested, or not built (run npm run build)").toEqual([]);
  });

  it("put no script at the repository root besides the known config files", () => {
    const scripts = readdirSync(REPO, { withFileTypes: true })
      .filter((e) => e.isFile() && /\.(?:[cm]?js|ts)$/.test(e.name) && !ROOT_CONFIG_SCRIPTS.includes(e.name))
      .map((e) => e.name);
    expect(scripts).toEqual([]);
  });
});
