/**
 * Frame: makerlab's columnar table. Named columns of one length, each a typed array
 * (`Float64Array` for prices, sizes and epoch-µs timestamps; `Int8Array` for sides and flags;
 * `Int32Array` for small integers) or a `string[]` for symbols and text.
 *
 * Frames are immutable by convention: every operation returns a new Frame and never writes into
 * its input. Numeric columns are never converted through float32 (contrast danfo.js), so a BTC
 * price keeps its cents and an epoch-µs timestamp stays exact (integers are exact below 2^53).
 */
import { ArgumentError } from "../errors";

/** One column of a Frame. */
export type Column = Float64Array | Int32Array | Int8Array | string[];
/** Named columns. */
export type Columns = { [name: string]: Column };
/** A numeric (typed-array) column. */
export type NumericColumn = Float64Array | Int32Array | Int8Array;

/** True for typed-array (numeric) columns. */
export function isNumeric(c: Column): c is NumericColumn {
  return !Array.isArray(c);
}

/** An empty column of the same kind as `c`, of length n. */
export function emptyLike(c: Column, n: number): Column {
  if (c instanceof Float64Array) return new Float64Array(n);
  if (c instanceof Int32Array) return new Int32Array(n);
  if (c instanceof Int8Array) return new Int8Array(n);
  return new Array<string>(n).fill("");
}

/** Gathers `c[idx[i]]` into a new column of the same kind. */
export function gather(c: Column, idx: ArrayLike<number>): Column {
  const n = idx.length;
  const out = emptyLike(c, n);
  if (Array.isArray(c)) {
    const o = out as string[];
    for (let i = 0; i < n; i++) o[i] = c[idx[i]];
  } else {
    const o = out as NumericColumn;
    for (let i = 0; i < n; i++) o[i] = c[idx[i]];
  }
  return out;
}

/** The kind of a column as a short name (for display and errors). */
export function columnKind(c: Column): "f64" | "i32" | "i8" | "str" {
  if (c instanceof Float64Array) return "f64";
  if (c instanceof Int32Array) return "i32";
  if (c instanceof Int8Array) return "i8";
  return "str";
}

/** Summary statistics of one numeric column, NaNs ignored (see `Frame.describe`). */
export interface ColumnStats {
  count: number;
  mean: number;
  std: number;
  min: number;
  q25: number;
  median: number;
  q75: number;
  max: number;
}

/** Linear-interpolated quantile (type 7, as numpy's default) of an ascending array. */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** count, mean, sample std (n−1), min, quartiles (type 7) and max of the finite values of `c` (NaN and ±Infinity are ignored). */
export function columnStats(c: ArrayLike<number>): ColumnStats {
  const vals = new Float64Array(c.length);
  let n = 0;
  let sum = 0;
  for (let i = 0; i < c.length; i++) {
    const v = c[i];
    if (Number.isFinite(v)) {
      vals[n++] = v;
      sum += v;
    }
  }
  const v = vals.subarray(0, n).sort();
  const mean = n ? sum / n : NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i] - mean) * (v[i] - mean);
  return {
    count: n,
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN,
    min: n ? v[0] : NaN,
    q25: sortedQuantile(v, 0.25),
    median: sortedQuantile(v, 0.5),
    q75: sortedQuantile(v, 0.75),
    max: n ? v[n - 1] : NaN,
  };
}

/** Formats a number for display: integers as is, others with up to `digits` significant digits. */
function fmt(v: number | string, digits = 10): string {
  if (typeof v === "string") return v;
  if (Number.isNaN(v)) return "NaN";
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(digits)));
}

/**
 * A table of named columns of one length (see the module comment). Build one with `new Frame({ price, amount })`;
 * every method returns a new Frame and leaves this one untouched. Typed columns are shared, not copied, where
 * that is safe (select, slice views); take, filter and sortBy gather into new arrays.
 */
export class Frame<C extends Columns = Columns> {
  /** The columns, by name, in insertion order. */
  readonly columns: Readonly<C>;
  /** Number of rows. */
  readonly length: number;

  /**
   * Wraps columns (no copy). Throws an ArgumentError if the lengths differ.
   * @param columns named columns of equal length
   */
  constructor(columns: C) {
    let n = -1;
    let first = "";
    for (const name of Object.keys(columns)) {
      const c = columns[name];
      if (!Array.isArray(c) && !(c instanceof Float64Array) && !(c instanceof Int32Array) && !(c instanceof Int8Array)) {
        throw new ArgumentError(`column "${name}" must be a Float64Array, Int32Array, Int8Array or string[]`);
      }
      if (n < 0) {
        n = c.length;
        first = name;
      } else if (c.length !== n) {
        throw new ArgumentError(`column "${name}" has ${c.length} rows but "${first}" has ${n}`);
      }
    }
    this.columns = columns;
    this.length = Math.max(n, 0);
  }

  /** Column names in order. */
  get names(): string[] {
    return Object.keys(this.columns);
  }

  /** True when a column of that name exists. */
  has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.columns, name);
  }

  /** A column by name; throws naming the available columns if it is missing. */
  col<K extends keyof C & string>(name: K): C[K] {
    if (!this.has(name)) throw new ArgumentError(`no column "${name}"; columns are: ${this.names.join(", ")}`);
    return this.columns[name];
  }

  /** A Float64Array column by name; throws if it is missing or of another kind. */
  f64(name: string): Float64Array {
    const c = this.col(name as keyof C & string) as Column;
    if (!(c instanceof Float64Array)) throw new ArgumentError(`column "${name}" is ${columnKind(c)}, not f64`);
    return c;
  }

  /** Any numeric column by name; throws if it is missing or a string column. */
  num(name: string): NumericColumn {
    const c = this.col(name as keyof C & string) as Column;
    if (!isNumeric(c)) throw new ArgumentError(`column "${name}" is a string column, not numeric`);
    return c;
  }

  /** A string column by name. */
  str(name: string): string[] {
    const c = this.col(name as keyof C & string) as Column;
    if (!Array.isArray(c)) throw new ArgumentError(`column "${name}" is ${columnKind(c)}, not a string column`);
    return c;
  }

  /** A new Frame with only the named columns, in the given order (columns are shared, not copied). */
  select<K extends keyof C & string>(names: readonly K[]): Frame<Pick<C, K>> {
    const out = {} as Pick<C, K>;
    for (const n of names) out[n] = this.col(n);
    return new Frame(out);
  }

  /** A new Frame with `name` added or replaced. */
  withColumn(name: string, column: Column): Frame<Columns> {
    if (column.length !== this.length && this.names.length > 0) {
      throw new ArgumentError(`new column "${name}" has ${column.length} rows, the frame has ${this.length}`);
    }
    return new Frame({ ...(this.columns as Columns), [name]: column });
  }

  /** A new Frame without the named columns. */
  drop(names: readonly string[]): Frame<Columns> {
    const out: Columns = {};
    for (const n of this.names) if (!names.includes(n)) out[n] = this.columns[n];
    return new Frame(out);
  }

  /** A new Frame with columns renamed by `mapping` (old → new). */
  rename(mapping: { [old: string]: string }): Frame<Columns> {
    const out: Columns = {};
    for (const n of this.names) {
      const to = mapping[n] ?? n;
      if (Object.prototype.hasOwnProperty.call(out, to)) throw new ArgumentError(`rename: two columns would be named "${to}"`);
      out[to] = this.columns[n];
    }
    return new Frame(out);
  }

  /** Rows `idx[0], idx[1], …` (any order, repeats allowed). */
  take(idx: ArrayLike<number>): Frame<C> {
    const out = {} as Columns;
    for (const n of this.names) out[n] = gather(this.columns[n], idx);
    return new Frame(out as C);
  }

  /** Rows where `mask[i]` is truthy. `mask` must have the frame's length. */
  filter(mask: ArrayLike<number | boolean>): Frame<C> {
    if (mask.length !== this.length) throw new ArgumentError(`mask has ${mask.length} entries, the frame has ${this.length} rows`);
    let k = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i]) k++;
    const idx = new Int32Array(k);
    k = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i]) idx[k++] = i;
    return this.take(idx);
  }

  /** Rows [start, end) as zero-copy views for typed columns (negative indices count from the end). */
  slice(start = 0, end = this.length): Frame<C> {
    const n = this.length;
    const s = Math.max(0, Math.min(n, start < 0 ? n + start : start));
    const e = Math.max(s, Math.min(n, end < 0 ? n + end : end));
    const out = {} as Columns;
    for (const name of this.names) {
      const c = this.columns[name];
      out[name] = Array.isArray(c) ? c.slice(s, e) : c.subarray(s, e);
    }
    return new Frame(out as C);
  }

  /** First n rows. */
  head(n = 5): Frame<C> {
    return this.slice(0, n);
  }

  /** Last n rows. */
  tail(n = 5): Frame<C> {
    return this.slice(Math.max(0, this.length - n));
  }

  /**
   * The permutation that sorts by column `name` (stable; NaN last; strings by code unit).
   * Sorting is O(n log n); already-sorted input is detected in O(n) and returned as identity.
   */
  argsort(name: string, opts: { descending?: boolean } = {}): Int32Array {
    const c = this.col(name as keyof C & string) as Column;
    const n = this.length;
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    const sign = opts.descending ? -1 : 1;
    if (isNumeric(c)) {
      // Fast path: already sorted (no NaN) input needs no comparison sort.
      let sorted = n === 0 || !Number.isNaN(c[0]);
      for (let i = 1; i < n && sorted; i++) sorted = sign * (c[i] - c[i - 1]) >= 0;
      if (sorted) return idx;
      idx.sort((a, b) => {
        const x = c[a];
        const y = c[b];
        const xn = Number.isNaN(x);
        const yn = Number.isNaN(y);
        if (xn || yn) return xn === yn ? a - b : xn ? 1 : -1;
        return x === y ? a - b : sign * (x < y ? -1 : 1);
      });
    } else {
      idx.sort((a, b) => (c[a] === c[b] ? a - b : sign * (c[a] < c[b] ? -1 : 1)));
    }
    return idx;
  }

  /** A new Frame sorted by column `name` (stable). */
  sortBy(name: string, opts: { descending?: boolean } = {}): Frame<C> {
    return this.take(this.argsort(name, opts));
  }

  /**
   * Summary statistics of every numeric column, as a Frame with a `stat` column
   * (count, mean, std, min, 25%, 50%, 75%, max) and one f64 column per numeric input column.
   * std is the sample standard deviation (n − 1), quantiles are linear (type 7). NaN and ±Infinity are ignored.
   */
  describe(): Frame<Columns> {
    const stats = ["count", "mean", "std", "min", "25%", "50%", "75%", "max"];
    const out: Columns = { stat: stats };
    for (const name of this.names) {
      const c = this.columns[name];
      if (!isNumeric(c)) continue;
      const s = columnStats(c);
      out[name] = Float64Array.from([s.count, s.mean, s.std, s.min, s.q25, s.median, s.q75, s.max]);
    }
    return new Frame(out);
  }

  /** Rows as plain objects (for display and small frames only, never in a hot loop). */
  toRecords(limit = this.length): Array<{ [name: string]: number | string }> {
    const n = Math.min(limit, this.length);
    const rows: Array<{ [name: string]: number | string }> = [];
    for (let i = 0; i < n; i++) {
      const r: { [name: string]: number | string } = {};
      for (const name of this.names) r[name] = this.columns[name][i];
      rows.push(r);
    }
    return rows;
  }

  /** A fixed-width text table of the first `maxRows` rows (numbers printed at full precision). */
  toString(maxRows = 10): string {
    const names = this.names;
    const n = Math.min(maxRows, this.length);
    const cells: string[][] = [names.map((nm) => `${nm}`)];
    for (let i = 0; i < n; i++) cells.push(names.map((nm) => fmt(this.columns[nm][i] as number | string, 17)));
    const widths = names.map((_, j) => Math.min(40, Math.max(...cells.map((r) => r[j].length))));
    const line = (r: string[]) => r.map((s, j) => (s.length > widths[j] ? s.slice(0, widths[j] - 1) + "…" : s.padStart(widths[j]))).join("  ");
    const out = cells.map(line);
    if (this.length > n) out.push(`… ${this.length - n} more row${this.length - n === 1 ? "" : "s"}`);
    out.push(`[${this.length} rows × ${names.length} columns]`);
    return out.join("\n");
  }

  /** An HTML table of the first `maxRows` rows, for notebook display. */
  toHTML(maxRows = 10): string {
    const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const names = this.names;
    const n = Math.min(maxRows, this.length);
    let h = '<table class="makerlab-frame"><thead><tr>' + names.map((nm) => `<th>${esc(nm)}</th>`).join("") + "</tr></thead><tbody>";
    for (let i = 0; i < n; i++) {
      h += "<tr>" + names.map((nm) => `<td>${esc(fmt(this.columns[nm][i] as number | string, 17))}</td>`).join("") + "</tr>";
    }
    h += `</tbody></table><p>${this.length} rows × ${names.length} columns</p>`;
    return h;
  }

  /** Node's util.inspect hook, so a Frame prints as a table in the REPL and in tslab. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** Row-wise concatenation of frames with the same column names and kinds. */
  static concat<C extends Columns>(frames: readonly Frame<C>[]): Frame<C> {
    if (frames.length === 0) return new Frame({} as C);
    const names = frames[0].names;
    for (const f of frames) {
      if (f.names.length !== names.length || !names.every((n) => f.has(n))) {
        throw new ArgumentError(`concat: column sets differ: [${names.join(", ")}] vs [${f.names.join(", ")}]`);
      }
    }
    const total = frames.reduce((s, f) => s + f.length, 0);
    const out = {} as Columns;
    for (const name of names) {
      const kind = columnKind(frames[0].columns[name]);
      const first = frames[0].columns[name];
      if (Array.isArray(first)) {
        const o: string[] = new Array(total);
        let k = 0;
        for (const f of frames) {
          const c = f.columns[name];
          if (!Array.isArray(c)) throw new ArgumentError(`concat: column "${name}" is ${kind} in one frame and ${columnKind(c)} in another`);
          for (let i = 0; i < c.length; i++) o[k++] = c[i];
        }
        out[name] = o;
      } else {
        const o = emptyLike(first, total) as NumericColumn;
        let k = 0;
        for (const f of frames) {
          const c = f.columns[name];
          if (columnKind(c) !== kind) throw new ArgumentError(`concat: column "${name}" is ${kind} in one frame and ${columnKind(c)} in another`);
          o.set(c as NumericColumn, k);
          k += c.length;
        }
        out[name] = o;
      }
    }
    return new Frame(out as C);
  }
}
