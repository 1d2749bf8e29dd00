#!/usr/bin/env node
// From a checkout, runs the TypeScript sources through tsx, so there is no build step to forget.
// In a built image (dist/ and no src/, see the Dockerfile), runs the compiled JavaScript.
import { existsSync } from "node:fs";

let cli;
if (existsSync(new URL("../src/cli.ts", import.meta.url))) {
  const { register } = await import("tsx/esm/api");
  register();
  cli = await import("../src/cli.ts");
} else {
  cli = await import("../dist/cli.js");
}
process.exitCode = await cli.runCli(process.argv.slice(2));
