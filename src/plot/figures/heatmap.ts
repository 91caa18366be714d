/**
 * Heatmap figure: a z matrix given as rows (one Float64Array per y label) with x and y labels.
 */
import type { Data, Layout } from "plotly.js";
import { ArgumentError } from "../../errors";
import { type CommonOptions, type Figure, finishFigure, pick, requireAxisTitle, requireTitle, usToISOArray } from "../figure";

/** Options of `heatmap`. */
export interface HeatmapOptions extends CommonOptions {
  /** x-axis title with unit, e.g. "horizon (s)". */
  xTitle: string;
  /** y-axis title with unit, e.g. "hour of day (UTC h)". */
  yTitle: string;
  /** Colour-bar title with unit, e.g. "realized spread (bps)". */
  colorbarTitle: string;
  /** z[r][c] is the cell at y label r and x label c. */
  z: Float64Array[];
  /** Column labels (one per entry of each row): strings, or numbers (epoch µs when `timeX`). */
  x: string[] | Float64Array;
  /** Row labels (one per row). */
  y: string[] | Float64Array;
  /** x labels are epoch µs UTC, drawn on a date axis. */
  timeX?: boolean;
  /** Plotly colour scale name or stops (default "Viridis"; "RdBu" with `zmid` for signed values). */
  colorscale?: string | Array<[number, string]>;
  /** Centre of a diverging colour scale (e.g. 0 for signed PnL). */
  zmid?: number;
  /** Print each cell's value on the map (small matrices only), with this many significant digits. */
  showValues?: number;
}

/**
 * A heatmap of `z` (rows × columns) with labelled axes and a colour bar whose title carries the unit.
 * Every row must have `x.length` entries and there must be `y.length` rows (ArgumentError naming the row
 * otherwise). NaN cells are drawn empty. No decimation: a heatmap's size is the caller's choice.
 */
export function heatmap(opts: HeatmapOptions): Figure {
  const title = requireTitle(opts.title);
  const xTitle = requireAxisTitle(opts.xTitle, "xTitle");
  const yTitle = requireAxisTitle(opts.yTitle, "yTitle");
  const cbTitle = requireAxisTitle(opts.colorbarTitle, "colorbarTitle");
  const { z, x, y } = opts;
  if (!Array.isArray(z) || z.length === 0) throw new ArgumentError("z must be a non-empty array of Float64Array rows", { field: "z" });
  if (y.length !== z.length) throw new ArgumentError(`y has ${y.length} labels but z has ${z.length} rows`, { field: "y" });
  const zz: number[][] = new Array(z.length);
  for (let r = 0; r < z.length; r++) {
    const row = z[r];
    if (!(row instanceof Float64Array)) throw new ArgumentError(`z row ${r} must be a Float64Array`, { field: "z", line: r + 1 });
    if (row.length !== x.length) throw new ArgumentError(`z row ${r} has ${row.length} values but x has ${x.length} labels`, { field: "z", line: r + 1 });
    zz[r] = pick(row, null);
  }
  const xs = x instanceof Float64Array ? (opts.timeX ? usToISOArray(x, null, "x") : pick(x, null)) : x.slice();
  const ys = y instanceof Float64Array ? pick(y, null) : y.slice();
  const trace: { [k: string]: unknown } = {
    type: "heatmap",
    name: cbTitle,
    x: xs,
    y: ys,
    z: zz,
    colorscale: opts.colorscale ?? (opts.zmid !== undefined ? "RdBu" : "Viridis"),
    colorbar: { title: { text: cbTitle, side: "right" } },
    hoverongaps: false,
  };
  if (opts.zmid !== undefined) trace.zmid = opts.zmid;
  if (opts.showValues !== undefined) {
    const d = opts.showValues;
    trace.text = zz.map((row) => row.map((v) => (Number.isFinite(v) ? String(Number(v.toPrecision(d))) : "")));
    trace.texttemplate = "%{text}";
  }
  const layout: Partial<Layout> = {
    xaxis: { title: { text: xTitle }, ...(opts.timeX ? { type: "date" as const } : x instanceof Float64Array ? {} : { type: "category" as const }) },
    yaxis: { title: { text: yTitle }, ...(y instanceof Float64Array ? {} : { type: "category" as const }) },
  };
  return finishFigure([trace as Data], layout, { title, synthetic: opts.synthetic }, opts);
}
