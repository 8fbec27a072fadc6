/**
 * YAML syntax errors as a person needs them. The parser reports where it got lost, often several lines and several
 * errors after the mistake (one mis-indented key gives four errors). When it fails, this reads the text again for the
 * mistakes people make — a tab in the indentation, an unclosed bracket or quote, a key out of line with its siblings —
 * and reports each once, at the mistake, saying what was expected. Parser errors that follow from a mistake found here
 * are dropped; the rest are kept, one per top-level block, with a hint for their error code.
 */

/** A syntax mistake found in the text, located by character offset. */
export interface SyntaxMistake {
  readonly rule: 'yaml-syntax' | 'yaml-tab';
  readonly offset: number;
  readonly message: string;
  readonly hint: string;
}

/** The parser's view of an error: its code, message and offset. */
export interface ParserError {
  readonly code: string;
  readonly message: string;
  readonly offset: number;
}

interface Line {
  /** 1-based line number. */
  readonly number: number;
  readonly start: number;
  readonly text: string;
  /** Leading spaces (a tab stops the count). */
  readonly indent: number;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    lines.push({ number: i + 1, start, text: content, indent: content.length - content.replace(/^ */, '').length });
    start += raw.length + 1;
  });
  return lines;
}

/** Whether a line holds nothing for the structure: blank, a comment, or a document marker. */
function isBlank(line: Line): boolean {
  const rest = line.text.trim();
  return rest === '' || rest.startsWith('#') || rest === '---' || rest === '...' || rest.startsWith('%');
}

const KEY = /^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"[\]{},&*!|>%@`-][^#]*?|-[^\s#][^#]*?)\s*:(?:\s|$)/;

function keyName(content: string): string | undefined {
  const match = KEY.exec(content);
  return match ? match[0].replace(/\s*:\s*$/, '').replace(/:$/, '') : undefined;
}

/** The line's structure: a sequence item ('- '), a mapping key, or something else (a scalar continuation). */
function lineShape(content: string): { kind: 'seq'; inner: number } | { kind: 'key'; key: string } | { kind: 'other' } {
  const dash = /^-( +|$)/.exec(content);
  if (dash) return { kind: 'seq', inner: dash[0].length };
  const key = keyName(content);
  return key !== undefined ? { kind: 'key', key } : { kind: 'other' };
}

/** Whether the line ends in a way that opens a nested block on the next lines ('key:' or '-' with no value). */
function opensBlock(content: string): boolean {
  const withoutComment = content.replace(/\s+#.*$/, '').trimEnd();
  return /:$/.test(withoutComment) || /^-$/.test(withoutComment) || /(?:^|\s)-$/.test(withoutComment) || /:\s+(?:[&!][^\s]*\s*)+$/.test(withoutComment);
}

/** Whether the value on this line starts a block scalar (| or >), whose lines are text, not structure. */
function startsBlockScalar(content: string): boolean {
  return /(?::|^-|\s-)\s+[|>][-+0-9]*\s*(?:#.*)?$/.test(content);
}

const column = (n: number) => `column ${n + 1}`;
const spaces = (n: number) => (n === 0 ? 'no spaces' : `${n} space${n === 1 ? '' : 's'}`);

/** Finds tabs in the indentation: one mistake for the first such line, naming how many more there are. */
export function findTabs(text: string): SyntaxMistake[] {
  const lines = splitLines(text).filter((l) => /^ *\t/.test(l.text) && l.text.trim() !== '');
  if (lines.length === 0) return [];
  const first = lines[0]!;
  const more = lines.length - 1;
  return [
    {
      rule: 'yaml-tab',
      offset: first.start + first.text.indexOf('\t'),
      message: `tabs are not allowed in YAML indentation: line ${first.number} is indented with a tab at ${column(first.text.indexOf('\t'))}${more > 0 ? ` (and ${more} more line${more === 1 ? '' : 's'}: ${lines.slice(1, 6).map((l) => l.number).join(', ')}${more > 5 ? ', …' : ''})` : ''}`,
      hint: 'Indent with spaces only (set your editor to insert spaces for Tab in YAML files).',
    },
  ];
}

interface Open {
  readonly char: '[' | '{';
  readonly offset: number;
  readonly line: Line;
}

/**
 * Finds unclosed or mismatched flow brackets and unclosed quotes, by a scan that knows where scalars start, comments,
 * and block scalars. A flow collection may span lines; it is unclosed when a later line at the indentation of the line
 * that opened it starts a new key or item.
 */
export function findUnclosed(text: string): SyntaxMistake[] {
  const lines = splitLines(text);
  const stack: Open[] = [];
  let blockScalarIndent: number | undefined;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!;
    if (blockScalarIndent !== undefined) {
      if (line.text.trim() === '' || line.indent > blockScalarIndent) continue;
      blockScalarIndent = undefined;
    }
    if (stack.length > 0 && !isBlank(line)) {
      const opener = stack[0]!;
      const shape = lineShape(line.text.slice(line.indent));
      if (line.indent <= opener.line.indent && shape.kind !== 'other') return [unclosedBracket(opener, stack[stack.length - 1]!)];
    }
    // Scalar starts: line start, after '- ', after ': ', and inside flow after '[', '{', ','.
    let atScalarStart = true;
    for (let i = line.indent; i < line.text.length; i++) {
      const ch = line.text[i]!;
      if (ch === ' ') continue;
      if (ch === '#' && (i === 0 || line.text[i - 1] === ' ')) break;
      if (atScalarStart && (ch === '"' || ch === "'")) {
        const end = closingQuote(text, line.start + i, ch);
        if (end === -1) {
          return [
            {
              rule: 'yaml-syntax',
              offset: line.start + i,
              message: `the ${ch === '"' ? 'double' : 'single'} quote opened on line ${line.number} at ${column(i)} is never closed`,
              hint: `Add the closing ${ch} at the end of the value${ch === '"' ? ' (write \\" for a quote inside it)' : " (write '' for a quote inside it)"}.`,
            },
          ];
        }
        // Continue after the closing quote, which may be on a later line.
        const endLine = lines.findIndex((l) => l.start <= end && end <= l.start + l.text.length);
        if (endLine > li) {
          li = endLine - 1;
          break;
        }
        i = end - line.start;
        atScalarStart = false;
        continue;
      }
      if (atScalarStart && (ch === '[' || ch === '{')) {
        stack.push({ char: ch, offset: line.start + i, line });
        continue;
      }
      if (stack.length > 0 && (ch === ']' || ch === '}')) {
        const top = stack.pop()!;
        if ((top.char === '[') !== (ch === ']')) return [mismatched(top, ch, line, i)];
        atScalarStart = false;
        continue;
      }
      if (stack.length > 0 && ch === ',') {
        atScalarStart = true;
        continue;
      }
      if (ch === ':' && (line.text[i + 1] === ' ' || i + 1 === line.text.length || (stack.length > 0 && line.text[i + 1] === ','))) {
        atScalarStart = true;
        continue;
      }
      if (stack.length === 0 && ch === '-' && atScalarStart && (line.text[i + 1] === ' ' || i + 1 === line.text.length)) continue;
      if (stack.length === 0 && atScalarStart && (ch === '|' || ch === '>') && startsBlockScalar(line.text)) {
        blockScalarIndent = line.indent;
        break;
      }
      atScalarStart = false;
    }
  }
  return stack.length > 0 ? [unclosedBracket(stack[0]!, stack[stack.length - 1]!)] : [];
}

function closingQuote(text: string, open: number, quote: '"' | "'"): number {
  for (let i = open + 1; i < text.length; i++) {
    const ch = text[i];
    if (quote === '"' && ch === '\\') i++;
    else if (ch === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}

function unclosedBracket(outer: Open, inner: Open): SyntaxMistake {
  const open = inner;
  const close = open.char === '[' ? ']' : '}';
  return {
    rule: 'yaml-syntax',
    offset: open.offset,
    message: `the '${open.char}' opened on line ${open.line.number} at ${column(open.offset - open.line.start)} is never closed`,
    hint: `Add '${close}'${outer !== inner ? ` (and '${outer.char === '[' ? ']' : '}'}' for the '${outer.char}' at ${column(outer.offset - outer.line.start)})` : ''} at the end of the ${open.char === '[' ? 'list' : 'mapping'}, before the next key.`,
  };
}

function mismatched(open: Open, found: string, line: Line, index: number): SyntaxMistake {
  const expected = open.char === '[' ? ']' : '}';
  return {
    rule: 'yaml-syntax',
    offset: line.start + index,
    message: `'${found}' closes the '${open.char}' opened on line ${open.line.number} at ${column(open.offset - open.line.start)}, which needs '${expected}'`,
    hint: `Write '${expected}' here${found === ']' ? ", or close the '{' mapping with '}' first" : ", or close the '[' list with ']' first"}.`,
  };
}

interface Level {
  readonly indent: number;
  readonly kind: 'seq' | 'map';
  /** The last line at this level, and its key, for "its siblings (line N)". */
  line: number;
  key: string | undefined;
}

/**
 * Finds keys out of line with their siblings, by the columns of the block structure: a key less indented than the
 * mapping it follows but more than the one above it, or more indented than a sibling that holds a value.
 */
export function findIndentation(text: string): SyntaxMistake[] {
  const lines = splitLines(text);
  const mistakes: SyntaxMistake[] = [];
  const stack: Level[] = [];
  let previous: Line | undefined;
  let blockScalarIndent: number | undefined;
  let flowDepth = 0;
  for (const line of lines) {
    if (blockScalarIndent !== undefined) {
      if (line.text.trim() === '' || line.indent > blockScalarIndent) continue;
      blockScalarIndent = undefined;
    }
    if (isBlank(line) || /^ *\t/.test(line.text)) continue;
    const content = line.text.slice(line.indent);
    const inFlow = flowDepth > 0;
    flowDepth = Math.max(0, flowDepth + flowBalance(content));
    if (inFlow) continue;
    const shape = lineShape(content);
    let indent = line.indent;
    const top = stack[stack.length - 1];
    if (shape.kind === 'other') {
      // The first line of a nested block that is not 'key: value' (the parser says what is wrong with it) still sets
      // the block's column; otherwise a plain scalar continued on the next line, or a value: not structure.
      if ((top === undefined || indent > top.indent) && (previous === undefined || opensBlock(previous.text.slice(previous.indent)))) stack.push({ indent, kind: 'map', line: line.number, key: undefined });
      previous = line;
      continue;
    }
    if (top === undefined || indent > top.indent) {
      if (top !== undefined && previous !== undefined && !opensBlock(previous.text.slice(previous.indent)) && shape.kind === 'key') {
        mistakes.push(tooDeep(line, indent, shape.key, top, previous));
        indent = top.indent;
      } else {
        stack.push({ indent, kind: shape.kind === 'seq' ? 'seq' : 'map', line: line.number, key: shape.kind === 'key' ? shape.key : undefined });
      }
    }
    if (indent < stack[stack.length - 1]!.indent) {
      let popped: Level | undefined;
      while (stack.length > 0 && stack[stack.length - 1]!.indent > indent) popped = stack.pop();
      const parent = stack[stack.length - 1];
      if ((parent === undefined || parent.indent !== indent) && popped !== undefined) {
        // A sequence item under a key may sit at the key's column; anything else between two levels is a mistake.
        mistakes.push(between(line, indent, shape.kind === 'key' ? shape.key : '-', popped, parent?.kind === 'map' ? parent : undefined));
        indent = popped.indent;
        stack.push(popped);
      }
    }
    const level = stack[stack.length - 1]!;
    if (level.indent === indent) {
      level.line = line.number;
      if (shape.kind === 'key') level.key = shape.key;
    }
    if (shape.kind === 'seq') {
      const inner = content.slice(shape.inner);
      // '- key: value' opens a mapping at the key's column.
      const innerKey = keyName(inner);
      while (stack.length > 0 && stack[stack.length - 1]!.indent > indent) stack.pop();
      if (stack[stack.length - 1]?.kind !== 'seq' || stack[stack.length - 1]!.indent !== indent) stack.push({ indent, kind: 'seq', line: line.number, key: undefined });
      if (innerKey !== undefined) stack.push({ indent: indent + shape.inner, kind: 'map', line: line.number, key: innerKey });
      flowDepth = Math.max(0, flowBalance(inner));
    }
    if (startsBlockScalar(line.text)) blockScalarIndent = line.indent;
    previous = line;
  }
  return mistakes;
}

/** Net count of flow brackets opened on a line, ignoring quoted text and comments. */
function flowBalance(content: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < content.length; i++) {
    const ch = content[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") {
      if (i === 0 || /[\s[{,:]/.test(content[i - 1]!)) quote = ch;
    } else if (ch === '#' && (i === 0 || content[i - 1] === ' ')) break;
    else if ((ch === '[' || ch === '{') && (i === 0 || /[\s[{,]/.test(content[i - 1]!))) depth++;
    else if ((ch === ']' || ch === '}') && depth > 0) depth--;
  }
  return depth;
}

function between(line: Line, indent: number, key: string, siblings: Level, outer: Level | undefined): SyntaxMistake {
  const what = key === '-' ? 'this list item' : `'${key}'`;
  const like = siblings.key !== undefined ? `'${siblings.key}' on line ${siblings.line}` : `line ${siblings.line}`;
  return {
    rule: 'yaml-syntax',
    offset: line.start + indent,
    message: `${what} is at ${column(indent)}, but its siblings (${like}) are at ${column(siblings.indent)}`,
    hint: `Indent ${what} by ${spaces(siblings.indent)}, to ${column(siblings.indent)} like ${like}${outer !== undefined ? `; or by ${spaces(outer.indent)} (${column(outer.indent)}) if it belongs to the enclosing mapping` : ''}.`,
  };
}

function tooDeep(line: Line, indent: number, key: string, siblings: Level, previous: Line): SyntaxMistake {
  const like = siblings.key !== undefined ? `'${siblings.key}' on line ${siblings.line}` : `line ${siblings.line}`;
  return {
    rule: 'yaml-syntax',
    offset: line.start + indent,
    message: `'${key}' is at ${column(indent)}, but its siblings (${like}) are at ${column(siblings.indent)}: line ${previous.number} has a value, so nothing can be nested under it`,
    hint: `Indent '${key}' by ${spaces(siblings.indent)}, to ${column(siblings.indent)} like ${like}.`,
  };
}

/** A hint for a parser error this module has no better reading of, by the library's error code. */
export function hintForCode(code: string, lineText: string): { message?: string; hint: string } {
  const trimmed = lineText.trim();
  switch (code) {
    case 'MULTILINE_IMPLICIT_KEY':
    case 'MISSING_CHAR':
      if (/^[^\s:#]+:[^\s/]/.test(trimmed) && !trimmed.startsWith('-')) return { message: `'${trimmed}' has no space after ':'`, hint: `Write a space after the colon: ${trimmed.replace(':', ': ')}` };
      if (!trimmed.includes(':') && !trimmed.startsWith('-')) return { message: `'${trimmed}' is neither 'key: value' nor a list item`, hint: "Write 'key: value' (a colon and a space after the key), or start a list item with '- '." };
      return { hint: 'Keys of one mapping start at the same column; a nested mapping starts on its own line, under a key that ends with a colon.' };
    case 'BAD_INDENT':
      return { hint: 'Keys of one mapping start at the same column, and a flow list or mapping is closed (] or }) before the next key.' };
    case 'BLOCK_AS_IMPLICIT_KEY':
      return { hint: 'Put each key on its own line, indented like its siblings.' };
    case 'BAD_SCALAR_START':
      return { hint: `Quote the value: ${trimmed.replace(/^([^:]+:\s*)(.*)$/, (_m, k: string, v: string) => `${k}"${v.replace(/"/g, '\\"')}"`)}` };
    case 'BAD_DQ_ESCAPE':
      return { hint: 'Write a backslash as \\\\ inside double quotes, or use single quotes.' };
    case 'UNEXPECTED_TOKEN':
      return { hint: 'Remove or quote the unexpected character.' };
    case 'DUPLICATE_KEY':
      return { hint: 'Remove one of the two keys or merge their values.' };
    default:
      return { hint: 'Check this line against the lines above it: matching columns for sibling keys, closed quotes and brackets, a space after each colon.' };
  }
}

/**
 * The mistakes to report for a text the parser refused. `blockOf` maps an offset to the 1-based line of the top-level
 * key whose block holds it: parser errors in a block where a mistake was found follow from it and are dropped, and
 * only the first parser error of any other block is kept.
 */
export function explainSyntaxErrors(text: string, errors: readonly ParserError[]): { mistakes: SyntaxMistake[]; kept: ParserError[] } {
  const lines = splitLines(text);
  // The top-level blocks' first lines and offsets, for a binary search: a hostile file may have many errors.
  const blocks = lines.filter((line) => !isBlank(line) && line.indent === 0 && !/^\t/.test(line.text) && !/^[\]}]/.test(line.text));
  const blockOf = (offset: number): number => {
    let low = 0;
    let high = blocks.length - 1;
    let found = 0;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (blocks[mid]!.start <= offset) {
        found = blocks[mid]!.number;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  };
  const tabs = findTabs(text);
  const unclosed = findUnclosed(text);
  const indentation = tabs.length > 0 ? [] : findIndentation(text);
  const errorBlocks = new Set(errors.map((e) => blockOf(e.offset)));
  // A text mistake counts where the parser also failed: the scans are heuristics, the parser is the judge.
  const candidates = [...tabs, ...unclosed, ...indentation].filter((m) => errorBlocks.has(blockOf(m.offset)) || m.rule === 'yaml-tab' || unclosed.includes(m));
  const mistakes: SyntaxMistake[] = [];
  const mistakeBlocks = new Set<number>();
  for (const mistake of candidates.sort((a, b) => a.offset - b.offset)) {
    const block = blockOf(mistake.offset);
    // One mistake per top-level block unless they are different kinds: the rest usually follow from the first.
    if (mistakes.some((m) => blockOf(m.offset) === block && m.offset === mistake.offset)) continue;
    mistakes.push(mistake);
    mistakeBlocks.add(block);
  }
  // An unclosed bracket or quote swallows everything after it: nothing later is reliable.
  const swallowAfter = unclosed[0]?.offset ?? Infinity;
  const kept: ParserError[] = [];
  const keptBlocks = new Set<number>();
  for (const error of errors) {
    const block = blockOf(error.offset);
    if (error.code === 'TAB_AS_INDENT' && tabs.length > 0) continue;
    if (mistakeBlocks.has(block) || keptBlocks.has(block) || error.offset >= swallowAfter) continue;
    kept.push(error);
    keptBlocks.add(block);
  }
  return { mistakes, kept };
}
