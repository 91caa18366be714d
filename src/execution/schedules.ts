/**
 * Execution schedules: how a parent order of Q (base units, > 0; the side is the caller's) is split into child
 * quantities over time slices [sliceStartUs_i, sliceEndUs_i) (epoch µs, UTC). An `ExecutionSchedule` has the fields
 * of simulate.ts's `ChildSchedule` (sliceStartUs, sliceEndUs, quantity), so it can be simulated directly.
 * - `twapSchedule`: equal quantities on equal time slices;
 * - `vwapSchedule`: quantities proportional to the expected market volume of each slice under an intraday
 *   volume profile (partial buckets pro-rated, see `profileVolumeShare`);
 * - `weightedSchedule`: any non-negative weights (e.g. the Almgren-Chriss trade list `almgrenChriss(...).trades`);
 * - `povTargets` / `povSchedule` / `createPovTracker`: percentage of volume, driven by the REALIZED market volume.
 *
 * Exact sums (`allocateQuantity`): with a lot size L, Q must be a whole number of lots M = Q/L (within 1e−9
 * relative) and the child lot counts are found by largest-remainder rounding (Hamilton's method): ideal
 * m_i = M·w_i/Σw, each slice gets ⌊m_i⌋ lots and the M − Σ⌊m_i⌋ lots left go one each to the largest fractional
 * parts (ties: earlier slice first). The integer lot counts sum to M exactly; child quantities are lots·L, which sum
 * to Q exactly in floating point whenever L and Q are exactly representable multiples (integer shares, L = 2^−k),
 * and otherwise to within the rounding of the decimal lot itself. Without a lot size the quantities are
 * Q·w_i/Σw, and the floating residual Q − Σq is moved onto the last positive child until the left-to-right sum is Q.
 * Ties between equal remainders (compared after quantizing to 1e−9 lot, so float noise in weights does not decide)
 * go to the earlier slice.
 */
import { ArgumentError } from "../errors";
import { checkProfile, profileCumulative, type ProfileShares } from "./volumeProfile";

/** A schedule: one row per slice, arrays of equal length. */
export interface ExecutionSchedule {
  /** How it was built. */
  kind: "twap" | "vwap" | "pov" | "weighted";
  /** The parent quantity Q (> 0). */
  parentQuantity: number;
  /** Lot size used for rounding (0 = continuous quantities). */
  lotSize: number;
  /** Slice start, epoch µs (names as `ChildSchedule` in simulate.ts, so a schedule can be passed to the simulator as is). */
  sliceStartUs: Float64Array;
  /** Slice end (exclusive), epoch µs; sliceEndUs[i] = sliceStartUs[i + 1]. */
  sliceEndUs: Float64Array;
  /** Child quantity per slice (≥ 0). Sums to Q (POV: to Q − unfilled). */
  quantity: Float64Array;
  /** Integer lot counts per slice (null when lotSize = 0). */
  lots: Float64Array | null;
  /** Target (unrounded) fraction of Q per slice. */
  targetShare: Float64Array;
}

function checkPositive(v: number, field: string): void {
  if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) throw new ArgumentError(`${field} must be a finite number > 0, got ${v}`, { field });
}

function lotCount(quantity: number, lotSize: number): number {
  const M = Math.round(quantity / lotSize);
  if (!(M >= 1) || Math.abs(M * lotSize - quantity) > 1e-9 * quantity) {
    throw new ArgumentError(`quantity ${quantity} is not a whole number of lots of ${lotSize}`, { field: "quantity" }, "round the parent to the lot size first");
  }
  return M;
}

/**
 * Splits `quantity` in proportion to `weights` (finite, ≥ 0, not all 0) with exact sums: largest-remainder
 * rounding to whole lots when `lotSize` > 0, else exact proportions with the residual on the largest child
 * (module comment). Returns child quantities, integer lot counts (or null) and the target shares w_i/Σw.
 */
export function allocateQuantity(
  quantity: number,
  weights: ArrayLike<number>,
  lotSize?: number,
): { quantity: Float64Array; lots: Float64Array | null; targetShare: Float64Array } {
  checkPositive(quantity, "quantity");
  const n = weights.length;
  if (n === 0) throw new ArgumentError("weights is empty", { field: "weights" });
  let W = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!(w >= 0) || !Number.isFinite(w)) throw new ArgumentError(`weights[${i}] = ${w} must be finite and >= 0`, { field: "weights" });
    W += w;
  }
  if (!(W > 0)) throw new ArgumentError("weights sum to 0: nothing to allocate against", { field: "weights" });
  const targetShare = new Float64Array(n);
  for (let i = 0; i < n; i++) targetShare[i] = weights[i] / W;
  const q = new Float64Array(n);
  if (lotSize !== undefined && lotSize !== 0) {
    checkPositive(lotSize, "lotSize");
    const M = lotCount(quantity, lotSize);
    const lots = new Float64Array(n);
    const rem = new Float64Array(n);
    let given = 0;
    for (let i = 0; i < n; i++) {
      const ideal = (M * weights[i]) / W;
      lots[i] = Math.floor(ideal);
      rem[i] = ideal - lots[i];
      given += lots[i];
    }
    let left = M - given;
    if (left > 0) {
      // remainders quantized to 1e-9 lot so that float noise in the weights does not break ties (earlier slice first)
      const rq = rem.map((r) => Math.round(r * 1e9));
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => rq[b] - rq[a] || a - b);
      for (let j = 0; left > 0; j = (j + 1) % n, left--) lots[order[j]]++;
    }
    for (let i = 0; i < n; i++) q[i] = lots[i] * lotSize;
    return { quantity: q, lots, targetShare };
  }
  let last = 0;
  for (let i = 0; i < n; i++) {
    q[i] = quantity * targetShare[i];
    if (targetShare[i] > 0) last = i;
  }
  // the last child with positive weight absorbs the floating residual: q_last ← q_last + (Q − fl(Σq)), repeated
  // until the left-to-right sum is exactly Q (a representable q_last with that property always exists)
  let prefix = 0;
  for (let i = 0; i < last; i++) prefix += q[i];
  for (let it = 0; it < 64; it++) {
    let s = prefix + q[last];
    for (let i = last + 1; i < n; i++) s += q[i];
    if (s === quantity) break;
    // first a jump by the residual, then single-ulp steps (a jump can land on a rounding tie and oscillate)
    const adj = it < 2 ? q[last] + (quantity - s) : nextFloat(q[last], s < quantity ? 1 : -1);
    if (!(adj >= 0)) break;
    q[last] = adj;
  }
  return { quantity: q, lots: null, targetShare };
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer); // little-endian: U32[0] low word, U32[1] high word
/** The next float64 after x (x ≥ 0, finite) upward (dir 1) or downward (dir −1). */
function nextFloat(x: number, dir: 1 | -1): number {
  if (x === 0) return dir > 0 ? Number.MIN_VALUE : 0;
  F64[0] = x;
  if (dir > 0) {
    if (U32[0] === 0xffffffff) {
      U32[0] = 0;
      U32[1]++;
    } else U32[0]++;
  } else if (U32[0] === 0) {
    U32[0] = 0xffffffff;
    U32[1]--;
  } else U32[0]--;
  return F64[0];
}

function checkWindow(startUs: number, endUs: number): void {
  if (!Number.isFinite(startUs) || !Number.isFinite(endUs) || !(endUs > startUs)) {
    throw new ArgumentError(`need finite startUs < endUs, got ${startUs}, ${endUs}`, { field: "endUs" });
  }
}

/** Boundaries of `slices` equal slices of [startUs, endUs): start_i = startUs + (endUs − startUs)·i/slices, last end = endUs. */
export function equalSlices(startUs: number, endUs: number, slices: number): { sliceStartUs: Float64Array; sliceEndUs: Float64Array } {
  checkWindow(startUs, endUs);
  if (!(Number.isInteger(slices) && slices >= 1)) throw new ArgumentError(`slices must be an integer >= 1, got ${slices}`, { field: "slices" });
  const s = new Float64Array(slices);
  const e = new Float64Array(slices);
  for (let i = 0; i < slices; i++) s[i] = startUs + ((endUs - startUs) * i) / slices;
  for (let i = 0; i < slices; i++) e[i] = i + 1 < slices ? s[i + 1] : endUs;
  return { sliceStartUs: s, sliceEndUs: e };
}

/** Options of `twapSchedule`. */
export interface TwapOptions {
  /** Parent quantity (> 0, base units). */
  quantity: number;
  startUs: number;
  endUs: number;
  /** Number of equal time slices. */
  slices: number;
  /** Lot size (> 0) for whole-lot children; omit for continuous quantities. */
  lotSize?: number;
}

/**
 * TWAP: `slices` equal time slices of [startUs, endUs), each targeting Q/slices (equal weights), rounded to whole
 * lots by largest remainder so the children sum exactly to Q (module comment).
 */
export function twapSchedule(o: TwapOptions): ExecutionSchedule {
  const t = equalSlices(o.startUs, o.endUs, o.slices);
  const a = allocateQuantity(o.quantity, new Float64Array(o.slices).fill(1), o.lotSize);
  return { kind: "twap", parentQuantity: o.quantity, lotSize: o.lotSize ?? 0, ...t, ...a };
}

/** Options of `weightedSchedule`. */
export interface WeightedOptions {
  quantity: number;
  startUs: number;
  endUs: number;
  /** Non-negative weight per equal time slice (e.g. the Almgren-Chriss trades n_k); the slice count is weights.length. */
  weights: ArrayLike<number>;
  lotSize?: number;
}

/**
 * A schedule on weights.length equal time slices of [startUs, endUs) with children proportional to `weights`
 * (exact sums, module comment). With `weights = almgrenChriss(...).trades` it maps the AC trade list onto clock
 * time (T days of the model ↦ the window). Negative weights (a non-monotone AC trajectory) are refused.
 */
export function weightedSchedule(o: WeightedOptions): ExecutionSchedule {
  const t = equalSlices(o.startUs, o.endUs, o.weights.length);
  const a = allocateQuantity(o.quantity, o.weights, o.lotSize);
  return { kind: "weighted", parentQuantity: o.quantity, lotSize: o.lotSize ?? 0, ...t, ...a };
}

/** Options of `vwapSchedule`. */
export interface VwapOptions {
  quantity: number;
  startUs: number;
  endUs: number;
  /** Intraday profile (e.g. `intradayVolumeProfile(...)`): bucket length and shares summing to 1. */
  profile: ProfileShares;
  /** Equal time slices; default: slice at the profile's bucket edges inside the window (one slice per (partial) bucket). */
  slices?: number;
  lotSize?: number;
}

/**
 * VWAP: child quantities proportional to the profile's expected share of market volume in each slice,
 * w_i = F(end_i) − F(start_i) with F the profile's cumulative volume (volume uniform within a bucket, so partial
 * buckets are pro-rated; see `profileCumulative`), rounded to exact sums (module comment). On a flat profile
 * (equal shares) with equal slices it equals `twapSchedule`. Throws if the profile gives the window no volume.
 */
export function vwapSchedule(o: VwapOptions): ExecutionSchedule {
  checkWindow(o.startUs, o.endUs);
  checkProfile(o.profile);
  let t: { sliceStartUs: Float64Array; sliceEndUs: Float64Array };
  if (o.slices !== undefined) t = equalSlices(o.startUs, o.endUs, o.slices);
  else {
    const bucketUs = o.profile.bucketMinutes * 60e6;
    const edges: number[] = [o.startUs];
    for (let e = (Math.floor(o.startUs / bucketUs) + 1) * bucketUs; e < o.endUs; e += bucketUs) edges.push(e);
    edges.push(o.endUs);
    t = { sliceStartUs: Float64Array.from(edges.slice(0, -1)), sliceEndUs: Float64Array.from(edges.slice(1)) };
  }
  const n = t.sliceStartUs.length;
  const w = new Float64Array(n);
  // cumulative volume measured from the window's first UTC midnight (small numbers: no loss of precision)
  const day0 = Math.floor(o.startUs / 86400e6) * 86400e6;
  let prev = profileCumulative(o.profile, t.sliceStartUs[0] - day0);
  for (let i = 0; i < n; i++) {
    const next = profileCumulative(o.profile, t.sliceEndUs[i] - day0);
    w[i] = Math.max(0, next - prev);
    prev = next;
  }
  let W = 0;
  for (let i = 0; i < n; i++) W += w[i];
  if (!(W > 0)) throw new ArgumentError("the profile expects no volume in [startUs, endUs)", { field: "profile" });
  const a = allocateQuantity(o.quantity, w, o.lotSize);
  return { kind: "vwap", parentQuantity: o.quantity, lotSize: o.lotSize ?? 0, ...t, ...a };
}

/** Options of the POV rule (`createPovTracker`, `povTargets`, `povSchedule`). */
export interface PovOptions {
  /** Target participation ρ in (0, 1]: child_i ≤ ρ·marketVolume_i outside catch-up. */
  participation: number;
  /** Parent quantity (> 0). */
  quantity: number;
  /** Lot size: children are whole lots, rounded DOWN so the cap ρ·V is never exceeded by rounding. */
  lotSize?: number;
  /**
   * Deadline catch-up ("deadline"): at slice i the participation is raised to
   * ρ_i = min(ρ_max, max(ρ, remaining_i / Σ_{j≥i} expectedVolume_j)), the rate that finishes on time if the
   * forecast volume comes (a forecast, so the rule stays non-anticipating). Default "none": ρ_i = ρ.
   */
  catchUp?: "none" | "deadline";
  /** ρ_max ≥ ρ, the most catch-up may use (default ρ, i.e. no catch-up even when asked). */
  maxParticipation?: number;
  /** Forecast market volume per slice (same length as marketVolume), e.g. from a volume profile; needed by "deadline". */
  expectedVolume?: ArrayLike<number>;
  /** Send everything still remaining in the last slice regardless of the cap (default false: leave it `unfilled`). */
  finalSweep?: boolean;
}

/** One step of a POV tracker. */
export interface PovStep {
  /** Child quantity for this slice. */
  quantity: number;
  /** Participation cap used, ρ_i. */
  cap: number;
  /** True when quantity > ρ·marketVolume (catch-up or final sweep). */
  overCap: boolean;
}

/** A running POV rule (see `createPovTracker`). */
export interface PovTracker {
  /**
   * Child quantity for a slice with realized market volume `marketVolume`: min(remaining, ⌊ρ_i·V⌋_lots); the child is
   * assumed filled (remaining decreases) — return an unfilled part with `credit`.
   * @param o.expectedRemainingVolume forecast market volume of this and all later slices (deadline catch-up)
   * @param o.sweep send all that remains (final slice)
   */
  step(marketVolume: number, o?: { expectedRemainingVolume?: number; sweep?: boolean }): PovStep;
  /** Gives back `qty` not filled from earlier children (0 ≤ qty ≤ filled): it becomes remaining again. */
  credit(qty: number): void;
  /** Quantity not yet sent (or sent and credited back). */
  readonly remaining: number;
  /** Quantity sent and not credited back. */
  readonly filled: number;
}

function checkPov(o: PovOptions): { rho: number; rhoMax: number; lot: number } {
  const rho = o.participation;
  if (!(rho > 0 && rho <= 1)) throw new ArgumentError(`participation must be in (0, 1], got ${rho}`, { field: "participation" });
  checkPositive(o.quantity, "quantity");
  const rhoMax = o.maxParticipation ?? rho;
  if (!(rhoMax >= rho && rhoMax <= 1)) throw new ArgumentError(`maxParticipation must be in [participation, 1], got ${rhoMax}`, { field: "maxParticipation" });
  const lot = o.lotSize ?? 0;
  if (lot !== 0) checkPositive(lot, "lotSize");
  if (o.catchUp !== undefined && o.catchUp !== "none" && o.catchUp !== "deadline") {
    throw new ArgumentError(`catchUp must be "none" or "deadline", got "${o.catchUp}"`, { field: "catchUp" });
  }
  return { rho, rhoMax, lot };
}

/**
 * A running percentage-of-volume rule for live or simulated use: call `step(V_i)` once per slice with the slice's
 * realized market volume V_i. Rule: child_i = min(remaining, ρ_i·V_i) (whole lots, rounded down); ρ_i = ρ, or with a
 * forecast of the remaining volume the deadline catch-up ρ_i = min(ρ_max, max(ρ, remaining/forecast)); `sweep`
 * sends all that remains. Convention: V_i is the market volume the cap refers to (for a cap on total volume
 * including one's own fills, when V excludes them, pass ρ/(1 − ρ)). Remaining is tracked in whole lots, so the
 * children plus the remainder equal Q exactly.
 */
export function createPovTracker(o: PovOptions): PovTracker {
  const { rho, rhoMax, lot } = checkPov(o);
  const Q = o.quantity;
  let remLots = lot ? lotCount(Q, lot) : 0;
  let rem = Q;
  const totalLots = remLots;
  return {
    step(V, so = {}) {
      if (!(V >= 0) || !Number.isFinite(V)) throw new ArgumentError(`marketVolume must be finite and >= 0, got ${V}`, { field: "marketVolume" });
      const remaining = lot ? remLots * lot : rem;
      let cap = rho;
      const f = so.expectedRemainingVolume;
      if (f !== undefined && remaining > 0) {
        if (!(f >= 0)) throw new ArgumentError(`expectedRemainingVolume must be >= 0, got ${f}`, { field: "expectedVolume" });
        cap = f > 0 ? Math.min(rhoMax, Math.max(rho, remaining / f)) : rhoMax;
      }
      let q: number;
      if (lot) {
        const l = so.sweep ? remLots : Math.min(remLots, Math.floor((cap * V) / lot));
        remLots -= l;
        q = l * lot;
      } else {
        q = so.sweep ? rem : Math.min(rem, cap * V);
        rem = q === rem ? 0 : rem - q;
      }
      return { quantity: q, cap, overCap: q > rho * V * (1 + 1e-12) };
    },
    credit(qty) {
      const filled = lot ? (totalLots - remLots) * lot : Q - rem;
      if (!(qty >= 0 && qty <= filled * (1 + 1e-12))) throw new ArgumentError(`credit ${qty} must be in [0, filled = ${filled}]`, { field: "qty" });
      if (qty === 0) return;
      if (lot) remLots += lotCount(qty, lot);
      else rem += qty;
    },
    get remaining() {
      return lot ? remLots * lot : rem;
    },
    get filled() {
      return lot ? (totalLots - remLots) * lot : Q - rem;
    },
  };
}

/** Result of `povTargets`. */
export interface PovTargets {
  /** Child quantity per slice. */
  quantity: Float64Array;
  /** Participation cap used per slice ρ_i. */
  cap: Float64Array;
  /** 1 where the child exceeds ρ·marketVolume (catch-up or final sweep), else 0. */
  overCap: Int8Array;
  /** Remaining after each slice. */
  remainingAfter: Float64Array;
  /** Left over after the last slice (0 when finished). Σ quantity + unfilled = Q. */
  unfilled: number;
}

/**
 * POV children for a whole series of realized per-slice market volumes (the `createPovTracker` rule applied slice
 * by slice): child_i = min(remaining, ρ_i·V_i), ρ_i = ρ unless catchUp "deadline" (needs `expectedVolume`), plus
 * the optional final sweep. Child quantities never exceed ρ·V_i except where `overCap` says so.
 */
export function povTargets(marketVolume: ArrayLike<number>, o: PovOptions): PovTargets {
  checkPov(o);
  const n = marketVolume.length;
  if (n === 0) throw new ArgumentError("marketVolume is empty", { field: "marketVolume" });
  const deadline = o.catchUp === "deadline";
  let suffix: Float64Array | null = null;
  if (deadline) {
    const ev = o.expectedVolume;
    if (!ev || ev.length !== n) throw new ArgumentError(`catchUp "deadline" needs expectedVolume with ${n} entries`, { field: "expectedVolume" });
    suffix = new Float64Array(n);
    let s = 0;
    for (let i = n - 1; i >= 0; i--) {
      if (!(ev[i] >= 0) || !Number.isFinite(ev[i])) throw new ArgumentError(`expectedVolume[${i}] = ${ev[i]} must be finite and >= 0`, { field: "expectedVolume" });
      s += ev[i];
      suffix[i] = s;
    }
  }
  const tr = createPovTracker(o);
  const out: PovTargets = {
    quantity: new Float64Array(n),
    cap: new Float64Array(n),
    overCap: new Int8Array(n),
    remainingAfter: new Float64Array(n),
    unfilled: 0,
  };
  for (let i = 0; i < n; i++) {
    const st = tr.step(marketVolume[i], { expectedRemainingVolume: suffix ? suffix[i] : undefined, sweep: o.finalSweep === true && i === n - 1 });
    out.quantity[i] = st.quantity;
    out.cap[i] = st.cap;
    out.overCap[i] = st.overCap ? 1 : 0;
    out.remainingAfter[i] = tr.remaining;
  }
  out.unfilled = tr.remaining;
  return out;
}

/**
 * POV as a schedule on marketVolume.length equal time slices of [startUs, endUs) (see `povTargets`). The children sum
 * to Q − unfilled; `targetShare` is each child over Q. `lots` are the whole-lot counts when a lot size is given.
 */
export function povSchedule(o: PovOptions & { startUs: number; endUs: number; marketVolume: ArrayLike<number> }): ExecutionSchedule & PovTargets {
  const t = equalSlices(o.startUs, o.endUs, o.marketVolume.length);
  const p = povTargets(o.marketVolume, o);
  const lot = o.lotSize ?? 0;
  const targetShare = new Float64Array(p.quantity.length);
  for (let i = 0; i < targetShare.length; i++) targetShare[i] = p.quantity[i] / o.quantity;
  const lots = lot ? p.quantity.map((q) => Math.round(q / lot)) : null;
  return { kind: "pov", parentQuantity: o.quantity, lotSize: lot, ...t, ...p, lots, targetShare };
}
