/**
 * As-of join: for each left row, the state of the right table as it was known at the left row's time
 * (pandas `merge_asof(direction="backward")`, kdb+ `aj`). Used to put the prevailing quote beside
 * each trade, or the last signal beside each bar, without looking ahead.
 */
import { ArgumentError, DataError } from "../errors";
import { Frame, isNumeric, type Column, type Columns } from "./frame";
import { firstUnsorted } from "./search";

function checkTimes(t: ArrayLike<number>, which: string, field: string): void {
  const i = firstUnsorted(t);
  if (i < 0) return;
  const v = t[i];
  const why = v !== v ? `row ${i} is NaN` : `row ${i} (${v}) is earlier than row ${i - 1} (${t[i - 1]})`;
  throw new DataError(`asof join: ${which} time column is not non-decreasing: ${why}`, { file: `${which} frame`, field }, `sort the ${which} frame by "${field}" first`);
}

/**
 * The as-of match of every left time: `idx[i]` = the LAST right row j with
 * `rightTimes[j] <= leftTimes[i] − lagUs` (or `<` when `allowExact` is false), −1 if there is none.
 * Among right rows sharing one time the last is taken: the prevailing state after all updates at that time.
 *
 * Both inputs must be non-decreasing without NaN (DataError naming the frame and the row otherwise).
 * O(n + m): one merge pass. Times in any unit, commonly epoch µs; `lagUs` (≥ 0, same unit) models the delay
 * before a right-hand update can be acted on (e.g. feed latency), so a right row is usable only once
 * `lagUs` has passed.
 */
export function asofIndex(leftTimes: ArrayLike<number>, rightTimes: ArrayLike<number>, lagUs = 0, allowExact = true): Int32Array {
  if (!Number.isFinite(lagUs) || lagUs < 0) throw new ArgumentError(`lagUs must be a finite number >= 0, got ${lagUs}`, { field: "lagUs" });
  checkTimes(leftTimes, "left", "time");
  checkTimes(rightTimes, "right", "time");
  return asofIndexUnchecked(leftTimes, rightTimes, lagUs, allowExact);
}

/** The merge of `asofIndex` without the order checks. */
function asofIndexUnchecked(leftTimes: ArrayLike<number>, rightTimes: ArrayLike<number>, lagUs: number, allowExact: boolean): Int32Array {
  const n = leftTimes.length;
  const m = rightTimes.length;
  const out = new Int32Array(n);
  let j = 0; // number of right rows that qualify so far (right rows [0, j) are <= / < the target)
  if (allowExact) {
    for (let i = 0; i < n; i++) {
      const target = leftTimes[i] - lagUs;
      while (j < m && rightTimes[j] <= target) j++;
      out[i] = j - 1;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const target = leftTimes[i] - lagUs;
      while (j < m && rightTimes[j] < target) j++;
      out[i] = j - 1;
    }
  }
  return out;
}

/** Options of `asofJoin`. */
export interface AsofJoinOptions {
  /** Time column of the left frame (epoch µs by convention). */
  on: string;
  /** Time column of the right frame; defaults to `on`. */
  rightOn?: string;
  /** Delay (same unit as the times, ≥ 0) before a right row becomes visible; default 0. */
  lagUs?: number;
  /** Right columns to bring over; default every right column except the right time column. */
  columns?: string[];
  /** Prefix for right columns whose name is already a left column; default "right_". */
  prefix?: string;
  /** Whether a right row at exactly `left time − lagUs` qualifies; default true. */
  allowExactMatches?: boolean;
  /** If set, add the matched right row index (−1 if none) as an Int32Array column of this name. */
  indexColumn?: string;
  /** If set, a match older than this (left time − right time > toleranceUs) counts as no match (stale state). */
  toleranceUs?: number;
}

/**
 * Backward as-of join (pandas `merge_asof`, direction "backward"): every left row, in order, with the
 * right columns of the last right row whose time is <= left time − lagUs (< when `allowExactMatches`
 * is false). Ties in the right time take the last row (state after all updates at that time).
 *
 * Output: all left columns (shared, not copied), then the chosen right columns (renamed `prefix + name`
 * where the name is already taken). Where no right row qualifies the value is NaN (numeric) or "" (string).
 * Integer right columns (Int8/Int32) are widened to Float64Array so that "no match" can be NaN — the kind of
 * a column never depends on the data. Both time columns must be non-decreasing (DataError naming the frame and row).
 * O(n + m) for the merge, plus O(n) per output column.
 */
export function asofJoin(left: Frame, right: Frame, opts: AsofJoinOptions): Frame<Columns> {
  const on = opts.on;
  const rightOn = opts.rightOn ?? on;
  const lag = opts.lagUs ?? 0;
  const allowExact = opts.allowExactMatches ?? true;
  const prefix = opts.prefix ?? "right_";
  if (!left.has(on)) throw new ArgumentError(`asof join: left frame has no column "${on}"; columns are: ${left.names.join(", ")}`, { field: on });
  if (!right.has(rightOn)) throw new ArgumentError(`asof join: right frame has no column "${rightOn}"; columns are: ${right.names.join(", ")}`, { field: rightOn });
  const lt = left.columns[on];
  const rt = right.columns[rightOn];
  if (!isNumeric(lt)) throw new ArgumentError(`asof join: left time column "${on}" is a string column`, { field: on });
  if (!isNumeric(rt)) throw new ArgumentError(`asof join: right time column "${rightOn}" is a string column`, { field: rightOn });
  if (!Number.isFinite(lag) || lag < 0) throw new ArgumentError(`asof join: lagUs must be a finite number >= 0, got ${lag}`, { field: "lagUs" });
  const tol = opts.toleranceUs;
  if (tol !== undefined && !(tol >= 0)) throw new ArgumentError(`asof join: toleranceUs must be >= 0, got ${tol}`, { field: "toleranceUs" });
  checkTimes(lt, "left", on);
  checkTimes(rt, "right", rightOn);

  const cols = opts.columns ?? right.names.filter((c) => c !== rightOn);
  for (const c of cols) {
    if (!right.has(c)) throw new ArgumentError(`asof join: right frame has no column "${c}"; columns are: ${right.names.join(", ")}`, { field: c });
  }

  const idx = asofIndexUnchecked(lt, rt, lag, allowExact);
  if (tol !== undefined) {
    for (let i = 0; i < idx.length; i++) {
      const j = idx[i];
      if (j >= 0 && lt[i] - rt[j] > tol) idx[i] = -1;
    }
  }

  const out: Columns = { ...(left.columns as Columns) };
  const taken = new Set(left.names);
  for (const c of cols) {
    const name = taken.has(c) ? prefix + c : c;
    if (taken.has(name)) throw new ArgumentError(`asof join: output column "${name}" (right column "${c}") clashes with an existing column; choose another prefix`, { field: c });
    taken.add(name);
    out[name] = gatherOrMissing(right.columns[c], idx);
  }
  if (opts.indexColumn !== undefined) {
    if (taken.has(opts.indexColumn)) throw new ArgumentError(`asof join: indexColumn "${opts.indexColumn}" clashes with an existing column`, { field: opts.indexColumn });
    out[opts.indexColumn] = idx;
  }
  return new Frame(out);
}

/** `c[idx[i]]`, or NaN / "" where idx[i] < 0. Integer kinds are widened to Float64Array. */
function gatherOrMissing(c: Column, idx: Int32Array): Column {
  const n = idx.length;
  if (Array.isArray(c)) {
    const o: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const j = idx[i];
      o[i] = j >= 0 ? c[j] : "";
    }
    return o;
  }
  const o = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = idx[i];
    o[i] = j >= 0 ? c[j] : NaN;
  }
  return o;
}
