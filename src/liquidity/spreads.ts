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
  const q = quoteArrays(quotes, quoteTime);
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
  const timeWeightedQuoted = timeWeightedQuotedSpreadArrays(q.t, q.bid, q.ask, q.m > 0 ? q.t[0] : 0, Math.max(quoteEnd, q.m > 0 ? q.t[0] : 0));
  return { trades: tradesFrame, summary, timeWeightedQuoted, horizonsUs: H, labels, lagUs, counts: k.counts };
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

/**
 * The spread kernel over typed arrays (inputs validated by the caller). Pass 1 merges trades with quotes at
 * t − lag (M_t, quoted and effective spread); then one pass per horizon merges t + Δ with the quotes and
 * accumulates RS and PI in local scalars. O(n + m) per pass. @internal
 */
export function spreadKernel(
  t: ArrayLike<number>, price: ArrayLike<number>, amount: ArrayLike<number>, D: ArrayLike<number>,
  qt: ArrayLike<number>, bid: ArrayLike<number>, ask: ArrayLike<number>,
  H: readonly number[], lag: number, quoteEnd: number, perTrade: boolean, units: readonly SpreadUnit[],
): SpreadKernelOut {
  const n = t.length;
  const m = qt.length;
  const nh = H.length;
  const nm = MEASURES_FIXED + 2 * nh;
  const counts: SpreadCounts = { n, noQuote: 0, invalidQuote: 0, unsigned: 0, atMid: 0, beyondQuotes: new Array(nh).fill(0), invalidFutureQuote: new Array(nh).fill(0) };
  const count = new Float64Array(nm), sum = new Float64Array(2 * nm), sumA = new Float64Array(2 * nm), sumN = new Float64Array(2 * nm);
  const wA = new Float64Array(nm), wN = new Float64Array(nm);

  let out: SpreadKernelOut["out"] = null;
  const wantP = units.includes("price"), wantR = units.includes("rel"), wantB = units.includes("bps");
  const mk = () => new Float64Array(n).fill(NaN);
  const meas: UnitArrays[] = [];
  if (perTrade) {
    for (let j = 0; j < nm; j++) meas.push({ price: wantP ? mk() : undefined, rel: wantR ? mk() : undefined, bps: wantB ? mk() : undefined });
    out = { mid: mk(), bid: mk(), ask: mk(), midH: H.map(mk), meas };
  }
  // M_t per trade for the horizon passes; NaN where the trade has no usable quote or no direction
  const M0s = new Float64Array(n);

  // pass 1: quoted and effective spread
  {
    let cQ = 0, sQ = 0, sQr = 0, aQ = 0, aQr = 0, nQ = 0, nQr = 0, wAQ = 0, wNQ = 0;
    let cE = 0, sE = 0, sEr = 0, aE = 0, aEr = 0, nE = 0, nEr = 0, wAE = 0, wNE = 0;
    let noQuote = 0, invalid = 0, unsigned = 0, atMid = 0;
    const qP = perTrade ? meas[0] : null, eP = perTrade ? meas[1] : null;
    let j0 = 0;
    for (let i = 0; i < n; i++) {
      const target = t[i] - lag;
      while (j0 < m && qt[j0] <= target) j0++;
      if (j0 === 0) {
        noQuote++;
        M0s[i] = NaN;
        continue;
      }
      const B = bid[j0 - 1];
      const A = ask[j0 - 1];
      const M0 = 0.5 * (A + B);
      if (out !== null) {
        out.bid[i] = B;
        out.ask[i] = A;
        out.mid[i] = M0;
      }
      if (M0 !== M0) {
        invalid++;
        M0s[i] = NaN;
        continue;
      }
      const P = price[i];
      const a = amount[i];
      const nt = P * a;
      const q = A - B;
      const qr = q / M0;
      cQ++; sQ += q; sQr += qr; aQ += a * q; aQr += a * qr; nQ += nt * q; nQr += nt * qr; wAQ += a; wNQ += nt;
      if (qP !== null) {
        if (qP.price) qP.price[i] = q;
        if (qP.rel) qP.rel[i] = qr;
        if (qP.bps) qP.bps[i] = qr * 1e4;
      }
      const d = D[i];
      const sg = d > 0 ? 2 : d < 0 ? -2 : 0;
      if (sg === 0) {
        unsigned++;
        M0s[i] = NaN;
        continue;
      }
      M0s[i] = M0;
      if (P === M0) atMid++;
      const e = sg * (P - M0) + 0; // + 0 turns −0 (a sell at the mid) into 0
      const er = e / M0;
      cE++; sE += e; sEr += er; aE += a * e; aEr += a * er; nE += nt * e; nEr += nt * er; wAE += a; wNE += nt;
      if (eP !== null) {
        if (eP.price) eP.price[i] = e;
        if (eP.rel) eP.rel[i] = er;
        if (eP.bps) eP.bps[i] = er * 1e4;
      }
    }
    count[0] = cQ; sum[0] = sQ; sum[1] = sQr; sumA[0] = aQ; sumA[1] = aQr; sumN[0] = nQ; sumN[1] = nQr; wA[0] = wAQ; wN[0] = wNQ;
    count[1] = cE; sum[2] = sE; sum[3] = sEr; sumA[2] = aE; sumA[3] = aEr; sumN[2] = nE; sumN[3] = nEr; wA[1] = wAE; wN[1] = wNE;
    counts.noQuote = noQuote;
    counts.invalidQuote = invalid;
    counts.unsigned = unsigned;
    counts.atMid = atMid;
  }

  // one pass per horizon: realized spread and price impact
  for (let h = 0; h < nh; h++) {
    const Hh = H[h];
    let c = 0, sR = 0, sRr = 0, aR = 0, aRr = 0, nR = 0, nRr = 0;
    let sI = 0, sIr = 0, aI = 0, aIr = 0, nI = 0, nIr = 0, wAh = 0, wNh = 0;
    let beyond = 0, invalidF = 0;
    const rP = perTrade ? meas[MEASURES_FIXED + 2 * h] : null, iP = perTrade ? meas[MEASURES_FIXED + 2 * h + 1] : null;
    const midH = out !== null ? out.midH[h] : null;
    let jj = 0;
    for (let i = 0; i < n; i++) {
      const M0 = M0s[i];
      if (M0 !== M0) continue;
      const th = t[i] + Hh;
      if (th > quoteEnd) {
        beyond++;
        continue;
      }
      while (jj < m && qt[jj] <= th) jj++;
      const Mh = 0.5 * (ask[jj - 1] + bid[jj - 1]); // jj ≥ 1: a quote at or before t − lag ≤ t + Δ exists
      if (midH !== null) midH[i] = Mh;
      if (Mh !== Mh) {
        invalidF++;
        continue;
      }
      const P = price[i];
      const a = amount[i];
      const nt = P * a;
      const sg = D[i] > 0 ? 2 : -2;
      const rs = sg * (P - Mh) + 0;
      const pi = sg * (Mh - M0) + 0;
      const rsr = rs / M0;
      const pir = pi / M0;
      c++;
      sR += rs; sRr += rsr; aR += a * rs; aRr += a * rsr; nR += nt * rs; nRr += nt * rsr;
      sI += pi; sIr += pir; aI += a * pi; aIr += a * pir; nI += nt * pi; nIr += nt * pir;
      wAh += a; wNh += nt;
      if (rP !== null && iP !== null) {
        if (rP.price) { rP.price[i] = rs; iP.price![i] = pi; }
        if (rP.rel) { rP.rel[i] = rsr; iP.rel![i] = pir; }
        if (rP.bps) { rP.bps[i] = rsr * 1e4; iP.bps![i] = pir * 1e4; }
      }
    }
    const jr = MEASURES_FIXED + 2 * h, ji = jr + 1;
    count[jr] = c; sum[2 * jr] = sR; sum[2 * jr + 1] = sRr; sumA[2 * jr] = aR; sumA[2 * jr + 1] = aRr; sumN[2 * jr] = nR; sumN[2 * jr + 1] = nRr;
    count[ji] = c; sum[2 * ji] = sI; sum[2 * ji + 1] = sIr; sumA[2 * ji] = aI; sumA[2 * ji + 1] = aIr; sumN[2 * ji] = nI; sumN[2 * ji + 1] = nIr;
    wA[jr] = wA[ji] = wAh;
    wN[jr] = wN[ji] = wNh;
    counts.beyondQuotes[h] = beyond;
    counts.invalidFutureQuote[h] = invalidF;
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
