/**
 * Scatter figure: y against x, optionally coloured by side (+1 buy, −1 sell, 0 unknown).
 */
import type { Data, Layout } from "plotly.js";
import { ArgumentError } from "../../errors";
import {
  type CommonOptions,
  type DecimationNote,
  type Figure,
  SIDE_COLORS,
  WEBGL_THRESHOLD,
  decimateMinMax,
  finishFigure,
  pick,
  requireAxisTitle,
  requireLength,
  requireTitle,
  resolveMaxPoints,
  usToISOArray,
} from "../figure";

/** Options of `scatter`. */
export interface ScatterOptions extends CommonOptions {
  /** x-axis title with unit, e.g. "signed volume (BTC)"; defaults to "time (UTC)" when `time`. */
  xTitle?: string;
  /** y-axis title with unit, e.g. "return (bps)". */
  yTitle: string;
  x: Float64Array;
  y: Float64Array;
  /** Side per point (+1 buy, −1 sell, 0 unknown): one trace per side present, named "buy" / "sell" / "unknown". */
  side?: Int8Array;
  /** Trace name when there is no side (default: the y title). */
  name?: string;
  /** x is epoch µs UTC (default false). */
  time?: boolean;
  /** Marker size in px (default 5) and opacity (default 0.7). */
  markerSize?: number;
  opacity?: number;
  /** Cap on points per trace before min/max decimation on x and y (default 20,000). */
  maxPoints?: number;
}

function gather(c: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = c[rows[i]];
  return out;
}

/**
 * A scatter figure of (x, y) points. With `side`, points are split into "buy" (+1, green), "sell"
 * (−1, red) and "unknown" (0, grey; only when present) traces with a legend; any other side value is an
 * ArgumentError naming the row. Each trace longer than `maxPoints` is decimated keeping, per bucket, the
 * points with the min and max of x and of y (`decimateMinMax` with keys [x, y]); this keeps the outliers
 * but thins the dense core, which the annotation says. Traces above `WEBGL_THRESHOLD` points use `scattergl`.
 */
export function scatter(opts: ScatterOptions): Figure {
  const title = requireTitle(opts.title);
  const time = opts.time === true;
  const yTitle = requireAxisTitle(opts.yTitle, "yTitle");
  const xTitle = opts.xTitle === undefined && time ? "time (UTC)" : requireAxisTitle(opts.xTitle, "xTitle");
  const maxPoints = resolveMaxPoints(opts.maxPoints);
  const { x, y, side } = opts;
  if (!(x instanceof Float64Array)) throw new ArgumentError("x must be a Float64Array", { field: "x" });
  if (!(y instanceof Float64Array)) throw new ArgumentError("y must be a Float64Array", { field: "y" });
  const n = x.length;
  requireLength(n, { y, side });
  if (side !== undefined && !(side instanceof Int8Array)) throw new ArgumentError("side must be an Int8Array", { field: "side" });

  // Groups: index lists per side (or one group of all rows).
  const groups: Array<{ name: string; color?: string; rows: Int32Array | null }> = [];
  if (side) {
    let nb = 0;
    let ns = 0;
    let nu = 0;
    for (let i = 0; i < n; i++) {
      const s = side[i];
      if (s === 1) nb++;
      else if (s === -1) ns++;
      else if (s === 0) nu++;
      else throw new ArgumentError(`side ${s} at row ${i} is not +1, −1 or 0`, { field: "side", line: i + 1 });
    }
    const buy = new Int32Array(nb);
    const sell = new Int32Array(ns);
    const unk = new Int32Array(nu);
    nb = ns = nu = 0;
    for (let i = 0; i < n; i++) {
      const s = side[i];
      if (s === 1) buy[nb++] = i;
      else if (s === -1) sell[ns++] = i;
      else unk[nu++] = i;
    }
    groups.push({ name: "buy", color: SIDE_COLORS.buy, rows: buy });
    groups.push({ name: "sell", color: SIDE_COLORS.sell, rows: sell });
    if (nu > 0) groups.push({ name: "unknown", color: SIDE_COLORS.unknown, rows: unk });
  } else {
    groups.push({ name: opts.name ?? yTitle, rows: null });
  }

  const data: Data[] = [];
  const decimated: DecimationNote[] = [];
  for (const g of groups) {
    // Gather the group's columns, decimate them, then map back to row indices of x / y.
    const gx = g.rows ? gather(x, g.rows) : x;
    const gy = g.rows ? gather(y, g.rows) : y;
    const m = gx.length;
    const local = decimateMinMax(m, [gx, gy], maxPoints);
    let rows: Int32Array | null = g.rows;
    if (local) {
      decimated.push({ trace: g.name, from: m, to: local.length });
      const r = new Int32Array(local.length);
      for (let i = 0; i < local.length; i++) r[i] = g.rows ? g.rows[local[i]] : local[i];
      rows = r;
    }
    const drawn = rows ? rows.length : n;
    const marker: { [k: string]: unknown } = { size: opts.markerSize ?? 5, opacity: opts.opacity ?? 0.7 };
    if (g.color) marker.color = g.color;
    data.push({
      type: drawn > WEBGL_THRESHOLD ? "scattergl" : "scatter",
      mode: "markers",
      name: g.name,
      x: time ? usToISOArray(x, rows, "x") : pick(x, rows),
      y: pick(y, rows),
      marker,
    } as Data);
  }

  const layout: Partial<Layout> = {
    xaxis: { title: { text: xTitle }, ...(time ? { type: "date" as const } : {}) },
    yaxis: { title: { text: yTitle } },
    showlegend: groups.length > 1,
    hovermode: "closest",
  };
  return finishFigure(data, layout, { title, synthetic: opts.synthetic, decimated }, opts);
}
