/**
 * A lexical pre-scan for nesting depth, run before the YAML parser: flow collections ([[[[ or {a: {a: ...) and
 * block indentation (each deeper indentation, and each "- " on a line, opens a level).
 * The parser recurses once per level; letting it hit the stack limit leaves V8 in a state where later work can
 * abort the process. So depth beyond the limit is refused here, where it first exceeds it. The count can only
 * under-estimate the real depth, so it never refuses a file the exact check after parsing would accept.
 * Returns the offset where nesting first exceeds the limit, or -1.
 */
export function findExcessiveNesting(text: string, maxDepth: number): number {
  const indents: number[] = [];
  let depth = 0;
  let quote: '"' | "'" | null = null;
  let lineStart = true;
  let blockScalarIndent = -1;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (ch === ' ') {
        indent++;
        continue;
      }
      lineStart = false;
      // Lines of a block scalar (| or >) are content, whatever brackets they hold.
      if (blockScalarIndent >= 0) {
        if (indent > blockScalarIndent) {
          i = skipToEndOfLine(text, i);
          continue;
        }
        blockScalarIndent = -1;
      }
      if (depth === 0 && ch !== '#' && ch !== '\r') {
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
        let dashes = 0;
        while (text[i + dashes * 2] === '-' && text[i + dashes * 2 + 1] === ' ') dashes++;
        if (indents.length + Math.max(0, dashes - 1) > maxDepth) return i;
      }
    }
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      i = skipToEndOfLine(text, i);
      continue;
    }
    if (ch === '"' || ch === "'") {
      if (depth > 0 || startsValue(text, i)) quote = ch;
      continue;
    }
    if ((ch === '[' || ch === '{') && (depth > 0 || startsValue(text, i))) {
      depth++;
      if (depth > maxDepth) return i;
    } else if ((ch === ']' || ch === '}') && depth > 0) {
      depth--;
    } else if ((ch === '|' || ch === '>') && depth === 0 && startsValue(text, i) && /^[|>][-+0-9]*\s*(#.*)?$/.test(lineRest(text, i))) {
      blockScalarIndent = indent;
      i = skipToEndOfLine(text, i);
    }
  }
  return -1;
}

/** Whether position i begins a value: at line start (after indentation), or after "- ", ": ", "? ". */
function startsValue(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && text[j] === ' ') j--;
  if (j < 0 || text[j] === '\n') return true;
  const prev = text[j]!;
  return (prev === ':' || prev === '-' || prev === '?') && j < i - 1;
}

function skipToEndOfLine(text: string, i: number): number {
  const end = text.indexOf('\n', i);
  return (end === -1 ? text.length : end) - 1;
}

function lineRest(text: string, i: number): string {
  const end = text.indexOf('\n', i);
  return text.slice(i, end === -1 ? text.length : end);
}
