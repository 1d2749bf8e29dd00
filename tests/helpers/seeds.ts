import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parsePlanFile } from "../../src/import/parse-plan.js";
import type { ParsedPlan } from "../../src/import/parsed-plan.js";

/** The five real plans from shared/seeds, copied so a clone tests anywhere (see its README). */
export const SEEDS = resolve(__dirname, "../fixtures/seeds");
export const SEED_FILES = {
  procurement: "000_5423bac07f4abb57.txt",
  governance: "001_214d1d25ae55c38b.txt",
  auditor: "002_40555e7837e11ff6.txt",
  themes: "003_b55c756c8d3dd9e1.txt",
  committee: "004_70c8ab65d85634c4.txt",
} as const;

export async function parseSeed(name: keyof typeof SEED_FILES): Promise<ParsedPlan> {
  const file = SEED_FILES[name];
  return parsePlanFile(readFileSync(resolve(SEEDS, file)), file);
}

