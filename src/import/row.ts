/** One physical row of a table file: its 1-based line (or sheet row) and raw cell texts. */
export interface Row {
  line: number;
  cells: string[];
}
