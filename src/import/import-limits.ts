import { ChaserError } from "../domain/chaser-error.js";

/**
 * What an import may cost. No real action plan comes near any of these; each exists so that a
 * damaged or hostile file is refused in seconds with its own message instead of taking minutes
 * and gigabytes first.
 */
export const IMPORT_LIMITS = {
  /** The file as uploaded. */
  fileBytes: 64 * 1024 * 1024,
  /** Files inside a .docx or .xlsx: a workbook has a dozen, a long report a few hundred. */
  zipEntries: 5_000,
  /** Everything inside a .docx or .xlsx once inflated (the XML of a 50,000-row workbook is about 40 MB). */
  inflatedBytes: 400 * 1024 * 1024,
  /** Inflated over compressed size of any part over 1 MB; XML compresses 5 to 50 times, bombs 1,000. */
  compressionRatio: 200,
  /** Rows read from the table, over every sheet, page or table of the file. */
  rows: 200_000,
  /** Characters in one cell: Excel's own limit. */
  cellChars: 32_767,
  /** Pages of a PDF. */
  pdfPages: 2_000,
  /** Wall-clock time to read the file into rows, whatever it holds. */
  readSeconds: 60,
} as const;

export type ImportLimits = { -readonly [K in keyof typeof IMPORT_LIMITS]: number };

/** How far reading has got, for a progress bar: done out of total, in the reader's own units. */
export type ReadProgress = (done: number, total: number) => void;

export interface ReadOptions {
  limits?: Partial<ImportLimits>;
  onProgress?: ReadProgress;
}

/**
 * Counts rows and checks cells as a reader produces them, so every format is held to the same
 * limits while it is read rather than after. Also the reader's clock: a file that takes too long
 * is stopped at the next row or page.
 */
export class ReadBudget {
  readonly limits: ImportLimits;
  private rowCount = 0;
  private readonly deadline: number;

  private readonly onProgress: ReadProgress | undefined;

  constructor(
    readonly file: string,
    options: ReadOptions = {},
  ) {
    this.limits = { ...IMPORT_LIMITS, ...options.limits };
    this.deadline = Date.now() + this.limits.readSeconds * 1000;
    this.onProgress = options.onProgress;
  }

  /** Tells the caller how far reading has got (pages, bytes: whatever the reader counts in). */
  progress(done: number, total: number): void {
    this.onProgress?.(done, total);
  }

  /** Call once per row produced; throws when there are too many or a cell is too long. */
  row(cells: readonly string[]): void {
    this.rowCount += 1;
    if (this.rowCount > this.limits.rows) throw new ChaserError("read.too_many_rows", { file: this.file, limit: this.limits.rows });
    for (const cell of cells) this.cell(cell);
    if ((this.rowCount & 1023) === 0) this.tick();
  }

  cell(text: string): void {
    if (text.length > this.limits.cellChars) {
      throw new ChaserError("read.cell_too_long", { file: this.file, row: this.rowCount, limit: this.limits.cellChars });
    }
  }

  /** Throws once reading has taken longer than allowed. */
  tick(): void {
    if (Date.now() > this.deadline) throw new ChaserError("read.too_slow", { file: this.file, seconds: this.limits.readSeconds });
  }

  /** Settles with the promise, or rejects with import.too_slow when the time left runs out first. */
  async within<T>(promise: Promise<T>, onTimeout?: () => void): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        onTimeout?.();
        reject(new ChaserError("read.too_slow", { file: this.file, seconds: this.limits.readSeconds }));
      }, Math.max(0, this.deadline - Date.now()));
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  get rows(): number {
    return this.rowCount;
  }
}
