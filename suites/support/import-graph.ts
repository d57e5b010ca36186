import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The import graph of the hand-written sources, and the folder-level graph
 * of `mock-server/src` the layer rules are stated over. Pure functions over
 * paths and source text; reading files is left to `sourceFiles`.
 */

export interface SourceFile {
  /** Repository-relative, with forward slashes. */
  path: string;
  text: string;
}

export interface Import {
  from: string;
  /** As written. */
  specifier: string;
  /** Repository-relative path for a relative specifier (`.js` read as `.ts`); undefined for a package. */
  target: string | undefined;
}

export const SRC = "mock-server/src";
export const GENERATED = `${SRC}/grpc/gen/`;
export const ROOT_GROUP = "(root)";

const SPECIFIERS = [
  /\bimport\s+(?:type\s+)?[^'";]*?\bfrom\s*["']([^"']+)["']/g,
  /\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s*from\s*["']([^"']+)["']/g,
  /\bimport\s*["']([^"']+)["']/g,
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
];

/** The specifiers a file imports: static imports and re-exports, side-effect imports, and `import("…")` with a literal. */
export function importSpecifiers(text: string): string[] {
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  const found: string[] = [];
  for (const pattern of SPECIFIERS) for (const match of withoutComments.matchAll(pattern)) found.push(match[1]!);
  return [...new Set(found)];
}

export function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  return posix.normalize(posix.join(posix.dirname(from), specifier)).replace(/\.js$/, ".ts");
}

export function importsOf(file: SourceFile): Import[] {
  return importSpecifiers(file.text).map((specifier) => ({ from: file.path, specifier, target: resolveImport(file.path, specifier) }));
}

/** The folder of a `mock-server/src` file: its first path segment there, or "(root)" for a file directly in it. */
export function folderOf(path: string): string | undefined {
  if (!path.startsWith(`${SRC}/`)) return undefined;
  const rest = path.slice(SRC.length + 1).split("/");
  return rest.length === 1 ? ROOT_GROUP : rest[0];
}

/** Folder → folders it imports (edges inside one folder left out), with one import that makes each edge. */
export type FolderGraph = Map<string, Map<string, Import>>;

export function folderGraph(imports: readonly Import[]): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const edge of imports) {
    const a = folderOf(edge.from);
    const b = edge.target === undefined ? undefined : folderOf(edge.target);
    if (a === undefined) continue;
    if (!graph.has(a)) graph.set(a, new Map());
    if (b === undefined || a === b) continue;
    if (!graph.get(a)!.has(b)) graph.get(a)!.set(b, edge);
  }
  return graph;
}

/** The graph as sorted `a -> b` lines. */
export function graphLines(graph: FolderGraph): string[] {
  return [...graph].flatMap(([a, targets]) => [...targets.keys()].map((b) => `${a} -> ${b}`)).sort();
}

/**
 * One cycle per strongly connected group of folders (Tarjan), as a path that
 * starts and ends at the same folder, e.g. `["http", "services", "http"]`.
 */
export function findCycles(edges: ReadonlyMap<string, Iterable<string>>): string[][] {
  const nodes = new Set<string>([...edges.keys(), ...[...edges.values()].flatMap((t) => [...t])]);
  const next = (n: string) => [...(edges.get(n) ?? [])].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (n: string) => {
    index.set(n, index.size);
    low.set(n, index.get(n)!);
    stack.push(n);
    onStack.add(n);
    for (const m of next(n)) {
      if (!index.has(m)) {
        visit(m);
        low.set(n, Math.min(low.get(n)!, low.get(m)!));
      } else if (onStack.has(m)) low.set(n, Math.min(low.get(n)!, index.get(m)!));
    }
    if (low.get(n) === index.get(n)) {
      const group: string[] = [];
      let m: string;
      do {
        m = stack.pop()!;
        onStack.delete(m);
        group.push(m);
      } while (m !== n);
      if (group.length > 1) groups.push(group);
    }
  };
  for (const n of [...nodes].sort()) if (!index.has(n)) visit(n);
  return groups.map((group) => cycleThrough(group.sort()[0]!, new Set(group), next));
}

/** A shortest path from `start` back to itself inside `group` (breadth first). */
function cycleThrough(start: string, group: ReadonlySet<string>, next: (n: string) => string[]): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const n = queue.shift()!;
    for (const m of next(n)) {
      if (!group.has(m)) continue;
      if (m === start) {
        const path = [start];
        for (let at = n; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(m)) {
        previous.set(m, n);
        queue.push(m);
      }
    }
  }
  return [start, start];
}

/** Every `.ts` file under `dir` (repository-relative), skipping node_modules and build output. */
export function sourceFiles(repo: string, dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (abs: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (["node_modules", "dist", "build"].includes(entry.name)) continue;
      const path = join(abs, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        out.push({ path: relative(repo, path).split(sep).join("/"), text: readFileSync(path, "utf8") });
      }
    }
  };
  walk(join(repo, dir));
  return out;
}

/** The repository: the nearest folder above this file with a package.json (the same from `suites/` and from `build/suites/`). */
function findRepo(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const REPO = findRepo();

/** The folder-level graph of `mock-server/src` as it is now. */
export function currentFolderGraph(repo: string = REPO): FolderGraph {
  return folderGraph(
    sourceFiles(repo, SRC)
      .filter((f) => !f.path.startsWith(GENERATED))
      .flatMap(importsOf),
  );
}
