import { Inflate } from "fflate";
import { crc32 } from "node:zlib";
import { ChaserError } from "../domain/chaser-error.js";
import type { ReadBudget } from "./import-limits.js";

interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  dataStart: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const RATIO_FROM_BYTES = 1024 * 1024;
const CHUNK = 64 * 1024;

/**
 * A .docx or .xlsx, checked before anything inflates it: the central directory must be present and
 * agree with the entries it lists, entries may not overlap (the overlapping-file zip bomb), and
 * their count, declared sizes, total and compression ratios must be within the limits. Each entry
 * is then inflated in small steps and stopped the moment it outgrows its declared size, so a file
 * that lies costs no more than one that tells the truth.
 */
export class ZipArchive {
  private inflated = 0;

  private constructor(
    private readonly bytes: Uint8Array,
    private readonly entries: Map<string, ZipEntry>,
    private readonly budget: ReadBudget,
    private readonly damagedCode: string,
  ) {}

  /** Checks the archive's structure and limits; throws `damagedCode` for a damaged file. */
  static open(bytes: Uint8Array, budget: ReadBudget, damagedCode: string): ZipArchive {
    const file = budget.file;
    const damaged = (reason: string): ChaserError => new ChaserError(damagedCode, { file, reason });
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const u16 = (at: number) => view.getUint16(at, true);
    const u32 = (at: number) => view.getUint32(at, true);

    // The end record sits in the last 22 bytes plus a comment of at most 65,535.
    let end = -1;
    for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
      if (u32(at) === EOCD && at + 22 + u16(at + 20) === bytes.length) {
        end = at;
        break;
      }
    }
    if (end < 0) throw damaged("no central directory");
    const disk = u16(end + 4);
    const cdDisk = u16(end + 6);
    const onDisk = u16(end + 8);
    const count = u16(end + 10);
    const cdSize = u32(end + 12);
    const cdOffset = u32(end + 16);
    if (disk !== 0 || cdDisk !== 0 || onDisk !== count) throw damaged("split archive");
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw damaged("zip64");
    if (count > budget.limits.zipEntries) throw new ChaserError("read.zip_too_many_entries", { file, limit: budget.limits.zipEntries });
    if (cdOffset + cdSize > end) throw damaged("central directory out of range");

    const entries = new Map<string, ZipEntry>();
    const ranges: [number, number][] = [];
    let declared = 0;
    let at = cdOffset;
    for (let i = 0; i < count; i++) {
      if (at + 46 > cdOffset + cdSize || u32(at) !== CENTRAL) throw damaged("central directory entry");
      const flags = u16(at + 8);
      const method = u16(at + 10);
      const crc = u32(at + 16);
      const compressedSize = u32(at + 20);
      const size = u32(at + 24);
      const nameLength = u16(at + 28);
      const extraLength = u16(at + 30);
      const commentLength = u16(at + 32);
      const localOffset = u32(at + 42);
      const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
      at += 46 + nameLength + extraLength + commentLength;
      if (at > cdOffset + cdSize) throw damaged("central directory entry");
      if (flags & 1) throw new ChaserError("read.zip_encrypted", { file });
      if (method !== 0 && method !== 8) throw damaged(`compression method ${method}`);
      if (compressedSize === 0xffffffff || size === 0xffffffff) throw damaged("zip64");
      if (entries.has(name)) throw damaged("duplicate entry");
      if (localOffset + 30 > cdOffset || u32(localOffset) !== LOCAL) throw damaged("local header");
      const dataStart = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28);
      if (dataStart + compressedSize > cdOffset) throw damaged("entry out of range");
      if (method === 0 && size !== compressedSize) throw damaged("stored size");
      declared += size;
      if (declared > budget.limits.inflatedBytes) {
        throw new ChaserError("read.zip_too_large_inflated", { file, limitMb: Math.round(budget.limits.inflatedBytes / 1024 / 1024) });
      }
      if (size > RATIO_FROM_BYTES && size > compressedSize * budget.limits.compressionRatio) {
        throw new ChaserError("read.zip_ratio", { file, limit: budget.limits.compressionRatio });
      }
      ranges.push([localOffset, dataStart + compressedSize]);
      entries.set(name, { name, method, crc, compressedSize, size, dataStart });
    }
    if (at !== cdOffset + cdSize) throw damaged("central directory size");
    ranges.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < ranges.length; i++) if (ranges[i]![0] < ranges[i - 1]![1]) throw damaged("overlapping entries");
    return new ZipArchive(bytes, entries, budget, damagedCode);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The entry's declared inflated size (checked when it is read). */
  size(name: string): number {
    return this.entries.get(name)?.size ?? 0;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** The entry's bytes, inflated in steps and checked against its declared size and CRC. */
  read(name: string): Uint8Array {
    const parts: Uint8Array[] = [];
    this.stream(name, (part) => parts.push(part));
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** The entry as UTF-8 text, or null when the archive has no such entry. */
  text(name: string): string | null {
    if (!this.has(name)) return null;
    return new TextDecoder().decode(this.read(name));
  }

  /** Feeds the entry's text to `onText` a piece at a time, so a large sheet is never whole in memory. */
  streamText(name: string, onText: (text: string) => void): void {
    const decoder = new TextDecoder();
    this.stream(name, (part) => onText(decoder.decode(part, { stream: true })));
    onText(decoder.decode());
  }

  private stream(name: string, onPart: (part: Uint8Array) => void): void {
    const entry = this.entries.get(name);
    if (!entry) throw new ChaserError(this.damagedCode, { file: this.budget.file, reason: `missing ${name}` });
    const damaged = (reason: string) => new ChaserError(this.damagedCode, { file: this.budget.file, reason: `${name}: ${reason}` });
    const data = this.bytes.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
    let produced = 0;
    let crc = 0;
    const take = (part: Uint8Array) => {
      if (part.length === 0) return;
      produced += part.length;
      this.inflated += part.length;
      if (produced > entry.size) throw damaged("larger than declared");
      if (this.inflated > this.budget.limits.inflatedBytes) {
        throw new ChaserError("read.zip_too_large_inflated", { file: this.budget.file, limitMb: Math.round(this.budget.limits.inflatedBytes / 1024 / 1024) });
      }
      crc = crc32(part, crc);
      onPart(part);
    };
    if (entry.method === 0) {
      take(data);
    } else {
      const inflate = new Inflate((part) => take(part));
      try {
        for (let at = 0; at < data.length || at === 0; at += CHUNK) {
          inflate.push(data.subarray(at, Math.min(at + CHUNK, data.length)), at + CHUNK >= data.length);
          this.budget.tick();
        }
      } catch (error) {
        if (error instanceof ChaserError) throw error;
        throw damaged((error as Error).message);
      }
    }
    if (produced !== entry.size) throw damaged("smaller than declared");
    if (crc >>> 0 !== entry.crc) throw damaged("checksum");
  }
}
