import { LineCounter, parseAllDocuments, type Document } from 'yaml';

/** A file's text, its line index and, once parsed, its YAML documents: what position resolution needs. */
export interface SourceFile {
  readonly file: string;
  readonly text: string;
  readonly lineCounter: LineCounter;
  /** Parsed on first use: generated files are only parsed when a finding on them is printed. */
  readonly documents: readonly Document.Parsed[];
}

class RegisteredSource implements SourceFile {
  private parsed: readonly Document.Parsed[] | undefined;
  private lines: LineCounter | undefined;
  private content: string | (() => string);

  constructor(
    readonly file: string,
    text: string | (() => string),
    documents?: readonly Document.Parsed[],
  ) {
    this.content = text;
    this.parsed = documents;
  }

  /** Produced on first use when registered lazily (a file rendered only if a finding on it is printed). */
  get text(): string {
    if (typeof this.content === 'function') this.content = this.content();
    return this.content;
  }

  /** Indexed on first use: a run registers every generated file, but prints positions in few of them. */
  get lineCounter(): LineCounter {
    if (!this.lines) {
      // LineCounter learns line starts from the parser; index them ourselves, once.
      const lines = new LineCounter();
      lines.addNewLine(0);
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
      this.lines = lines;
    }
    return this.lines;
  }

  get documents(): readonly Document.Parsed[] {
    if (!this.parsed) {
      try {
        this.parsed = parseAllDocuments(this.text, { prettyErrors: false }) as Document.Parsed[];
      } catch {
        this.parsed = [];
      }
      if (!Array.isArray(this.parsed)) this.parsed = [this.parsed as unknown as Document.Parsed];
    }
    return this.parsed;
  }

  setDocuments(documents: readonly Document.Parsed[]): void {
    this.parsed = documents;
  }
}

/** Every input file seen in a run, so diagnostics can be turned into line:column when printed. */
export class SourceRegistry {
  private readonly files = new Map<string, RegisteredSource>();

  /** Registers a file's text (parsed lazily when a position in it is needed). */
  addText(file: string, text: string): SourceFile {
    const existing = this.files.get(file);
    if (existing && existing.text === text) return existing;
    const source = new RegisteredSource(file, text);
    this.files.set(file, source);
    return source;
  }

  /**
   * Registers a file whose text is produced only when a position in it is needed: a run that trusts a tree it did
   * not read (the run state vouches for it) renders a file's text only to print a finding on it.
   */
  addLazyText(file: string, produce: () => string): SourceFile {
    const source = new RegisteredSource(file, produce);
    this.files.set(file, source);
    return source;
  }

  /** Records documents already parsed from the registered text, so they are not parsed twice. */
  setDocuments(file: string, documents: readonly Document.Parsed[]): void {
    this.files.get(file)?.setDocuments(documents);
  }

  get(file: string): SourceFile | undefined {
    return this.files.get(file);
  }
}
