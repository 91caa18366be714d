/**
 * Tearsheet of a market-making backtest: figure builders over a `BacktestRaw` and its `BacktestMetrics`, each a
 * plain Plotly JSON `Figure` made with the src/plot builders (titles, axis titles with units, the synthetic flag,
 * min/max decimation above `maxPoints` per trace, all as in src/plot/figure.ts).
 *
 * Clocks: equity, position and quotes are drawn at the samples' local times (what the strategy saw); fill markers
 * at the exchange time of the match. Money is in the quote currency (`quoteCurrency`, default "quote currency"),
 * positions in base units (`baseUnit`, default "base units").
 */
import { ArgumentError } from "../errors";
import { searchSorted } from "../frame/search";
import { type Figure, SIDE_COLORS, usToISO } from "../plot/figure";
import { timeSeries, type Series } from "../plot/figures/timeSeries";
import { bar } from "../plot/figures/bar";
import { histogram } from "../plot/figures/histogram";
import type { BacktestRaw } from "./types";
import { type BacktestMetrics, type BacktestMetricsOptions, type BacktestResultLike, computeBacktestMetrics } from "./metrics";

/** Options shared by the tearsheet figures. */
export interface TearsheetFigureOptions {
  /** Figure title (each builder has a descriptive default). */
  title?: string;
  /** The run is on synthetic data: title suffix and a red label (src/plot convention). */
  synthetic?: boolean;
  /** Unit of money on the axes, e.g. "USDT" (default "quote currency"). */
  quoteCurrency?: string;
  /** Unit of positions, e.g. "BTC" (default "base units"). */
  baseUnit?: string;
  /** Cap on points per trace before min/max decimation (default 20,000). */
  maxPoints?: number;
  width?: number;
  height?: number;
}

const MARKET_COLOR = "#9e9e9e";

function common(o: TearsheetFigureOptions, title: string): { title: string; synthetic?: boolean; maxPoints?: number; width?: number; height?: number } {
  return { title: o.title ?? title, synthetic: o.synthetic, maxPoints: o.maxPoints, width: o.width, height: o.height };
}

function requireSamples(raw: BacktestRaw, what: string): void {
  if (!raw || !raw.samples || raw.samples.length === 0) throw new ArgumentError(`${what}: the backtest has no samples`, { field: "raw.samples" });
}

/**
 * Equity with and without fees at every sample (quote currency): `samples.equity` = cash + position·mid and
 * `samples.equityNoFees` = equity + fees paid (rebates negative), on a time axis.
 */
export function equityFigure(raw: BacktestRaw, opts: TearsheetFigureOptions = {}): Figure {
  requireSamples(raw, "equityFigure");
  const S = raw.samples.columns;
  const ccy = opts.quoteCurrency ?? "quote currency";
  return timeSeries({
    ...common(opts, `Equity with and without fees (${raw.strategy})`),
    yTitle: `equity (${ccy})`,
    x: S.localTimestamp,
    series: [
      { name: "equity (after fees)", y: S.equity, color: "#1f77b4" },
      { name: "equity before fees", y: S.equityNoFees, color: "#ff7f0e" },
    ],
  });
}

/**
 * Position (base units) after each strategy call, as a step line; with `positionLimit`, the ±limit as grey lines.
 */
export function positionFigure(raw: BacktestRaw, opts: TearsheetFigureOptions & { positionLimit?: number } = {}): Figure {
  requireSamples(raw, "positionFigure");
  const S = raw.samples.columns;
  const n = raw.samples.length;
  const series: Series[] = [{ name: "position", y: S.position, mode: "step", color: "#1f77b4" }];
  const L = opts.positionLimit;
  if (L !== undefined) {
    if (!(L > 0 && L !== Infinity)) throw new ArgumentError(`positionLimit must be a finite number > 0, got ${L}`, { field: "positionLimit" });
    const ends = Float64Array.of(S.localTimestamp[0], Math.max(S.localTimestamp[n - 1], Number.isFinite(raw.endUs) ? raw.endUs : -Infinity));
    series.push({ name: "+limit", x: ends, y: Float64Array.of(L, L), color: MARKET_COLOR, width: 1 });
    series.push({ name: "−limit", x: ends, y: Float64Array.of(-L, -L), color: MARKET_COLOR, width: 1 });
  }
  return timeSeries({
    ...common(opts, `Position (${raw.strategy})`),
    yTitle: `position (${opts.baseUnit ?? "base units"})`,
    x: S.localTimestamp,
    series,
  });
}

/** Options of `quotesFigure`. */
export interface QuotesFigureOptions extends TearsheetFigureOptions {
  /** Window start, epoch µs (default: 60 s before the first fill, or the first sample without fills). */
  startUs?: number;
  /** Window end, epoch µs (default: start + `windowUs`). */
  endUs?: number;
  /** Default window length, µs (default 5 minutes). */
  windowUs?: number;
}

/**
 * Our resting bid and ask (step lines; gaps where we had no quote) against the market's best bid and ask as the
 * strategy saw them (grey step lines), over a window, with our fills as markers (buys ▲ green, sells ▼ red) at
 * their price and exchange time. Price axis in quote currency per base unit. The window is in the title (UTC).
 * Throws an ArgumentError when the window holds no sample.
 */
export function quotesFigure(raw: BacktestRaw, opts: QuotesFigureOptions = {}): Figure {
  requireSamples(raw, "quotesFigure");
  const S = raw.samples.columns;
  const F = raw.fills.columns;
  const t = S.localTimestamp;
  const win = opts.windowUs ?? 300e6;
  if (!(win > 0)) throw new ArgumentError(`windowUs must be > 0, got ${win}`, { field: "windowUs" });
  let firstFill = Infinity;
  for (let i = 0; i < raw.fills.length; i++) if (F.exchangeTimestamp[i] < firstFill) firstFill = F.exchangeTimestamp[i];
  const start = opts.startUs ?? (firstFill < Infinity ? Math.max(t[0], firstFill - 60e6) : t[0]);
  const end = opts.endUs ?? start + win;
  if (!(end > start)) throw new ArgumentError(`window end ${end} is not after its start ${start}`, { field: "endUs" });
  // samples in [start, end], plus the one in force at start
  const lo = Math.max(0, searchSorted(t, start, "right") - 1);
  const hi = searchSorted(t, end, "right");
  const runEnd = Math.max(t[t.length - 1], Number.isFinite(raw.endUs) ? raw.endUs : -Infinity);
  if (hi <= lo || t[lo] > end || start > runEnd) throw new ArgumentError(`no sample in the window [${usToISO(start)}, ${usToISO(end)}]`, { field: "startUs" });
  const x = t.subarray(lo, hi);
  const series: Series[] = [
    { name: "market bid", x, y: S.marketBid.subarray(lo, hi), mode: "step", color: MARKET_COLOR, width: 1 },
    { name: "market ask", x, y: S.marketAsk.subarray(lo, hi), mode: "step", color: MARKET_COLOR, width: 1 },
    { name: "our bid", x, y: S.bid.subarray(lo, hi), mode: "step", color: SIDE_COLORS.buy },
    { name: "our ask", x, y: S.ask.subarray(lo, hi), mode: "step", color: SIDE_COLORS.sell },
  ];
  // fills in the window, by side
  let nb = 0;
  let ns = 0;
  for (let i = 0; i < raw.fills.length; i++) {
    const ft = F.exchangeTimestamp[i];
    if (ft < start || ft > end) continue;
    if (F.side[i] === 1) nb++;
    else ns++;
  }
  const bx = new Float64Array(nb), by = new Float64Array(nb), sx = new Float64Array(ns), sy = new Float64Array(ns);
  nb = ns = 0;
  for (let i = 0; i < raw.fills.length; i++) {
    const ft = F.exchangeTimestamp[i];
    if (ft < start || ft > end) continue;
    if (F.side[i] === 1) {
      bx[nb] = ft;
      by[nb++] = F.price[i];
    } else {
      sx[ns] = ft;
      sy[ns++] = F.price[i];
    }
  }
  if (nb > 0) series.push({ name: "our buys", x: bx, y: by, mode: "markers", color: SIDE_COLORS.buy });
  if (ns > 0) series.push({ name: "our sells", x: sx, y: sy, mode: "markers", color: SIDE_COLORS.sell });
  const ccy = opts.quoteCurrency ?? "quote currency";
  const span = `${usToISO(start).slice(0, 19).replace("T", " ")} to ${usToISO(end).slice(11, 19)} UTC`;
  const fig = timeSeries({
    ...common(opts, `Our quotes against the book, with fills (${raw.strategy})`),
    title: `${opts.title ?? `Our quotes against the book, with fills (${raw.strategy})`}, ${span}`,
    yTitle: `price (${ccy})`,
    series,
  });
  for (const tr of fig.data as Array<{ name?: string; marker?: Record<string, unknown> }>) {
    if (tr.name === "our buys") tr.marker = { ...(tr.marker ?? {}), symbol: "triangle-up", size: 9 };
    if (tr.name === "our sells") tr.marker = { ...(tr.marker ?? {}), symbol: "triangle-down", size: 9 };
  }
  return fig;
}

/**
 * Cumulative PnL decomposition on the sample grid (quote currency): spread capture, inventory PnL, −fees (drawn
 * negative: fees paid lower PnL, rebates raise it) and their sum, the total (= equity − initial equity).
 */
export function pnlDecompositionFigure(metrics: BacktestMetrics, opts: TearsheetFigureOptions = {}): Figure {
  const s = metrics.decomposition.series.columns;
  if (s.time.length === 0) throw new ArgumentError(`pnlDecompositionFigure: the decomposition has no samples`, { field: "metrics.decomposition.series" });
  const negFees = new Float64Array(s.fees.length);
  for (let i = 0; i < negFees.length; i++) negFees[i] = -s.fees[i];
  return timeSeries({
    ...common(opts, `PnL decomposition (${metrics.strategy})`),
    yTitle: `cumulative PnL (${opts.quoteCurrency ?? "quote currency"})`,
    x: s.time,
    series: [
      { name: "spread capture", y: s.spreadCapture, color: "#2ca02c" },
      { name: "inventory PnL", y: s.inventoryPnl, color: "#9467bd" },
      { name: "−fees", y: negFees, color: "#d62728" },
      { name: "total", y: s.total, color: "#000000", width: 2.5 },
    ],
  });
}

/**
 * Adverse selection by horizon (bars, bps): the mean signed mid move after our fills, s·(m_{t+h} − m_t) in bps of
 * m_t, and the markout against the fill price, s·(m_{t+h} − p) in bps of p. Negative = adverse. Horizons without
 * a measured fill draw no bar (said in the notes).
 */
export function adverseSelectionFigure(metrics: BacktestMetrics, opts: TearsheetFigureOptions = {}): Figure {
  const rows = metrics.adverseSelection;
  if (rows.length === 0) throw new ArgumentError(`adverseSelectionFigure: no horizons in the metrics`, { field: "metrics.adverseSelection" });
  return bar({
    ...common(opts, `Adverse selection after our fills (${metrics.strategy})`),
    categories: rows.map((r) => `${r.label} (n=${r.fills})`),
    groups: [
      { name: "mid move after fill", values: rows.map((r) => r.meanMoveBps), color: "#9467bd" },
      { name: "markout vs fill price", values: rows.map((r) => r.meanMarkoutBps), color: "#2ca02c" },
    ],
    valueTitle: "mean signed move (bps)",
    categoryTitle: "horizon after the fill (time)",
  });
}

/** Distribution of the position over the samples (fraction of samples per bin; base units on x). */
export function inventoryHistogramFigure(raw: BacktestRaw, opts: TearsheetFigureOptions & { bins?: number } = {}): Figure {
  requireSamples(raw, "inventoryHistogramFigure");
  const c = common(opts, `Inventory distribution (${raw.strategy})`);
  return histogram({
    title: c.title,
    synthetic: c.synthetic,
    width: c.width,
    height: c.height,
    xTitle: `position (${opts.baseUnit ?? "base units"})`,
    yTitle: "share of samples (fraction)",
    values: raw.samples.columns.position,
    histnorm: "probability",
    bins: opts.bins,
  });
}

/** Options of `backtestTearsheet`. */
export interface BacktestTearsheetOptions extends Omit<TearsheetFigureOptions, "title"> {
  /** Title prefix of every figure, e.g. "BTCUSDT 2024-08-08, A-S". */
  title: string;
  /** Required: whether the data is synthetic (every figure is labelled). */
  synthetic: boolean;
  /** Position limit for the position chart (and the metrics when they are computed here). */
  positionLimit?: number;
  /** Window of the quotes chart (see `quotesFigure`). */
  quotesWindow?: { startUs?: number; endUs?: number; windowUs?: number };
  /** Options for `computeBacktestMetrics` when `result.metrics` is absent. */
  metricsOptions?: BacktestMetricsOptions;
}

/**
 * The tearsheet of one backtest, as figures in reading order: equity with and without fees, cumulative PnL
 * decomposition, position, our quotes against the book with fills, adverse selection by horizon, inventory
 * distribution. Each figure's title is `${title}: <chart>`. Metrics are computed when `result.metrics` is absent.
 */
export function backtestTearsheet(result: BacktestResultLike, opts: BacktestTearsheetOptions): Figure[] {
  if (!result || !result.raw) throw new ArgumentError(`backtestTearsheet needs { raw }`, { field: "result.raw" });
  if (typeof opts.synthetic !== "boolean") throw new ArgumentError(`backtestTearsheet needs synthetic: true or false`, { field: "synthetic" });
  const raw = result.raw;
  const metrics = result.metrics ?? computeBacktestMetrics(raw, { positionLimit: opts.positionLimit, ...(opts.metricsOptions ?? {}) });
  const name = result.name ?? raw.strategy;
  const base: TearsheetFigureOptions = {
    synthetic: opts.synthetic, quoteCurrency: opts.quoteCurrency, baseUnit: opts.baseUnit, maxPoints: opts.maxPoints, width: opts.width, height: opts.height,
  };
  // the run's name is appended unless the title already carries it (long titles do not wrap in a chart)
  const t = (s: string) => (opts.title.includes(name) ? `${opts.title}: ${s}` : `${opts.title}: ${s} (${name})`);
  const figs: Figure[] = [
    equityFigure(raw, { ...base, title: t("equity with and without fees") }),
    pnlDecompositionFigure(metrics, { ...base, title: t("PnL decomposition") }),
    positionFigure(raw, { ...base, title: t("position"), positionLimit: opts.positionLimit }),
    quotesFigure(raw, { ...base, ...(opts.quotesWindow ?? {}), title: t("our quotes and fills against the book") }),
    adverseSelectionFigure(metrics, { ...base, title: t("adverse selection after fills") }),
    inventoryHistogramFigure(raw, { ...base, title: t("inventory distribution") }),
  ];
  return figs;
}
