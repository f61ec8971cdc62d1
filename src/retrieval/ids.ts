// String item ids at the edge, dense int ids (0..N-1, the row of the item's vector) inside.

/** Bidirectional map between string item ids and dense row ids. */
export class IdMap {
  private readonly list: readonly string[];
  private readonly rows: Map<string, number>;

  /** ids[row] = the string id of that row. Throws on duplicates or non-strings (names the row). */
  constructor(ids: readonly string[]) {
    const rows = new Map<string, number>();
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (typeof id !== 'string') throw new TypeError(`IdMap: ids[${i}] must be a string, got ${typeof id}`);
      const prev = rows.get(id);
      if (prev !== undefined) throw new RangeError(`IdMap: duplicate id ${JSON.stringify(id)} at rows ${prev} and ${i}`);
      rows.set(id, i);
    }
    this.list = Object.freeze(ids.slice());
    this.rows = rows;
  }

  /** Number of items. */
  get size(): number {
    return this.list.length;
  }

  /** All string ids in row order. */
  get ids(): readonly string[] {
    return this.list;
  }

  /** The string id of a row. Throws on out-of-range rows. */
  idOf(row: number): string {
    const id = this.list[row];
    if (id === undefined) throw new RangeError(`IdMap.idOf: row must be an integer in [0, ${this.list.length}), got ${row}`);
    return id;
  }

  /** The row of a string id, or undefined when it is not in the catalogue. */
  rowOf(id: string): number | undefined {
    return this.rows.get(id);
  }

  /**
   * Rows of the known ids among `ids`; unknown ids are skipped (a user's history may hold items
   * of other types, or items no longer in the catalogue). [E] -> [E' <= E]
   */
  rowsOf(ids: Iterable<string>): Int32Array {
    const out: number[] = [];
    for (const id of ids) {
      const r = this.rows.get(id);
      if (r !== undefined) out.push(r);
    }
    return Int32Array.from(out);
  }

  /** String ids of rows. [K] -> [K] */
  idsOf(rows: Int32Array): string[] {
    return Array.from(rows, (r) => this.idOf(r));
  }
}
