/**
 * The Teams app package: `npm run teams:package` builds a zip Teams accepts, i.e. exactly
 * manifest.json, its two icons and its Welsh language file, the icons at the sizes Teams requires,
 * and a manifest and language file valid against Microsoft's official JSON schemas for the newest
 * manifest version, as the `@microsoft/app-manifest` package ships them (checked offline with ajv).
 */
import AjvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { inflateRawSync, inflateSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { parseReply } from "../src/domain/parse-reply.js";

const ROOT = resolve(__dirname, "..");
const SCRIPT = join(ROOT, "scripts", "build-teams-package.js");
const APP_ID = "6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab";
const PLACEHOLDER = "00000000-0000-0000-0000-000000000000";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const dir = mkdtempSync(join(tmpdir(), "chaser-teams-package-"));
const SCHEMAS = join(dirname(createRequire(import.meta.url).resolve("@microsoft/app-manifest")), "json-schemas", "teams");
/** The newest released manifest version in the package (vDevPreview is not a release). */
const NEWEST = readdirSync(SCHEMAS)
  .filter((d) => /^v\d+\.\d+$/.test(d))
  .map((d) => d.slice(1))
  .sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]))
  .at(-1)!;

/**
 * Ajv set up as Microsoft's own validator sets it up (@microsoft/app-manifest's
 * validateManifestAgainstSchema: draft-04, all errors, the uri/email/regex formats), but without
 * the `u` flag on patterns: the localisation schema has a pattern (`\b]`) that is invalid with it.
 */
function schemaValidator(version: string, file: string) {
  const ajv = new AjvDraft04.default({ allErrors: true, strictTypes: false, unicodeRegExp: false });
  ajvFormats.default(ajv, ["uri", "email", "regex"]);
  return ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, `v${version}`, file), "utf8")));
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function build(name: string, appId: string | undefined) {
  const env = { ...process.env };
  delete env.MicrosoftAppId;
  if (appId !== undefined) env.MicrosoftAppId = appId;
  const out = join(dir, name);
  const run = spawnSync(process.execPath, [SCRIPT, out], { env, encoding: "utf8" });
  return { ...run, out };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Reads a zip through its central directory, as Teams' uploader does; checks each entry's CRC. */
function readZip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    expect(zip.readUInt32LE(local)).toBe(0x04034b50);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataAt, dataAt + compressedSize);
    const data = method === 8 ? inflateRawSync(raw) : raw;
    expect(method === 0 || method === 8).toBe(true);
    expect(data.length).toBe(size);
    expect(crc32(data)).toBe(crc);
    files.set(name, data);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

interface Png {
  width: number;
  height: number;
  colorType: number;
  /** RGBA pixels, row by row (only 8-bit RGBA is decoded; that is what Chaser's icons are). */
  rgba: Buffer | null;
}

function readPng(png: Buffer): Png {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString("ascii")).toBe("IHDR");
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const depth = png[24]!;
  const colorType = png[25]!;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString("ascii");
    expect(crc32(png.subarray(at + 4, at + 8 + length))).toBe(png.readUInt32BE(at + 8 + length));
    if (type === "IDAT") idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  if (depth !== 8 || colorType !== 6) return { width, height, colorType, rgba: null };
  // Undo each row's filter (PNG spec, section 9).
  const filtered = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const rgba = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = filtered[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const raw = filtered[y * (stride + 1) + 1 + x]!;
      const a = x >= 4 ? rgba[y * stride + x - 4]! : 0;
      const b = y > 0 ? rgba[(y - 1) * stride + x]! : 0;
      const c = x >= 4 && y > 0 ? rgba[(y - 1) * stride + x - 4]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      expect(predictor).toBeDefined();
      rgba[y * stride + x] = (raw + predictor!) & 0xff;
    }
  }
  return { width, height, colorType, rgba };
}

describe("the Teams app package", () => {
  const built = build("chaser-teams.zip", APP_ID);
  const files = built.status === 0 ? readZip(readFileSync(built.out)) : new Map<string, Buffer>();
  const manifest = JSON.parse(files.get("manifest.json")?.toString("utf8") ?? "{}") as Record<string, any>;

  it("builds a zip holding exactly manifest.json, the two icons and the Welsh language file", () => {
    expect(built.stderr).toBe("");
    expect(built.status).toBe(0);
    expect(built.stdout.trim()).toBe(built.out);
    expect([...files.keys()].sort()).toEqual(["color.png", "cy.json", "manifest.json", "outline.png"]);
    expect(files.get("color.png")).toEqual(readFileSync(join(ROOT, "manifest", "teams", "color.png")));
    expect(files.get("cy.json")).toEqual(readFileSync(join(ROOT, "manifest", "teams", "cy.json")));
  });

  it("is on the newest manifest version Microsoft's schema package has, and valid against its schema", () => {
    expect(manifest.manifestVersion).toBe(NEWEST);
    expect(manifest.$schema).toBe(`https://developer.microsoft.com/en-us/json-schemas/teams/v${NEWEST}/MicrosoftTeams.schema.json`);
    const validate = schemaValidator(NEWEST, "MicrosoftTeams.schema.json");
    expect(validate(manifest), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The schema is really applied: a title over its limit and a missing required field are refused.
    const broken = structuredClone(manifest);
    broken.bots[0].commandLists[0].commands[0].title = "x".repeat(129);
    delete broken.accentColor;
    expect(validate(broken)).toBe(false);
    expect(validate.errors!.map((e: { instancePath: string; params: object }) => e.instancePath || e.params)).toEqual(
      expect.arrayContaining(["/bots/0/commandLists/0/commands/0/title", { missingProperty: "accentColor" }]),
    );
  });

  it("has a Welsh language file valid against the localisation schema, translating every string it names", () => {
    expect(manifest.localizationInfo).toEqual({ defaultLanguageTag: "en-gb", additionalLanguages: [{ languageTag: "cy", file: "cy.json" }] });
    const cy = JSON.parse(files.get("cy.json")!.toString("utf8")) as Record<string, string>;
    expect(cy.$schema).toBe(`https://developer.microsoft.com/en-us/json-schemas/teams/v${NEWEST}/MicrosoftTeams.Localization.schema.json`);
    const validate = schemaValidator(NEWEST, "MicrosoftTeams.Localization.schema.json");
    expect(validate(cy), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(validate({ ...cy, "description.short": "x".repeat(81) })).toBe(false);

    const keys = Object.keys(cy).filter((k) => k !== "$schema");
    const english = (path: string) => path.split(/\.|\[(\d+)\]\.?/).filter(Boolean).reduce<any>((node, key) => node?.[key], manifest);
    // Every string a person sees in Teams' app details and command menu.
    expect(keys.sort()).toEqual(
      ["name.short", "name.full", "description.short", "description.full",
        ...manifest.bots[0].commandLists[0].commands.flatMap((_: unknown, i: number) => [`bots[0].commandLists[0].commands[${i}].title`, `bots[0].commandLists[0].commands[${i}].description`])].sort(),
    );
    for (const key of keys) {
      expect(typeof english(key), key).toBe("string");
      if (key !== "name.short") expect(cy[key], key).not.toBe(english(key)); // "Chaser" is a name
    }
    // A Welsh command chosen from the menu arrives as its title: Chaser must understand it as the English one.
    manifest.bots[0].commandLists[0].commands.forEach((command: { title: string }, i: number) => {
      const intent = parseReply(command.title, { today: "2026-01-05" }).intent;
      expect(intent).not.toBeNull();
      expect(parseReply(cy[`bots[0].commandLists[0].commands[${i}].title`]!, { today: "2026-01-05" }).intent).toEqual(intent);
    });
  });

  it("has a 192x192 colour icon and a 32x32 outline icon, white on transparent", () => {
    const color = readPng(files.get(manifest.icons.color)!);
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = readPng(files.get(manifest.icons.outline)!);
    expect([outline.width, outline.height]).toEqual([32, 32]);
    expect(outline.colorType).toBe(6); // RGBA: an outline needs transparency
    const pixels = outline.rgba!;
    let opaque = 0;
    let clear = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b, a] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!, pixels[i + 3]!];
      if (a > 0) expect([r, g, b]).toEqual([255, 255, 255]);
      if (a === 255) opaque++;
      if (a === 0) clear++;
    }
    // A drawn shape, not a blank or a filled square.
    expect(opaque).toBeGreaterThan(20);
    expect(clear).toBeGreaterThan(512);
  });

  it("has every field the manifest schema requires, with the app id filled in", () => {
    expect(Number(manifest.manifestVersion)).toBeGreaterThanOrEqual(1.17);
    expect(manifest.$schema).toBe(`https://developer.microsoft.com/en-us/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`);
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.developer).toEqual({
      name: expect.any(String),
      websiteUrl: expect.stringMatching(/^https:\/\//),
      privacyUrl: expect.stringMatching(/^https:\/\//),
      termsOfUseUrl: expect.stringMatching(/^https:\/\//),
    });
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
    expect(manifest.name.full.length).toBeLessThanOrEqual(100);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    expect(manifest.description.full.length).toBeLessThanOrEqual(4000);
    expect(manifest.accentColor).toMatch(/^#[0-9A-Fa-f]{6}$/);
    expect(manifest.validDomains).toBeInstanceOf(Array);
    expect(manifest.bots).toHaveLength(1);
    const [bot] = manifest.bots;
    expect(bot).toMatchObject({ botId: APP_ID, scopes: ["personal", "team", "groupChat"], supportsFiles: true, isNotificationOnly: false });
    expect(bot.commandLists.length).toBeLessThanOrEqual(3);
    expect(bot.commandLists[0].scopes).toEqual(["personal"]);
    const commands = bot.commandLists[0].commands as { title: string; description: string }[];
    expect(commands.map((c) => c.title)).toEqual(["my actions", "help"]);
    for (const c of commands) {
      expect(c.title.length).toBeLessThanOrEqual(32);
      expect(c.description.length).toBeGreaterThan(0);
      expect(c.description.length).toBeLessThanOrEqual(128);
    }
    expect(JSON.stringify(manifest)).not.toContain("{{");
  });

  it("keeps the app id a placeholder in the source, and builds with the placeholder GUID (and a warning) when none is set", () => {
    const source = JSON.parse(readFileSync(join(ROOT, "manifest", "teams", "manifest.json"), "utf8")) as Record<string, any>;
    expect(source.id).toBe("{{MicrosoftAppId}}");
    expect(source.bots[0].botId).toBe("{{MicrosoftAppId}}");
    const unset = build("unset.zip", undefined);
    expect(unset.status).toBe(0);
    expect(unset.stderr).toMatch(/MicrosoftAppId is not set.*replace it with your bot's app id/is);
    const placeholder = JSON.parse(readZip(readFileSync(unset.out)).get("manifest.json")!.toString("utf8")) as Record<string, any>;
    expect(placeholder.id).toBe(PLACEHOLDER);
    expect(placeholder.id).toMatch(GUID);
  });

  it("refuses an app id that is not a GUID, and builds the same bytes from the same inputs", () => {
    const bad = build("bad.zip", "not-a-guid");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/must be your bot's app id/);
    const again = build("again.zip", APP_ID);
    expect(readFileSync(again.out)).toEqual(readFileSync(built.out));
  });
});
