/**
 * Why a PKI operation stopped. `invalid`: the input or the folder's state is wrong and the user must act
 * (CLI exit 2); `environment`: the file system or git failed (CLI exit 3).
 */
export type PkiErrorKind = 'invalid' | 'environment';

export class PkiError extends Error {
  constructor(
    readonly kind: PkiErrorKind,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'PkiError';
  }
}
