import { MeshforgeError, type ErrorKind } from '../core/errors.js';

/**
 * Why a PKI operation stopped: `invalid-input` when the input or the folder's state is wrong and the user must act,
 * `environment` when the file system or git failed.
 */
export class PkiError extends MeshforgeError {
  constructor(kind: Extract<ErrorKind, 'invalid-input' | 'environment'>, message: string, hint?: string) {
    super(kind, message, hint);
    this.name = 'PkiError';
  }
}
