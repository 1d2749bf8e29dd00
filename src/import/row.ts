/** One physical row of a table file: its 1-based line (or sheet row) and raw cell texts. */
export interface Row {
  line: number;
  cells: string[];
  /**
   * A heading that names the theme of the rows after it: a Word or HTML heading, a caption, or a
   * table row merged across the table's whole width. Its text is the only cell.
   */
  heading?: boolean;
}
