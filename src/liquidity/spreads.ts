/**
 * Trade-based spread measures: quoted spread at the trade, effective spread, realized spread and price impact
 * at several horizons, per trade and aggregated; and the time-weighted quoted spread of a quote series.
 *
 * Notation (per trade): D = direction (+1 buyer-initiated, −1 seller-initiated), P = trade price,
 * A, B = best ask and bid of the quote prevailing at t − lagUs, M_t = (A + B)/2, M_{t+Δ} = the mid of the quote
 * prevailing at t + Δ ("prevailing at s" = the last quote with quote time ≤ s; ties take the last).
 *   quoted spread     Q   = A − B
 *   effective spread  ES  = 2·D·(P − M_t)                      (Huang & Stoll 1996; SEC Rule 605 / 11Ac1-5)
 *   realized spread   RS  = 2·D·(P − M_{t+Δ})                  (Huang & Stoll 1996; Bessembinder & Kaufman 1997)
 *   price impact      PI  = 2·D·(M_{t+Δ} − M_t)                (a.k.a. adverse selection component)
 * so ES = RS + PI. Each is reported in price units (quote currency per unit of base), relative to M_t (a
 * fraction: X / M_t) and in basis points (X / M_t · 1e4). The horizon Δ is measured from the trade time t (not
 * from t − lagUs). Exactness: P, M_t and M_{t+Δ} are within a factor 2 of each other, so P − M, M_{t+Δ} − M_t
 * are exact in float64 (Sterbenz' lemma) and ES = RS + PI holds bit for bit in price units; relative and bps
 * values are each one division away (equal to within an ulp or so).
 *
 * A "trade" is a row of the trades frame. Binance reports every fill of an aggressive order as its own trade (on
 * the BTCUSDT spot capture 64% of trades share their exchange time with the previous one, and 44% print outside
 * the pre-trade quotes: orders walking the book), so per-fill effective spreads can exceed the quoted spread.
 * Amount-weighted means do not depend on how fills are grouped (fills of one order share M_t, and
 * Σ a_i·2D(P_i − M) = (Σ a_i)·2D(VWAP − M)); equal- and notional-weighted means do.
 */
import { ArgumentError } from "../errors";
import { Frame, type Columns, type NumericColumn } from "../frame/frame";
import { checkLag, quoteArrays, tradeArrays, tradeDirection, type TimeColumnOptions } from "./classify";

/** Default horizons: 50 ms, 1 s, 5 s, 1 min, 5 min (µs). */
export const DEFAULT_HORIZONS_US: readonly number[] = [50e3, 1e6, 5e6, 60e6, 300e6];

/** Units of a spread measure. */
export type SpreadUnit = "price" | "rel" | "bps";

/** Options of `spreads`. */
export interface SpreadOptions extends TimeColumnOptions {
  /** Horizons Δ in µs (> 0) for realized spread and price impact; default `DEFAULT_HORIZONS_US`. */
  horizonsUs?: readonly number[];
  /** M_t is the mid prevailing at t − lagUs (µs, ≥ 0; a quote exactly at t − lagUs counts). Default 0. */
  lagUs?: number;
  /** Trade directions (+1 / −1 / 0 per trade); default the trades' `side` column (the true aggressor side where the source has one), or pass `classifyTrades(...).side`. 0 → measures NaN, counted. */
  side?: ArrayLike<number>;
  /**
   * End of the quote data's validity (µs, same clock as the quote times): M_{t+Δ} is known only when
   * t + Δ ≤ quoteEndUs; later horizons are NaN and counted. Default: the last quote's time.
   */
  quoteEndUs?: number;
  /** Build the per-trade frame (default true). Off, only the aggregates are computed (no O(n) columns). */
  perTrade?: boolean;
  /** Units of the per-trade columns (default all three); aggregates always carry all three. */
  units?: readonly SpreadUnit[];
}

/** Counts of trades a spread measure could not be computed for, by reason. */
export interface SpreadCounts {
  /** Trades. */
  n: number;
  /** No quote at or before t − lagUs: every measure NaN. */
  noQuote: number;
  /** Prevailing quote with an empty side (NaN bid/ask): every measure NaN. */
  invalidQuote: number;
  /** Direction 0 (unknown): ES, RS, PI NaN (the quoted spread is still defined). */
  unsigned: number;
  /** Trades exactly at M_t (ES = 0). */
  atMid: number;
  /** Per horizon: t + Δ beyond `quoteEndUs` (RS, PI NaN). */
  beyondQuotes: number[];
  /** Per horizon: the quote prevailing at t + Δ has an empty side (RS, PI NaN). */
  invalidFutureQuote: number[];
}

/** Time-weighted quoted spread of a quote series. */
export interface TimeWeightedSpread {
  /** Σ (A − B)·τ / Σ τ, price units. */
  price: number;
  /** Σ ((A − B)/M)·τ / Σ τ, fraction of the mid. */
  rel: number;
  /** rel · 1e4. */
  bps: number;
  /** Σ τ over quotes with both sides, µs. */
  durationUs: number;
  /** Time covered by quotes with an empty side (excluded), µs. */
  invalidUs: number;
  /** Time covered by crossed or locked quotes (A ≤ B; included, with their non-positive spread), µs. */
  crossedUs: number;
}

/** Result of `spreads`. */
export interface SpreadResult {
  /**
   * Per trade (when `perTrade`): timestamp (the trade time column used), price, amount, side (D), mid (M_t),
   * bid, ask, quoted{,Rel,Bps}, effective{,Rel,Bps}, and per horizon label h (e.g. "1s"): mid_h, realized_h,
   * realizedRel_h, realizedBps_h, impact_h, impactRel_h, impactBps_h (only the asked units).
   */
  trades: Frame<Columns> | null;
  /**
   * Aggregates, one row per measure (quoted, effective, realized, impact) and horizon (NaN for quoted and
   * effective): n (trades with a finite value), missing, and in each unit (price: no suffix, Rel, Bps) the
   * equal-weighted mean, the amount-weighted mean (weights = amount, base units) and the notional-weighted mean
   * (weights = P·amount, quote currency). The relative means are means of per-trade X/M_t (not mean X over mean
   * M); the bps columns are 1e4 × the relative ones. With one price level amount and notional weights coincide;
   * they differ by the price variation within the sample.
   */
  summary: Frame<Columns>;
  /** Quoted spread over the quote series, each quote weighted by how long it prevailed (`timeWeightedQuotedSpread`). */
  timeWeightedQuoted: TimeWeightedSpread;
  /** Horizons (µs) and their column labels. */
  horizonsUs: number[];
  labels: string[];
  lagUs: number;
  counts: SpreadCounts;
}

/** A short label for a horizon in µs: "50ms", "1s", "5m", "250us". */
export function horizonLabel(us: number): string {
  if (us % 60e6 === 0) return `${us / 60e6}m`;
  if (us % 1e6 === 0) return `${us / 1e6}s`;
  if (us % 1e3 === 0) return `${us / 1e3}ms`;
  return `${us}us`;
}

const MEASURES_FIXED = 2; // quoted, effective; then realized_h, impact_h per horizon

/**
 * Spread measures for every trade (see the module comment for the formulas, units and reference), and their
 * aggregates. M_t: quote prevailing at t − lagUs; M_{t+Δ}: quote prevailing at t + Δ; times from `tradeTime` /
 * `quoteTime` (default localTimestamp on both). Trades with no prior quote, a quote with an empty side, or
 * direction 0 get NaN and are counted; trades exactly at the mid have ES = 0; horizons past `quoteEndUs` are NaN
 * and counted. The time-weighted quoted spread covers [first quote, quoteEndUs].
 * O(n·H + m·H) time for n trades, m quotes, H horizons; the per-trade frame is 8·n bytes per column
 * (`perTrade: false` or fewer `units` for very large inputs).
 */
export function spreads(trades: Frame, quotes: Frame, opts: SpreadOptions = {}): SpreadResult {
  const tradeTime = opts.tradeTime ?? "localTimestamp";
  const quoteTime = opts.quoteTime ?? "localTimestamp";
  const lagUs = opts.lagUs ?? 0;
  checkLag(lagUs, "spreads");
  const H = (opts.horizonsUs ?? DEFAULT_HORIZONS_US).slice();
  for (const h of H) if (!(h > 0) || h === Infinity) throw new ArgumentError(`spreads: horizons must be finite numbers > 0, got ${h}`, { field: "horizonsUs" });
  const labels = H.map(horizonLabel);
  if (new Set(labels).size !== labels.length) throw new ArgumentError(`spreads: repeated horizon in [${H.join(", ")}]`, { field: "horizonsUs" });
  const units = opts.units ?? ["price", "rel", "bps"];
  for (const u of units) if (u !== "price" && u !== "rel" && u !== "bps") throw new ArgumentError(`spreads: unknown unit "${u as string}" (price, rel, bps)`, { field: "units" });
  const perTrade = opts.perTrade ?? true;

  const tr = tradeArrays(trades, tradeTime);
  // quotes: validated and their time-weighted spread taken in one pass where the columns are float64 (any
  // problem found there is reported by quoteArrays, with the same error as without the fast path)
  const fq = quoteColumnsF64(quotes, quoteTime);
  let q: { t: ArrayLike<number>; bid: ArrayLike<number>; ask: ArrayLike<number>; m: number };
  let twFused: TimeWeightedSpread | null = null;
  if (fq !== null) {
    const m0 = fq.t.length;
    const qe = opts.quoteEndUs ?? (m0 > 0 ? fq.t[m0 - 1] : -Infinity);
    twFused = checkedTimeWeightedSpread(fq.t, fq.bid, fq.ask, m0 > 0 ? fq.t[0] : 0, Math.max(qe, m0 > 0 ? fq.t[0] : 0));
    q = twFused !== null ? { t: fq.t, bid: fq.bid, ask: fq.ask, m: m0 } : quoteArrays(quotes, quoteTime);
  } else q = quoteArrays(quotes, quoteTime);
  const D = tradeDirection(trades, opts.side, "spreads");
  const quoteEnd = opts.quoteEndUs ?? (q.m > 0 ? q.t[q.m - 1] : -Infinity);
  if (quoteEnd !== quoteEnd) throw new ArgumentError(`spreads: quoteEndUs is NaN`, { field: "quoteEndUs" });

  const k = spreadKernel(tr.t, tr.price, tr.amount, D, q.t, q.bid, q.ask, H, lagUs, quoteEnd, perTrade, units);

  let tradesFrame: Frame<Columns> | null = null;
  if (perTrade) {
    const cols: Columns = { timestamp: tr.t instanceof Float64Array ? tr.t : Float64Array.from(tr.t), price: f64(tr.price), amount: f64(tr.amount), side: toInt8(D) };
    const o = k.out!;
    cols.mid = o.mid;
    cols.bid = o.bid;
    cols.ask = o.ask;
    const put = (base: string, suffix: string, u: SpreadUnit, arr: Float64Array | undefined) => {
      if (arr) cols[base + (u === "price" ? "" : u === "rel" ? "Rel" : "Bps") + suffix] = arr;
    };
    for (const u of units) put("quoted", "", u, o.meas[0][u]);
    for (const u of units) put("effective", "", u, o.meas[1][u]);
    for (let h = 0; h < H.length; h++) {
      const s = "_" + labels[h];
      cols["mid" + s] = o.midH[h];
      for (const u of units) put("realized", s, u, o.meas[MEASURES_FIXED + 2 * h][u]);
      for (const u of units) put("impact", s, u, o.meas[MEASURES_FIXED + 2 * h + 1][u]);
    }
    tradesFrame = new Frame(cols);
  }

  // aggregates
  const nm = MEASURES_FIXED + 2 * H.length;
  const measure: string[] = [];
  const horizon = new Float64Array(nm);
  const cnt = new Float64Array(nm);
  const missing = new Float64Array(nm);
  const val: { [c: string]: Float64Array } = {};
  const U = ["", "Rel", "Bps"];
  for (const u of U) for (const w of ["mean", "amountWeighted", "notionalWeighted"]) val[w + u] = new Float64Array(nm);
  const a = k.acc;
  for (let j = 0; j < nm; j++) {
    measure.push(j === 0 ? "quoted" : j === 1 ? "effective" : (j - MEASURES_FIXED) % 2 === 0 ? "realized" : "impact");
    horizon[j] = j < MEASURES_FIXED ? NaN : H[(j - MEASURES_FIXED) >> 1];
    cnt[j] = a.count[j];
    missing[j] = tr.n - a.count[j];
    for (let u = 0; u < 3; u++) {
      const b = 2 * j + (u === 0 ? 0 : 1);
      const f = u === 2 ? 1e4 : 1;
      val["mean" + U[u]][j] = (a.sum[b] / a.count[j]) * f;
      val["amountWeighted" + U[u]][j] = (a.sumA[b] / a.wA[j]) * f;
      val["notionalWeighted" + U[u]][j] = (a.sumN[b] / a.wN[j]) * f;
    }
  }
  const summary = new Frame<Columns>({ measure, horizonUs: horizon, n: cnt, missing, ...val });
  const timeWeightedQuoted = twFused ?? timeWeightedQuotedSpreadArrays(q.t, q.bid, q.ask, q.m > 0 ? q.t[0] : 0, Math.max(quoteEnd, q.m > 0 ? q.t[0] : 0));
  return { trades: tradesFrame, summary, timeWeightedQuoted, horizonsUs: H, labels, lagUs, counts: k.counts };
}

/** The quote time, bid and ask columns when all three exist and are Float64Array; else null (unchecked). */
function quoteColumnsF64(quotes: Frame, timeCol: string): { t: Float64Array; bid: Float64Array; ask: Float64Array } | null {
  if (!quotes.has(timeCol) || !quotes.has("bidPrice") || !quotes.has("askPrice")) return null;
  const t = quotes.columns[timeCol], bid = quotes.columns.bidPrice, ask = quotes.columns.askPrice;
  return t instanceof Float64Array && bid instanceof Float64Array && ask instanceof Float64Array ? { t, bid, ask } : null;
}

/**
 * `timeWeightedQuotedSpreadArrays(qt, bid, ask, start, end)` for start = qt[0], fused with the checks of
 * `quoteArrays` (time non-decreasing without NaN; bid and ask NaN or finite > 0): null when any check fails (the
 * caller then lets `quoteArrays` throw). Same sums in the same order, so the same values bit for bit.
 */
function checkedTimeWeightedSpread(qt: Float64Array, bid: Float64Array, ask: Float64Array, start: number, end: number): TimeWeightedSpread | null {
  const r = new Float64Array(5);
  if (!checkedTimeWeightedSums(qt, bid, ask, end, r)) return null;
  const sp = r[0], sr = r[1], dur = r[2], inv = r[3], crossed = r[4];
  const rel = sr / dur;
  return { price: sp / dur, rel, bps: rel * 1e4, durationUs: dur, invalidUs: inv, crossedUs: crossed };
}

/**
 * The loop of `checkedTimeWeightedSpread` (start = qt[0]): writes Σ(A − B)τ, Σ((A − B)/M)τ, Στ, invalid and
 * crossed time into r[0..4]; false when a check fails. A leaf with nothing after its loop, so its optimized code
 * is kept from call to call.
 */
function checkedTimeWeightedSums(qt: Float64Array, bid: Float64Array, ask: Float64Array, end: number, r: Float64Array): boolean {
  const m = qt.length;
  let sp = 0, sr = 0, dur = 0, inv = 0, crossed = 0;
  let prev = m > 0 ? qt[0] : 0;
  let ok = !(prev !== prev);
  for (let i = 0; ok && i < m; i++) {
    const t0 = qt[i]; // ≥ start = qt[0] once sorted, so max(t0, start) = t0
    const A = ask[i];
    const B = bid[i];
    if (!(t0 >= prev) || B <= 0 || B === Infinity || A <= 0 || A === Infinity) { // −∞ ≤ 0
      ok = false;
      break;
    }
    prev = t0;
    const b = Math.min(i + 1 < m ? qt[i + 1] : end, end);
    if (!(b > t0)) continue;
    const tau = b - t0;
    const M = 0.5 * (A + B);
    if (M !== M) {
      inv += tau;
      continue;
    }
    if (A <= B) crossed += tau;
    sp += (A - B) * tau;
    sr += ((A - B) / M) * tau;
    dur += tau;
  }
  r[0] = sp; r[1] = sr; r[2] = dur; r[3] = inv; r[4] = crossed;
  return ok;
}

function f64(c: NumericColumn): Float64Array {
  return c instanceof Float64Array ? c : Float64Array.from(c);
}
function toInt8(c: ArrayLike<number>): Int8Array {
  if (c instanceof Int8Array) return c;
  const o = new Int8Array(c.length);
  for (let i = 0; i < c.length; i++) o[i] = c[i] > 0 ? 1 : c[i] < 0 ? -1 : 0;
  return o;
}

type UnitArrays = { price?: Float64Array; rel?: Float64Array; bps?: Float64Array };

/** Output of the spread kernel. @internal */
export interface SpreadKernelOut {
  counts: SpreadCounts;
  /** Accumulators per measure j (0 quoted, 1 effective, 2+2h realized_h, 3+2h impact_h), unit u (0 price, 1 rel) at 2j+u. */
  acc: { count: Float64Array; sum: Float64Array; sumA: Float64Array; sumN: Float64Array; wA: Float64Array; wN: Float64Array };
  out: { mid: Float64Array; bid: Float64Array; ask: Float64Array; midH: Float64Array[]; meas: UnitArrays[] } | null;
}

/** Trades per block of the kernel: each block runs pass 1 and then every horizon pass while its trade data are in cache. */
const BLOCK = 4096;

/**
 * Advances a merge cursor: returns the j' ≥ j with qt[j' − 1] ≤ x < qt[j'] (qt sorted, no NaN; j' = m when every
 * remaining time is ≤ x). Counts 8 times at once (the count of qt[j..j+7] ≤ x is the step when it is < 8),
 * without a data-dependent branch per quote. @internal
 */
function advance(qt: ArrayLike<number>, m: number, j: number, x: number): number {
  while (j + 8 <= m) {
    const k = +(qt[j] <= x) + +(qt[j + 1] <= x) + +(qt[j + 2] <= x) + +(qt[j + 3] <= x)
      + +(qt[j + 4] <= x) + +(qt[j + 5] <= x) + +(qt[j + 6] <= x) + +(qt[j + 7] <= x);
    j += k;
    if (k < 8) return j;
  }
  while (j < m && qt[j] <= x) j++;
  return j;
}

/**
 * Pass 1 over trades [i0, i1) of a block (see `spreadKernel`): merges t − lag with the quotes from cursor j0 (returned),
 * accumulates the quoted (st[0..8]) and effective spread (st[9..17]) sums in trade order and the counts
 * (st[18..21]: no quote, invalid quote, unsigned, at mid), stores M_t and 2·D per trade of the block in M0s, SGs
 * (M0s NaN where the horizon passes skip the trade), and writes the per-trade columns given (non-null; nanFrom
 * fills the undefined ones of a row with NaN). A leaf, so its optimized code is kept from block to block. @internal
 */
function pass1Block(
  t: ArrayLike<number>, price: ArrayLike<number>, amount: ArrayLike<number>, D: ArrayLike<number>,
  qt: ArrayLike<number>, bid: ArrayLike<number>, ask: ArrayLike<number>, lag: number, i0: number, i1: number,
  st: Float64Array, M0s: Float64Array, SGs: Float64Array, outBid: Float64Array | null, outAsk: Float64Array | null, outMid: Float64Array | null,
  qPp: Float64Array | null, qPr: Float64Array | null, qPb: Float64Array | null, ePp: Float64Array | null, ePr: Float64Array | null, ePb: Float64Array | null,
  nanFrom: (i: number, fromMeasure: number) => void, j0: number,
): number {
  const m = qt.length;
  let cQ = st[0], sQ = st[1], sQr = st[2], aQ = st[3], aQr = st[4], nQ = st[5], nQr = st[6], wAQ = st[7], wNQ = st[8];
  let cE = st[9], sE = st[10], sEr = st[11], aE = st[12], aEr = st[13], nE = st[14], nEr = st[15], wAE = st[16], wNE = st[17];
  let noQuote = st[18], invalid = st[19], unsigned = st[20], atMid = st[21];
  for (let i = i0; i < i1; i++) {
    j0 = advance(qt, m, j0, t[i] - lag);
    if (j0 === 0) {
      noQuote++;
      M0s[i - i0] = NaN;
      if (outMid !== null) {
        outBid![i] = NaN;
        outAsk![i] = NaN;
        outMid[i] = NaN;
        nanFrom(i, 0);
      }
      continue;
    }
    const B = bid[j0 - 1];
    const A = ask[j0 - 1];
    const M0 = 0.5 * (A + B);
    if (outMid !== null) {
      outBid![i] = B;
      outAsk![i] = A;
      outMid[i] = M0;
    }
    if (M0 !== M0) {
      invalid++;
      M0s[i - i0] = NaN;
      if (outMid !== null) nanFrom(i, 0);
      continue;
    }
    const P = price[i];
    const a = amount[i];
    const nt = P * a;
    const q = A - B;
    const qr = q / M0;
    cQ++; sQ += q; sQr += qr; aQ += a * q; aQr += a * qr; nQ += nt * q; nQr += nt * qr; wAQ += a; wNQ += nt;
    {
      if (qPp !== null) qPp[i] = q;
      if (qPr !== null) qPr[i] = qr;
      if (qPb !== null) qPb[i] = qr * 1e4;
    }
    const d = D[i];
    const sg = d > 0 ? 2 : d < 0 ? -2 : 0;
    if (sg === 0) {
      unsigned++;
      M0s[i - i0] = NaN;
      if (outMid !== null) nanFrom(i, 1);
      continue;
    }
    M0s[i - i0] = M0;
    SGs[i - i0] = sg;
    if (P === M0) atMid++;
    const e = sg * (P - M0) + 0; // + 0 turns −0 (a sell at the mid) into 0
    const er = e / M0;
    cE++; sE += e; sEr += er; aE += a * e; aEr += a * er; nE += nt * e; nEr += nt * er; wAE += a; wNE += nt;
    {
      if (ePp !== null) ePp[i] = e;
      if (ePr !== null) ePr[i] = er;
      if (ePb !== null) ePb[i] = er * 1e4;
    }
  }

  st[0] = cQ; st[1] = sQ; st[2] = sQr; st[3] = aQ; st[4] = aQr; st[5] = nQ; st[6] = nQr; st[7] = wAQ; st[8] = wNQ;
  st[9] = cE; st[10] = sE; st[11] = sEr; st[12] = aE; st[13] = aEr; st[14] = nE; st[15] = nEr; st[16] = wAE; st[17] = wNE;
  st[18] = noQuote; st[19] = invalid; st[20] = unsigned; st[21] = atMid;
  return j0;
}

/**
 * One horizon pass over trades [i0, i1) of a block (see `spreadKernel`): merges t + Δ with the quotes from cursor
 * jj, accumulates RS and PI into st[o..o+14] (count, then price and relative sums of RS, PI, then the weights;
 * beyond-quotes and invalid-future-quote counts at o+15, o+16) in trade order, and writes the per-trade columns
 * given (non-null). Returns the cursor. A leaf, so its optimized code is kept from block to block. @internal
 */
function horizonBlock(
  t: ArrayLike<number>, price: ArrayLike<number>, amount: ArrayLike<number>, M0s: Float64Array, SGs: Float64Array,
  qt: ArrayLike<number>, bid: ArrayLike<number>, ask: ArrayLike<number>, i0: number, i1: number, Hh: number, quoteEnd: number,
  jj: number, st: Float64Array, o: number, midH: Float64Array | null,
  rPp: Float64Array | null, rPr: Float64Array | null, rPb: Float64Array | null, iPp: Float64Array | null, iPr: Float64Array | null, iPb: Float64Array | null,
): number {
  const m = qt.length;
  let c = st[o], sR = st[o + 1], sRr = st[o + 2], aR = st[o + 3], aRr = st[o + 4], nR = st[o + 5], nRr = st[o + 6];
  let sI = st[o + 7], sIr = st[o + 8], aI = st[o + 9], aIr = st[o + 10], nI = st[o + 11], nIr = st[o + 12], wAh = st[o + 13], wNh = st[o + 14];
  let beyond = st[o + 15], invalidF = st[o + 16];
  for (let i = i0; i < i1; i++) {
    const M0 = M0s[i - i0];
    if (M0 !== M0) continue; // NaN written in pass 1
    const th = t[i] + Hh;
    if (th > quoteEnd) {
      beyond++;
      if (midH !== null) {
        midH[i] = NaN;
        if (rPp !== null) { rPp[i] = NaN; iPp![i] = NaN; }
        if (rPr !== null) { rPr[i] = NaN; iPr![i] = NaN; }
        if (rPb !== null) { rPb[i] = NaN; iPb![i] = NaN; }
      }
      continue;
    }
    jj = advance(qt, m, jj, th);
    const Mh = 0.5 * (ask[jj - 1] + bid[jj - 1]); // jj ≥ 1: a quote at or before t − lag ≤ t + Δ exists
    if (midH !== null) midH[i] = Mh;
    if (Mh !== Mh) {
      invalidF++;
      if (rPp !== null) { rPp[i] = NaN; iPp![i] = NaN; }
      if (rPr !== null) { rPr[i] = NaN; iPr![i] = NaN; }
      if (rPb !== null) { rPb[i] = NaN; iPb![i] = NaN; }
      continue;
    }
    const P = price[i];
    const a = amount[i];
    const nt = P * a;
    const sg = SGs[i - i0]; // 2·D: ±2
    const rs = sg * (P - Mh) + 0;
    const pi = sg * (Mh - M0) + 0;
    const rsr = rs / M0;
    const pir = pi / M0;
    c++;
    sR += rs; sRr += rsr; aR += a * rs; aRr += a * rsr; nR += nt * rs; nRr += nt * rsr;
    sI += pi; sIr += pir; aI += a * pi; aIr += a * pir; nI += nt * pi; nIr += nt * pir;
    wAh += a; wNh += nt;
    if (rPp !== null) { rPp[i] = rs; iPp![i] = pi; }
    if (rPr !== null) { rPr[i] = rsr; iPr![i] = pir; }
    if (rPb !== null) { rPb[i] = rsr * 1e4; iPb![i] = pir * 1e4; }
  }
  st[o] = c; st[o + 1] = sR; st[o + 2] = sRr; st[o + 3] = aR; st[o + 4] = aRr; st[o + 5] = nR; st[o + 6] = nRr;
  st[o + 7] = sI; st[o + 8] = sIr; st[o + 9] = aI; st[o + 10] = aIr; st[o + 11] = nI; st[o + 12] = nIr; st[o + 13] = wAh; st[o + 14] = wNh;
  st[o + 15] = beyond; st[o + 16] = invalidF;
  return jj;
}

/**
 * The spread kernel over typed arrays (inputs validated by the caller). Trades are processed in blocks: pass 1
 * merges the block's trades with quotes at t − lag (M_t, quoted and effective spread); then one pass per horizon
 * merges t + Δ with the quotes and accumulates RS and PI in local scalars (carried across blocks, so every sum is
 * still taken in trade order). O(n + m) per pass. Per-trade columns are allocated zeroed and every element is
 * written (NaN where undefined). @internal
 */
export function spreadKernel(
  t: ArrayLike<number>, price: ArrayLike<number>, amount: ArrayLike<number>, D: ArrayLike<number>,
  qt: ArrayLike<number>, bid: ArrayLike<number>, ask: ArrayLike<number>,
  H: readonly number[], lag: number, quoteEnd: number, perTrade: boolean, units: readonly SpreadUnit[],
): SpreadKernelOut {
  const n = t.length;
  const nh = H.length;
  const nm = MEASURES_FIXED + 2 * nh;
  const counts: SpreadCounts = { n, noQuote: 0, invalidQuote: 0, unsigned: 0, atMid: 0, beyondQuotes: new Array(nh).fill(0), invalidFutureQuote: new Array(nh).fill(0) };
  const count = new Float64Array(nm), sum = new Float64Array(2 * nm), sumA = new Float64Array(2 * nm), sumN = new Float64Array(2 * nm);
  const wA = new Float64Array(nm), wN = new Float64Array(nm);

  let out: SpreadKernelOut["out"] = null;
  const wantP = units.includes("price"), wantR = units.includes("rel"), wantB = units.includes("bps");
  const mk = () => new Float64Array(n); // every element is written below
  const meas: UnitArrays[] = [];
  if (perTrade) {
    for (let j = 0; j < nm; j++) meas.push({ price: wantP ? mk() : undefined, rel: wantR ? mk() : undefined, bps: wantB ? mk() : undefined });
    out = { mid: mk(), bid: mk(), ask: mk(), midH: H.map(mk), meas };
  }
  /** Writes NaN into the per-trade columns of measures ≥ fromMeasure (and mid_h of their horizons) at row i. */
  const nanFrom = (i: number, fromMeasure: number) => {
    for (let j = fromMeasure; j < nm; j++) {
      const u = meas[j];
      if (u.price) u.price[i] = NaN;
      if (u.rel) u.rel[i] = NaN;
      if (u.bps) u.bps[i] = NaN;
    }
    for (let h = Math.max(0, (fromMeasure - MEASURES_FIXED) >> 1); h < nh; h++) out!.midH[h][i] = NaN;
  };
  // M_t per trade of the current block for the horizon passes; NaN where the trade has no usable quote or no direction
  const M0s = new Float64Array(Math.min(n, BLOCK));
  // 2·D per trade of the current block where M0s is a number (read by the horizon passes without a branch on D)
  const SGs = new Float64Array(Math.min(n, BLOCK));

  // pass 1 state: quoted and effective spread
  const p1 = new Float64Array(22);
  let j0 = 0; // merge cursor of pass 1 (a small integer)
  const qP = perTrade ? meas[0] : null, eP = perTrade ? meas[1] : null;
  // horizon state, per horizon h at h·HS + k
  const HS = 17;
  const hacc = new Float64Array(nh * HS);
  const cur: number[] = new Array<number>(nh).fill(0); // merge cursors (small integers)

  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    j0 = pass1Block(
      t, price, amount, D, qt, bid, ask, lag, i0, i1, p1, M0s, SGs,
      out !== null ? out.bid : null, out !== null ? out.ask : null, out !== null ? out.mid : null,
      qP !== null && qP.price ? qP.price : null, qP !== null && qP.rel ? qP.rel : null, qP !== null && qP.bps ? qP.bps : null,
      eP !== null && eP.price ? eP.price : null, eP !== null && eP.rel ? eP.rel : null, eP !== null && eP.bps ? eP.bps : null,
      nanFrom, j0,
    );

    // per horizon over the block: realized spread and price impact
    for (let h = 0; h < nh; h++) {
      const rP = perTrade ? meas[MEASURES_FIXED + 2 * h] : null, iP = perTrade ? meas[MEASURES_FIXED + 2 * h + 1] : null;
      cur[h] = horizonBlock(
        t, price, amount, M0s, SGs, qt, bid, ask, i0, i1, H[h], quoteEnd, cur[h], hacc, h * HS,
        out !== null ? out.midH[h] : null,
        rP !== null && rP.price ? rP.price : null, rP !== null && rP.rel ? rP.rel : null, rP !== null && rP.bps ? rP.bps : null,
        iP !== null && iP.price ? iP.price : null, iP !== null && iP.rel ? iP.rel : null, iP !== null && iP.bps ? iP.bps : null,
      );
    }
  }

  count[0] = p1[0]; sum[0] = p1[1]; sum[1] = p1[2]; sumA[0] = p1[3]; sumA[1] = p1[4]; sumN[0] = p1[5]; sumN[1] = p1[6]; wA[0] = p1[7]; wN[0] = p1[8];
  count[1] = p1[9]; sum[2] = p1[10]; sum[3] = p1[11]; sumA[2] = p1[12]; sumA[3] = p1[13]; sumN[2] = p1[14]; sumN[3] = p1[15]; wA[1] = p1[16]; wN[1] = p1[17];
  counts.noQuote = p1[18];
  counts.invalidQuote = p1[19];
  counts.unsigned = p1[20];
  counts.atMid = p1[21];
  for (let h = 0; h < nh; h++) {
    const o = h * HS;
    const jr = MEASURES_FIXED + 2 * h, ji = jr + 1;
    counts.beyondQuotes[h] = hacc[o + 15];
    counts.invalidFutureQuote[h] = hacc[o + 16];
    count[jr] = hacc[o]; sum[2 * jr] = hacc[o + 1]; sum[2 * jr + 1] = hacc[o + 2]; sumA[2 * jr] = hacc[o + 3]; sumA[2 * jr + 1] = hacc[o + 4]; sumN[2 * jr] = hacc[o + 5]; sumN[2 * jr + 1] = hacc[o + 6];
    count[ji] = hacc[o]; sum[2 * ji] = hacc[o + 7]; sum[2 * ji + 1] = hacc[o + 8]; sumA[2 * ji] = hacc[o + 9]; sumA[2 * ji + 1] = hacc[o + 10]; sumN[2 * ji] = hacc[o + 11]; sumN[2 * ji + 1] = hacc[o + 12];
    wA[jr] = wA[ji] = hacc[o + 13];
    wN[jr] = wN[ji] = hacc[o + 14];
  }
  return { counts, acc: { count, sum, sumA, sumN, wA, wN }, out };
}

/**
 * Time-weighted quoted spread over the quote series: quote i prevails on [t_i, t_{i+1}) (the last one until
 * `endUs`), clipped to [startUs, endUs); its weight τ_i is that duration in µs. Returns Σ(A − B)τ/Στ (price
 * units), Σ((A − B)/M)τ/Στ (fraction) and ×1e4 (bps), M = (A + B)/2. Quotes with an empty side are excluded
 * (their time is reported as `invalidUs`); crossed/locked quotes are included and their time reported.
 * Default window: [first quote time, last quote time]. Times: `quoteTime` (default localTimestamp). O(m).
 */
export function timeWeightedQuotedSpread(quotes: Frame, opts: { quoteTime?: string; startUs?: number; endUs?: number } = {}): TimeWeightedSpread {
  const q = quoteArrays(quotes, opts.quoteTime ?? "localTimestamp");
  const start = opts.startUs ?? (q.m > 0 ? q.t[0] : 0);
  const end = opts.endUs ?? (q.m > 0 ? q.t[q.m - 1] : 0);
  if (!(end >= start)) throw new ArgumentError(`timeWeightedQuotedSpread: endUs (${end}) must be >= startUs (${start})`, { field: "endUs" });
  return timeWeightedQuotedSpreadArrays(q.t, q.bid, q.ask, start, end);
}

/** Kernel of `timeWeightedQuotedSpread`. @internal */
export function timeWeightedQuotedSpreadArrays(qt: ArrayLike<number>, bid: ArrayLike<number>, ask: ArrayLike<number>, start: number, end: number): TimeWeightedSpread {
  const m = qt.length;
  let sp = 0, sr = 0, dur = 0, inv = 0, crossed = 0;
  for (let i = 0; i < m; i++) {
    const a = Math.max(qt[i], start);
    const b = Math.min(i + 1 < m ? qt[i + 1] : end, end);
    if (!(b > a)) continue;
    const tau = b - a;
    const A = ask[i];
    const B = bid[i];
    const M = 0.5 * (A + B);
    if (M !== M) {
      inv += tau;
      continue;
    }
    if (A <= B) crossed += tau;
    sp += (A - B) * tau;
    sr += ((A - B) / M) * tau;
    dur += tau;
  }
  const rel = sr / dur;
  return { price: sp / dur, rel, bps: rel * 1e4, durationUs: dur, invalidUs: inv, crossedUs: crossed };
}

/**
 * Time-weighted means per fixed time bin: value i holds on [t_i, t_{i+1}) (the last until `endUs`), and bin k
 * covers [originUs + (first + k)·intervalUs, … + intervalUs) for k < nBins. Returns per bin Σ v·τ / Σ τ over
 * finite values and Σ τ (µs). Used for per-interval quoted spreads and depth. O(m + nBins). @internal
 */
export function timeWeightedBins(
  times: ArrayLike<number>, values: ArrayLike<number>, originUs: number, intervalUs: number, firstBin: number, nBins: number, endUs: number,
): { mean: Float64Array; durationUs: Float64Array } {
  const m = times.length;
  const num = new Float64Array(nBins), den = new Float64Array(nBins);
  const gridStart = originUs + firstBin * intervalUs;
  const gridEnd = Math.min(originUs + (firstBin + nBins) * intervalUs, endUs);
  for (let i = 0; i < m; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    let a = Math.max(times[i], gridStart);
    const b = Math.min(i + 1 < m ? times[i + 1] : endUs, gridEnd);
    if (!(b > a)) continue;
    let k = Math.floor((a - originUs) / intervalUs) - firstBin;
    while (a < b && k < nBins) {
      const binEnd = originUs + (firstBin + k + 1) * intervalUs;
      const e = Math.min(b, binEnd);
      if (k >= 0) {
        num[k] += v * (e - a);
        den[k] += e - a;
      }
      a = e;
      k++;
    }
  }
  const mean = new Float64Array(nBins);
  for (let k = 0; k < nBins; k++) mean[k] = num[k] / den[k];
  return { mean, durationUs: den };
}
