// Builds the Teams app package (manifest/build/chaser-teams.zip, or the path given) from
// manifest/teams: manifest.json with {{MicrosoftAppId}} filled in from the environment, the two
// icons, and the language files its localizationInfo names (cy.json: Welsh). Node built-ins only,
// so it runs anywhere Chaser does: `npm run teams:package`.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateRawSync } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "manifest", "teams");
const out = resolve(process.argv[2] ?? join(root, "manifest", "build", "chaser-teams.zip"));
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

const PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const appId = process.env.MicrosoftAppId?.trim() ?? "";
if (appId && !GUID.test(appId)) {
  process.stderr.write(`MicrosoftAppId must be your bot's app id, a GUID such as ${PLACEHOLDER_ID}; got "${appId}".\n`);
  process.exit(2);
}
if (!appId) {
  process.stderr.write(`MicrosoftAppId is not set: the package gets the placeholder id ${PLACEHOLDER_ID}. Replace it with your bot's app id before uploading to Teams.\n`);
}
const manifest = readFileSync(join(source, "manifest.json"), "utf8").replaceAll("{{MicrosoftAppId}}", appId || PLACEHOLDER_ID);
// A broken manifest or language file stops the build here, not at upload.
const languages = (JSON.parse(manifest).localizationInfo?.additionalLanguages ?? []).map(({ file }) => {
  const text = readFileSync(join(source, file), "utf8");
  JSON.parse(text);
  return { name: file, data: Buffer.from(text, "utf8") };
});

writeZip(out, [
  { name: "manifest.json", data: Buffer.from(manifest, "utf8") },
  { name: "color.png", data: readFileSync(join(source, "color.png")) },
  { name: "outline.png", data: readFileSync(join(source, "outline.png")) },
  ...languages,
]);
process.stdout.write(`${out}\n`);

// ---- A minimal zip writer (PKWARE APPNOTE 4.3): deflated entries, no directories, no zip64. ----

function writeZip(path, entries) {
  // A fixed time (1 January 2020, 00:00) so the same inputs give the same bytes.
  const dosTime = 0;
  const dosDate = ((2020 - 1980) << 9) | (1 << 5) | 1;
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, "utf8");
    const compressed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); // local file header signature
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // flags: names are UTF-8
    local.writeUInt16LE(8, 8); // method: deflate
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28); // extra field length
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); // central directory header signature
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6); // version needed
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    // extra length, comment length, disk number, internal and external attributes: all zero
    central.writeUInt32LE(offset, 42); // where the local header is
    locals.push(local, nameBytes, compressed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); // end of central directory signature
  end.writeUInt16LE(entries.length, 8); // entries on this disk
  end.writeUInt16LE(entries.length, 10); // entries in all
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16); // where the central directory starts
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.concat([...locals, directory, end]));
}

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
