// Words a text extraction splits across two cells ("Performance a" | "nd approved").
const SPLIT_WORDS = new Set(["and", "of", "for", "the", "with", "from", "to", "in", "on", "by", "or", "at", "into"]);
// Short words that stand on their own, so a cell starting with one was not cut mid-word.
const WHOLE_WORDS = new Set(["a", "an", "and", "as", "at", "be", "by", "do", "for", "go", "he", "if", "in", "is", "it", "me", "my", "no", "of", "on", "or", "so", "the", "to", "up", "us", "we"]);

/**
 * Joins a word the text extraction cut across two neighbouring cells: "Performance a" beside
 * "nd approved" becomes "Performance and" beside "approved". Returns the cells, and the words
 * joined (for a warning). Pure.
 */
export function joinSplitWords(cells: string[]): { cells: string[]; joined: string[] } {
  let out = cells;
  const joined: string[] = [];
  for (let i = 0; i + 1 < out.length; i++) {
    const tail = /(^|\s)([a-z]{1,2})\s*$/.exec(out[i] ?? "");
    const head = /^\s*([a-z]{1,3})(?=\s|$)/.exec(out[i + 1] ?? "");
    if (!tail || !head || WHOLE_WORDS.has(head[1]!)) continue;
    const word = tail[2]! + head[1]!;
    if (!SPLIT_WORDS.has(word)) continue;
    if (out === cells) out = [...cells];
    const before = out[i]!.slice(0, tail.index).trim();
    out[i] = `${before}${before ? " " : ""}${word}`;
    out[i + 1] = out[i + 1]!.slice(head[0].length).trimStart();
    joined.push(`${before.split(/\s+/).at(-1) ?? ""} ${word}`.trim());
  }
  return { cells: out, joined };
}

/**
 * An owner that is the cut-off end of a line rather than a name: it ends on a word fragment
 * ("Performance a") or a joining word ("Finance and"). Such owners are flagged, never kept.
 */
export function isOwnerFragment(owner: string): boolean {
  const last = owner.trim().split(/\s+/).at(-1) ?? "";
  if (owner.trim().split(/\s+/).length < 2) return /^[a-z]{1,2}$/.test(last);
  return /^[a-z]{1,2}$/.test(last) || /^(?:and|of|for|the|with|&|to|in)$/i.test(last);
}
