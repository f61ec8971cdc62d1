// Reverse-mode tape. Ops (src/tensor/ops) take the tape as first argument, allocate their
// output from the tape's pool and, when gradients are needed, record a backward closure that
// reads the output gradient and accumulates into the inputs' gradients.
//
//   const tp = new Tape(pool);              // one pool per trainer, reused every step
//   const loss = mean(tp, relu(tp, matmul(tp, x, W)));
//   tp.backward(loss);                      // grads land in W.grad (ParamStore's flat grad)
//   adam.step(); params.zeroGrad(); tp.reset();   // reset recycles every buffer of the step
import { BufferPool } from './pool.ts';
import { Tensor, shapeSize } from './tensor.ts';

interface Node {
  out: Tensor;
  backward: () => void;
}

/** Records ops for one forward/backward pass; owns (or borrows) the pool its buffers come from. */
export class Tape {
  readonly pool: BufferPool;
  /** False for inference: ops record nothing and outputs never require grad. */
  readonly gradEnabled: boolean;
  private nodes: Node[] = [];
  private pooledGrads: Tensor[] = [];

  constructor(pool: BufferPool = new BufferPool(), opts: { grad?: boolean } = {}) {
    this.pool = pool;
    this.gradEnabled = opts.grad ?? true;
  }

  /** Whether an op with these inputs must record a backward step. */
  needsGrad(...inputs: Tensor[]): boolean {
    if (!this.gradEnabled) return false;
    for (const t of inputs) if (t.requiresGrad) return true;
    return false;
  }

  /** A pooled output tensor with undefined contents. */
  alloc(shape: readonly number[], requiresGrad = false, name = ''): Tensor {
    return new Tensor(this.pool.f32(shapeSize(shape)), shape, { requiresGrad, name });
  }

  /** A pooled output tensor filled with zeros. */
  zeros(shape: readonly number[], requiresGrad = false, name = ''): Tensor {
    return new Tensor(this.pool.f32Zeroed(shapeSize(shape)), shape, { requiresGrad, name });
  }

  /** A pooled tensor holding a copy of `values` (inputs of a step: features, targets as floats). */
  input(values: ArrayLike<number>, shape: readonly number[], name = ''): Tensor {
    const t = this.alloc(shape, false, name);
    if (values.length !== t.size) throw new RangeError(`Tape.input: ${name || 'values'} has ${values.length} elements, shape [${shape.join(', ')}] needs ${t.size}`);
    t.data.set(values);
    return t;
  }

  /** The same values without gradient tracking (a stop-gradient; shares memory with t). */
  detach(t: Tensor): Tensor {
    return new Tensor(t.data, t.shape, { name: t.name });
  }

  /** Registers the backward step of an op whose output is `out` (only call when needsGrad). */
  record(out: Tensor, backward: () => void): void {
    this.nodes.push({ out, backward });
  }

  /**
   * The gradient buffer of t for accumulation (zero-filled on first use). Parameters keep
   * their own (persistent) grad; intermediates get one from the pool.
   */
  grad(t: Tensor): Float32Array {
    if (t.touched) t.touched.dense = true; // a dense write into a row-sparse table
    if (t.grad) return t.grad;
    t.grad = this.pool.f32Zeroed(t.size);
    this.pooledGrads.push(t);
    return t.grad;
  }

  /**
   * For ops that can overwrite instead of accumulate (GEMM with beta): returns the grad buffer
   * and the beta to use (0 when the buffer is fresh and unwritten, else 1).
   */
  gradForWrite(t: Tensor): [Float32Array, 0 | 1] {
    if (t.touched) t.touched.dense = true;
    if (t.grad) return [t.grad, 1];
    t.grad = this.pool.f32(t.size);
    this.pooledGrads.push(t);
    return [t.grad, 0];
  }

  /**
   * Back-propagates from a one-element loss (d loss / d loss = seed), or from any output
   * with an explicit upstream gradient. Parameter grads are ACCUMULATED (zero them yourself).
   */
  backward(out: Tensor, upstream?: Float32Array | number): void {
    if (!out.requiresGrad) throw new Error(`Tape.backward: ${out.describe()} does not require grad (no parameter reaches it, or the tape has grad disabled)`);
    const g = this.grad(out);
    if (upstream === undefined || typeof upstream === 'number') {
      if (out.size !== 1) throw new RangeError(`Tape.backward: expected a one-element loss, got ${out.describe()}; pass an upstream gradient`);
      g[0] += upstream ?? 1;
    } else {
      if (upstream.length !== out.size) throw new RangeError(`Tape.backward: upstream has ${upstream.length} elements, ${out.describe()} needs ${out.size}`);
      for (let i = 0; i < g.length; i++) g[i] += upstream[i];
    }
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i];
      if (n.out.grad) n.backward();
    }
  }

  /** Number of recorded ops (tests, debugging). */
  get size(): number {
    return this.nodes.length;
  }

  /**
   * Ends the step: forgets the recorded ops and returns every pooled buffer (outputs and
   * intermediate grads) to the pool. Tensors produced during the step are invalid afterwards.
   */
  reset(): void {
    for (const t of this.pooledGrads) t.grad = null;
    this.pooledGrads.length = 0;
    this.nodes.length = 0;
    this.pool.releaseAll();
  }
}
