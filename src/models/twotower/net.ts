// The two towers as parameters + two forward paths:
//  - on the tape (training): dense @ W0[:Dd] + emb @ W0[Dd:] so no gradient is ever computed for
//    the (large, constant) dense inputs; only the small embedding part back-propagates;
//  - without the tape (serving / item vectors): sgemm into preallocated buffers.
// Tower: x -> Linear(D, h0) -> ReLU -> ... -> Linear(h_{L-2}, h_{L-1}), no ReLU on the last.
// Parameter names: {user,item}.{0,1,..}.{W,b}, emb.country, emb.language, emb.genre.
import { Linear } from '../../nn/index.ts';
import { ParamStore, Rng, Tape, Tensor, concat, gather, init, kernels, linear, sgemm } from '../../tensor/index.ts';
import { fusedLinear } from './fused_linear.ts';

/** Sizes of the network (see config.ts for the model-level settings). */
export interface NetDims {
  /** dense user input (features) Du */
  userDense: number;
  countryVocab: number;
  countryDim: number;
  /** dense item input Di */
  itemDense: number;
  languageVocab: number;
  languageDim: number;
  genreVocab: number;
  genreDim: number;
  /** tower sizes, e.g. [512, 256, 128] */
  hidden: readonly number[];
}

/** One tower: its Linear layers and the row-split views of the first weight. */
class Tower {
  readonly layers: Linear[];
  /** W0 rows of the dense part [Dd, h0] and of the embedding part [De, h0] (views, shared grads) */
  Wd!: Tensor;
  We!: Tensor | null;

  constructor(ps: ParamStore, readonly name: string, readonly denseDim: number, readonly embDim: number, hidden: readonly number[]) {
    const dims = [denseDim + embDim, ...hidden];
    this.layers = [];
    for (let i = 0; i + 1 < dims.length; i++) this.layers.push(new Linear(ps, `${name}.${i}`, dims[i], dims[i + 1]));
  }

  /** Call once all parameters exist (views must see the final flat buffer). */
  bindViews(): void {
    const W = this.layers[0].W, H = W.shape[1], Dd = this.denseDim;
    const view = (a: number, b: number): Tensor => new Tensor(W.data.subarray(a * H, b * H), [b - a, H], {
      requiresGrad: true, grad: W.grad!.subarray(a * H, b * H), name: `${W.name}[${a}:${b}]`,
    });
    this.Wd = view(0, Dd);
    this.We = this.embDim > 0 ? view(Dd, Dd + this.embDim) : null;
  }

  get outDim(): number {
    return this.layers[this.layers.length - 1].outDim;
  }

  /**
   * dense: [B, Dd] (constant), emb: [B, De] or null -> [B, H]. One tape node per layer: the
   * two-input first layer is fusedLinear (no gradient for the dense part), the others core linear.
   */
  forward(tp: Tape, dense: Tensor, emb: Tensor | null): Tensor {
    const L = this.layers.length;
    const xs: Tensor[] = [], Ws: Tensor[] = [];
    if (this.denseDim > 0) { xs.push(dense); Ws.push(this.Wd); }
    if (emb && this.We) { xs.push(emb); Ws.push(this.We); }
    if (xs.length === 0) throw new Error(`Tower(${this.name}).forward: no inputs`);
    let h = fusedLinear(tp, xs, Ws, this.layers[0].b, L > 1);
    for (let i = 1; i < L; i++) h = linear(tp, h, this.layers[i].W, this.layers[i].b, { relu: i < L - 1 });
    return h;
  }

  /**
   * Tapeless forward for B rows into `out` with scratch buffers `bufs` (>= B * h_i each).
   * dense: [B, Dd], emb: [B, De] or null -> out: [B, H]
   */
  infer(B: number, dense: Float32Array, emb: Float32Array | null, bufs: Float32Array[], out: Float32Array): void {
    const L = this.layers.length;
    let x = dense, xd = this.denseDim;
    for (let i = 0; i < L; i++) {
      const l = this.layers[i], H = l.outDim;
      const y = i === L - 1 ? out : bufs[i];
      const Wi = i === 0 ? this.Wd.data : l.W.data;
      if (i === 0 && xd === 0) y.fill(0, 0, B * H);
      else sgemm(false, false, B, H, xd, 1, x, Math.max(xd, 1), Wi, H, 0, y, H);
      if (i === 0 && emb && this.We) sgemm(false, false, B, H, this.embDim, 1, emb, this.embDim, this.We.data, H, 1, y, H);
      const bias = l.b!.data;
      const act = i < L - 1;
      for (let r = 0; r < B; r++) {
        const o = r * H;
        for (let j = 0; j < H; j++) {
          const v = y[o + j] + bias[j];
          y[o + j] = act && v < 0 ? 0 : v;
        }
      }
      x = y; xd = H;
    }
  }
}

/**
 * User tower + item tower + embedding tables in one ParamStore.
 * @example const net = new TwoTowerNet(dims, 1); const u = net.userTape(tp, denseT, countryIds);
 */
export class TwoTowerNet {
  readonly params: ParamStore;
  readonly user: Tower;
  readonly item: Tower;
  readonly country: Tensor | null;
  readonly language: Tensor | null;
  readonly genre: Tensor | null;
  private userBufs: Float32Array[];
  private userEmb: Float32Array;

  constructor(readonly dims: Readonly<NetDims>, seed: number) {
    for (const [k, v] of Object.entries(dims)) {
      if (k !== 'hidden' && (!Number.isInteger(v) || (v as number) < 0)) throw new RangeError(`TwoTowerNet: dims.${k} must be an integer >= 0, got ${v}`);
    }
    if (dims.hidden.length < 1) throw new RangeError('TwoTowerNet: dims.hidden must list at least the output size');
    this.params = new ParamStore(new Rng(seed));
    const ps = this.params;
    const table = (name: string, V: number, D: number): Tensor | null => D > 0 ? ps.add(name, [Math.max(V, 1), D], init.normal(0.1)) : null;
    this.country = table('emb.country', dims.countryVocab, dims.countryDim);
    this.language = table('emb.language', dims.languageVocab, dims.languageDim);
    this.genre = table('emb.genre', dims.genreVocab, dims.genreDim);
    this.user = new Tower(ps, 'user', dims.userDense, dims.countryDim, dims.hidden);
    this.item = new Tower(ps, 'item', dims.itemDense, dims.languageDim + dims.genreDim, dims.hidden);
    this.user.bindViews();
    this.item.bindViews();
    this.userBufs = dims.hidden.map((h) => new Float32Array(h));
    this.userEmb = new Float32Array(Math.max(dims.countryDim, 1));
  }

  /** Output size H. */
  get outDim(): number {
    return this.dims.hidden[this.dims.hidden.length - 1];
  }

  /** User tower on the tape. dense: [B, Du] (constant), countryIds: [B] -> [B, H] */
  userTape(tp: Tape, dense: Tensor, countryIds: Int32Array): Tensor {
    return this.user.forward(tp, dense, this.country ? gather(tp, this.country, countryIds) : null);
  }

  /** Item tower on the tape. dense: [B, Di] (constant), languageIds, genreIds: [B] -> [B, H] */
  itemTape(tp: Tape, dense: Tensor, languageIds: Int32Array, genreIds: Int32Array): Tensor {
    const parts: Tensor[] = [];
    if (this.language) parts.push(gather(tp, this.language, languageIds));
    if (this.genre) parts.push(gather(tp, this.genre, genreIds));
    const emb = parts.length === 0 ? null : parts.length === 1 ? parts[0] : concat(tp, parts, 1);
    return this.item.forward(tp, dense, emb);
  }

  /**
   * Batch-1 user tower without the tape, into preallocated buffers (serving hot path).
   * dense: [Du], country row id -> out: [H] (a fresh array unless given)
   */
  userInfer1(dense: Float32Array, countryId: number, out: Float32Array = new Float32Array(this.outDim)): Float32Array {
    const Dc = this.dims.countryDim;
    if (this.country) {
      if (!(countryId >= 0 && countryId < this.country.shape[0])) throw new RangeError(`TwoTowerNet.userInfer1: countryId ${countryId} out of range [0, ${this.country.shape[0]})`);
      this.userEmb.set(this.country.data.subarray(countryId * Dc, countryId * Dc + Dc));
    }
    this.user.infer(1, dense, this.country ? this.userEmb : null, this.userBufs, out);
    return out;
  }

  /**
   * User tower for B rows without the tape. dense: [B, Du], countryIds: [B] -> [B, H]
   */
  userInferBatch(dense: Float32Array, countryIds: Int32Array, B: number): Float32Array {
    const out = new Float32Array(B * this.outDim);
    const chunk = 1024, Du = this.dims.userDense, Dc = this.dims.countryDim;
    const bufs = this.dims.hidden.map((h) => new Float32Array(Math.min(chunk, B) * h));
    const emb = new Float32Array(Math.min(chunk, B) * Dc);
    for (let s = 0; s < B; s += chunk) {
      const n = Math.min(chunk, B - s);
      if (this.country) kernels.gatherRows(this.country.data, Dc, countryIds.subarray(s, s + n), emb);
      this.user.infer(n, dense.subarray(s * Du, (s + n) * Du), this.country ? emb : null, bufs, out.subarray(s * this.outDim, (s + n) * this.outDim));
    }
    return out;
  }

  /**
   * Item tower for B rows without the tape. dense: [B, Di], languageIds, genreIds: [B] -> [B, H]
   */
  itemInferBatch(dense: Float32Array, languageIds: Int32Array, genreIds: Int32Array, B: number): Float32Array {
    const out = new Float32Array(B * this.outDim);
    const chunk = 1024, Di = this.dims.itemDense, Dl = this.dims.languageDim, Dg = this.dims.genreDim, De = Dl + Dg;
    const m = Math.min(chunk, B);
    const bufs = this.dims.hidden.map((h) => new Float32Array(m * h));
    const emb = new Float32Array(m * De);
    for (let s = 0; s < B; s += chunk) {
      const n = Math.min(chunk, B - s);
      for (let r = 0; r < n; r++) {
        if (this.language) emb.set(this.language.data.subarray(languageIds[s + r] * Dl, (languageIds[s + r] + 1) * Dl), r * De);
        if (this.genre) emb.set(this.genre.data.subarray(genreIds[s + r] * Dg, (genreIds[s + r] + 1) * Dg), r * De + Dl);
      }
      this.item.infer(n, dense.subarray(s * Di, (s + n) * Di), De > 0 ? emb : null, bufs, out.subarray(s * this.outDim, (s + n) * this.outDim));
    }
    return out;
  }
}
