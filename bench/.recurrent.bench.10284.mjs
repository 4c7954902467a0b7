import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
var __defProp = Object.defineProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// src/backend/wasm.ts
import { instantiate } from "@assemblyscript/loader";

// src/backend/heap.ts
var PAGE = 65536;
var Arena = class {
  memory;
  base;
  top;
  highWater;
  constructor(k) {
    this.memory = k.memory;
    this.base = k.heap_base() + 15 & ~15;
    this.top = this.base;
    this.highWater = this.base;
  }
  /** Reserves n floats (16-byte aligned, contents undefined) and returns the byte offset. */
  alloc(n) {
    const ptr = this.top;
    const end = ptr + (n * 4 + 15 & ~15);
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    if (end > this.highWater) this.highWater = end;
    return ptr;
  }
  /** Reserves n floats set to zero. */
  zeros(n) {
    const ptr = this.alloc(n);
    this.view(ptr, n).fill(0);
    return ptr;
  }
  /** Copies `data` in and returns its offset. */
  put(data) {
    const ptr = this.alloc(data.length);
    this.view(ptr, data.length).set(data);
    return ptr;
  }
  /** A fresh Float32Array copy of n floats at ptr. */
  read(ptr, n) {
    return this.view(ptr, n).slice();
  }
  /** Copies n floats at ptr into `into`. */
  readInto(ptr, into) {
    into.set(this.view(ptr, into.length));
  }
  /** A live view: invalid after the next alloc (memory may grow), so use it at once. */
  view(ptr, n) {
    return new Float32Array(this.memory.buffer, ptr, n);
  }
  mark() {
    return this.top;
  }
  release(mark) {
    this.top = mark;
  }
  /** Bytes in use right now (0 between ops). */
  get liveBytes() {
    return this.top - this.base;
  }
  /** Size of WebAssembly.Memory in bytes. */
  get memoryBytes() {
    return this.memory.buffer.byteLength;
  }
  /** Runs fn with the arena and releases everything fn allocated, even when it throws. */
  scoped(fn) {
    const m = this.top;
    try {
      return fn(this);
    } finally {
      this.top = m;
    }
  }
};

// src/backend/wasm.ts
var VERSION = "0.1.0";
var SIMD_PROBE = new Uint8Array([
  0,
  97,
  115,
  109,
  1,
  0,
  0,
  0,
  1,
  5,
  1,
  96,
  0,
  1,
  123,
  3,
  2,
  1,
  0,
  10,
  10,
  1,
  8,
  0,
  65,
  0,
  253,
  15,
  253,
  98,
  11
]);
function simdSupported() {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}
var backend = null;
var pending = null;
var isNode = typeof process !== "undefined" && !!process.versions?.node;
async function readDefault(simd) {
  const file = simd ? "rnn-simd.wasm" : "rnn-scalar.wasm";
  const candidates = [new URL(`./${file}`, import.meta.url), new URL(`../../build/${file}`, import.meta.url)];
  if (isNode && candidates[0].protocol === "file:") {
    const { readFile } = await import("node:fs/promises");
    candidates.push(new URL(`build/${file}`, `file://${process.cwd()}/`));
    for (const url of candidates) {
      try {
        return await readFile(url);
      } catch {
      }
    }
    throw new Error(`rnn-wasm: cannot find ${file} beside the module or in build/; run 'npm run build:wasm'`);
  }
  const res = await fetch(candidates[0]);
  if (!res.ok) throw new Error(`rnn-wasm: fetching ${candidates[0]} failed with HTTP ${res.status}; pass init({ wasm })`);
  return res;
}
async function toBytesOrModule(src) {
  if (src instanceof WebAssembly.Module) return src;
  if (src instanceof ArrayBuffer) return src;
  if (ArrayBuffer.isView(src)) return new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  if (typeof Response !== "undefined" && src instanceof Response) return new Uint8Array(await src.arrayBuffer());
  if (typeof src === "string" || src instanceof URL) {
    const url = new URL(src.toString(), typeof location !== "undefined" ? location.href : import.meta.url);
    if (isNode && url.protocol === "file:") {
      const { readFile } = await import("node:fs/promises");
      return readFile(url);
    }
    const res = await fetch(url);
    if (!res.ok) throw new Error(`rnn-wasm: fetching ${url} failed with HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }
  throw new Error(`rnn-wasm: init({ wasm }) takes a URL, bytes or a WebAssembly.Module, got ${typeof src}`);
}
async function instantiateKernels(src) {
  const { exports } = await instantiate(src, {});
  return exports;
}
function init(options = {}) {
  if (backend) return Promise.resolve();
  if (pending) return pending;
  pending = (async () => {
    const simd = options.simd ?? simdSupported();
    if (simd && !simdSupported()) throw new Error("rnn-wasm: init({ simd: true }) but this engine has no WebAssembly SIMD");
    const src = options.wasm !== void 0 ? await toBytesOrModule(options.wasm) : await readDefault(simd);
    const kernels2 = await instantiateKernels(src instanceof Response ? new Uint8Array(await src.arrayBuffer()) : src);
    backend = { kernels: kernels2, arena: new Arena(kernels2), info: { simd, threads: 1, version: VERSION } };
  })();
  pending.catch(() => {
    pending = null;
  });
  return pending;
}
function ready() {
  if (!backend) throw new Error("rnn-wasm: the wasm core is not loaded: call `await rnn.init()` first");
  return backend;
}
function backendInfo() {
  return { ...ready().info };
}
function kernels() {
  return ready().kernels;
}
function arena() {
  return ready().arena;
}

// src/random.ts
var s0 = 0;
var s1 = 0;
var s2 = 0;
var s3 = 0;
var spare = null;
function splitmix32(state) {
  state = state + 2654435769 | 0;
  let z = state;
  z = Math.imul(z ^ z >>> 16, 2246822507);
  z = Math.imul(z ^ z >>> 13, 3266489909);
  return [state, (z ^ z >>> 16) >>> 0];
}
function manualSeed(seed) {
  if (!Number.isFinite(seed)) throw new Error(`manualSeed: seed must be a finite number, got ${seed}`);
  let st = Math.trunc(seed) ^ Math.trunc(seed / 4294967296) | 0;
  [st, s0] = splitmix32(st);
  [st, s1] = splitmix32(st);
  [st, s2] = splitmix32(st);
  [, s3] = splitmix32(st);
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  spare = null;
}
manualSeed(67280421310721 % 2147483647);
function nextU32() {
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl(s3, 11);
  return result;
}
function rotl(x, k) {
  return x << k | x >>> 32 - k;
}
function random() {
  return nextU32() / 4294967296;
}

// src/tape.ts
var enabled = true;
function noGrad(fn) {
  const prev = enabled;
  enabled = false;
  try {
    const r = fn();
    if (r instanceof Promise) throw new Error("noGrad: fn must be synchronous; it returned a Promise");
    return r;
  } finally {
    enabled = prev;
  }
}
function needsGrad(...inputs) {
  if (!enabled) return false;
  for (const t of inputs) if (t && t.requiresGrad) return true;
  return false;
}
function record(name, inputs, outputs, backward) {
  const node = { name, inputs, outputSizes: outputs.map((o) => o.size), backward, grads: outputs.map(() => null) };
  outputs.forEach((o, i) => o._setCreator(node, i));
}
function accumulate(into, g) {
  for (let i = 0; i < into.length; i++) into[i] += g[i];
}
function runBackward(root, grad) {
  const rootNode = root._creator;
  if (!rootNode) {
    root._accumulateGrad(grad.slice());
    return;
  }
  if (!rootNode.backward) throw freedError(rootNode);
  const order = [];
  const seen = /* @__PURE__ */ new Set([rootNode]);
  const stack2 = [[rootNode, 0]];
  while (stack2.length) {
    const top = stack2[stack2.length - 1];
    const [node, i] = top;
    if (i < node.inputs.length) {
      top[1]++;
      const child = node.inputs[i]._creator;
      if (child && !seen.has(child) && node.inputs[i].requiresGrad) {
        if (!child.backward) throw freedError(child);
        seen.add(child);
        stack2.push([child, 0]);
      }
    } else {
      order.push(node);
      stack2.pop();
    }
  }
  rootNode.grads[root._outputIndex] = grad.slice();
  for (let n = order.length - 1; n >= 0; n--) {
    const node = order[n];
    const gradOutputs = node.grads;
    const fn = node.backward;
    const inputs = node.inputs;
    node.backward = null;
    node.inputs = [];
    node.grads = [];
    if (gradOutputs.every((g) => g === null)) continue;
    const contributions = fn(gradOutputs);
    const taken = /* @__PURE__ */ new Set();
    for (let i = 0; i < inputs.length; i++) {
      let g = contributions[i];
      const t = inputs[i];
      if (!g || !t.requiresGrad) continue;
      if (taken.has(g)) g = g.slice();
      taken.add(g);
      const creator = t._creator;
      if (!creator) {
        t._accumulateGrad(g);
      } else {
        const slot = creator.grads[t._outputIndex];
        if (slot) accumulate(slot, g);
        else creator.grads[t._outputIndex] = g;
      }
    }
  }
}
function freedError(node) {
  return new Error(
    `backward: the graph through '${node.name}' was already freed by an earlier backward(); detach() state carried between chunks (truncated BPTT), or recompute the forward pass`
  );
}

// src/tensor.ts
function fmtShape(shape) {
  return `[${shape.join(",")}]`;
}
function shapeSize(shape, what = "shape") {
  if (!Array.isArray(shape)) throw new Error(`${what} must be an array of dimensions, got ${typeof shape}`);
  let n = 1;
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new Error(`${what}: every dimension must be a non-negative integer, got ${fmtShape(shape)}`);
    }
    n *= d;
  }
  return n;
}
var Tensor = class _Tensor {
  /** Dimensions, outermost first. */
  shape;
  /** Number of elements. */
  size;
  /** Row-major data. Shared with views (reshape, detach); mutate only through an optimiser. @internal */
  data;
  /** Whether backward() computes a gradient for this tensor. */
  requiresGrad;
  /** The accumulated gradient of a leaf after backward(), else null. */
  grad = null;
  /** @internal */
  _creator = null;
  /** @internal */
  _outputIndex = 0;
  /** @internal Use {@link tensor} or the other factories. */
  constructor(data, shape, requiresGrad = false) {
    const size = shapeSize(shape);
    if (data.length !== size) {
      throw new Error(`tensor: data has ${data.length} elements but shape ${fmtShape(shape)} needs ${size}`);
    }
    this.shape = Object.freeze(shape.slice());
    this.size = size;
    this.data = data;
    this.requiresGrad = requiresGrad;
  }
  /** Number of dimensions. */
  get ndim() {
    return this.shape.length;
  }
  /** A copy of the data, row-major. */
  toArray() {
    return this.data.slice();
  }
  /** The data as nested arrays of numbers (for printing and tests). */
  toNested() {
    const build = (offset, dim) => {
      if (dim === this.shape.length) return this.data[offset];
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim] }, (_, i) => build(offset + i * stride, dim + 1));
    };
    return build(0, 0);
  }
  /** The value of a one-element tensor. */
  item() {
    if (this.size !== 1) throw new Error(`item: tensor must have one element, got shape ${fmtShape(this.shape)}`);
    return this.data[0];
  }
  /** Same data, cut from the tape: no gradient flows through the result. */
  detach() {
    return new _Tensor(this.data, this.shape, false);
  }
  /** The same data with another shape (one dimension may be -1). Differentiable. */
  reshape(shape) {
    return reshapeImpl(this, shape);
  }
  /**
   * Backpropagates from this tensor. `grad` has this tensor's shape; it may be omitted only
   * for a one-element tensor (it is then 1). Gradients accumulate into the `.grad` of leaves.
   */
  backward(grad) {
    if (!this.requiresGrad) {
      throw new Error("backward: this tensor does not require grad (no input of the computation had requiresGrad: true)");
    }
    let g;
    if (grad === void 0) {
      if (this.size !== 1) {
        throw new Error(`backward: grad must be given for a tensor of shape ${fmtShape(this.shape)} (only a one-element tensor defaults to 1)`);
      }
      g = new Float32Array([1]);
    } else if (grad instanceof _Tensor) {
      if (grad.size !== this.size || grad.shape.length !== this.shape.length || grad.shape.some((d, i) => d !== this.shape[i])) {
        throw new Error(`backward: grad must have shape ${fmtShape(this.shape)}, got ${fmtShape(grad.shape)}`);
      }
      g = grad.data;
    } else if (grad instanceof Float32Array || Array.isArray(grad)) {
      if (grad.length !== this.size) {
        throw new Error(`backward: grad must have ${this.size} elements (shape ${fmtShape(this.shape)}), got ${grad.length}`);
      }
      g = Float32Array.from(grad);
    } else {
      throw new Error(`backward: grad must be a Tensor, Float32Array or number[], got ${typeof grad}`);
    }
    runBackward(this, g);
  }
  /** @internal */
  _setCreator(node, index) {
    this._creator = node;
    this._outputIndex = index;
    this.requiresGrad = true;
  }
  /** @internal Adds g (owned by the caller, handed over) into this leaf's .grad. */
  _accumulateGrad(g) {
    if (this.grad) {
      const d = this.grad.data;
      for (let i = 0; i < d.length; i++) d[i] += g[i];
    } else {
      this.grad = new _Tensor(g, this.shape);
    }
  }
  /** A short description, e.g. `Tensor([2,3], requiresGrad)`. */
  toString() {
    return `Tensor(${fmtShape(this.shape)}${this.requiresGrad ? ", requiresGrad" : ""})`;
  }
};
var reshapeImpl = () => {
  throw new Error("reshape: ops not loaded");
};
function _setReshape(fn) {
  reshapeImpl = fn;
}
function inferShape(data) {
  const shape = [];
  let cur = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}
function flatten(data, shape, out) {
  let k = 0;
  const walk2 = (v, dim, path2) => {
    if (dim === shape.length) {
      if (typeof v !== "number") throw new Error(`tensor: element at [${path2.join(",")}] must be a number, got ${Array.isArray(v) ? "an array" : typeof v}`);
      out[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new Error(`tensor: ragged nested array: at [${path2.join(",")}] expected ${shape[dim]} elements, got ${Array.isArray(v) ? v.length : typeof v}`);
    }
    for (let i = 0; i < v.length; i++) walk2(v[i], dim + 1, [...path2, i]);
  };
  walk2(data, 0, []);
}
function tensor(data, shape, options = {}) {
  let flat;
  let finalShape;
  if (typeof data === "number") {
    flat = new Float32Array([data]);
    finalShape = [];
  } else if (Array.isArray(data) && data.some((v) => Array.isArray(v))) {
    finalShape = inferShape(data);
    flat = new Float32Array(shapeSize(finalShape));
    flatten(data, finalShape, flat);
  } else if (Array.isArray(data) || ArrayBuffer.isView(data)) {
    const arr = data;
    flat = new Float32Array(arr.length);
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (typeof v !== "number") throw new Error(`tensor: element ${i} must be a number, got ${typeof v}`);
      flat[i] = v;
    }
    finalShape = [arr.length];
  } else {
    throw new Error(`tensor: data must be a number array, typed array or nested arrays, got ${data === null ? "null" : typeof data}`);
  }
  if (shape !== void 0) {
    const n = shapeSize(shape, "tensor: shape");
    if (n !== flat.length) {
      throw new Error(`tensor: data has ${flat.length} elements but shape ${fmtShape(shape)} needs ${n}`);
    }
    finalShape = shape.slice();
  }
  return new Tensor(flat, finalShape, !!options.requiresGrad);
}
function zeros(shape, options = {}) {
  return new Tensor(new Float32Array(shapeSize(shape, "zeros: shape")), shape, !!options.requiresGrad);
}
function uniform(shape, low = 0, high = 1, options = {}) {
  const n = shapeSize(shape, "uniform: shape");
  if (!(high >= low)) throw new Error(`uniform: high must be >= low, got low=${low}, high=${high}`);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = low + (high - low) * random();
  return new Tensor(d, shape, !!options.requiresGrad);
}

// src/ops/index.ts
var ops_exports = {};
__export(ops_exports, {
  add: () => add,
  concat: () => concat,
  div: () => div,
  dropout: () => dropout,
  embedding: () => embedding,
  exp: () => exp,
  lastStep: () => lastStep,
  linear: () => linear,
  log: () => log,
  logSoftmax: () => logSoftmax,
  matmul: () => matmul,
  mean: () => mean,
  mul: () => mul,
  neg: () => neg,
  permute: () => permute,
  relu: () => relu,
  reshape: () => reshape,
  select: () => select,
  sigmoid: () => sigmoid,
  slice: () => slice,
  softmax: () => softmax,
  stack: () => stack,
  sub: () => sub,
  sum: () => sum,
  tanh: () => tanh,
  transpose: () => transpose
});

// src/ops/util.ts
function checkTensor(x, op, arg) {
  if (!(x instanceof Tensor)) {
    throw new Error(`${op}: ${arg} must be a Tensor, got ${x === null ? "null" : Array.isArray(x) ? "an array" : typeof x}`);
  }
  return x;
}
function normAxis(axis, ndim, op, arg = "axis") {
  if (!Number.isInteger(axis) || axis < -Math.max(ndim, 1) || axis >= Math.max(ndim, 1)) {
    throw new Error(`${op}: ${arg} must be an integer in [${-ndim}, ${ndim - 1}], got ${axis}`);
  }
  return axis < 0 ? axis + ndim : axis;
}
function checkFinite(data, op, arg) {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) throw new Error(`${op}: ${arg} contains ${v} at flat index ${i}`);
  }
}
function prod(shape, from = 0, to = shape.length) {
  let n = 1;
  for (let i = from; i < to; i++) n *= shape[i];
  return n;
}

// src/ops/broadcast.ts
function broadcastShape(a, b, op) {
  const n = Math.max(a.length, b.length);
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}
function sourceStrides(shape, target) {
  const nd = target.length;
  const padded = [...new Array(nd - shape.length).fill(1), ...shape];
  const st = new Array(nd).fill(0);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    st[d] = padded[d] === 1 && target[d] !== 1 ? 0 : s;
    s *= padded[d];
  }
  return st;
}
function walk(shape, target, visit) {
  const nd = target.length;
  const st = sourceStrides(shape, target);
  const idx = new Array(nd).fill(0);
  const n = prod(target);
  let si = 0;
  for (let i = 0; i < n; i++) {
    visit(i, si);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      si += st[d];
      if (idx[d] < target[d]) break;
      si -= st[d] * target[d];
      idx[d] = 0;
    }
  }
}
function expandTo(data, shape, target) {
  const out = new Float32Array(prod(target));
  walk(shape, target, (i, si) => {
    out[i] = data[si];
  });
  return out;
}
function sumTo(g, shape, target) {
  const out = new Float32Array(prod(shape));
  walk(shape, target, (i, si) => {
    out[si] += g[i];
  });
  return out;
}
function sameShape(a, b) {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

// src/ops/arithmetic.ts
function operand(x, op, arg) {
  if (x instanceof Tensor) return x;
  if (typeof x === "number") return tensor(x);
  throw new Error(`${op}: ${arg} must be a Tensor or a number, got ${x === null ? "null" : typeof x}`);
}
function prepare(x, y, op) {
  const a = operand(x, op, "a");
  const b = operand(y, op, "b");
  const shape = broadcastShape(a.shape, b.shape, op);
  const fa = sameShape(a.shape, shape) ? a.data : expandTo(a.data, a.shape, shape);
  const fb = sameShape(b.shape, shape) ? b.data : expandTo(b.data, b.shape, shape);
  return { a, b, shape, fa, fb };
}
function fold(g, t, shape) {
  return sameShape(t.shape, shape) ? g : sumTo(g, t.shape, shape);
}
function binaryForward(p, kernel) {
  const n = p.fa.length;
  const k = kernels();
  return arena().scoped((ar) => {
    const pa = ar.put(p.fa);
    const pb = ar.put(p.fb);
    k[kernel](pa, pa, pb, n);
    return ar.read(pa, n);
  });
}
function add(a, b) {
  const p = prepare(a, b, "add");
  const out = new Tensor(binaryForward(p, "add_forward"), p.shape);
  if (needsGrad(p.a, p.b)) {
    record("add", [p.a, p.b], [out], ([g]) => [fold(g, p.a, p.shape), fold(g, p.b, p.shape)]);
  }
  return out;
}
function sub(a, b) {
  const p = prepare(a, b, "sub");
  const out = new Tensor(binaryForward(p, "sub_forward"), p.shape);
  if (needsGrad(p.a, p.b)) {
    record("sub", [p.a, p.b], [out], ([g]) => {
      const neg2 = g.map((v) => -v);
      return [fold(g, p.a, p.shape), fold(neg2, p.b, p.shape)];
    });
  }
  return out;
}
function mul(a, b) {
  const p = prepare(a, b, "mul");
  const out = new Tensor(binaryForward(p, "mul_forward"), p.shape);
  if (needsGrad(p.a, p.b)) {
    record("mul", [p.a, p.b], [out], ([g]) => {
      const n = g.length;
      const k = kernels();
      return arena().scoped((ar) => {
        const pg = ar.put(g);
        let ga = null;
        let gb = null;
        if (p.a.requiresGrad) {
          const pd = ar.zeros(n);
          k.mul_backward(pd, pg, ar.put(p.fb), n);
          ga = fold(ar.read(pd, n), p.a, p.shape);
        }
        if (p.b.requiresGrad) {
          const pd = ar.zeros(n);
          k.mul_backward(pd, pg, ar.put(p.fa), n);
          gb = fold(ar.read(pd, n), p.b, p.shape);
        }
        return [ga, gb];
      });
    });
  }
  return out;
}
function div(a, b) {
  const p = prepare(a, b, "div");
  const y = binaryForward(p, "div_forward");
  const out = new Tensor(y, p.shape);
  if (needsGrad(p.a, p.b)) {
    record("div", [p.a, p.b], [out], ([g]) => {
      const n = g.length;
      const k = kernels();
      return arena().scoped((ar) => {
        const da = p.a.requiresGrad ? ar.zeros(n) : 0;
        const db = p.b.requiresGrad ? ar.zeros(n) : 0;
        k.div_backward(da, db, ar.put(g), ar.put(p.fb), ar.put(y), n);
        return [
          da ? fold(ar.read(da, n), p.a, p.shape) : null,
          db ? fold(ar.read(db, n), p.b, p.shape) : null
        ];
      });
    });
  }
  return out;
}
function neg(x) {
  return mul(x, -1);
}

// src/ops/activations.ts
function unary(name, x, fwd, bwd, savesInput) {
  checkTensor(x, name, "x");
  const k = kernels();
  const n = x.size;
  const y = arena().scoped((a) => {
    const px = a.put(x.data);
    fwd(k)(px, px, n);
    return a.read(px, n);
  });
  const out = new Tensor(y, x.shape);
  if (needsGrad(x)) {
    const saved = savesInput ? x.data : y;
    record(name, [x], [out], ([g]) => [
      arena().scoped((a) => {
        const pd = a.zeros(n);
        const pg = a.put(g);
        const ps = a.put(saved);
        bwd(k)(pd, pg, ps, n);
        return [a.read(pd, n)];
      })[0]
    ]);
  }
  return out;
}
function tanh(x) {
  return unary("tanh", x, (k) => k.tanh_forward, (k) => k.tanh_backward, false);
}
function sigmoid(x) {
  return unary("sigmoid", x, (k) => k.sigmoid_forward, (k) => k.sigmoid_backward, false);
}
function relu(x) {
  return unary("relu", x, (k) => k.relu_forward, (k) => k.relu_backward, false);
}
function exp(x) {
  return unary("exp", x, (k) => k.exp_forward, (k) => k.exp_backward, false);
}
function log(x) {
  return unary("log", x, (k) => k.log_forward, (k) => k.log_backward, true);
}

// src/backend/gemm.ts
function packedSize(k, n) {
  return Math.ceil(n / 8) * 8 * k;
}
function gemmNN(kern, ar, c, a, b, bias, m, k, n, accumulate2) {
  const work = ar.alloc(packedSize(k, n));
  kern.gemm_nn(c, a, b, bias, work, m, k, n, accumulate2 ? 1 : 0);
}
function gemmNT(kern, ar, c, a, b, bias, m, k, n, accumulate2) {
  const work = ar.alloc(packedSize(k, n));
  kern.gemm_nt(c, a, b, bias, work, m, k, n, accumulate2 ? 1 : 0);
}
function gemmTN(kern, ar, c, a, b, bias, m, k, n, accumulate2) {
  const work = ar.alloc(packedSize(k, n) + m * k);
  kern.gemm_tn(c, a, b, bias, work, m, k, n, accumulate2 ? 1 : 0);
}

// src/ops/matmul.ts
function matmul(a, b) {
  checkTensor(a, "matmul", "a");
  checkTensor(b, "matmul", "b");
  if (a.ndim < 2 || b.ndim < 2) {
    throw new Error(`matmul: both operands need at least 2 dimensions, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  const n = a.shape[a.ndim - 2];
  const k = a.shape[a.ndim - 1];
  const kb = b.shape[b.ndim - 2];
  const m = b.shape[b.ndim - 1];
  if (k !== kb) {
    throw new Error(`matmul: inner dimensions differ: ${fmtShape(a.shape)} \xB7 ${fmtShape(b.shape)} (${k} vs ${kb})`);
  }
  const shared = b.ndim === 2;
  const batchShape = a.shape.slice(0, -2);
  if (!shared) {
    const bb = b.shape.slice(0, -2);
    if (bb.length !== batchShape.length || bb.some((d, i) => d !== batchShape[i])) {
      throw new Error(`matmul: batch dimensions differ: ${fmtShape(a.shape)} \xB7 ${fmtShape(b.shape)}`);
    }
  }
  const batch = prod(batchShape);
  const kern = kernels();
  const outShape = [...batchShape, n, m];
  const y = arena().scoped((ar) => {
    const pa = ar.put(a.data);
    const pb = ar.put(b.data);
    const pc = ar.alloc(batch * n * m);
    if (shared) {
      gemmNN(kern, ar, pc, pa, pb, 0, batch * n, k, m, false);
    } else {
      for (let i = 0; i < batch; i++) gemmNN(kern, ar, pc + i * n * m * 4, pa + i * n * k * 4, pb + i * k * m * 4, 0, n, k, m, false);
    }
    return ar.read(pc, batch * n * m);
  });
  const out = new Tensor(y, outShape);
  if (needsGrad(a, b)) {
    record(
      "matmul",
      [a, b],
      [out],
      ([g]) => arena().scoped((ar) => {
        const pg = ar.put(g);
        let da = null;
        let db = null;
        if (a.requiresGrad) {
          const pb = ar.put(b.data);
          const pd = ar.alloc(a.size);
          if (shared) gemmNT(kern, ar, pd, pg, pb, 0, batch * n, m, k, false);
          else for (let i = 0; i < batch; i++) gemmNT(kern, ar, pd + i * n * k * 4, pg + i * n * m * 4, pb + i * k * m * 4, 0, n, m, k, false);
          da = ar.read(pd, a.size);
        }
        if (b.requiresGrad) {
          const pa = ar.put(a.data);
          const pd = ar.alloc(b.size);
          if (shared) gemmTN(kern, ar, pd, pa, pg, 0, k, batch * n, m, false);
          else for (let i = 0; i < batch; i++) gemmTN(kern, ar, pd + i * k * m * 4, pa + i * n * k * 4, pg + i * n * m * 4, 0, k, n, m, false);
          db = ar.read(pd, b.size);
        }
        return [da, db];
      })
    );
  }
  return out;
}

// src/ops/shape.ts
function reshape(x, shape) {
  checkTensor(x, "reshape", "x");
  if (!Array.isArray(shape)) throw new Error(`reshape: shape must be an array, got ${typeof shape}`);
  const s = shape.slice();
  const free = s.indexOf(-1);
  if (free !== -1) {
    if (s.indexOf(-1, free + 1) !== -1) throw new Error(`reshape: at most one -1 in shape, got ${fmtShape(shape)}`);
    const known = s.reduce((a, d, i) => i === free ? a : a * d, 1);
    if (known === 0 || x.size % known !== 0) {
      throw new Error(`reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)}`);
    }
    s[free] = x.size / known;
  }
  const n = shapeSize(s, "reshape: shape");
  if (n !== x.size) throw new Error(`reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)}`);
  const out = new Tensor(x.data, s);
  if (needsGrad(x)) record("reshape", [x], [out], ([g]) => [g]);
  return out;
}
_setReshape(reshape);
function permuteData(data, shape, perm) {
  const nd = shape.length;
  const out = new Float32Array(data.length);
  const inStrides = new Array(nd);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    inStrides[d] = s;
    s *= shape[d];
  }
  const outShape = perm.map((p) => shape[p]);
  const st = perm.map((p) => inStrides[p]);
  const idx = new Array(nd).fill(0);
  let si = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = data[si];
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      si += st[d];
      if (idx[d] < outShape[d]) break;
      si -= st[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}
function permute(x, perm) {
  checkTensor(x, "permute", "x");
  const p = perm.map((a) => normAxis(a, x.ndim, "permute", "perm"));
  if (p.length !== x.ndim || new Set(p).size !== p.length) {
    throw new Error(`permute: perm must list each of the ${x.ndim} axes once, got [${perm.join(",")}]`);
  }
  const out = new Tensor(permuteData(x.data, x.shape, p), p.map((a) => x.shape[a]));
  if (needsGrad(x)) {
    const inv = new Array(p.length);
    p.forEach((a, i) => inv[a] = i);
    record("permute", [x], [out], ([g]) => [permuteData(g, out.shape, inv)]);
  }
  return out;
}
function transpose(x, dim0 = -2, dim1 = -1) {
  checkTensor(x, "transpose", "x");
  const a = normAxis(dim0, x.ndim, "transpose", "dim0");
  const b = normAxis(dim1, x.ndim, "transpose", "dim1");
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}
function concat(tensors, axis = 0) {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error("concat: tensors must be a non-empty array of Tensors");
  tensors.forEach((t, i) => checkTensor(t, "concat", `tensors[${i}]`));
  const first = tensors[0];
  const ax = normAxis(axis, first.ndim, "concat");
  for (const t of tensors) {
    if (t.ndim !== first.ndim || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new Error(`concat: shapes ${fmtShape(first.shape)} and ${fmtShape(t.shape)} differ outside axis ${ax}`);
    }
  }
  const outer = prod(first.shape, 0, ax);
  const inner = prod(first.shape, ax + 1);
  const total = tensors.reduce((a, t) => a + t.shape[ax], 0);
  const shape = first.shape.slice();
  shape[ax] = total;
  const out = new Float32Array(outer * total * inner);
  let offset = 0;
  for (const t of tensors) {
    const block = t.shape[ax] * inner;
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * block, (o + 1) * block), o * total * inner + offset);
    offset += block;
  }
  const result = new Tensor(out, shape);
  if (needsGrad(...tensors)) {
    record("concat", tensors.slice(), [result], ([g]) => {
      let off = 0;
      return tensors.map((t) => {
        const block = t.shape[ax] * inner;
        const gi = new Float32Array(t.size);
        for (let o = 0; o < outer; o++) gi.set(g.subarray(o * total * inner + off, o * total * inner + off + block), o * block);
        off += block;
        return gi;
      });
    });
  }
  return result;
}
function stack(tensors, axis = 0) {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error("stack: tensors must be a non-empty array of Tensors");
  tensors.forEach((t, i) => checkTensor(t, "stack", `tensors[${i}]`));
  const s02 = tensors[0].shape;
  for (const t of tensors) {
    if (t.ndim !== s02.length || t.shape.some((d, i) => d !== s02[i])) {
      throw new Error(`stack: every tensor must have shape ${fmtShape(s02)}, got ${fmtShape(t.shape)}`);
    }
  }
  const ax = normAxis(axis, s02.length + 1, "stack");
  const expanded = tensors.map((t) => reshape(t, [...s02.slice(0, ax), 1, ...s02.slice(ax)]));
  return concat(expanded, ax);
}
function slice(x, axis, start, end) {
  checkTensor(x, "slice", "x");
  const ax = normAxis(axis, x.ndim, "slice");
  const len = x.shape[ax];
  const norm = (v, what) => {
    if (!Number.isInteger(v)) throw new Error(`slice: ${what} must be an integer, got ${v}`);
    return Math.min(Math.max(v < 0 ? v + len : v, 0), len);
  };
  const s = norm(start, "start");
  const e = end === void 0 ? len : norm(end, "end");
  const width = Math.max(e - s, 0);
  const outer = prod(x.shape, 0, ax);
  const inner = prod(x.shape, ax + 1);
  const shape = x.shape.slice();
  shape[ax] = width;
  const out = new Float32Array(outer * width * inner);
  for (let o = 0; o < outer; o++) {
    const from = (o * len + s) * inner;
    out.set(x.data.subarray(from, from + width * inner), o * width * inner);
  }
  const result = new Tensor(out, shape);
  if (needsGrad(x)) {
    record("slice", [x], [result], ([g]) => {
      const gx = new Float32Array(x.size);
      for (let o = 0; o < outer; o++) gx.set(g.subarray(o * width * inner, (o + 1) * width * inner), (o * len + s) * inner);
      return [gx];
    });
  }
  return result;
}
function select(x, axis, index) {
  checkTensor(x, "select", "x");
  const ax = normAxis(axis, x.ndim, "select");
  const len = x.shape[ax];
  if (!Number.isInteger(index) || index < -len || index >= len) {
    throw new Error(`select: index must be an integer in [${-len}, ${len - 1}] for axis ${ax} of ${fmtShape(x.shape)}, got ${index}`);
  }
  const i = index < 0 ? index + len : index;
  const s = slice(x, ax, i, i + 1);
  return reshape(s, x.shape.filter((_, d) => d !== ax));
}

// src/ops/softmax.ts
function rowwise(name, x, axis) {
  checkTensor(x, name, "x");
  if (x.ndim === 0) throw new Error(`${name}: x must have at least one dimension, got a 0-d tensor`);
  const ax = normAxis(axis, x.ndim, name);
  if (ax !== x.ndim - 1) return transpose(rowwise(name, transpose(x, ax, -1), -1), ax, -1);
  const cols = x.shape[ax];
  const rows = cols === 0 ? 0 : x.size / cols;
  const k = kernels();
  const fwd = name === "softmax" ? k.softmax_forward : k.log_softmax_forward;
  const bwd = name === "softmax" ? k.softmax_backward : k.log_softmax_backward;
  const y = arena().scoped((ar) => {
    const p = ar.put(x.data);
    fwd(p, p, rows, cols);
    return ar.read(p, x.size);
  });
  const out = new Tensor(y, x.shape);
  if (needsGrad(x)) {
    record(
      name,
      [x],
      [out],
      ([g]) => arena().scoped((ar) => {
        const pd = ar.zeros(x.size);
        bwd(pd, ar.put(g), ar.put(y), rows, cols);
        return [ar.read(pd, x.size)];
      })
    );
  }
  return out;
}
function softmax(x, axis = -1) {
  return rowwise("softmax", x, axis);
}
function logSoftmax(x, axis = -1) {
  return rowwise("logSoftmax", x, axis);
}

// src/ops/reduce.ts
function reduce(name, x, axis, keepDim, mean2) {
  checkTensor(x, name, "x");
  const k = kernels();
  if (axis === void 0 || axis === null) {
    const total = arena().scoped((ar) => k.sum(ar.put(x.data), x.size));
    const scale2 = mean2 ? 1 / x.size : 1;
    const out2 = new Tensor(new Float32Array([total * scale2]), keepDim ? x.shape.map(() => 1) : []);
    if (needsGrad(x)) record(name, [x], [out2], ([g]) => [new Float32Array(x.size).fill(g[0] * scale2)]);
    return out2;
  }
  const ax = normAxis(axis, x.ndim, name);
  const outer = prod(x.shape, 0, ax);
  const n = x.shape[ax];
  const inner = prod(x.shape, ax + 1);
  const scale = mean2 ? 1 / n : 1;
  const size = outer * inner;
  const y = arena().scoped((ar) => {
    const po = ar.zeros(size);
    k.sum_axis_forward(po, ar.put(x.data), outer, n, inner);
    if (mean2) k.scale_forward(po, po, scale, size);
    return ar.read(po, size);
  });
  const shape = keepDim ? x.shape.map((d, i) => i === ax ? 1 : d) : x.shape.filter((_, i) => i !== ax);
  const out = new Tensor(y, shape);
  if (needsGrad(x)) {
    record(
      name,
      [x],
      [out],
      ([g]) => arena().scoped((ar) => {
        const pd = ar.zeros(x.size);
        const pg = ar.put(g);
        if (mean2) k.scale_forward(pg, pg, scale, size);
        k.sum_axis_backward(pd, pg, outer, n, inner);
        return [ar.read(pd, x.size)];
      })
    );
  }
  return out;
}
function sum(x, axis, keepDim = false) {
  return reduce("sum", x, axis, keepDim, false);
}
function mean(x, axis, keepDim = false) {
  return reduce("mean", x, axis, keepDim, true);
}

// src/ops/linear.ts
function linear(x, weight, bias = null) {
  checkTensor(x, "linear", "x");
  checkTensor(weight, "linear", "weight");
  if (weight.ndim !== 2) throw new Error(`linear: weight must be [out, in], got ${fmtShape(weight.shape)}`);
  const [O, I] = weight.shape;
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== I) throw new Error(`linear: x must be [..., ${I}], got ${fmtShape(x.shape)}`);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== O)) throw new Error(`linear: bias must be [${O}], got ${fmtShape(bias.shape)}`);
  const M = x.size / I;
  const k = kernels();
  const y = arena().scoped((ar) => {
    const pc = ar.alloc(M * O);
    gemmNT(k, ar, pc, ar.put(x.data), ar.put(weight.data), bias ? ar.put(bias.data) : 0, M, I, O, false);
    return ar.read(pc, M * O);
  });
  const out = new Tensor(y, [...x.shape.slice(0, -1), O]);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  if (needsGrad(...inputs)) {
    record(
      "linear",
      inputs,
      [out],
      ([g]) => arena().scoped((ar) => {
        const pg = ar.put(g);
        let dx = null;
        let dw = null;
        let db = null;
        if (x.requiresGrad) {
          const p = ar.alloc(M * I);
          gemmNN(k, ar, p, pg, ar.put(weight.data), 0, M, O, I, false);
          dx = ar.read(p, M * I);
        }
        if (weight.requiresGrad) {
          const p = ar.alloc(O * I);
          gemmTN(k, ar, p, pg, ar.put(x.data), 0, O, M, I, false);
          dw = ar.read(p, O * I);
        }
        if (bias && bias.requiresGrad) {
          const p = ar.zeros(O);
          k.sum_axis_forward(p, pg, 1, M, O);
          db = ar.read(p, O);
        }
        return [dx, dw, db];
      })
    );
  }
  return out;
}

// src/ops/embedding.ts
function flattenIds(ids, n, op, arg = "ids") {
  let flat;
  let shape;
  if (ids instanceof Tensor) {
    flat = ids.data;
    shape = ids.shape.slice();
  } else if (Array.isArray(ids) && ids.length > 0 && Array.isArray(ids[0])) {
    const rows = ids;
    const T = rows[0].length;
    rows.forEach((r, i) => {
      if (!Array.isArray(r) || r.length !== T) throw new Error(`${op}: ${arg}[${i}] must have ${T} ids like ${arg}[0], got ${Array.isArray(r) ? r.length : typeof r}`);
    });
    flat = rows.flat();
    shape = [rows.length, T];
  } else if (Array.isArray(ids) || ids instanceof Int32Array) {
    flat = ids;
    shape = [flat.length];
  } else {
    throw new Error(`${op}: ${arg} must be an Int32Array, number[], number[][] or Tensor, got ${ids === null ? "null" : typeof ids}`);
  }
  const out = new Int32Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (!Number.isInteger(v) || v < 0 || v >= n) throw new Error(`${op}: ${arg}[${i}] must be an integer in [0, ${n - 1}], got ${v}`);
    out[i] = v;
  }
  return { flat: out, shape };
}
function embedding(ids, weight, shape) {
  checkTensor(weight, "embedding", "weight");
  if (weight.ndim !== 2) throw new Error(`embedding: weight must be [numEmbeddings, embeddingDim], got ${fmtShape(weight.shape)}`);
  const [N, D] = weight.shape;
  const { flat, shape: s } = flattenIds(ids, N, "embedding");
  const outShape = shape ? [...shape, D] : [...s, D];
  const y = new Float32Array(flat.length * D);
  for (let i = 0; i < flat.length; i++) y.set(weight.data.subarray(flat[i] * D, (flat[i] + 1) * D), i * D);
  const out = new Tensor(y, outShape);
  if (needsGrad(weight)) {
    record("embedding", [weight], [out], ([g]) => {
      const dw = new Float32Array(N * D);
      for (let i = 0; i < flat.length; i++) {
        const row = flat[i] * D;
        for (let j = 0; j < D; j++) dw[row + j] += g[i * D + j];
      }
      return [dw];
    });
  }
  return out;
}

// src/ops/dropout.ts
function dropout(x, p, training = true) {
  checkTensor(x, "dropout", "x");
  if (!(p >= 0 && p < 1)) throw new Error(`dropout: p must be in [0, 1), got ${p}`);
  if (!training || p === 0) return x;
  const scale = 1 / (1 - p);
  const mask = new Float32Array(x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = random() < p ? 0 : scale;
  const y = new Float32Array(x.size);
  for (let i = 0; i < y.length; i++) y[i] = x.data[i] * mask[i];
  const out = new Tensor(y, x.shape);
  if (needsGrad(x)) {
    record("dropout", [x], [out], ([g]) => {
      const d = new Float32Array(x.size);
      for (let i = 0; i < d.length; i++) d[i] = g[i] * mask[i];
      return [d];
    });
  }
  return out;
}

// src/ops/last-step.ts
function lastStep(x, lengths, batchFirst = true) {
  checkTensor(x, "lastStep", "x");
  if (x.ndim !== 3) throw new Error(`lastStep: x must be [B,T,F], got ${fmtShape(x.shape)}`);
  const [B, T, F] = batchFirst ? [x.shape[0], x.shape[1], x.shape[2]] : [x.shape[1], x.shape[0], x.shape[2]];
  const at = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const len = lengths ? lengths[b] : T;
    if (!Number.isInteger(len) || len < 1 || len > T) throw new Error(`lastStep: lengths[${b}] must be an integer in 1..${T}, got ${len}`);
    at[b] = (batchFirst ? b * T + len - 1 : (len - 1) * B + b) * F;
  }
  const y = new Float32Array(B * F);
  for (let b = 0; b < B; b++) y.set(x.data.subarray(at[b], at[b] + F), b * F);
  const out = new Tensor(y, [B, F]);
  if (needsGrad(x)) {
    record("lastStep", [x], [out], ([g]) => {
      const d = new Float32Array(x.size);
      for (let b = 0; b < B; b++) d.set(g.subarray(b * F, (b + 1) * F), at[b]);
      return [d];
    });
  }
  return out;
}

// src/nn/module.ts
var Module = class {
  /** Training mode (dropout active); set by train() / eval(). */
  training = true;
  ownParams = [];
  children = [];
  /** Registers a trainable parameter under its PyTorch name. */
  registerParameter(name, t) {
    t.requiresGrad = true;
    this.ownParams.push([name, t]);
    return t;
  }
  /** Registers a sub-module; its parameters appear as `name.param`. */
  registerModule(name, m) {
    this.children.push([name, m]);
    return m;
  }
  /**
   * The constructor options that rebuild this module (used by rnn.save). Containers describe
   * their sub-modules through namedChildren(); their own config holds only their own options.
   */
  config() {
    return {};
  }
  /** [name, parameter] pairs in registration order, with PyTorch's names. */
  namedParameters() {
    const out = [...this.ownParams];
    for (const [cn, child] of this.children) for (const [n, p] of child.namedParameters()) out.push([`${cn}.${n}`, p]);
    return out;
  }
  /** Every trainable tensor (for optimisers and clipping). */
  parameters() {
    return this.namedParameters().map(([, p]) => p);
  }
  /** The sub-modules, in registration order. */
  namedChildren() {
    return [...this.children];
  }
  /** Parameters by name; the tensors share data with the model (detached). */
  stateDict() {
    const out = {};
    for (const [n, p] of this.namedParameters()) out[n] = p.detach();
    return out;
  }
  /**
   * Copies values into the parameters (in place, so optimisers keep working). Under `strict`
   * a missing or unexpected key throws; a wrong shape or non-finite value always throws, naming
   * the key and both shapes.
   */
  loadStateDict(dict, options = {}) {
    const { strict = true } = options;
    if (!dict || typeof dict !== "object") throw new Error(`loadStateDict: dict must be an object of tensors, got ${dict === null ? "null" : typeof dict}`);
    const named = this.namedParameters();
    const known = new Set(named.map(([n]) => n));
    if (strict) {
      for (const key of Object.keys(dict)) {
        if (!known.has(key)) throw new Error(`loadStateDict: unexpected key '${key}' (the model has: ${[...known].join(", ")})`);
      }
    }
    const updates = [];
    for (const [name, p] of named) {
      if (!Object.prototype.hasOwnProperty.call(dict, name)) {
        if (strict) throw new Error(`loadStateDict: missing key '${name}' (shape ${fmtShape(p.shape)})`);
        continue;
      }
      const v = dict[name];
      const shape = v instanceof Tensor ? v.shape : v && Array.isArray(v.shape) ? v.shape : null;
      const data = v instanceof Tensor ? v.data : v ? v.data : null;
      if (!shape || !data || typeof data.length !== "number") {
        throw new Error(`loadStateDict: '${name}' must be a Tensor or { shape, data }`);
      }
      if (shape.length !== p.shape.length || shape.some((d, i) => d !== p.shape[i])) {
        throw new Error(`loadStateDict: '${name}' has shape ${fmtShape(p.shape)} in the model but ${fmtShape(shape)} in the dict`);
      }
      if (data.length !== p.size) {
        throw new Error(`loadStateDict: '${name}' declares shape ${fmtShape(shape)} (${p.size} values) but holds ${data.length}`);
      }
      const copy = Float32Array.from(data);
      for (let i = 0; i < copy.length; i++) {
        if (!Number.isFinite(copy[i])) throw new Error(`loadStateDict: '${name}' holds ${copy[i]} at index ${i}`);
      }
      updates.push([p, copy]);
    }
    for (const [p, copy] of updates) p.data.set(copy);
  }
  /** Sets training mode (dropout on) for this module and every sub-module. */
  train(mode = true) {
    this.training = mode;
    for (const [, c] of this.children) c.train(mode);
    return this;
  }
  /** Sets evaluation mode (dropout off). */
  eval() {
    return this.train(false);
  }
};

// src/nn/init.ts
function uniformParam(shape, bound) {
  return uniform(shape, -bound, bound);
}
function identity(n) {
  const t = zeros([n, n]);
  for (let i = 0; i < n; i++) t.data[i * n + i] = 1;
  return t;
}

// src/ops/sequence.ts
function seqLayout(B, T, lengths, op) {
  const len = new Int32Array(B).fill(T);
  if (lengths !== void 0 && lengths !== null) {
    if (typeof lengths !== "object" || typeof lengths.length !== "number") {
      throw new Error(`${op}: lengths must be a number[] or Int32Array of size ${B}, got ${typeof lengths}`);
    }
    if (lengths.length !== B) throw new Error(`${op}: lengths must have one entry per sequence (${B}), got ${lengths.length}`);
    for (let b = 0; b < B; b++) {
      const l = lengths[b];
      if (!Number.isInteger(l) || l < 1 || l > T) {
        throw new Error(`${op}: lengths[${b}] must be an integer in 1..${T} (the sequence length T), got ${l}`);
      }
      len[b] = l;
    }
  }
  const order = Int32Array.from({ length: B }, (_, i) => i).sort((a, b) => len[b] - len[a] || a - b);
  const sorted = Int32Array.from(order, (b) => len[b]);
  const active = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    let n = 0;
    while (n < B && sorted[n] > t) n++;
    active[t] = n;
  }
  return { B, T, order, lengths: sorted, active };
}
function toTimeMajor(src, L, F, srcF, off, batchFirst, maskPadding) {
  const { B, T, order, lengths } = L;
  const out = new Float32Array(T * B * F);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < B; j++) {
      if (maskPadding && t >= lengths[j]) continue;
      const b = order[j];
      const s = (batchFirst ? b * T + t : t * B + b) * srcF + off;
      out.set(src.subarray(s, s + F), (t * B + j) * F);
    }
  }
  return out;
}
function fromTimeMajor(dst, src, L, F, dstF, off, batchFirst) {
  const { B, T, order, lengths } = L;
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < B; j++) {
      if (t >= lengths[j]) continue;
      const b = order[j];
      const d = (batchFirst ? b * T + t : t * B + b) * dstF + off;
      dst.set(src.subarray((t * B + j) * F, (t * B + j + 1) * F), d);
    }
  }
}
function sortRows(src, L, F) {
  const out = new Float32Array(L.B * F);
  for (let j = 0; j < L.B; j++) out.set(src.subarray(L.order[j] * F, (L.order[j] + 1) * F), j * F);
  return out;
}
function unsortRows(dst, off, src, L, F) {
  for (let j = 0; j < L.B; j++) dst.set(src.subarray(j * F, (j + 1) * F), off + L.order[j] * F);
}
function checkState(s, want, op, arg) {
  if (s === null || s === void 0) return;
  if (s.ndim !== 3 || s.shape[0] !== want[0] || s.shape[1] !== want[1] || s.shape[2] !== want[2]) {
    throw new Error(`${op}: ${arg} must be ${fmtShape(want)}, got ${fmtShape(s.shape)}`);
  }
}

// src/nn/recurrent.ts
function positiveInt(v, op, name) {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${v}`);
  return v;
}
var RecurrentBase = class extends Module {
  inputSize;
  hiddenSize;
  numLayers;
  bias;
  batchFirst;
  bidirectional;
  dropout;
  /** Per layer, per direction, the weights the layer op takes. @internal */
  cells = [];
  constructor(op, options) {
    super();
    if (!options || typeof options !== "object") throw new Error(`${op}: options must be an object with inputSize and hiddenSize`);
    this.inputSize = positiveInt(options.inputSize, op, "inputSize");
    this.hiddenSize = positiveInt(options.hiddenSize, op, "hiddenSize");
    this.numLayers = positiveInt(options.numLayers ?? 1, op, "numLayers");
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? true;
    this.bidirectional = options.bidirectional ?? false;
    this.dropout = options.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new Error(`${op}: dropout must be in [0, 1), got ${this.dropout}`);
  }
  /** The options this layer was built with (a copy makes an identically shaped layer). */
  config() {
    return {
      inputSize: this.inputSize,
      hiddenSize: this.hiddenSize,
      numLayers: this.numLayers,
      bias: this.bias,
      batchFirst: this.batchFirst,
      bidirectional: this.bidirectional,
      dropout: this.dropout,
      ...this.extraConfig()
    };
  }
  /** Options specific to the subclass (nonlinearity, projSize, ...). @internal */
  extraConfig() {
    return {};
  }
  /** Number of directions D. */
  get numDirections() {
    return this.bidirectional ? 2 : 1;
  }
  /** Size of the state h (hiddenSize, or projSize for a projected LSTM). */
  get stateSize() {
    return this.hiddenSize;
  }
  /** Creates a parameter U(-1/√H, 1/√H) under `name` (PyTorch's default). @internal */
  param(name, shape) {
    return this.registerParameter(name, uniformParam(shape, 1 / Math.sqrt(this.hiddenSize)));
  }
  /** `_l{layer}` plus `_reverse` for the second direction. @internal */
  suffix(layer, dir) {
    return `_l${layer}${dir === 1 ? "_reverse" : ""}`;
  }
  /** Input size of layer l. @internal */
  layerInput(l) {
    return l === 0 ? this.inputSize : this.numDirections * this.stateSize;
  }
  /** Whether the cell has a cell state c (LSTM). */
  get hasCellState() {
    return false;
  }
  /**
   * Runs the network over a batch of sequences. See API.md for shapes; `lengths` gives
   * PyTorch packed-sequence semantics on a padded batch.
   */
  forward(x, options = {}) {
    const op = this.opName;
    checkTensor(x, op, "x");
    if (x.ndim !== 3 || x.shape[2] !== this.inputSize) {
      const want = this.batchFirst ? `[B,T,${this.inputSize}]` : `[T,B,${this.inputSize}]`;
      throw new Error(`${op}: x must be ${want}, got ${fmtShape(x.shape)}`);
    }
    checkFinite(x.data, op, "x");
    const [B, T] = this.batchFirst ? [x.shape[0], x.shape[1]] : [x.shape[1], x.shape[0]];
    if (B === 0 || T === 0) throw new Error(`${op}: x must have at least one sequence and one step, got ${fmtShape(x.shape)}`);
    const { h0 = null, c0 = null, lengths = null } = options ?? {};
    const D = this.numDirections;
    const Lyr = this.numLayers;
    if (h0 !== null) {
      checkTensor(h0, op, "h0");
      checkState(h0, [D * Lyr, B, this.stateSize], op, "h0");
      checkFinite(h0.data, op, "h0");
    }
    if (c0 !== null) {
      if (!this.hasCellState) throw new Error(`${op}: c0 is only for LSTM`);
      checkTensor(c0, op, "c0");
      checkState(c0, [D * Lyr, B, this.hiddenSize], op, "c0");
      checkFinite(c0.data, op, "c0");
    }
    const layout = seqLayout(B, T, lengths, op);
    const part = (s, l) => s === null ? null : Lyr === 1 ? s : slice(s, 0, l * D, (l + 1) * D);
    let input = x;
    const hs = [];
    const cs = [];
    for (let l = 0; l < Lyr; l++) {
      const res = this.runLayer(input, part(h0, l), part(c0, l), this.cells[l], layout);
      hs.push(res.hN);
      if (res.cN) cs.push(res.cN);
      input = res.output;
      if (l < Lyr - 1 && this.dropout > 0) input = dropout(input, this.dropout, this.training);
    }
    const hN = Lyr === 1 ? hs[0] : concat(hs, 0);
    const out = { output: input, hN };
    if (this.hasCellState) out.cN = Lyr === 1 ? cs[0] : concat(cs, 0);
    return out;
  }
};

// src/ops/elman.ts
var ELMAN_ACTIVATIONS = {
  tanh: { forward: (k) => k.tanh_forward, backward: (k) => k.tanh_backward },
  relu: { forward: (k) => k.relu_forward, backward: (k) => k.relu_backward }
};
function elmanLayer(x, h0, dirs, cfg) {
  const k = kernels();
  const L = cfg.layout;
  const { B, T, active } = L;
  const H = cfg.hiddenSize;
  const D = dirs.length;
  const I = x.shape[2];
  const TB = T * B;
  const bf = cfg.batchFirst;
  const act = cfg.activation.forward(k);
  const actBackward = cfg.activation.backward(k);
  const params = dirs.flatMap((w) => [w.wIh, w.wHh, w.bIh, w.bHh]);
  const inputs = [x, h0, ...params].filter((t) => t !== null);
  const saving = needsGrad(...inputs);
  const xTM = toTimeMajor(x.data, L, I, I, 0, bf, false);
  const out = new Float32Array(B * T * D * H);
  const hN = new Float32Array(D * B * H);
  const saved = [];
  arena().scoped((ar) => {
    const px = ar.put(xTM);
    for (let d = 0; d < D; d++) {
      const w = dirs[d];
      const reverse = d === 1;
      const pwih = ar.put(w.wIh.data);
      const pwhh = ar.put(w.wHh.data);
      const bias = w.bIh || w.bHh ? new Float32Array(H) : null;
      if (bias) [w.bIh, w.bHh].forEach((b) => b && b.data.forEach((v, i) => bias[i] += v));
      const pb = bias ? ar.put(bias) : 0;
      const xw = ar.alloc(TB * H);
      gemmNT(k, ar, xw, px, pwih, pb, TB, I, H, false);
      const packed = ar.alloc(packedSize(H, H));
      k.gemm_pack(packed, pwhh, H, H, 1);
      const hbuf = h0 ? ar.put(sortRows(h0.data.subarray(d * B * H, (d + 1) * B * H), L, H)) : ar.zeros(B * H);
      const hPrevAll = ar.zeros(TB * H);
      const y = ar.zeros(TB * H);
      const F = new Float32Array(ar.view(0, 0).buffer);
      for (let s = 0; s < T; s++) {
        const t = reverse ? T - 1 - s : s;
        const rows = active[t];
        if (rows === 0) continue;
        const xwT = xw + t * B * H * 4;
        const yT = y + t * B * H * 4;
        if (saving) F.copyWithin((hPrevAll >> 2) + t * B * H, hbuf >> 2, (hbuf >> 2) + rows * H);
        k.gemm_packed(xwT, hbuf, H, 1, packed, 0, rows, H, H, 1, H);
        act(yT, xwT, rows * H);
        F.copyWithin(hbuf >> 2, yT >> 2, (yT >> 2) + rows * H);
      }
      fromTimeMajor(out, ar.view(y, TB * H), L, H, D * H, d * H, bf);
      unsortRows(hN, d * B * H, ar.view(hbuf, B * H), L, H);
      if (saving) saved.push({ y: ar.read(y, TB * H), hPrev: ar.read(hPrevAll, TB * H) });
    }
  });
  const output = new Tensor(out, bf ? [B, T, D * H] : [T, B, D * H]);
  const hNt = new Tensor(hN, [D, B, H]);
  if (!saving) return { output, hN: hNt, cN: null };
  record("elman", inputs, [output, hNt], ([dOut, dhN]) => {
    const grads = /* @__PURE__ */ new Map();
    const dx = new Float32Array(x.size);
    const dh0 = new Float32Array(D * B * H);
    arena().scoped((ar) => {
      const px = ar.put(xTM);
      const pdx = ar.zeros(TB * I);
      for (let d = 0; d < D; d++) {
        const w = dirs[d];
        const reverse = d === 1;
        const pwih = ar.put(w.wIh.data);
        const pwhh = ar.put(w.wHh.data);
        const dZ = ar.zeros(TB * H);
        const dOutTM = ar.put(dOut ? toTimeMajor(dOut, L, H, D * H, d * H, bf, true) : new Float32Array(TB * H));
        const dh = ar.put(dhN ? sortRows(dhN.subarray(d * B * H, (d + 1) * B * H), L, H) : new Float32Array(B * H));
        const dht = ar.alloc(B * H);
        const y = ar.put(saved[d].y);
        const hPrev = ar.put(saved[d].hPrev);
        const packedT = ar.alloc(packedSize(H, H));
        k.gemm_pack(packedT, pwhh, H, H, 0);
        for (let s = T - 1; s >= 0; s--) {
          const t = reverse ? T - 1 - s : s;
          const rows = active[t];
          if (rows === 0) continue;
          const o = t * B * H * 4;
          k.add_forward(dht, dh, dOutTM + o, rows * H);
          actBackward(dZ + o, dht, y + o, rows * H);
          k.gemm_packed(dh, dZ + o, H, 1, packedT, 0, rows, H, H, 0, H);
        }
        if (w.wIh.requiresGrad) {
          const p = ar.alloc(H * I);
          gemmTN(k, ar, p, dZ, px, 0, H, TB, I, false);
          grads.set(w.wIh, ar.read(p, H * I));
        }
        if (w.wHh.requiresGrad) {
          const p = ar.alloc(H * H);
          gemmTN(k, ar, p, dZ, hPrev, 0, H, TB, H, false);
          grads.set(w.wHh, ar.read(p, H * H));
        }
        if (w.bIh || w.bHh) {
          const p = ar.zeros(H);
          k.sum_axis_forward(p, dZ, 1, TB, H);
          for (const b of [w.bIh, w.bHh]) if (b && b.requiresGrad) grads.set(b, ar.read(p, H));
        }
        if (x.requiresGrad) gemmNN(k, ar, pdx, dZ, pwih, 0, TB, H, I, true);
        unsortRows(dh0, d * B * H, ar.view(dh, B * H), L, H);
      }
      if (x.requiresGrad) fromTimeMajor(dx, ar.view(pdx, TB * I), L, I, I, 0, bf);
    });
    return inputs.map((t) => t === x ? dx : t === h0 ? dh0 : grads.get(t) ?? null);
  });
  return { output, hN: hNt, cN: null };
}

// src/nn/rnn.ts
var RNN = class extends RecurrentBase {
  opName = "RNN";
  nonlinearity;
  init;
  activation;
  constructor(options) {
    super("RNN", options);
    const nl = options.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") throw new Error(`RNN: nonlinearity must be 'tanh' or 'relu', got '${nl}'`);
    const init2 = options.init ?? "default";
    if (init2 !== "default" && init2 !== "identity") throw new Error(`RNN: init must be 'default' or 'identity', got '${init2}'`);
    this.nonlinearity = nl;
    this.init = init2;
    this.activation = ELMAN_ACTIVATIONS[nl];
    const H = this.hiddenSize;
    for (let l = 0; l < this.numLayers; l++) {
      const dirs = [];
      for (let d = 0; d < this.numDirections; d++) {
        const s = this.suffix(l, d);
        const wIh = this.param(`weight_ih${s}`, [H, this.layerInput(l)]);
        const wHh = this.param(`weight_hh${s}`, [H, H]);
        const bIh = this.bias ? this.param(`bias_ih${s}`, [H]) : null;
        const bHh = this.bias ? this.param(`bias_hh${s}`, [H]) : null;
        if (init2 === "identity") {
          wHh.data.set(identity(H).data);
          bIh?.data.fill(0);
          bHh?.data.fill(0);
        }
        dirs.push({ wIh, wHh, bIh, bHh });
      }
      this.cells.push(dirs);
    }
  }
  extraConfig() {
    return { nonlinearity: this.nonlinearity, init: this.init };
  }
  runLayer(x, h0, _c0, weights, layout) {
    return elmanLayer(x, h0, weights, { hiddenSize: this.hiddenSize, batchFirst: this.batchFirst, layout, activation: this.activation });
  }
};

// src/ops/lstm.ts
function biasSum(a, b, n) {
  if (!a && !b) return null;
  const s = new Float32Array(n);
  if (a) s.set(a.data);
  if (b) for (let i = 0; i < n; i++) s[i] += b.data[i];
  return s;
}
function peepholes(w, H) {
  if (!w.wCi) return null;
  const p = new Float32Array(3 * H);
  p.set(w.wCi.data, 0);
  p.set(w.wCf.data, H);
  p.set(w.wCo.data, 2 * H);
  return p;
}
function lstmLayer(x, h0, c0, dirs, cfg) {
  const k = kernels();
  const L = cfg.layout;
  const { B, T, active } = L;
  const H = cfg.hiddenSize;
  const P = cfg.projSize || H;
  const proj = cfg.projSize > 0;
  const D = dirs.length;
  const I = x.shape[2];
  const G = 4 * H;
  const TB = T * B;
  const bf = cfg.batchFirst;
  const params = dirs.flatMap((w) => [w.wIh, w.wHh, w.bIh, w.bHh, w.wHr, w.wCi, w.wCf, w.wCo]);
  const inputs = [x, h0, c0, ...params].filter((t) => t !== null);
  const saving = needsGrad(...inputs);
  const xTM = toTimeMajor(x.data, L, I, I, 0, bf, false);
  const out = new Float32Array(B * T * D * P);
  const hN = new Float32Array(D * B * P);
  const cN = new Float32Array(D * B * H);
  const saved = [];
  arena().scoped((ar) => {
    const px = ar.put(xTM);
    for (let d = 0; d < D; d++) {
      const w = dirs[d];
      const reverse = d === 1;
      const pwih = ar.put(w.wIh.data);
      const pwhh = ar.put(w.wHh.data);
      const bias = biasSum(w.bIh, w.bHh, G);
      const pb = bias ? ar.put(bias) : 0;
      const peep = peepholes(w, H);
      const ppeep = peep ? ar.put(peep) : 0;
      const xw = ar.alloc(TB * G);
      gemmNT(k, ar, xw, px, pwih, pb, TB, I, G, false);
      const packed = ar.alloc(packedSize(P, G));
      k.gemm_pack(packed, pwhh, P, G, 1);
      let packedR = 0;
      if (proj) {
        const pwhr = ar.put(w.wHr.data);
        packedR = ar.alloc(packedSize(H, P));
        k.gemm_pack(packedR, pwhr, H, P, 1);
      }
      const hbuf = h0 ? ar.put(sortRows(h0.data.subarray(d * B * P, (d + 1) * B * P), L, P)) : ar.zeros(B * P);
      const cbuf = c0 ? ar.put(sortRows(c0.data.subarray(d * B * H, (d + 1) * B * H), L, H)) : ar.zeros(B * H);
      const hPrevAll = ar.zeros(TB * P);
      const cPrevAll = ar.zeros(TB * H);
      const cAll = ar.alloc(TB * H);
      const tcAll = ar.alloc(TB * H);
      const hrawAll = proj ? ar.zeros(TB * H) : 0;
      const outTM = ar.zeros(TB * P);
      const F = new Float32Array(ar.view(0, 0).buffer);
      for (let s = 0; s < T; s++) {
        const t = reverse ? T - 1 - s : s;
        const rows = active[t];
        if (rows === 0) continue;
        const xwT = xw + t * B * G * 4;
        const outT = outTM + t * B * P * 4;
        const cT = cAll + t * B * H * 4;
        if (saving) {
          F.copyWithin((hPrevAll >> 2) + t * B * P, hbuf >> 2, (hbuf >> 2) + rows * P);
          F.copyWithin((cPrevAll >> 2) + t * B * H, cbuf >> 2, (cbuf >> 2) + rows * H);
        }
        k.gemm_packed(xwT, hbuf, P, 1, packed, 0, rows, P, G, 1, G);
        const hraw = proj ? hrawAll + t * B * H * 4 : outT;
        k.lstm_step_forward(xwT, hraw, cT, tcAll + t * B * H * 4, cbuf, ppeep, rows, H);
        if (proj) k.gemm_packed(outT, hraw, H, 1, packedR, 0, rows, H, P, 0, P);
        F.copyWithin(hbuf >> 2, outT >> 2, (outT >> 2) + rows * P);
        F.copyWithin(cbuf >> 2, cT >> 2, (cT >> 2) + rows * H);
      }
      fromTimeMajor(out, ar.view(outTM, TB * P), L, P, D * P, d * P, bf);
      unsortRows(hN, d * B * P, ar.view(hbuf, B * P), L, P);
      unsortRows(cN, d * B * H, ar.view(cbuf, B * H), L, H);
      if (saving) {
        saved.push({
          gates: ar.read(xw, TB * G),
          cPrev: ar.read(cPrevAll, TB * H),
          c: ar.read(cAll, TB * H),
          tc: ar.read(tcAll, TB * H),
          hPrev: ar.read(hPrevAll, TB * P),
          hraw: proj ? ar.read(hrawAll, TB * H) : null
        });
      }
    }
  });
  const output = new Tensor(out, bf ? [B, T, D * P] : [T, B, D * P]);
  const hNt = new Tensor(hN, [D, B, P]);
  const cNt = new Tensor(cN, [D, B, H]);
  if (!saving) return { output, hN: hNt, cN: cNt };
  record("lstm", inputs, [output, hNt, cNt], ([dOut, dhN, dcN]) => {
    const grads = /* @__PURE__ */ new Map();
    const dx = new Float32Array(x.size);
    const dh0 = new Float32Array(D * B * P);
    const dc0 = new Float32Array(D * B * H);
    arena().scoped((ar) => {
      const px = ar.put(xTM);
      const pdx = ar.zeros(TB * I);
      for (let d = 0; d < D; d++) {
        const w = dirs[d];
        const sv = saved[d];
        const reverse = d === 1;
        const pwih = ar.put(w.wIh.data);
        const pwhh = ar.put(w.wHh.data);
        const peep = peepholes(w, H);
        const ppeep = peep ? ar.put(peep) : 0;
        const dpeep = peep ? ar.zeros(3 * H) : 0;
        const dZ = ar.zeros(TB * G);
        const dOutTM = ar.put(dOut ? toTimeMajor(dOut, L, P, D * P, d * P, bf, true) : new Float32Array(TB * P));
        const dh = ar.put(dhN ? sortRows(dhN.subarray(d * B * P, (d + 1) * B * P), L, P) : new Float32Array(B * P));
        const dc = ar.put(dcN ? sortRows(dcN.subarray(d * B * H, (d + 1) * B * H), L, H) : new Float32Array(B * H));
        const dht = ar.alloc(B * P);
        const gates = ar.put(sv.gates);
        const cPrev = ar.put(sv.cPrev);
        const cAll = ar.put(sv.c);
        const tc = ar.put(sv.tc);
        const hPrev = ar.put(sv.hPrev);
        const packedT = ar.alloc(packedSize(G, P));
        k.gemm_pack(packedT, pwhh, G, P, 0);
        let packedRT = 0, dhraw = 0, dHproj = 0, hraw = 0, pwhr = 0;
        if (proj) {
          pwhr = ar.put(w.wHr.data);
          packedRT = ar.alloc(packedSize(P, H));
          k.gemm_pack(packedRT, pwhr, P, H, 0);
          dhraw = ar.alloc(B * H);
          dHproj = ar.zeros(TB * P);
          hraw = ar.put(sv.hraw);
        }
        const F = new Float32Array(ar.view(0, 0).buffer);
        for (let s = T - 1; s >= 0; s--) {
          const t = reverse ? T - 1 - s : s;
          const rows = active[t];
          if (rows === 0) continue;
          k.add_forward(dht, dh, dOutTM + t * B * P * 4, rows * P);
          let dhIn = dht;
          if (proj) {
            F.copyWithin((dHproj >> 2) + t * B * P, dht >> 2, (dht >> 2) + rows * P);
            k.gemm_packed(dhraw, dht, P, 1, packedRT, 0, rows, P, H, 0, H);
            dhIn = dhraw;
          }
          const o4 = t * B * H * 4;
          k.lstm_step_backward(dZ + t * B * G * 4, dc, dpeep, dhIn, gates + t * B * G * 4, cPrev + o4, cAll + o4, tc + o4, ppeep, rows, H);
          k.gemm_packed(dh, dZ + t * B * G * 4, G, 1, packedT, 0, rows, G, P, 0, P);
        }
        const grad = (t, ptr, n) => {
          if (t && t.requiresGrad) grads.set(t, ar.read(ptr, n));
        };
        if (w.wIh.requiresGrad) {
          const p = ar.alloc(G * I);
          gemmTN(k, ar, p, dZ, px, 0, G, TB, I, false);
          grad(w.wIh, p, G * I);
        }
        if (w.wHh.requiresGrad) {
          const p = ar.alloc(G * P);
          gemmTN(k, ar, p, dZ, hPrev, 0, G, TB, P, false);
          grad(w.wHh, p, G * P);
        }
        if (w.bIh && w.bIh.requiresGrad || w.bHh && w.bHh.requiresGrad) {
          const p = ar.zeros(G);
          k.sum_axis_forward(p, dZ, 1, TB, G);
          grad(w.bIh, p, G);
          grad(w.bHh, p, G);
        }
        if (proj && w.wHr.requiresGrad) {
          const p = ar.alloc(P * H);
          gemmTN(k, ar, p, dHproj, hraw, 0, P, TB, H, false);
          grad(w.wHr, p, P * H);
        }
        if (peep) {
          grad(w.wCi, dpeep, H);
          grad(w.wCf, dpeep + H * 4, H);
          grad(w.wCo, dpeep + 2 * H * 4, H);
        }
        if (x.requiresGrad) gemmNN(k, ar, pdx, dZ, pwih, 0, TB, G, I, true);
        unsortRows(dh0, d * B * P, ar.view(dh, B * P), L, P);
        unsortRows(dc0, d * B * H, ar.view(dc, B * H), L, H);
      }
      if (x.requiresGrad) fromTimeMajor(dx, ar.view(pdx, TB * I), L, I, I, 0, bf);
    });
    return inputs.map((t) => {
      if (t === x) return dx;
      if (t === h0) return dh0;
      if (t === c0) return dc0;
      return grads.get(t) ?? null;
    });
  });
  return { output, hN: hNt, cN: cNt };
}

// src/nn/lstm.ts
var LSTM = class extends RecurrentBase {
  opName = "LSTM";
  peephole;
  projSize;
  forgetBias;
  constructor(options) {
    super("LSTM", options);
    this.peephole = options.peephole ?? false;
    this.projSize = options.projSize ?? 0;
    this.forgetBias = options.forgetBias;
    if (options.forgetBias !== void 0 && !Number.isFinite(options.forgetBias)) throw new Error(`LSTM: forgetBias must be a finite number, got ${options.forgetBias}`);
    if (!Number.isInteger(this.projSize) || this.projSize < 0 || this.projSize > 0 && this.projSize >= this.hiddenSize) {
      throw new Error(`LSTM: projSize must be an integer in [0, hiddenSize), got ${options.projSize}`);
    }
    const H = this.hiddenSize;
    const P = this.stateSize;
    for (let l = 0; l < this.numLayers; l++) {
      const dirs = [];
      for (let d = 0; d < this.numDirections; d++) {
        const s = this.suffix(l, d);
        const wIh = this.param(`weight_ih${s}`, [4 * H, this.layerInput(l)]);
        const wHh = this.param(`weight_hh${s}`, [4 * H, P]);
        const bIh = this.bias ? this.param(`bias_ih${s}`, [4 * H]) : null;
        const bHh = this.bias ? this.param(`bias_hh${s}`, [4 * H]) : null;
        const wHr = this.projSize ? this.param(`weight_hr${s}`, [P, H]) : null;
        const wCi = this.peephole ? this.param(`weight_ci${s}`, [H]) : null;
        const wCf = this.peephole ? this.param(`weight_cf${s}`, [H]) : null;
        const wCo = this.peephole ? this.param(`weight_co${s}`, [H]) : null;
        if (options.forgetBias !== void 0 && bIh && bHh) {
          bIh.data.fill(options.forgetBias, H, 2 * H);
          bHh.data.fill(0, H, 2 * H);
        }
        dirs.push({ wIh, wHh, bIh, bHh, wHr, wCi, wCf, wCo });
      }
      this.cells.push(dirs);
    }
  }
  get stateSize() {
    return this.projSize || this.hiddenSize;
  }
  get hasCellState() {
    return true;
  }
  extraConfig() {
    return { peephole: this.peephole, projSize: this.projSize, forgetBias: this.forgetBias };
  }
  runLayer(x, h0, c0, weights, layout) {
    return lstmLayer(x, h0, c0, weights, { hiddenSize: this.hiddenSize, projSize: this.projSize, batchFirst: this.batchFirst, layout });
  }
};

// src/ops/gru.ts
function gruLayer(x, h0, dirs, cfg) {
  const k = kernels();
  const L = cfg.layout;
  const { B, T, active } = L;
  const H = cfg.hiddenSize;
  const G = 3 * H;
  const D = dirs.length;
  const I = x.shape[2];
  const TB = T * B;
  const bf = cfg.batchFirst;
  const after = cfg.resetAfter;
  const params = dirs.flatMap((w) => [w.wIh, w.wHh, w.bIh, w.bHh]);
  const inputs = [x, h0, ...params].filter((t) => t !== null);
  const saving = needsGrad(...inputs);
  const xTM = toTimeMajor(x.data, L, I, I, 0, bf, false);
  const out = new Float32Array(B * T * D * H);
  const hN = new Float32Array(D * B * H);
  const saved = [];
  arena().scoped((ar) => {
    const px = ar.put(xTM);
    for (let d = 0; d < D; d++) {
      const w = dirs[d];
      const reverse = d === 1;
      const pwih = ar.put(w.wIh.data);
      const pwhh = ar.put(w.wHh.data);
      const pbih = w.bIh ? ar.put(w.bIh.data) : 0;
      const pbhh = w.bHh ? ar.put(w.bHh.data) : 0;
      const xw = ar.alloc(TB * G);
      gemmNT(k, ar, xw, px, pwih, pbih, TB, I, G, false);
      const packed = ar.alloc(packedSize(H, G));
      let packedN = 0;
      if (after) {
        k.gemm_pack(packed, pwhh, H, G, 1);
      } else {
        k.gemm_pack(packed, pwhh, H, 2 * H, 1);
        packedN = ar.alloc(packedSize(H, H));
        k.gemm_pack(packedN, pwhh + 2 * H * H * 4, H, H, 1);
      }
      const hbuf = h0 ? ar.put(sortRows(h0.data.subarray(d * B * H, (d + 1) * B * H), L, H)) : ar.zeros(B * H);
      const hPrevAll = ar.zeros(TB * H);
      const gates = ar.zeros(TB * G);
      const hw = ar.zeros(TB * G);
      const rh = after ? 0 : ar.zeros(TB * H);
      const y = ar.zeros(TB * H);
      const F = new Float32Array(ar.view(0, 0).buffer);
      for (let s = 0; s < T; s++) {
        const t = reverse ? T - 1 - s : s;
        const rows = active[t];
        if (rows === 0) continue;
        const g3 = t * B * G * 4;
        const g1 = t * B * H * 4;
        if (saving) F.copyWithin((hPrevAll >> 2) + t * B * H, hbuf >> 2, (hbuf >> 2) + rows * H);
        if (after) {
          k.gemm_packed(hw + g3, hbuf, H, 1, packed, pbhh, rows, H, G, 0, G);
          k.gru_rz_forward(gates + g3, 0, xw + g3, hw + g3, hbuf, rows, H);
        } else {
          k.gemm_packed(hw + g3, hbuf, H, 1, packed, pbhh, rows, H, 2 * H, 0, G);
          k.gru_rz_forward(gates + g3, rh + g1, xw + g3, hw + g3, hbuf, rows, H);
          k.gemm_packed(hw + g3 + 2 * H * 4, rh + g1, H, 1, packedN, pbhh ? pbhh + 2 * H * 4 : 0, rows, H, H, 0, G);
        }
        k.gru_n_forward(y + g1, gates + g3, xw + g3, hw + g3, hbuf, rows, H, after ? 1 : 0);
        F.copyWithin(hbuf >> 2, y + g1 >> 2, (y + g1 >> 2) + rows * H);
      }
      fromTimeMajor(out, ar.view(y, TB * H), L, H, D * H, d * H, bf);
      unsortRows(hN, d * B * H, ar.view(hbuf, B * H), L, H);
      if (saving) {
        saved.push({
          gates: ar.read(gates, TB * G),
          hw: ar.read(hw, TB * G),
          hPrev: ar.read(hPrevAll, TB * H),
          rh: after ? null : ar.read(rh, TB * H)
        });
      }
    }
  });
  const output = new Tensor(out, bf ? [B, T, D * H] : [T, B, D * H]);
  const hNt = new Tensor(hN, [D, B, H]);
  if (!saving) return { output, hN: hNt, cN: null };
  record("gru", inputs, [output, hNt], ([dOut, dhN]) => {
    const grads = /* @__PURE__ */ new Map();
    const dx = new Float32Array(x.size);
    const dh0 = new Float32Array(D * B * H);
    arena().scoped((ar) => {
      const px = ar.put(xTM);
      const pdx = ar.zeros(TB * I);
      for (let d = 0; d < D; d++) {
        const w = dirs[d];
        const sv = saved[d];
        const reverse = d === 1;
        const pwih = ar.put(w.wIh.data);
        const pwhh = ar.put(w.wHh.data);
        const dXW = ar.zeros(TB * G);
        const dHW = ar.zeros(TB * G);
        const dOutTM = ar.put(dOut ? toTimeMajor(dOut, L, H, D * H, d * H, bf, true) : new Float32Array(TB * H));
        const dh = ar.put(dhN ? sortRows(dhN.subarray(d * B * H, (d + 1) * B * H), L, H) : new Float32Array(B * H));
        const dht = ar.alloc(B * H);
        const gates = ar.put(sv.gates);
        const hw = ar.put(sv.hw);
        const hPrev = ar.put(sv.hPrev);
        const rh = sv.rh ? ar.put(sv.rh) : 0;
        const packedT = ar.alloc(packedSize(G, H));
        let packedNT = 0, drh = 0;
        if (after) {
          k.gemm_pack(packedT, pwhh, G, H, 0);
        } else {
          k.gemm_pack(packedT, pwhh, 2 * H, H, 0);
          packedNT = ar.alloc(packedSize(H, H));
          k.gemm_pack(packedNT, pwhh + 2 * H * H * 4, H, H, 0);
          drh = ar.alloc(B * H);
        }
        for (let s = T - 1; s >= 0; s--) {
          const t = reverse ? T - 1 - s : s;
          const rows = active[t];
          if (rows === 0) continue;
          const g3 = t * B * G * 4;
          const g1 = t * B * H * 4;
          k.add_forward(dht, dh, dOutTM + g1, rows * H);
          k.gru_step_backward(dXW + g3, dHW + g3, dh, dht, gates + g3, hw + g3, hPrev + g1, rows, H, after ? 1 : 0);
          if (after) {
            k.gemm_packed(dh, dHW + g3, G, 1, packedT, 0, rows, G, H, 1, H);
          } else {
            k.gemm_packed(drh, dHW + g3 + 2 * H * 4, G, 1, packedNT, 0, rows, H, H, 0, H);
            k.gru_reset_backward(dXW + g3, dHW + g3, dh, drh, gates + g3, hPrev + g1, rows, H);
            k.gemm_packed(dh, dHW + g3, G, 1, packedT, 0, rows, 2 * H, H, 1, H);
          }
        }
        if (w.wIh.requiresGrad) {
          const p = ar.alloc(G * I);
          gemmTN(k, ar, p, dXW, px, 0, G, TB, I, false);
          grads.set(w.wIh, ar.read(p, G * I));
        }
        if (w.wHh.requiresGrad) {
          const p = ar.alloc(G * H);
          if (after) {
            gemmTN(k, ar, p, dHW, hPrev, 0, G, TB, H, false);
          } else {
            const work = ar.alloc(packedSize(TB, H));
            k.gemm_pack(work, hPrev, TB, H, 0);
            k.gemm_packed(p, dHW, 1, G, work, 0, 2 * H, TB, H, 0, H);
            k.gemm_pack(work, rh, TB, H, 0);
            k.gemm_packed(p + 2 * H * H * 4, dHW + 2 * H * 4, 1, G, work, 0, H, TB, H, 0, H);
          }
          grads.set(w.wHh, ar.read(p, G * H));
        }
        if (w.bIh && w.bIh.requiresGrad) {
          const p = ar.zeros(G);
          k.sum_axis_forward(p, dXW, 1, TB, G);
          grads.set(w.bIh, ar.read(p, G));
        }
        if (w.bHh && w.bHh.requiresGrad) {
          const p = ar.zeros(G);
          k.sum_axis_forward(p, dHW, 1, TB, G);
          grads.set(w.bHh, ar.read(p, G));
        }
        if (x.requiresGrad) gemmNN(k, ar, pdx, dXW, pwih, 0, TB, G, I, true);
        unsortRows(dh0, d * B * H, ar.view(dh, B * H), L, H);
      }
      if (x.requiresGrad) fromTimeMajor(dx, ar.view(pdx, TB * I), L, I, I, 0, bf);
    });
    return inputs.map((t) => t === x ? dx : t === h0 ? dh0 : grads.get(t) ?? null);
  });
  return { output, hN: hNt, cN: null };
}

// src/nn/gru.ts
var GRU = class extends RecurrentBase {
  opName = "GRU";
  resetAfter;
  constructor(options) {
    super("GRU", options);
    this.resetAfter = options.resetAfter ?? true;
    const H = this.hiddenSize;
    for (let l = 0; l < this.numLayers; l++) {
      const dirs = [];
      for (let d = 0; d < this.numDirections; d++) {
        const s = this.suffix(l, d);
        const wIh = this.param(`weight_ih${s}`, [3 * H, this.layerInput(l)]);
        const wHh = this.param(`weight_hh${s}`, [3 * H, H]);
        const bIh = this.bias ? this.param(`bias_ih${s}`, [3 * H]) : null;
        const bHh = this.bias ? this.param(`bias_hh${s}`, [3 * H]) : null;
        dirs.push({ wIh, wHh, bIh, bHh });
      }
      this.cells.push(dirs);
    }
  }
  extraConfig() {
    return { resetAfter: this.resetAfter };
  }
  runLayer(x, h0, _c0, weights, layout) {
    return gruLayer(x, h0, weights, { hiddenSize: this.hiddenSize, batchFirst: this.batchFirst, layout, resetAfter: this.resetAfter });
  }
};

// src/nn/linear.ts
var Linear = class extends Module {
  inFeatures;
  outFeatures;
  weight;
  bias;
  constructor(options) {
    super();
    const { inFeatures, outFeatures, bias = true } = options ?? {};
    for (const [k, v] of [["inFeatures", inFeatures], ["outFeatures", outFeatures]]) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`Linear: ${k} must be a positive integer, got ${v}`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.registerParameter("weight", uniformParam([outFeatures, inFeatures], bound));
    this.bias = bias ? this.registerParameter("bias", uniformParam([outFeatures], bound)) : null;
  }
  config() {
    return { inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== null };
  }
  /** x [..., inFeatures] -> [..., outFeatures]. */
  forward(x, _options) {
    return linear(x, this.weight, this.bias);
  }
};

// src/losses/reduction.ts
function checkReduction(r, op) {
  if (r !== "none" && r !== "mean" && r !== "sum") throw new Error(`${op}: reduction must be 'none', 'mean' or 'sum', got '${r}'`);
  return r;
}

// src/losses/mse.ts
function mse(pred, target, options = {}) {
  checkTensor(pred, "mse", "pred");
  checkTensor(target, "mse", "target");
  if (pred.shape.length !== target.shape.length || pred.shape.some((d, i) => d !== target.shape[i])) {
    throw new Error(`mse: pred ${fmtShape(pred.shape)} and target ${fmtShape(target.shape)} must have the same shape`);
  }
  const reduction = checkReduction(options.reduction ?? "mean", "mse");
  const n = pred.size;
  const diff = new Float32Array(n);
  for (let i = 0; i < n; i++) diff[i] = pred.data[i] - target.data[i];
  let out;
  if (reduction === "none") {
    out = new Tensor(diff.map((v) => v * v), pred.shape);
  } else {
    let s = 0;
    for (let i = 0; i < n; i++) s += diff[i] * diff[i];
    out = new Tensor(new Float32Array([reduction === "mean" ? s / Math.max(n, 1) : s]), []);
  }
  if (needsGrad(pred, target)) {
    record("mse", [pred, target], [out], ([g]) => {
      const scale = reduction === "mean" ? 2 / Math.max(n, 1) : 2;
      const dp = new Float32Array(n);
      for (let i = 0; i < n; i++) dp[i] = scale * diff[i] * (reduction === "none" ? g[i] : g[0]);
      return [pred.requiresGrad ? dp : null, target.requiresGrad ? dp.map((v) => -v) : null];
    });
  }
  return out;
}

// src/optim/optimizer.ts
var Optimizer = class {
  /** The tensors this optimiser updates. */
  params;
  /** The learning rate; schedulers change it between steps. */
  lr;
  /** Steps taken. */
  stepCount = 0;
  state = /* @__PURE__ */ new Map();
  constructor(name, params, lr) {
    if (!Array.isArray(params) || params.length === 0) throw new Error(`${name}: params must be a non-empty array of Tensors (model.parameters())`);
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new Error(`${name}: params[${i}] must be a Tensor, got ${typeof p}`);
    });
    if (!(lr >= 0) || !Number.isFinite(lr)) throw new Error(`${name}: lr must be a non-negative number, got ${lr}`);
    this.params = params;
    this.lr = lr;
  }
  /** Clears every parameter's gradient (sets it to null, as PyTorch's set_to_none). */
  zeroGrad() {
    for (const p of this.params) p.grad = null;
  }
  /** Applies one update to every parameter that has a gradient. */
  step() {
    this.stepCount++;
    const k = kernels();
    const ar = arena();
    for (const p of this.params) {
      if (!p.grad) continue;
      let st = this.state.get(p);
      if (!st) {
        st = { bufs: this.initState(p.size), steps: 0 };
        this.state.set(p, st);
      }
      const bufs = st.bufs;
      const steps = ++st.steps;
      ar.scoped((a) => {
        const pp = a.put(p.data);
        const pg = a.put(p.grad.data);
        const ps = bufs.map((s) => s.length ? a.put(s) : 0);
        this.update(k, pp, pg, ps, p.size, steps);
        a.readInto(pp, p.data);
        bufs.forEach((s, i) => s.length && a.readInto(ps[i], s));
      });
    }
  }
};
function hyper(name, key, v, lo, hi = Infinity, hiOpen = false) {
  if (typeof v !== "number" || !(v >= lo) || (hiOpen ? !(v < hi) : !(v <= hi))) {
    throw new Error(`${name}: ${key} must be in [${lo}, ${hi}${hiOpen ? ")" : "]"}, got ${v}`);
  }
  return v;
}

// src/optim/adam.ts
var Adam = class extends Optimizer {
  beta1;
  beta2;
  eps;
  weightDecay;
  amsgrad;
  decoupled = false;
  constructor(params, options = {}, name = "Adam", defaultDecay = 0) {
    super(name, params, options.lr ?? 1e-3);
    const [b1, b2] = options.betas ?? [0.9, 0.999];
    this.beta1 = hyper(name, "betas[0]", b1, 0, 1, true);
    this.beta2 = hyper(name, "betas[1]", b2, 0, 1, true);
    this.eps = hyper(name, "eps", options.eps ?? 1e-8, 0);
    this.weightDecay = hyper(name, "weightDecay", options.weightDecay ?? defaultDecay, 0);
    this.amsgrad = options.amsgrad ?? false;
  }
  initState(n) {
    return [new Float32Array(n), new Float32Array(n), new Float32Array(this.amsgrad ? n : 0)];
  }
  update(k, p, g, [m, v, vmax], n, steps) {
    const bc1 = 1 - this.beta1 ** steps;
    const bc2 = 1 - this.beta2 ** steps;
    k.adam_update(p, g, m, v, vmax, n, this.lr, this.beta1, this.beta2, this.eps, this.weightDecay, this.decoupled ? 1 : 0, bc1, bc2);
  }
};

// bench/util.ts
async function timeIt(fn, { warmup = 2, reps: reps2 = 7, minMs = 300 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  const start = performance.now();
  while (times.length < reps2 || performance.now() - start < minMs) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
    if (times.length >= 200) break;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
function printTable(header, rows) {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of cells.slice(1)) console.log(line(r));
}
function randomArray(n, seed = 1) {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 4294967296 * 2 - 1;
  }
  return out;
}
var fmt = (x, digits = 2) => Number.isFinite(x) ? x.toFixed(digits) : "\u2014";

// bench/tfjs.ts
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import path from "node:path";
var wasmReady = false;
async function useTf(backend2) {
  if (backend2 === "wasm" && !wasmReady) {
    const require2 = createRequire(import.meta.url);
    const dir = path.dirname(require2.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
    setWasmPaths(`${path.join(dir, "dist")}/`);
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    wasmReady = true;
  }
  await tf.setBackend(backend2);
  await tf.ready();
  return tf;
}

// bench/recurrent.bench.ts
var args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));
var only = args.only ? String(args.only).split(",") : ["W1", "W2", "W3", "W4", "W5"];
var peers = args.peers === "none" ? [] : args.peers ? String(args.peers).split(",") : ["wasm", "cpu"];
var reps = Number(args.reps ?? 5);
var WORKLOADS = [
  { id: "W1", what: "LSTM inference, 1\xD764\u2192256, B=1, T=100", kind: "LSTM", layers: 1, I: 64, H: 256, B: 1, T: 100, train: false },
  { id: "W2", what: "LSTM inference, 2 layers 128\u2192512, B=16, T=50", kind: "LSTM", layers: 2, I: 128, H: 512, B: 16, T: 50, train: false },
  { id: "W3", what: "LSTM train step, 128\u2192256, B=32, T=50, Linear\u219210, MSE, Adam", kind: "LSTM", layers: 1, I: 128, H: 256, B: 32, T: 50, train: true },
  { id: "W4", what: "GRU train step, as W3", kind: "GRU", layers: 1, I: 128, H: 256, B: 32, T: 50, train: true },
  { id: "W5", what: "RNN (tanh) train step, as W3", kind: "RNN", layers: 1, I: 128, H: 256, B: 32, T: 50, train: true }
];
function ours(w) {
  manualSeed(1);
  const Ctor = { LSTM, GRU, RNN }[w.kind];
  const layer = new Ctor({ inputSize: w.I, hiddenSize: w.H, numLayers: w.layers });
  const x = tensor(randomArray(w.B * w.T * w.I, 3), [w.B, w.T, w.I]);
  if (!w.train) return () => noGrad(() => layer.forward(x).output);
  const head = new Linear({ inFeatures: w.H, outFeatures: 10 });
  const y = tensor(randomArray(w.B * 10, 4), [w.B, 10]);
  const opt = new Adam([...layer.parameters(), ...head.parameters()], { lr: 1e-3 });
  return () => {
    const h = layer.forward(x).hN;
    const loss = mse(head.forward(ops_exports.select(h, 0, 0)), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
  };
}
async function peer(w, backend2) {
  const tf2 = await useTf(backend2);
  const model = tf2.sequential();
  for (let l = 0; l < w.layers; l++) {
    const cfg = { units: w.H, returnSequences: !w.train || l < w.layers - 1, ...l === 0 ? { inputShape: [w.T, w.I] } : {} };
    model.add(w.kind === "LSTM" ? tf2.layers.lstm(cfg) : w.kind === "GRU" ? tf2.layers.gru(cfg) : tf2.layers.simpleRNN(cfg));
  }
  const x = tf2.tensor3d(randomArray(w.B * w.T * w.I, 3), [w.B, w.T, w.I]);
  if (!w.train) {
    return { run: () => tf2.tidy(() => model.predict(x).dataSync()), dispose: () => {
      x.dispose();
      model.dispose();
    } };
  }
  model.add(tf2.layers.dense({ units: 10 }));
  model.compile({ optimizer: tf2.train.adam(1e-3), loss: "meanSquaredError" });
  const y = tf2.tensor2d(randomArray(w.B * 10, 4), [w.B, 10]);
  return {
    run: async () => {
      await model.trainOnBatch(x, y);
    },
    dispose: () => {
      x.dispose();
      y.dispose();
      model.dispose();
    }
  };
}
async function main() {
  await init();
  console.log(`rnn-wasm ${backendInfo().version}, SIMD ${backendInfo().simd}, Node ${process.version}, one thread
`);
  const rows = [];
  for (const w of WORKLOADS.filter((x) => only.includes(x.id))) {
    const t = await timeIt(ours(w), { warmup: 2, reps, minMs: 500 });
    const row = [w.id, w.what, fmt(t)];
    for (const p of ["wasm", "cpu"]) {
      if (!peers.includes(p)) {
        row.push("\u2014", "\u2014");
        continue;
      }
      const { run, dispose } = await peer(w, p);
      const slow = p === "cpu" && w.id !== "W1";
      const tp = await timeIt(run, { warmup: 1, reps: slow ? Math.min(reps, 3) : reps, minMs: slow ? 0 : 500 });
      dispose();
      row.push(fmt(tp), `${fmt(tp / t, 1)}\xD7`);
    }
    rows.push(row);
    console.error(`${w.id} done`);
  }
  printTable(["id", "workload", "rnn-wasm ms", "tfjs-wasm ms", "speed-up", "tfjs-cpu ms", "speed-up"], rows);
}
await main();
