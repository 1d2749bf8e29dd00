/** What a file really is, judged from its bytes first and its name only where bytes cannot tell. */
export type DetectedFormat =
  | { kind: "zip" }
  | { kind: "pdf" }
  | { kind: "html" }
  | { kind: "text" }
  | { kind: "unsupported"; what: "legacy_office" | "rtf" | "image" };

const starts = (bytes: Uint8Array, magic: number[], at = 0) => magic.every((b, i) => bytes[at + i] === b);

export function detectFormat(bytes: Uint8Array, fileName: string): DetectedFormat {
  // A zip's first local header; an empty zip is only its end record.
  if (starts(bytes, [0x50, 0x4b, 0x03, 0x04]) || starts(bytes, [0x50, 0x4b, 0x05, 0x06])) return { kind: "zip" };
  // PDF writers may put junk before the header; readers accept it within the first kilobyte.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString("latin1");
  if (head.includes("%PDF-")) return { kind: "pdf" };
  if (starts(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { kind: "unsupported", what: "legacy_office" };
  if (head.startsWith("{\\rtf")) return { kind: "unsupported", what: "rtf" };
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47]) || starts(bytes, [0xff, 0xd8, 0xff]) || head.startsWith("GIF8") || starts(bytes, [0x49, 0x49, 0x2a, 0x00]) || starts(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return { kind: "unsupported", what: "image" };
  }
  if (looksLikeHtml(bytes) || (/\.html?$/i.test(fileName) && !hasNul(bytes))) return { kind: "html" };
  return { kind: "text" };
}

function hasNul(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8192).includes(0);
}

/** A page starts with markup; a TSV whose cells hold <p> tags (seed 001) starts with its header. */
function looksLikeHtml(bytes: Uint8Array): boolean {
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder("utf-16le").decode(bytes.subarray(2, 2050));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder("utf-16be").decode(bytes.subarray(2, 2050));
  else text = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 2048)).toString("latin1");
  const start = text.replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, "").replace(/^(\s|<!--[\s\S]*?-->)+/, "").toLowerCase();
  return /^<(!doctype html|html|head|body|table|meta|title|\?xml[^>]*>\s*<!doctype html|\?xml[^>]*>\s*<html)\b/.test(start);
}
