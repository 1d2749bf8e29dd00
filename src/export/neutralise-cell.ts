/**
 * Text a spreadsheet would run as a formula when it opens the file (`=`, `+`, `-`, `@` first, or a
 * tab or carriage return that hides one) is kept as text by a leading apostrophe, as OWASP
 * advises for CSV injection. Plan text comes from imported files and chat answers: anyone's words.
 */
export function neutraliseCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
