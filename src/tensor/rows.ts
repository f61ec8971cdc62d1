// Row-sparse gradient bookkeeping for big embedding tables: which rows received gradient this
// step, so that zeroGrad and Adam touch only those rows (LazyAdam) instead of the whole table.

/** Set of touched rows of one [V, D] parameter; `dense` = something wrote the full gradient. */
export class TouchedRows {
  private readonly mark: Uint8Array;
  private list: Int32Array;
  private n = 0;
  /** Set when an op other than gather wrote this gradient: fall back to a dense update. */
  dense = false;

  constructor(readonly numRows: number) {
    this.mark = new Uint8Array(numRows);
    this.list = new Int32Array(Math.min(numRows, 1024));
  }

  /** Records rows (duplicates are ignored). Indices must be valid (the caller checked them). */
  addAll(idx: Int32Array): void {
    for (let i = 0; i < idx.length; i++) {
      const r = idx[i];
      if (this.mark[r]) continue;
      this.mark[r] = 1;
      if (this.n === this.list.length) {
        const l = new Int32Array(Math.min(this.numRows, 2 * this.list.length));
        l.set(this.list);
        this.list = l;
      }
      this.list[this.n++] = r;
    }
  }

  /** The touched rows, in first-touch order (a view, valid until clear()). */
  rows(): Int32Array {
    return this.list.subarray(0, this.n);
  }

  /** Forgets all rows and the dense flag. */
  clear(): void {
    for (let i = 0; i < this.n; i++) this.mark[this.list[i]] = 0;
    this.n = 0;
    this.dense = false;
  }
}
