/**
 * `npm ci` on a machine that reaches only the npm registry, with no C++ toolchain: nothing in the
 * lock file may build native code at install time (a prebuilt binary fetched from GitHub is as
 * unreachable there as a compiler is absent).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..");

/** Install scripts that fetch nothing and compile nothing, and why each is harmless. */
const HARMLESS: Record<string, string> = {
  prisma: "checks the Node version",
  "@prisma/client": "generates nothing until `prisma generate`, which postinstall runs offline",
  "@prisma/engines": "the JS engine is used; no engine binary is needed",
  esbuild: "checks that its platform package (an optional npm dependency) is present",
};

interface Lock {
  packages: Record<string, { hasInstallScript?: boolean; optional?: boolean; dev?: boolean }>;
}

/** Packages in a lock file whose install scripts could compile or download. */
export function buildsAtInstall(lock: Lock, root: string): string[] {
  return Object.entries(lock.packages)
    .filter(([path]) => path.startsWith("node_modules/"))
    .filter(([path, entry]) => {
      const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
      if (entry.hasInstallScript && !(name in HARMLESS)) return true;
      return existsSync(join(root, path, "binding.gyp"));
    })
    .map(([path]) => path);
}

describe("npm ci", () => {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as Lock;

  it("compiles nothing: every native part comes ready-built from the npm registry", () => {
    expect(buildsAtInstall(lock, ROOT)).toEqual([]);
  });

  it("the SQLite store's engine is a per-platform npm package, present for this machine", () => {
    const platformPackages = Object.keys(lock.packages).filter((p) => /node_modules\/@libsql\/linux-x64-gnu$/.test(p));
    expect(platformPackages.length).toBeGreaterThan(0);
    expect(lock.packages["node_modules/better-sqlite3"]).toBeUndefined();
  });

  it("the check finds a package that would compile", () => {
    const withCompiler: Lock = { packages: { ...lock.packages, "node_modules/better-sqlite3": { hasInstallScript: true } } };
    expect(buildsAtInstall(withCompiler, ROOT)).toEqual(["node_modules/better-sqlite3"]);
  });
});
