// Named errors of saved retrieval indexes, so callers (serve's hot reload, the CLI) can tell a
// missing index from a corrupt or incompatible one without parsing messages.

/**
 * What went wrong with an index folder:
 * - missing: a required file is absent;
 * - corrupt: a file is unreadable, truncated, fails its checksum or is internally inconsistent;
 * - format: the folder is not an hgrec retrieval index;
 * - version: written by an unsupported format version;
 * - mismatch: a valid index that disagrees with what the caller expects (dim, count, ANN params).
 */
export type RetrievalIndexErrorCode = 'missing' | 'corrupt' | 'format' | 'version' | 'mismatch';

/** Error loading or validating a saved retrieval index; `file` is the offending path. */
export class RetrievalIndexError extends Error {
  override readonly name = 'RetrievalIndexError';
  readonly code: RetrievalIndexErrorCode;
  readonly file: string;

  constructor(code: RetrievalIndexErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(`${message} (${code}: ${file})`, options);
    this.code = code;
    this.file = file;
  }
}
