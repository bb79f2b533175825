/**
 * Lines of a text file held as one string, found without splitting it: a line ends at LF or CRLF.
 */

/** Where the line starting at `start` ends: its line break (a CR before the LF excluded), or the text's end. */
export function lineEnd(text: string, start: number): number {
  const newline = text.indexOf('\n', start);
  if (newline === -1) return text.length;
  return newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
}

/** The start of the line after the one ending at `end` (past its line break). */
export function nextLine(text: string, end: number): number {
  return end < text.length && text.charCodeAt(end) === 13 ? end + 2 : end + 1;
}
