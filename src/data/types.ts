/**
 * In-memory columnar tables (dense int ids, typed arrays). Shared by graph, models, baselines and eval.
 * Legend: N = number of rows.
 */

/** items.parquet in memory; dense item id = row position (items sorted by item_id). */
export interface ItemTable {
  n: number;
  /** [N] string id per dense id */
  ids: string[];
  /** string id -> dense id */
  index: Map<string, number>;
  /** distinct type names, sorted; `type[i]` indexes this */
  typeNames: string[];
  /** [N] type code per item (index into typeNames) */
  type: Uint8Array;
  /** [N] '' when absent */
  title: string[];
  /** [N] '' when absent */
  description: string[];
  /** [N] null when absent */
  language: (string | null)[];
  /** [N] null when absent */
  genre: (string | null)[];
}

/** users.parquet in memory; dense user id = row position (users sorted by user_id). */
export interface UserTable {
  n: number;
  ids: string[];
  index: Map<string, number>;
  /** [N] age, -1 when unknown */
  age: Int16Array;
  /** [N] country, null when unknown */
  country: (string | null)[];
}

/** interactions in memory, one entry per row, ids dense w.r.t. the ItemTable / UserTable they were loaded with. */
export interface Interactions {
  n: number;
  /** dense-id -> string id (shared with UserTable.ids / ItemTable.ids) */
  userIds: string[];
  itemIds: string[];
  /** [N] dense user id */
  user: Int32Array;
  /** [N] dense item id */
  item: Int32Array;
  /** [N] kind code (KIND_CODES) */
  kind: Uint8Array;
  /** [N] time, ms since Unix epoch (UTC) */
  ts: Float64Array;
  /** [N] weight, NaN when NULL; null when the column is entirely NULL */
  weight: Float32Array | null;
}
