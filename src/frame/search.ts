/**
 * Binary search over sorted numeric columns (numpy `searchsorted` semantics) and the sortedness check
 * every time-ordered operation (asof join, bars, time windows) runs before it trusts its input.
 *
 * Order convention (numpy's): NaN sorts after every number, so a sorted array holds its NaNs at the end,
 * and searching for NaN finds the NaN block.
 */
import { ArgumentError, DataError } from "../errors";

/** numpy order `a < v` with NaN greatest. */
function lt(a: number, v: number): boolean {
  // a < v, or a is a number and v is NaN
  return a < v || (v !== v && a === a);
}

/** numpy order `a <= v` with NaN greatest. */
function le(a: number, v: number): boolean {
  // a <= v, or v is NaN (everything is <= NaN)
  return a <= v || v !== v;
}

function checkSide(side: string): void {
  if (side !== "left" && side !== "right") throw new ArgumentError(`side must be "left" or "right", got ${JSON.stringify(side)}`);
}

/**
 * The insertion index of `value` into ascending `sorted` (numpy `searchsorted`).
 * - side "left": the first i with `sorted[i] >= value`, i.e. `sorted[i-1] < value <= sorted[i]`;
 * - side "right": the first i with `sorted[i] > value`, i.e. `sorted[i-1] <= value < sorted[i]`.
 * Returns a number in [0, n]. NaN sorts last (numpy). O(log n); the input is not checked for order.
 */
export function searchSorted(sorted: ArrayLike<number>, value: number, side: "left" | "right" = "left"): number {
  checkSide(side);
  return side === "left" ? lowerBound(sorted, value, 0, sorted.length) : upperBound(sorted, value, 0, sorted.length);
}

/** First i in [lo, hi) with !(a[i] < v); hi if none. */
function lowerBound(a: ArrayLike<number>, v: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lt(a[mid], v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First i in [lo, hi) with !(a[i] <= v); hi if none. */
function upperBound(a: ArrayLike<number>, v: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (le(a[mid], v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when `v` is non-decreasing in numpy order (NaNs only at the end). O(m). */
function isSortedNumpy(v: ArrayLike<number>): boolean {
  for (let i = 1; i < v.length; i++) if (lt(v[i], v[i - 1])) return false;
  return true;
}

/**
 * `searchSorted` for every element of `values`, as an Int32Array of insertion indices (numpy semantics).
 * When `values` is itself sorted (checked in O(m)) the search is a galloping merge: from the previous
 * answer it probes forward at distances 1, 2, 4, … and then bisects the last step, which is
 * O(n + m) in the worst case and O(m log(n/m)) when `values` is sparse. Otherwise each value is
 * found by plain binary search, O(m log n).
 */
export function searchSortedMany(sorted: ArrayLike<number>, values: Float64Array, side: "left" | "right" = "left"): Int32Array {
  checkSide(side);
  const n = sorted.length;
  const m = values.length;
  const out = new Int32Array(m);
  const left = side === "left";
  if (!isSortedNumpy(values)) {
    for (let i = 0; i < m; i++) out[i] = left ? lowerBound(sorted, values[i], 0, n) : upperBound(sorted, values[i], 0, n);
    return out;
  }
  let pos = 0; // answer for the previous value: a lower bound for this one
  for (let i = 0; i < m; i++) {
    const v = values[i];
    // Gallop: find hi with the predicate false at hi (or hi = n), knowing it is true before pos.
    let lo = pos;
    let step = 1;
    let hi = pos;
    if (left) {
      while (hi < n && lt(sorted[hi], v)) {
        lo = hi + 1;
        hi += step;
        step *= 2;
      }
      pos = lowerBound(sorted, v, lo, Math.min(hi, n));
    } else {
      while (hi < n && le(sorted[hi], v)) {
        lo = hi + 1;
        hi += step;
        step *= 2;
      }
      pos = upperBound(sorted, v, lo, Math.min(hi, n));
    }
    out[i] = pos;
  }
  return out;
}

/**
 * Index of the first row that breaks non-decreasing order (a NaN, or a value below its predecessor), or −1.
 * O(n).
 */
export function firstUnsorted(col: ArrayLike<number>): number {
  const n = col.length;
  if (n === 0) return -1;
  let prev = col[0];
  if (prev !== prev) return 0;
  for (let i = 1; i < n; i++) {
    const v = col[i];
    if (!(v >= prev)) return i; // catches v < prev and NaN
    prev = v;
  }
  return -1;
}

/**
 * Throws a DataError unless `col` is non-decreasing with no NaN (the precondition of every merge-based
 * time operation). The message names the column, the first offending 0-based row index and the values.
 * @param col the column (e.g. epoch-µs timestamps)
 * @param name the field name reported in the error
 * @param file the file (or a label such as `left frame`) reported in the error
 * @param firstLine if rows map one-to-one to file lines, the 1-based line of row 0, so the error carries `line`
 */
export function assertSorted(col: ArrayLike<number>, name: string, file?: string, firstLine?: number): void {
  const i = firstUnsorted(col);
  if (i < 0) return;
  const line = firstLine === undefined ? undefined : firstLine + i;
  const v = col[i];
  const why = v !== v ? `row ${i} is NaN` : `row ${i} (${v}) is less than row ${i - 1} (${col[i - 1]})`;
  throw new DataError(`column "${name}" is not sorted in non-decreasing order: ${why}`, { file, line, field: name }, "sort the frame by this column first (Frame.sortBy)");
}
