/**
 * A nested object as flat lines for the `gitops-tree` partial: each line carries its indentation, whether it starts a
 * list item, and a key and/or scalar. The partial writes keys and scalars through the YAML-safe helpers, so free-form
 * parts of a wrapper (Helm values, generator lists) get the same quoting guarantees as every other template field.
 */
export interface TreeLine {
  readonly pad: string;
  readonly dash: boolean;
  readonly key?: string;
  readonly value?: string | number | boolean;
  /** `{}` or `[]` for an empty map or list. */
  readonly empty?: '{}' | '[]';
}

type Scalar = string | number | boolean;

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isMap(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const spaces = (n: number) => ' '.repeat(n);

function emptyOf(value: unknown): '{}' | '[]' | undefined {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : undefined;
  if (isMap(value)) return Object.keys(value).length === 0 ? '{}' : undefined;
  return undefined;
}

function mapLines(map: Readonly<Record<string, unknown>>, indent: number, out: TreeLine[]): void {
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) continue;
    const pad = spaces(indent);
    if (isScalar(value)) out.push({ pad, dash: false, key, value });
    else if (emptyOf(value)) out.push({ pad, dash: false, key, empty: emptyOf(value)! });
    else if (Array.isArray(value)) {
      out.push({ pad, dash: false, key });
      listLines(value, indent, out);
    } else if (isMap(value)) {
      out.push({ pad, dash: false, key });
      mapLines(value, indent + 2, out);
    } else throw new TypeError(`meshforge: cannot write ${key} = ${String(value)} as YAML`);
  }
}

// Lists are written at their key's indentation, as the generator's own templates do.
function listLines(list: readonly unknown[], indent: number, out: TreeLine[]): void {
  const pad = spaces(indent);
  for (const item of list) {
    if (isScalar(item)) out.push({ pad, dash: true, value: item });
    else if (emptyOf(item)) out.push({ pad, dash: true, empty: emptyOf(item)! });
    else if (isMap(item)) {
      const inner: TreeLine[] = [];
      mapLines(item, indent + 2, inner);
      const [first, ...rest] = inner;
      out.push({ ...first!, pad, dash: true }, ...rest);
    } else throw new TypeError('meshforge: lists of lists are not written by the gitops templates');
  }
}

/** The lines of a map's entries, starting at column 0 (the partial is indented where it is used). */
export function treeLines(map: Readonly<Record<string, unknown>>): TreeLine[] {
  const out: TreeLine[] = [];
  mapLines(map, 0, out);
  return out;
}
