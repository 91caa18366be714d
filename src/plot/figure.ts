/**
 * The Figure type and the helpers every figure builder shares.
 *
 * A Figure is plain Plotly JSON (`data` + `layout`) plus makerlab's own `meta`. Nothing here imports
 * plotly.js at run time (it needs a DOM); `Data` and `Layout` are types only.
 *
 * Conventions (all builders):
 * - A figure has a title, and every axis title carries its unit in parentheses or brackets:
 *   `"spread (bps)"`, `"price [USDT]"`. Unitless quantities say so: `"imbalance (ratio)"`, `"trades (count)"`.
 * - `synthetic: true` appends " — synthetic data" to the title and adds a visible red "SYNTHETIC DATA"
 *   annotation, so a chart of synthetic data cannot pass for a real one.
 * - Time axes: input is epoch microseconds (float64, UTC). Points are sent to plotly as strings
 *   `YYYY-MM-DDTHH:MM:SS.ffffffZ` on an axis of `type: "date"`. Plotly parses such strings as UTC wall
 *   time (its regex accepts and ignores the `Z`; it never applies the viewer's time zone to strings), keeps
 *   sub-millisecond digits (it stores ms as a float and formats down to 100 µs), and the JSON stays readable.
 *   `Date` objects are avoided on purpose: plotly reads them in the *local* time zone.
 * - Large traces are decimated with `decimateMinMax` (min and max of every bucket are kept, so spikes
 *   survive), at most `maxPoints` (default `DEFAULT_MAX_POINTS`) per trace. Decimation is never silent:
 *   `meta.decimated` records it and a grey annotation in the chart says "decimated from N points".
 * - Traces with more than `WEBGL_THRESHOLD` points use `scattergl` (WebGL) for interactive speed;
 *   the static exporter draws them as SVG `scatter` (see export.ts).
 */
import type { Data, Layout, Annotations } from "plotly.js";
import { ArgumentError } from "../errors";

/** What makerlab records about a figure beside the Plotly JSON. */
export interface FigureMeta {
  /** The title as given by the caller (without the synthetic suffix). */
  title: string;
  /** True when the figure shows synthetic data. */
  synthetic?: boolean;
  /** Every decimated trace: its name, the points it had, and the points drawn. */
  decimated?: DecimationNote[];
  /** Other things the reader must know (values left out of a histogram, …), one sentence each. */
  notes?: string[];
}

/** One decimated trace. */
export interface DecimationNote {
  trace: string;
  /** Points before decimation. */
  from: number;
  /** Points drawn. */
  to: number;
}

/** A Plotly figure as plain JSON plus makerlab metadata. */
export interface Figure {
  data: Data[];
  layout: Partial<Layout>;
  meta?: FigureMeta;
}

/** Options every builder accepts. */
export interface CommonOptions {
  /** Figure title (required, non-empty). */
  title: string;
  /** True when the data is synthetic: adds " — synthetic data" to the title and a visible annotation. */
  synthetic?: boolean;
  /** Figure size in px (defaults: plotly's autosize in notebooks, 900×500 in static export). */
  width?: number;
  height?: number;
}

/** Default cap on points per trace before min/max decimation. */
export const DEFAULT_MAX_POINTS = 20_000;
/** Traces with more points than this are drawn with `scattergl`. */
export const WEBGL_THRESHOLD = 10_000;
/** Suffix appended to the title of a synthetic-data figure. */
export const SYNTHETIC_SUFFIX = " — synthetic data";
/** Text of the annotation on a synthetic-data figure. */
export const SYNTHETIC_LABEL = "SYNTHETIC DATA";
/** Colours for sides: +1 buy / bid, −1 sell / ask, 0 unknown. */
export const SIDE_COLORS = { buy: "#1a9850", sell: "#d73027", unknown: "#7f7f7f" } as const;

/** Throws an ArgumentError unless `title` is a non-empty string. */
export function requireTitle(title: unknown, field = "title"): string {
  if (typeof title !== "string" || title.trim() === "") {
    throw new ArgumentError(`a figure needs a non-empty ${field}`, { field });
  }
  return title;
}

/**
 * Throws an ArgumentError unless `axisTitle` is non-empty and names a unit in parentheses or brackets
 * (e.g. `"spread (bps)"`, `"price [USDT]"`, `"imbalance (ratio)"`).
 */
export function requireAxisTitle(axisTitle: unknown, field: string): string {
  const t = requireTitle(axisTitle, field);
  if (!/\([^()]*\S[^()]*\)|\[[^\[\]]*\S[^\[\]]*\]/.test(t)) {
    throw new ArgumentError(
      `axis title "${t}" names no unit`,
      { field },
      `write the unit in parentheses, e.g. "spread (bps)", "time (UTC)"; for unitless values "(ratio)" or "(count)"`,
    );
  }
  return t;
}

/** Throws an ArgumentError unless every column has length `n`. */
export function requireLength(n: number, cols: { [field: string]: ArrayLike<unknown> | undefined }): void {
  for (const field of Object.keys(cols)) {
    const c = cols[field];
    if (c !== undefined && c.length !== n) {
      throw new ArgumentError(`${field} has ${c.length} values, expected ${n}`, { field });
    }
  }
}

/** Throws an ArgumentError unless `maxPoints` is an integer ≥ 8 (or undefined, meaning the default). */
export function resolveMaxPoints(maxPoints: number | undefined): number {
  if (maxPoints === undefined) return DEFAULT_MAX_POINTS;
  if (!Number.isInteger(maxPoints) || maxPoints < 8) {
    throw new ArgumentError(`maxPoints must be an integer ≥ 8, got ${maxPoints}`, { field: "maxPoints" });
  }
  return maxPoints;
}

function pad(v: number, w: number): string {
  let s = String(v);
  while (s.length < w) s = "0" + s;
  return s;
}

/**
 * Epoch microseconds (UTC) → `YYYY-MM-DDTHH:MM:SS.ffffffZ`, exact to the microsecond
 * (fractional µs are rounded to the nearest µs). Throws an ArgumentError on a non-finite value.
 */
export function usToISO(us: number, field = "x"): string {
  if (!Number.isFinite(us)) throw new ArgumentError(`timestamp ${us} is not a finite epoch-µs value`, { field });
  let ms = Math.floor(us / 1000);
  let rem = Math.round(us - ms * 1000);
  if (rem >= 1000) {
    ms += 1;
    rem -= 1000;
  }
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ (years 0–9999)
  return iso.slice(0, 23) + pad(rem, 3) + "Z";
}

/** `usToISO` over the rows `idx` of `us` (all rows when `idx` is null). The field names the column in errors. */
export function usToISOArray(us: Float64Array, idx: Int32Array | null, field = "x"): string[] {
  const n = idx ? idx.length : us.length;
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = idx ? idx[i] : i;
    const v = us[r];
    if (!Number.isFinite(v)) throw new ArgumentError(`timestamp ${v} at row ${r} is not a finite epoch-µs value`, { field, line: r + 1 });
    out[i] = usToISO(v, field);
  }
  return out;
}

/** Rows `idx` of a numeric column as a plain array (all rows when `idx` is null); NaN stays NaN (JSON null = gap). */
export function pick(col: ArrayLike<number>, idx: Int32Array | null): number[] {
  const n = idx ? idx.length : col.length;
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = col[idx ? idx[i] : i];
  return out;
}

/**
 * Min/max-preserving decimation: the row indices (ascending) to draw so that at most `maxPoints` remain.
 *
 * Rows are cut into B = ⌊(maxPoints − 2) / (2·k)⌋ equal-count buckets (k = number of key columns);
 * in each bucket the rows holding the minimum and the maximum of every key column (finite values only)
 * are kept, so every spike and every extreme survives; a bucket with no finite value keeps its first
 * row (a gap stays a gap). The first and last rows are always kept, so the x range is unchanged.
 * Returns null when n ≤ maxPoints (nothing to do). This is the "M4"/min-max scheme of Jugel et al. (2014),
 * with equal-count rather than equal-width buckets.
 * @param n rows
 * @param keys columns whose extremes must survive (y for a line; x and y for a scatter)
 * @param maxPoints cap on the returned count (≥ 8)
 */
export function decimateMinMax(n: number, keys: ReadonlyArray<ArrayLike<number>>, maxPoints: number): Int32Array | null {
  if (n <= maxPoints) return null;
  if (keys.length === 0) throw new ArgumentError("decimateMinMax needs at least one key column", { field: "keys" });
  for (const k of keys) if (k.length !== n) throw new ArgumentError(`key column has ${k.length} values, expected ${n}`, { field: "keys" });
  const per = 2 * keys.length;
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / per));
  const out = new Int32Array(buckets * per + 2);
  let m = 0;
  out[m++] = 0;
  const local = new Int32Array(per);
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    let cnt = 0;
    for (const k of keys) {
      let imin = -1;
      let imax = -1;
      let vmin = Infinity;
      let vmax = -Infinity;
      for (let i = lo; i < hi; i++) {
        const v = k[i];
        if (v < vmin) {
          vmin = v;
          imin = i;
        }
        if (v > vmax) {
          vmax = v;
          imax = i;
        }
      }
      if (imin >= 0) local[cnt++] = imin;
      if (imax >= 0) local[cnt++] = imax;
    }
    if (cnt === 0 && hi > lo) local[cnt++] = lo;
    // sort the few local indices (insertion sort), then append without duplicates
    for (let i = 1; i < cnt; i++) {
      const v = local[i];
      let j = i - 1;
      while (j >= 0 && local[j] > v) {
        local[j + 1] = local[j];
        j--;
      }
      local[j + 1] = v;
    }
    for (let i = 0; i < cnt; i++) if (local[i] !== out[m - 1]) out[m++] = local[i];
  }
  if (out[m - 1] !== n - 1) out[m++] = n - 1;
  return out.slice(0, m);
}

/** The title as shown: the caller's title plus `SYNTHETIC_SUFFIX` when synthetic. */
export function displayTitle(title: string, synthetic: boolean | undefined): string {
  return synthetic ? title + SYNTHETIC_SUFFIX : title;
}

/** The visible red annotation of a synthetic-data figure (top right, above the plot area). */
export function syntheticAnnotation(yshift = 4): Partial<Annotations> {
  return {
    text: `<b>${SYNTHETIC_LABEL}</b>`,
    xref: "paper",
    yref: "paper",
    x: 1,
    y: 1,
    xanchor: "right",
    yanchor: "bottom",
    yshift,
    showarrow: false,
    font: { color: "#c0392b", size: 13 },
    bordercolor: "#c0392b",
    borderwidth: 1,
    borderpad: 3,
  };
}

/** The one-line text of a decimation note, e.g. "mid: decimated from 1,000,000 to 19,998 points (min/max per bucket)". */
export function decimationText(notes: readonly DecimationNote[]): string {
  return notes
    .map((d) => `${d.trace}: decimated from ${d.from.toLocaleString("en-US")} to ${d.to.toLocaleString("en-US")} points`)
    .join("; ") + " (min/max per bucket)";
}

/** Packs `parts` into lines of at most `width` characters (a part longer than that gets its own line), joined by "; ". */
export function wrapParts(parts: readonly string[], width = 90): string[] {
  const lines: string[] = [];
  let cur = "";
  for (const p of parts) {
    if (cur === "") cur = p;
    else if (cur.length + 2 + p.length <= width) cur += "; " + p;
    else {
      lines.push(cur + ";");
      cur = p;
    }
  }
  if (cur !== "") lines.push(cur);
  return lines;
}

/** The notes of a figure as display lines: decimated traces first, then other notes, wrapped at 90 characters. */
export function noteLines(meta: FigureMeta): string[] {
  const parts: string[] = [];
  if (meta.decimated && meta.decimated.length) {
    const d = meta.decimated.map((x) => `${x.trace}: decimated from ${x.from.toLocaleString("en-US")} to ${x.to.toLocaleString("en-US")} points`);
    d[d.length - 1] += " (min/max per bucket)";
    parts.push(...d);
  }
  if (meta.notes) parts.push(...meta.notes);
  return wrapParts(parts);
}

/** The grey annotation (top left, above the plot area) listing decimated traces and other notes. */
export function notesAnnotation(meta: FigureMeta, yshift = 4): Partial<Annotations> | null {
  const lines = noteLines(meta);
  if (lines.length === 0) return null;
  return {
    text: lines.map(escapeHTML).join("<br>"),
    xref: "paper",
    yref: "paper",
    x: 0,
    y: 1,
    xanchor: "left",
    yanchor: "bottom",
    yshift,
    align: "left",
    showarrow: false,
    font: { color: "#666666", size: 10 },
  };
}

/**
 * Finishes a figure: sets the title (with the synthetic suffix), size, top margin, and appends the
 * synthetic and notes annotations to `layout.annotations`. Every builder ends with this.
 * `lift` raises those two annotations by that many px (subplots use it to clear the row titles).
 */
export function finishFigure(
  data: Data[],
  layout: Partial<Layout>,
  meta: FigureMeta,
  opts: { width?: number; height?: number; lift?: number } = {},
): Figure {
  const lift = opts.lift ?? 0;
  const ann: Array<Partial<Annotations>> = layout.annotations ? layout.annotations.slice() : [];
  if (meta.synthetic) ann.push(syntheticAnnotation(4 + lift));
  const note = notesAnnotation(meta, 4 + lift);
  if (note) ann.push(note);
  const nNoteLines = note ? String(note.text).split("<br>").length : 0;
  // Top margin: the title band (≈ 44 px from the top), then the notes / synthetic label, then `lift`.
  const band = Math.max(13 * nNoteLines, meta.synthetic ? 24 : 0);
  const out: Partial<Layout> = {
    ...layout,
    title: { text: displayTitle(meta.title, meta.synthetic), x: 0.5, xanchor: "center", yref: "container", y: 1, yanchor: "top", pad: { t: 14 } },
    margin: { l: 70, r: 30, b: 60, t: Math.max(60, 48 + band + lift), ...(layout.margin || {}) },
    annotations: ann,
  };
  if (opts.width !== undefined) out.width = opts.width;
  if (opts.height !== undefined) out.height = opts.height;
  const m: FigureMeta = { title: meta.title };
  if (meta.synthetic) m.synthetic = true;
  if (meta.decimated && meta.decimated.length) m.decimated = meta.decimated;
  if (meta.notes && meta.notes.length) m.notes = meta.notes;
  return { data, layout: out, meta: m };
}

/** Number of points in a trace (length of its x, y or z). */
export function traceLength(t: Data): number {
  const r = t as { x?: ArrayLike<unknown>; y?: ArrayLike<unknown>; z?: ArrayLike<unknown>; values?: ArrayLike<unknown> };
  return Math.max(r.x ? r.x.length : 0, r.y ? r.y.length : 0, r.z ? r.z.length : 0, r.values ? r.values.length : 0);
}

/**
 * A one-line text summary of a figure: title, traces (type, name, points), axis titles, notes.
 * Used as `text/plain` in notebooks and printed outside a kernel.
 */
export function figureSummary(fig: Figure): string {
  const title = fig.meta ? displayTitle(fig.meta.title, fig.meta.synthetic) : (fig.layout.title && fig.layout.title.text) || "(untitled)";
  const traces = fig.data
    .map((t) => {
      const r = t as { type?: string; name?: string };
      return `${r.name ?? r.type ?? "trace"} (${r.type ?? "scatter"}, ${traceLength(t)} pts)`;
    })
    .join(", ");
  const axes: string[] = [];
  const lay = fig.layout as { [k: string]: unknown };
  for (const k of Object.keys(lay).sort()) {
    if (!/^[xy]axis\d*$/.test(k)) continue;
    const ax = lay[k] as { title?: { text?: string } } | undefined;
    if (ax && ax.title && ax.title.text) axes.push(`${k[0]}: ${ax.title.text}`);
  }
  let s = `[figure] ${title} — ${fig.data.length} trace${fig.data.length === 1 ? "" : "s"}: ${traces}`;
  if (axes.length) s += ` | ${axes.join(", ")}`;
  if (fig.meta && fig.meta.decimated && fig.meta.decimated.length) s += ` | ${decimationText(fig.meta.decimated)}`;
  if (fig.meta && fig.meta.notes && fig.meta.notes.length) s += ` | ${fig.meta.notes.join("; ")}`;
  return s;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHTML(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * JSON for embedding inside an HTML `<script>`: `JSON.stringify` (NaN/±Infinity → null, i.e. a gap),
 * with `<`, U+2028 and U+2029 escaped so the text can never close the script element.
 */
export function scriptJSON(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** The `{ data, layout, config }` object plotly renderers expect (makerlab's `meta` left out). */
export function plotlyJSON(fig: Figure): { data: Data[]; layout: Partial<Layout>; config: { responsive: boolean; displaylogo: boolean } } {
  return { data: fig.data, layout: fig.layout, config: { responsive: true, displaylogo: false } };
}
