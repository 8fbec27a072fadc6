import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let diffLibrary: typeof import('diff') | undefined;
/** The diff library, loaded on the first patch: `check` on an up-to-date tree makes none (cold start, issue 19). */
const diff = (): typeof import('diff') => (diffLibrary ??= require('diff') as typeof import('diff'));

/** Lines of context around each hunk, as in `git diff`. */
export const DIFF_CONTEXT_LINES = 3;

export interface FilePatch {
  readonly patch: string;
  readonly additions: number;
  readonly deletions: number;
}

/**
 * A unified diff of one file, git-style headers (`a/`, `b/`, `/dev/null` for a side that does not exist).
 * `undefined` content means the file does not exist on that side.
 */
export function unifiedDiff(path: string, before: string | undefined, after: string | undefined): FilePatch {
  const oldName = before === undefined ? '/dev/null' : `a/${path}`;
  const newName = after === undefined ? '/dev/null' : `b/${path}`;
  const { createTwoFilesPatch, FILE_HEADERS_ONLY } = diff();
  const patch = createTwoFilesPatch(oldName, newName, before ?? '', after ?? '', undefined, undefined, {
    context: DIFF_CONTEXT_LINES,
    headerOptions: FILE_HEADERS_ONLY,
  });
  let additions = 0;
  let deletions = 0;
  // Skip the two file-header lines; count hunk lines only.
  for (const line of patch.split('\n').slice(2)) {
    if (line.startsWith('+')) additions += 1;
    else if (line.startsWith('-')) deletions += 1;
  }
  return { patch, additions, deletions };
}
