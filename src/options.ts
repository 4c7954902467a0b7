// Options objects as data with a schema: every public entry point that takes an options object
// reads it through readOptions(), which
//   - rejects null, arrays and non-objects, naming the argument;
//   - rejects unknown keys, suggesting the closest known one ("numLayer" -> "numLayers");
//   - reads own properties only (a polluted Object.prototype changes nothing);
//   - checks each value's type and range, naming the option and the value it got.
// It returns a prototype-less copy holding the given keys; defaults stay at the call site
// (`o.numLayers ?? 1`), next to the documented option.
import { Tensor } from './tensor.js';

/** Checks one option value (never undefined: absent options are not checked); returns an error or null. */
export type Check = (v: unknown) => string | null;

/** A schema: the known keys of an options object and how to check each. @internal */
export type Schema = Readonly<Record<string, Check>>;

const show = (v: unknown): string => {
  if (v === null) return 'null';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Tensor) return `a Tensor of shape [${v.shape.join(',')}]`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'function') return 'a function';
  return String(v);
};

/** An integer in [min, max]. @internal */
export const int =
  (min = -Infinity, max = Infinity): Check =>
  (v) => {
    const what =
      min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer${range(min, Infinity, false, false)}`;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) return `must be ${what}, got ${show(v)}`;
    return v <= max ? null : `must be at most ${max}, got ${v}`;
  };

/** A layer size: a positive integer (weights past 2^24 a side could not be allocated anyway). @internal */
export const SIZE = int(1, 1 << 24);

/** A number in [min, max] (open ends with minOpen / maxOpen); finite unless max is Infinity and allowInfinity. @internal */
export const num =
  (min = -Infinity, max = Infinity, { minOpen = false, maxOpen = false, allowInfinity = false } = {}): Check =>
  (v) => {
    const ok =
      typeof v === 'number' &&
      !Number.isNaN(v) &&
      (allowInfinity || Number.isFinite(v)) &&
      (minOpen ? v > min : v >= min) &&
      (maxOpen ? v < max : v <= max);
    return ok ? null : `must be a ${allowInfinity ? '' : 'finite '}number${range(min, max, minOpen, maxOpen)}, got ${show(v)}`;
  };

function range(min: number, max: number, minOpen: boolean, maxOpen: boolean): string {
  if (min === -Infinity && max === Infinity) return '';
  if (max === Infinity) return minOpen ? ` > ${min}` : ` >= ${min}`;
  if (min === -Infinity) return maxOpen ? ` < ${max}` : ` <= ${max}`;
  return ` in ${minOpen ? '(' : '['}${min}, ${max}${maxOpen ? ')' : ']'}`;
}

/** true or false (a string such as 'false' is an error, not a truthy value). @internal */
export const bool: Check = (v) => (typeof v === 'boolean' ? null : `must be true or false, got ${show(v)}`);

/** One of the given strings, matched exactly. @internal */
export const oneOf =
  (...values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? null : `must be ${orList(values.map((x) => `'${x}'`))}, got ${show(v)}`;

const orList = (xs: string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`);

/** A Tensor (null allowed when nullable). @internal */
export const tensorArg =
  (nullable = true): Check =>
  (v) =>
    v instanceof Tensor || (nullable && v === null) ? null : `must be a Tensor${nullable ? ' or null' : ''}, got ${show(v)}`;

/** A number[] or typed array (its entries are checked where it is used). @internal */
export const numbers =
  (nullable = true): Check =>
  (v) =>
    (nullable && v === null) || Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))
      ? null
      : `must be a number[] or typed array${nullable ? ' (or null)' : ''}, got ${show(v)}`;

/** A flat object of strings (saved-model and safetensors metadata). @internal */
export const strings: Check = (v) => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'must be an object of strings';
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') return `has ${k} = ${typeof x}, not a string`;
  return null;
};

/** A function. @internal */
export const fn: Check = (v) => (typeof v === 'function' ? null : `must be a function, got ${show(v)}`);

/** An instance of a class. @internal */
export const instance =
  (ctor: abstract new (...args: never[]) => unknown, what: string, nullable = false): Check =>
  (v) =>
    v instanceof ctor || (nullable && v === null) ? null : `must be ${what}, got ${show(v)}`;

/** Checked where it is used (masks, targets, data). @internal */
export const any: Check = () => null;

/** Either of two checks. @internal */
export const either =
  (a: Check, b: Check): Check =>
  (v) => {
    const e = a(v);
    return e === null || b(v) === null ? null : e;
  };

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

// names other libraries use for an option of ours
const ALIASES: Readonly<Record<string, string>> = { learningRate: 'lr', learning_rate: 'lr', keepdim: 'keepDim', axis: 'dim' };

/** The known key closest to `key`, when it is close enough to be a slip. @internal */
export function suggest(key: string, known: readonly string[]): string | null {
  const alias = Object.hasOwn(ALIASES, key) ? ALIASES[key] : null;
  if (alias && known.includes(alias)) return alias;
  const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  if (camel !== key && known.includes(camel)) return camel;
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const a = key.toLowerCase();
    const b = k.toLowerCase();
    let common = 0;
    while (common < a.length && common < b.length && a[common] === b[common]) common++;
    // a different case, or a word cut short ("maxParams" for "maxParameters"), is a slip too
    const shortened = common >= 4 && common >= Math.min(a.length, b.length) - 1;
    const d = a === b ? 0 : shortened ? 1 : distance(key, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : null;
}

/**
 * Reads `value` as the options object `arg` of `op` against `schema` (see the file comment).
 * `required` keys must be present. `undefined` reads as {} (when nothing is required).
 * @internal
 */
export function readOptions<T extends object>(
  op: string,
  arg: string,
  value: unknown,
  schema: Schema,
  required: readonly string[] = [],
): Partial<T> {
  const known = Object.keys(schema);
  if (value === undefined && required.length === 0) return Object.create(null);
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Tensor) {
    const keys = known.length ? ` { ${(required.length ? required : known.slice(0, 3)).join(', ')}, ... }` : '';
    throw new Error(`${op}: ${arg} must be an options object${keys}, got ${value === undefined ? 'nothing' : show(value)}`);
  }
  const out: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(schema, key)) {
      const s = suggest(key, known);
      throw new Error(
        `${op}: unknown option '${key}' in ${arg}${s ? ` (did you mean '${s}'?)` : ''}; known options: ${known.join(', ') || 'none'}`,
      );
    }
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    const err = schema[key](v);
    if (err !== null) throw new Error(`${op}: ${arg === 'options' ? '' : `${arg}.`}${key} ${err}`);
    out[key] = v;
  }
  for (const key of required) {
    if (!(key in out)) throw new Error(`${op}: ${arg === 'options' ? '' : `${arg}.`}${key} is required`);
  }
  return out as Partial<T>;
}
