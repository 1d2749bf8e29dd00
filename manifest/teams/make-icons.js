// Draws the Teams app icons with node built-ins only: `node manifest/teams/make-icons.js`.
// color.png: 192x192, a white tick on the accent colour. outline.png: 32x32, a white tick on
// transparent, as Teams requires of the outline icon. Committed; rerun only to change the design.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

const ACCENT = [0x1f, 0x6f, 0x8b]; // #1F6F8B, the manifest's accentColor
// The tick, in unit coordinates (0..1, y down), and its stroke width.
const TICK = [[0.26, 0.53], [0.43, 0.7], [0.76, 0.33]];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGBA PNG from a pixel function returning [r, g, b, a] (0..255). */
function png(size, pixel) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (1 + size * 4));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 4); // each row starts with filter type 0 (none)
    for (let x = 0; x < size; x++) rows.set(pixel(x, y).map(Math.round), row + 1 + x * 4);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(rows, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** How much of pixel (x, y) the tick covers, 0..1, from 4x4 samples. */
function tickCoverage(size, x, y, width) {
  let inside = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const u = (x + (sx + 0.5) / 4) / size, v = (y + (sy + 0.5) / 4) / size;
      const d = Math.min(distanceToSegment(u, v, TICK[0], TICK[1]), distanceToSegment(u, v, TICK[1], TICK[2]));
      if (d <= width / 2) inside++;
    }
  }
  return inside / 16;
}

const here = dirname(fileURLToPath(import.meta.url));
writeFileSync(
  join(here, "color.png"),
  png(192, (x, y) => {
    const c = tickCoverage(192, x, y, 0.11);
    return [...ACCENT.map((a) => a + (255 - a) * c), 255];
  }),
);
// Thicker at 32 px so the tick still reads; white everywhere, the shape carried by alpha alone.
writeFileSync(join(here, "outline.png"), png(32, (x, y) => [255, 255, 255, 255 * tickCoverage(32, x, y, 0.14)]));
