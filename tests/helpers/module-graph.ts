import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** One import of a module: what it names, and the file it is when it is one of ours. */
export interface Edge {
  specifier: string;
  /** Path relative to the root, for our own modules (generated ones included); null for packages. */
  target: string | null;
  dynamic: boolean;
}

export interface ModuleGraph {
  root: string;
  /** Every module under the root (generated code left out as a module, kept as a target). */
  modules: Map<string, Edge[]>;
  /** Each module's source, for checks on what it calls. */
  source: Map<string, string>;
}

const STATIC = /(?:^|[\s;}])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]*?\s+from\s+)?["']([^"']+)["']/g;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

function list(dir: string, skip: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === skip ? [] : list(path, skip);
    return /\.(ts|mts)$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

function resolveLocal(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.m?js$/, ".ts"), base.replace(/\.mjs$/, ".mts"), `${base}.ts`, join(base, "index.ts"), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return base;
}

/** Reads the imports (static, type-only and dynamic) of every module under `root`. */
export function readGraph(root: string): ModuleGraph {
  const modules = new Map<string, Edge[]>();
  const source = new Map<string, string>();
  for (const file of list(root, "generated")) {
    const text = readFileSync(file, "utf8");
    const rel = relative(root, file);
    source.set(rel, text);
    const edges: Edge[] = [];
    for (const [pattern, dynamic] of [[STATIC, false], [DYNAMIC, true]] as const) {
      for (const m of text.matchAll(pattern)) {
        const specifier = m[1]!;
        edges.push({ specifier, target: specifier.startsWith(".") ? relative(root, resolveLocal(file, specifier)) : null, dynamic });
      }
    }
    modules.set(rel, edges);
  }
  return { root, modules, source };
}

function packageOf(specifier: string): string | null {
  if (specifier.startsWith("node:") || specifier.startsWith(".")) return null;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/**
 * Whether a package reaches a forbidden one through its dependencies (package.json, transitively):
 * a wrapper around a chat SDK or around Prisma is that SDK or Prisma as far as the rules go.
 */
export function packageReaches(nodeModules: string, name: string, forbidden: (pkg: string) => boolean, seen = new Map<string, boolean>()): boolean {
  if (forbidden(name)) return true;
  if (seen.has(name)) return seen.get(name)!;
  seen.set(name, false);
  const manifest = join(nodeModules, name, "package.json");
  if (!existsSync(manifest)) return false;
  const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
  const reaches = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).some((dep) => packageReaches(nodeModules, dep, forbidden, seen));
  seen.set(name, reaches);
  return reaches;
}

export interface Rule {
  /** Modules the rule is about. */
  roots: (module: string) => boolean;
  /** Modules allowed to reach the forbidden thing: the walk stops there. */
  gate: (module: string) => boolean;
  /** Our own files that are the forbidden thing (generated client). */
  forbiddenFile: (module: string) => boolean;
  /** Packages that are the forbidden thing. */
  forbiddenPackage: (pkg: string) => boolean;
  nodeModules: string;
}

/** Each root that reaches the forbidden thing other than through a gate, with the chain of imports that does. */
export function violations(graph: ModuleGraph, rule: Rule): { module: string; chain: string[] }[] {
  const found: { module: string; chain: string[] }[] = [];
  const reachesCache = new Map<string, boolean>();
  for (const start of [...graph.modules.keys()].filter(rule.roots)) {
    const seen = new Set<string>([start]);
    const queue: string[][] = [[start]];
    let chain: string[] | null = null;
    while (queue.length > 0 && !chain) {
      const path = queue.shift()!;
      for (const edge of graph.modules.get(path.at(-1)!) ?? []) {
        if (edge.target !== null) {
          if (rule.forbiddenFile(edge.target)) {
            chain = [...path, edge.target];
            break;
          }
          if (seen.has(edge.target) || rule.gate(edge.target) || !graph.modules.has(edge.target)) continue;
          seen.add(edge.target);
          queue.push([...path, edge.target]);
          continue;
        }
        const pkg = packageOf(edge.specifier);
        if (pkg && packageReaches(rule.nodeModules, pkg, rule.forbiddenPackage, reachesCache)) {
          chain = [...path, edge.specifier];
          break;
        }
      }
    }
    if (chain) found.push({ module: start, chain });
  }
  return found;
}
