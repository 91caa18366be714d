/**
 * The bridge to danfo.js (danfojs-node 1.2.0), for display and exploration only.
 *
 * What danfo 1.2.0 actually does with numbers (read from node_modules/danfojs-node/dist and checked by test):
 * - A DataFrame keeps its cells as plain JS numbers (float64) in `$data` (rows) and `$dataIncolumnFormat`
 *   (columns); the dtype is only a label, "float32" or "int32", inferred (or given) per column.
 * - Everything that goes through a tensor computes in that dtype: DataFrame arithmetic (`df.add/sub/mul/div/…`),
 *   `pctChange`, `diff`, `df.tensor`, the scalers, and `readCSV`'s inference. There a "float32" column keeps
 *   ~7 significant digits (BTC 61837.63 → 61837.62890625) and an "int32" column wraps modulo 2^32
 *   (epoch ms 1704067200291 → −1034816221). Series statistics (`mean`, `std`, `describe`) run in float64.
 * So danfo is a display surface, and analytics use the Frame. `toDanfo` warns per column when danfo's dtype
 * cannot hold the values, and `fromDanfo` returns the exact original Frame when the DataFrame is unchanged.
 */
import type { DataFrame } from "danfojs-node";
import { DataError } from "../errors";
import { Frame, isNumeric, type Column, type Columns } from "./frame";

/** Column names treated as epoch-µs times (shown as ISO-8601 strings by default). */
export const TIMESTAMP_COLUMNS: readonly string[] = ["timestamp", "localTimestamp", "closeTime"];

type Danfo = typeof import("danfojs-node");
let danfoModule: Danfo | null = null;
let danfoLoadMs = NaN;
/** Milliseconds the first `require("danfojs-node")` took in this process (NaN until it is loaded). */
export function danfoLoadTimeMs(): number {
  return danfoLoadMs;
}

/** Loads danfojs-node on first use (it pulls in TensorFlow.js: about 0.65 s on this machine). */
export function loadDanfo(): Danfo {
  if (danfoModule === null) {
    const t0 = performance.now();
    danfoModule = require("danfojs-node") as Danfo;
    danfoLoadMs = performance.now() - t0;
  }
  return danfoModule;
}

/**
 * An epoch-µs time as ISO-8601 UTC with microseconds, e.g. 1723161253937123 → "2024-08-08T23:54:13.937123Z".
 * Exact for integer µs (the integer division by 1000 is corrected for the rounding of the quotient). NaN → "".
 */
export function isoFromUs(us: number): string {
  if (!Number.isFinite(us)) return "";
  let ms = Math.floor(us / 1000);
  let rem = us - ms * 1000;
  if (rem < 0) {
    ms -= 1;
    rem += 1000;
  } else if (rem >= 1000) {
    ms += 1;
    rem -= 1000;
  }
  const s = new Date(ms).toISOString(); // …T23:54:13.937Z
  return s.slice(0, -1) + String(rem).padStart(3, "0") + "Z";
}

const ISO_RE = /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Epoch µs of an ISO-8601 time with an explicit zone ("Z" or ±hh:mm) and up to 6 fractional digits
 * (7–9 digits are accepted when the extra digits are zero). The inverse of `isoFromUs`, exact.
 * Returns NaN when `s` is not of that form (or is "").
 */
export function usFromIso(s: string): number {
  const m = ISO_RE.exec(s);
  if (m === null) return NaN;
  const frac = (m[7] ?? "").padEnd(9, "0");
  if (frac.slice(6) !== "000") return NaN;
  const base = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[8]}`);
  if (Number.isNaN(base)) return NaN;
  return base * 1000 + Number(frac.slice(0, 6));
}

/** Options of `toDanfo`. */
export interface ToDanfoOptions {
  /** Time columns (timestamp, localTimestamp, closeTime): "iso" strings with µs (default, lossless) or raw "number"s. */
  timestampsAs?: "iso" | "number";
  /** Where precision warnings go; default console.warn. */
  warn?: (msg: string) => void;
}

interface Origin {
  frame: Frame;
  /** rows and column names at conversion time */
  fingerprint: string;
}
const origins = new WeakMap<object, Origin>();

function fingerprint(rows: number, names: readonly string[]): string {
  return `${rows}|${names.join("\u0001")}`;
}

/** Cell count above which `toDanfo` warns that danfo will be slow (it is a display surface). */
const LARGE_CELLS = 5_000_000;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * The dtype danfo should get for a float64 column, and what that dtype does to the values:
 * "int32" when every value is an integer within int32 (exact), else "float32", whose rounding
 * (Math.fround) changes `changed` values by at most `maxErr`. (Integers beyond int32 get "float32"
 * rather than danfo's own guess "int32", which would wrap them modulo 2^32.)
 */
export function danfoPrecision(c: Float64Array): { dtype: "int32" | "float32"; changed: number; maxErr: number } {
  let allInt32 = c.length > 0;
  for (let i = 0; i < c.length && allInt32; i++) {
    const v = c[i];
    allInt32 = Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;
  }
  if (allInt32) return { dtype: "int32", changed: 0, maxErr: 0 };
  let changed = 0;
  let maxErr = 0;
  for (let i = 0; i < c.length; i++) {
    const v = c[i];
    const f = Math.fround(v);
    if (f !== v && v === v) {
      changed++;
      const e = Math.abs(f - v);
      if (e > maxErr) maxErr = e;
    }
  }
  return { dtype: "float32", changed, maxErr };
}

/**
 * A danfo DataFrame of `frame`, for display (`df.print()`, `df.describe()`, plotting). Time columns named
 * timestamp / localTimestamp / closeTime become ISO-8601 strings with µs (exact) unless
 * `timestampsAs: "number"`. Typed columns are passed as JS numbers with an explicit dtype: Int8/Int32 and
 * integer float64 columns within int32 → "int32"; other float64 columns → "float32". For every column
 * whose values float32 would change (danfo computes in float32 whenever it uses a tensor), `warn` is
 * called with the count and the largest absolute error.
 * The source Frame is remembered (WeakMap keyed by the DataFrame), so `fromDanfo(df)` gives it back
 * bit-identical while the DataFrame is unchanged. Loads danfojs-node (TensorFlow.js) on first call.
 * O(rows × columns), plus danfo's own conversion (about 0.7 s per million rows × 2 columns).
 */
export function toDanfo(frame: Frame, opts: ToDanfoOptions = {}): DataFrame {
  const dfd = loadDanfo();
  const warn = opts.warn ?? ((m: string) => console.warn(m));
  const iso = (opts.timestampsAs ?? "iso") === "iso";
  const names = frame.names;
  const n = frame.length;
  if (n * names.length > LARGE_CELLS) {
    warn(
      `toDanfo: ${n} rows × ${names.length} columns is large for danfo (it copies every cell into JS arrays twice, ` +
        `about 0.3 s per million cells); consider frame.head(), frame.slice() or a sample for display`,
    );
  }
  const data: { [name: string]: Array<number | string> } = {};
  const dtypes: string[] = [];
  for (const name of names) {
    const c = frame.columns[name];
    if (!isNumeric(c)) {
      data[name] = c.slice();
      dtypes.push("string");
      continue;
    }
    if (!(c instanceof Float64Array)) {
      data[name] = Array.from(c);
      dtypes.push("int32");
      continue;
    }
    if (iso && TIMESTAMP_COLUMNS.includes(name)) {
      let allInt = true;
      for (let i = 0; i < n && allInt; i++) allInt = Number.isInteger(c[i]) || c[i] !== c[i];
      if (allInt) {
        const s: string[] = new Array(n);
        for (let i = 0; i < n; i++) s[i] = isoFromUs(c[i]);
        data[name] = s;
        dtypes.push("string");
        continue;
      }
      warn(`toDanfo: column "${name}" holds non-integer µs times; passed as numbers, not ISO strings`);
    }
    const p = danfoPrecision(c);
    if (p.changed > 0) {
      warn(
        `toDanfo: column "${name}": ${p.changed} of ${n} values change under danfo's float32 ` +
          `(max abs error ${Number(p.maxErr.toPrecision(2))}); analytics must use the Frame`,
      );
    }
    data[name] = Array.from(c);
    dtypes.push(p.dtype);
  }
  const df = n === 0 || names.length === 0 ? new dfd.DataFrame([], { columns: names, dtypes }) : new dfd.DataFrame(data, { columns: names, dtypes });
  origins.set(df, { frame, fingerprint: fingerprint(n, names) });
  return df;
}

/** Options of `fromDanfo`. */
export interface FromDanfoOptions {
  /** Where the float32 notice goes; default console.warn. */
  warn?: (msg: string) => void;
  /** Name of the column that receives a non-default index (e.g. describe()'s stat names); default "index". */
  indexColumn?: string;
}

/** The danfo internals read by `fromDanfo` (danfojs-node 1.2.0). */
interface DanfoInternals {
  $isSeries?: boolean;
  $dataIncolumnFormat?: unknown;
  columns: string[];
  dtypes: string[];
  index: Array<string | number>;
  shape: number[];
  values: unknown;
}

function numberOf(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Date) return v.getTime() * 1000;
  if (v === null || v === undefined || v === "") return NaN;
  return Number(v);
}

/**
 * A Frame from a danfo DataFrame (or Series).
 * - If `df` came from `toDanfo` and is unchanged (same shape, column names, default index, and every value
 *   bit-identical to the source), the source Frame itself is returned: exact float64 / Int8 / string columns.
 * - Otherwise (a DataFrame danfo computed: `describe()`, a filtered or sorted copy, arithmetic), numeric
 *   columns become Float64Array and string columns string[]; columns named timestamp / localTimestamp /
 *   closeTime holding ISO strings convert back to epoch µs exactly; a non-default index becomes a column
 *   (`indexColumn`, default "index"); and `warn` says the numbers may have passed through danfo's float32.
 * Throws a DataError (naming the column and row) when a time column holds a string that is not ISO-8601.
 */
export function fromDanfo(df: DataFrame | object, opts: FromDanfoOptions = {}): Frame<Columns> {
  const warn = opts.warn ?? ((m: string) => console.warn(m));
  const d = df as unknown as DanfoInternals;
  const names: string[] = d.columns.slice();
  const n = d.shape[0];
  let colData: unknown[][];
  if (d.$isSeries) {
    colData = [d.values as unknown[]];
  } else {
    const cf = d.$dataIncolumnFormat;
    if (Array.isArray(cf) && cf.length === names.length && cf.every((c) => Array.isArray(c) && c.length === n)) {
      colData = cf as unknown[][];
    } else {
      const rows = d.values as unknown[][];
      colData = names.map((_, j) => rows.map((r) => r[j]));
    }
  }
  const origin = origins.get(df);
  const out: Columns = {};
  let numericCols = 0;
  for (let j = 0; j < names.length; j++) {
    const name = names[j];
    const vals = colData[j];
    const dtype = d.dtypes[j];
    const allStrings = dtype === "string" || (vals.length > 0 && vals.every((v) => typeof v === "string"));
    if (allStrings) {
      const wasText = origin !== undefined && origin.frame.has(name) && !isNumeric(origin.frame.columns[name]);
      if (TIMESTAMP_COLUMNS.includes(name) && !wasText) {
        const t = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const s = vals[i];
          if (s === "" || s === null || s === undefined) {
            t[i] = NaN;
            continue;
          }
          const us = usFromIso(String(s));
          if (Number.isNaN(us)) throw new DataError(`fromDanfo: row ${i} holds ${JSON.stringify(s)}, not an ISO-8601 time with a zone`, { field: name });
          t[i] = us;
        }
        out[name] = t;
      } else {
        out[name] = vals.map((v) => (v === null || v === undefined ? "" : String(v)));
      }
    } else {
      numericCols++;
      const f = new Float64Array(n);
      for (let i = 0; i < n; i++) f[i] = numberOf(vals[i]);
      out[name] = f;
    }
  }
  const index = d.index;
  let defaultIndex = index.length === n;
  for (let i = 0; i < index.length && defaultIndex; i++) defaultIndex = index[i] === i;

  if (origin !== undefined && defaultIndex && origin.fingerprint === fingerprint(n, names) && sameValues(origin.frame, out)) {
    return origin.frame as Frame<Columns>;
  }
  if (!defaultIndex) {
    let iname = opts.indexColumn ?? "index";
    while (Object.prototype.hasOwnProperty.call(out, iname)) iname = "_" + iname;
    const idxCol: Column = index.every((v) => typeof v === "number") ? Float64Array.from(index as number[]) : index.map((v) => String(v));
    Object.assign(out, { [iname]: idxCol });
    // put the index first
    const ordered: Columns = { [iname]: idxCol };
    for (const k of names) ordered[k] = out[k];
    if (numericCols > 0) warnFloat32(warn, origin !== undefined, numericCols);
    return new Frame(ordered);
  }
  if (numericCols > 0) warnFloat32(warn, origin !== undefined, numericCols);
  return new Frame(out);
}

function warnFloat32(warn: (m: string) => void, changed: boolean, k: number): void {
  warn(
    `fromDanfo: ${changed ? "this DataFrame changed since toDanfo" : "this DataFrame was computed by danfo (not made by toDanfo)"}; ` +
      `its ${k} numeric column(s) are read back as float64 but may have passed through danfo's float32 ` +
      `(about 7 significant digits); analytics must use the Frame`,
  );
}

/** True when every column of `src` equals the converted column bit for bit (NaN = NaN, −0 ≠ 0). */
function sameValues(src: Frame, conv: Columns): boolean {
  for (const name of src.names) {
    const a = src.columns[name];
    const b = conv[name];
    if (b === undefined || a.length !== b.length) return false;
    if (Array.isArray(a)) {
      if (!Array.isArray(b)) return false;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    } else {
      if (Array.isArray(b)) return false;
      for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    }
  }
  return true;
}
