/** Minimal ANSI styling; formats call it only when colour is on. */
export interface Palette {
  red(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  green(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

const ansi: Palette = { red: wrap(31, 39), yellow: wrap(33, 39), blue: wrap(34, 39), dim: wrap(2, 22), bold: wrap(1, 22), green: wrap(32, 39) };
const plain: Palette = { red: (t) => t, yellow: (t) => t, blue: (t) => t, dim: (t) => t, bold: (t) => t, green: (t) => t };

export function palette(color: boolean): Palette {
  return color ? ansi : plain;
}

/** Colour when writing to a terminal, unless NO_COLOR is set; FORCE_COLOR turns it on anywhere. */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}
