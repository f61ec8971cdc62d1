/** Where a bad input value sits: file, 1-based line (row for Parquet), column name. */
export interface InputLocation {
  file: string;
  line: number;
  column: string;
}

/**
 * Error of the data stage. Input-file errors carry the location; the message always names the
 * function, the argument/file, what was expected and what came.
 */
export class DataError extends Error {
  readonly location?: InputLocation;
  constructor(message: string, location?: InputLocation) {
    super(message);
    this.name = 'DataError';
    this.location = location;
  }
}

/** Message format shared by the rejects file and strict mode: `file:line: column 'c': reason`. */
export function formatReject(file: string, line: number, column: string, reason: string): string {
  return `${file}:${line}: column '${column}': ${reason}`;
}
