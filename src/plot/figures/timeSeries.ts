/**
 * Time-series figure: one or several named series against time (epoch µs) or any numeric x.
 */
import type { Data, Layout } from "plotly.js";
import { ArgumentError } from "../../errors";
import {
  type CommonOptions,
  type DecimationNote,
  type Figure,
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

/** How a series is drawn: a line, a step line (value holds until the next point), markers, or both. */
export type SeriesMode = "lines" | "step" | "markers" | "lines+markers";

/** One named series. */
export interface Series {
  /** Legend name (required). */
  name: string;
  /** Values, one per x. */
  y: Float64Array;
  /** Own x (epoch µs when `time`); defaults to the figure's `x`. */
  x?: Float64Array;
  /** Drawing mode; defaults to the figure's `mode`. */
  mode?: SeriesMode;
  /** CSS colour; plotly's colourway when absent. */
  color?: string;
  /** Line width in px. */
  width?: number;
}

/** Options of `timeSeries`. */
export interface TimeSeriesOptions extends CommonOptions {
  /** y-axis title with unit, e.g. "mid price (USDT)". */
  yTitle: string;
  /** x-axis title with unit; defaults to "time (UTC)" when `time`, required otherwise. */
  xTitle?: string;
  /** Shared x of the series (epoch µs when `time`). */
  x?: Float64Array;
  /** The series. Either this or `y` (a single series named `name` or the y title). */
  series?: Series[];
  /** A single series (shorthand for `series: [{ name, y }]`). */
  y?: Float64Array;
  name?: string;
  /** x is epoch µs, UTC (default true): drawn on a date axis. */
  time?: boolean;
  /** Default drawing mode (default "lines"). */
  mode?: SeriesMode;
  /** Cap on points per series before min/max decimation (default 20,000). */
  maxPoints?: number;
  /** Log-scale y axis. */
  logY?: boolean;
}

/**
 * A time-series figure of one or several named series.
 *
 * x is epoch µs UTC when `time` (the default) and is sent as `YYYY-MM-DDTHH:MM:SS.ffffffZ` strings on a
 * date axis; otherwise x is numeric. Series longer than `maxPoints` are decimated with `decimateMinMax`
 * on y (spikes kept), recorded in `meta.decimated` and annotated. Series above `WEBGL_THRESHOLD` points
 * use `scattergl`. "step" draws `line.shape = "hv"` (each value holds until the next timestamp, the
 * convention for quotes and inventory). NaN in y is a gap.
 */
export function timeSeries(opts: TimeSeriesOptions): Figure {
  const title = requireTitle(opts.title);
  const time = opts.time !== false;
  const yTitle = requireAxisTitle(opts.yTitle, "yTitle");
  const xTitle = opts.xTitle === undefined && time ? "time (UTC)" : requireAxisTitle(opts.xTitle, "xTitle");
  const maxPoints = resolveMaxPoints(opts.maxPoints);
  let series: Series[];
  if (opts.series && opts.y) throw new ArgumentError("give either series or y, not both", { field: "series" });
  if (opts.series) series = opts.series;
  else if (opts.y) series = [{ name: opts.name ?? yTitle, y: opts.y }];
  else throw new ArgumentError("timeSeries needs series or y", { field: "series" });
  if (series.length === 0) throw new ArgumentError("timeSeries needs at least one series", { field: "series" });

  const data: Data[] = [];
  const decimated: DecimationNote[] = [];
  series.forEach((s, k) => {
    const field = `series[${k}]`;
    requireTitle(s.name, `${field}.name`);
    if (!(s.y instanceof Float64Array)) throw new ArgumentError(`${field}.y must be a Float64Array`, { field: `${field}.y` });
    const x = s.x ?? opts.x;
    if (!x) throw new ArgumentError(`${field} has no x (give opts.x or series x)`, { field: `${field}.x` });
    if (!(x instanceof Float64Array)) throw new ArgumentError(`${field}.x must be a Float64Array`, { field: `${field}.x` });
    const n = s.y.length;
    requireLength(n, { [`${field}.x`]: x });
    const idx = decimateMinMax(n, [s.y], maxPoints);
    if (idx) decimated.push({ trace: s.name, from: n, to: idx.length });
    const drawn = idx ? idx.length : n;
    const mode = s.mode ?? opts.mode ?? "lines";
    const trace: { [k: string]: unknown } = {
      type: drawn > WEBGL_THRESHOLD ? "scattergl" : "scatter",
      name: s.name,
      x: time ? usToISOArray(x, idx, `${field}.x`) : pick(x, idx),
      y: pick(s.y, idx),
      mode: mode === "step" ? "lines" : mode,
    };
    const line: { [k: string]: unknown } = {};
    if (mode === "step") line.shape = "hv";
    if (s.color) line.color = s.color;
    if (s.width !== undefined) line.width = s.width;
    if (Object.keys(line).length) trace.line = line;
    if (s.color && mode !== "lines" && mode !== "step") trace.marker = { color: s.color };
    data.push(trace as Data);
  });

  const layout: Partial<Layout> = {
    xaxis: { title: { text: xTitle }, ...(time ? { type: "date" as const } : {}) },
    yaxis: { title: { text: yTitle }, ...(opts.logY ? { type: "log" as const } : {}) },
    showlegend: series.length > 1,
    hovermode: "x",
  };
  return finishFigure(data, layout, { title, synthetic: opts.synthetic, decimated }, opts);
}
