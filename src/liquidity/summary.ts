/**
 * One table of liquidity per time interval: activity (trades, volume, VWAP), the time-weighted quoted spread,
 * the size-weighted effective spread, realized spread and price impact at one horizon, Kyle's lambda estimated
 * inside the interval, and book depth / imbalance when a book with level columns is given.
 */
import { ArgumentError } from "../errors";
import { Frame, type Columns } from "../frame/frame";
import { checkLag, quoteArrays, tradeArrays, tradeDirection, type TimeColumnOptions } from "./classify";
import { spreadKernel, timeWeightedBins } from "./spreads";
import { kyleSeries, type KyleRegressor } from "./kyle";
import { depthAtLevels } from "./depth";

/** Options of `liquiditySummary`. */
export interface LiquiditySummaryOptions extends TimeColumnOptions {
  /** Interval length, µs (> 0); intervals are [originUs + k·I, originUs + (k+1)·I). */
  intervalUs: number;
  /** Horizon Δ of the realized spread and price impact, µs (> 0); default 5e6 (5 s). */
  horizonUs?: number;
  /** Grid origin, µs; default 0 (epoch-aligned, UTC). */
  originUs?: number;
  /** Quote lag for M_t (see `spreads`); default 0. */
  lagUs?: number;
  /** Trade directions; default the trades' `side` column. */
  side?: ArrayLike<number>;
  /** Sub-interval of the per-interval Kyle regression, µs; must divide intervalUs. Default intervalUs / 60. */
  kyleIntervalUs?: number;
  /** Least usable sub-intervals for a Kyle λ (else NaN); default 10. */
  kyleMinObs?: number;
  /** Kyle regressor (see `kyleLambda`); default "volume" (λ in price per unit of base). */
  kyleRegressor?: KyleRegressor;
  /** A book with level columns (`replayBook(…, { depth: N })`) for depth and imbalance columns. */
  book?: Frame;
  /** Levels per side for depth (default 5, or fewer if the book has fewer). */
  depthLevels?: number;
  /** Time column of the book; default "localTimestamp". */
  bookTime?: string;
  /** End of quote validity (µs); default the last quote's time (see `spreads`). */
  quoteEndUs?: number;
}

/**
 * Per interval (rows from the interval of the first trade or quote to that of the last):
 * - timestamp: interval start (µs); trades; volume (Σ amount, base); notional (Σ P·amount, quote);
 *   vwap = notional / volume (NaN without trades);
 * - quoted, quotedBps: time-weighted quoted spread A − B and (A − B)/M·1e4, each quote weighted by its time
 *   in the interval (`timeWeightedQuotedSpread`);
 * - effectiveBps, realizedBps, impactBps: amount-weighted means over the interval's trades of 2D(P − M_t)/M_t,
 *   2D(P − M_{t+Δ})/M_t, 2D(M_{t+Δ} − M_t)/M_t ×1e4 (`spreads`, Δ = horizonUs), trades binned by trade time;
 * - kyleLambda, kyleT, kyleObs: OLS slope of ΔM on signed flow over the interval's sub-intervals of
 *   kyleIntervalUs (`kyleLambda` conventions, empty sub-intervals kept), its classic t, and the number of
 *   sub-intervals used; NaN when fewer than kyleMinObs or a constant flow;
 * - with `book`: bidDepth, askDepth (base units, best depthLevels levels), imbalance, topImbalance, time-weighted.
 * Times: `tradeTime` / `quoteTime` default localTimestamp. O(n + m + intervals·(I / kyleIntervalUs)).
 */
export function liquiditySummary(trades: Frame, quotes: Frame, opts: LiquiditySummaryOptions): Frame<Columns> {
  const I = opts.intervalUs;
  const o = opts.originUs ?? 0;
  if (!(I > 0) || I === Infinity) throw new ArgumentError(`liquiditySummary: intervalUs must be a finite number > 0, got ${I}`, { field: "intervalUs" });
  if (!Number.isFinite(o)) throw new ArgumentError(`liquiditySummary: originUs must be finite`, { field: "originUs" });
  const horizon = opts.horizonUs ?? 5e6;
  if (!(horizon > 0) || horizon === Infinity) throw new ArgumentError(`liquiditySummary: horizonUs must be a finite number > 0`, { field: "horizonUs" });
  const lag = opts.lagUs ?? 0;
  checkLag(lag, "liquiditySummary");
  const KI = opts.kyleIntervalUs ?? I / 60;
  const ratio = I / KI;
  if (!(KI > 0) || !Number.isInteger(ratio)) throw new ArgumentError(`liquiditySummary: kyleIntervalUs (${KI}) must divide intervalUs (${I})`, { field: "kyleIntervalUs" });
  const minObs = opts.kyleMinObs ?? 10;
  if (!(minObs >= 3)) throw new ArgumentError(`liquiditySummary: kyleMinObs must be >= 3`, { field: "kyleMinObs" });

  const tr = tradeArrays(trades, opts.tradeTime ?? "localTimestamp");
  const q = quoteArrays(quotes, opts.quoteTime ?? "localTimestamp");
  const D = tradeDirection(trades, opts.side, "liquiditySummary");
  const n = tr.n, m = q.m;
  if (n + m === 0) throw new ArgumentError(`liquiditySummary: no trades and no quotes`, { field: "trades" });
  const tMin = Math.min(n > 0 ? tr.t[0] : Infinity, m > 0 ? q.t[0] : Infinity);
  const tMax = Math.max(n > 0 ? tr.t[n - 1] : -Infinity, m > 0 ? q.t[m - 1] : -Infinity);
  const firstBin = Math.floor((tMin - o) / I);
  const nBins = Math.floor((tMax - o) / I) - firstBin + 1;
  if (nBins * ratio > 50_000_000) throw new ArgumentError(`liquiditySummary: ${nBins} intervals × ${ratio} Kyle sub-intervals is too many; use a longer interval`, { field: "intervalUs" });
  const quoteEnd = opts.quoteEndUs ?? (m > 0 ? q.t[m - 1] : -Infinity);

  // activity and size-weighted spreads per interval
  const k = spreadKernel(tr.t, tr.price, tr.amount, D, q.t, q.bid, q.ask, [horizon], lag, quoteEnd, true, ["bps"]);
  const es = k.out!.meas[1].bps!, rs = k.out!.meas[2].bps!, pi = k.out!.meas[3].bps!;
  const cnt = new Float64Array(nBins), vol = new Float64Array(nBins), notional = new Float64Array(nBins);
  const esN = new Float64Array(nBins), esD = new Float64Array(nBins), rsN = new Float64Array(nBins), rsD = new Float64Array(nBins), piN = new Float64Array(nBins), piD = new Float64Array(nBins);
  for (let i = 0; i < n; i++) {
    const b = Math.floor((tr.t[i] - o) / I) - firstBin;
    const a = tr.amount[i];
    cnt[b]++;
    vol[b] += a;
    notional[b] += tr.price[i] * a;
    if (es[i] === es[i]) { esN[b] += a * es[i]; esD[b] += a; }
    if (rs[i] === rs[i]) { rsN[b] += a * rs[i]; rsD[b] += a; }
    if (pi[i] === pi[i]) { piN[b] += a * pi[i]; piD[b] += a; }
  }
  const vwap = new Float64Array(nBins), esB = new Float64Array(nBins), rsB = new Float64Array(nBins), piB = new Float64Array(nBins), ts = new Float64Array(nBins);
  for (let b = 0; b < nBins; b++) {
    ts[b] = o + (firstBin + b) * I;
    vwap[b] = vol[b] > 0 ? notional[b] / vol[b] : NaN;
    esB[b] = esN[b] / esD[b];
    rsB[b] = rsN[b] / rsD[b];
    piB[b] = piN[b] / piD[b];
  }

  // time-weighted quoted spread per interval
  const qsN = new Float64Array(nBins), qbN = new Float64Array(nBins), qD = new Float64Array(nBins);
  const gridStart = o + firstBin * I;
  const gridEnd = Math.min(o + (firstBin + nBins) * I, quoteEnd);
  for (let j = 0; j < m; j++) {
    const A = q.ask[j], B = q.bid[j];
    const M = 0.5 * (A + B);
    if (M !== M) continue;
    const sp = A - B;
    const bps = (sp / M) * 1e4;
    let a = Math.max(q.t[j], gridStart);
    const e = Math.min(j + 1 < m ? q.t[j + 1] : quoteEnd, gridEnd);
    let b = Math.floor((a - o) / I) - firstBin;
    while (a < e && b < nBins) {
      const stop = Math.min(e, o + (firstBin + b + 1) * I);
      const tau = stop - a;
      qsN[b] += sp * tau;
      qbN[b] += bps * tau;
      qD[b] += tau;
      a = stop;
      b++;
    }
  }
  const quoted = new Float64Array(nBins), quotedBps = new Float64Array(nBins);
  for (let b = 0; b < nBins; b++) {
    quoted[b] = qsN[b] / qD[b];
    quotedBps[b] = qbN[b] / qD[b];
  }

  // Kyle λ per interval from its sub-intervals
  const ks = kyleSeries(tr.t, tr.price, tr.amount, D, q.t, q.bid, q.ask, o, KI, firstBin * ratio, nBins * ratio, quoteEnd, opts.kyleRegressor ?? "volume", "price");
  const lam = new Float64Array(nBins).fill(NaN), lamT = new Float64Array(nBins).fill(NaN), lamN = new Float64Array(nBins);
  for (let b = 0; b < nBins; b++) {
    let c = 0, sx = 0, sy = 0;
    const s0 = b * ratio;
    for (let r = s0; r < s0 + ratio; r++) {
      const y = ks.dMid[r];
      if (y !== y) continue;
      c++;
      sx += ks.flow[r];
      sy += y;
    }
    lamN[b] = c;
    if (c < minObs) continue;
    const mx = sx / c, my = sy / c;
    let sxx = 0, sxy = 0, syy = 0;
    for (let r = s0; r < s0 + ratio; r++) {
      const y = ks.dMid[r];
      if (y !== y) continue;
      const dx = ks.flow[r] - mx, dy = y - my;
      sxx += dx * dx;
      sxy += dx * dy;
      syy += dy * dy;
    }
    if (!(sxx > 0)) continue;
    const slope = sxy / sxx;
    const rss = Math.max(0, syy - slope * sxy);
    lam[b] = slope;
    lamT[b] = slope / Math.sqrt(rss / (c - 2) / sxx);
  }

  const cols: Columns = {
    timestamp: ts, trades: cnt, volume: vol, notional, vwap, quoted, quotedBps,
    effectiveBps: esB, realizedBps: rsB, impactBps: piB, kyleLambda: lam, kyleT: lamT, kyleObs: lamN,
  };

  if (opts.book) {
    const book = opts.book;
    let L = opts.depthLevels ?? 5;
    if (opts.depthLevels === undefined) while (L > 1 && !book.has(`askAmount${L - 1}`)) L--;
    const d = depthAtLevels(book, { levels: L, time: opts.bookTime ?? "localTimestamp" });
    const bt = d.frame.columns.timestamp;
    const bEnd = bt.length > 0 ? bt[bt.length - 1] : 0;
    cols.bidDepth = timeWeightedBins(bt, d.frame.columns.bidDepth, o, I, firstBin, nBins, bEnd).mean;
    cols.askDepth = timeWeightedBins(bt, d.frame.columns.askDepth, o, I, firstBin, nBins, bEnd).mean;
    cols.imbalance = timeWeightedBins(bt, d.frame.columns.imbalance, o, I, firstBin, nBins, bEnd).mean;
    cols.topImbalance = timeWeightedBins(bt, d.frame.columns.topImbalance, o, I, firstBin, nBins, bEnd).mean;
  }
  return new Frame(cols);
}
