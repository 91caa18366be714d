/**
 * Histogram figure. Bins are counted here (not by plotly in the browser), so a million values become a
 * few hundred bars of JSON, and the counts are exact and testable.
 */
import type { Data, Layout } from "plotly.js";
import { ArgumentError } from "../../errors";
import { type CommonOptions, type Figure, SIDE_COLORS, finishFigure, requireAxisTitle, requireLength, requireTitle } from "../figure";

/** Bar heights: raw counts, fractions of the group (sum 1), or density (fraction / bin width, integrates to 1). */
export type HistNorm = "count" | "probability" | "density";

/** A named group of values. */
export interface HistGroup {
  name: string;
  values: Float64Array;
  color?: string;
}

/** Options of `histogram`. */
export interface HistogramOptions extends CommonOptions {
  /** x-axis title with unit, e.g. "trade size (BTC)". */
  xTitle: string;
  /** y-axis title with unit; default "count (n)", "probability (fraction)" or "density (1/<x unit>)". */
  yTitle?: string;
  /** Values (one group), or use `groups`. */
  values?: Float64Array;
  /** Split `values` by side: "buy" (+1), "sell" (−1), "unknown" (0, only when present). */
  side?: Int8Array;
  /** Several named groups, overlaid with the same bins. */
  groups?: HistGroup[];
  /** Number of equal-width bins (default √n clamped to [10, 100]) or explicit ascending edges. */
  bins?: number | Float64Array;
  /** Range of the equal-width bins (default: min and max of the finite values). */
  range?: [number, number];
  /** Bar height (default "count"). */
  histnorm?: HistNorm;
}

/** Counts per bin plus what fell outside. */
export interface BinCounts {
  counts: Float64Array;
  /** Finite values below the first edge / above the last edge. */
  below: number;
  above: number;
  /** NaN / ±Infinity values. */
  nonFinite: number;
}

/**
 * Counts `values` into bins with ascending `edges` (length B+1): bin k holds edges[k] ≤ v < edges[k+1],
 * the last bin also holds v = edges[B] (numpy.histogram's convention). Values outside and non-finite
 * values are counted separately, never dropped silently. O(n log B) by binary search.
 */
export function binCounts(values: ArrayLike<number>, edges: Float64Array): BinCounts {
  const B = edges.length - 1;
  if (B < 1) throw new ArgumentError("bins need at least two edges", { field: "bins" });
  for (let k = 0; k < B; k++) {
    if (!(edges[k + 1] > edges[k])) throw new ArgumentError(`bin edges must be strictly ascending (edge ${k + 1})`, { field: "bins" });
  }
  const counts = new Float64Array(B);
  let below = 0;
  let above = 0;
  let nonFinite = 0;
  const lo = edges[0];
  const hi = edges[B];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) nonFinite++;
    else if (v < lo) below++;
    else if (v > hi) above++;
    else if (v === hi) counts[B - 1]++;
    else {
      let a = 0;
      let b = B; // edges[a] ≤ v < edges[b]
      while (b - a > 1) {
        const m = (a + b) >> 1;
        if (edges[m] <= v) a = m;
        else b = m;
      }
      counts[a]++;
    }
  }
  return { counts, below, above, nonFinite };
}

/** B+1 equal-width edges over [lo, hi]: edges[k] = lo + k·(hi − lo)/B, the last edge exactly hi. */
export function equalEdges(lo: number, hi: number, bins: number): Float64Array {
  if (!Number.isInteger(bins) || bins < 1) throw new ArgumentError(`bins must be a positive integer, got ${bins}`, { field: "bins" });
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) throw new ArgumentError(`range [${lo}, ${hi}] is not a finite ascending interval`, { field: "range" });
  const e = new Float64Array(bins + 1);
  for (let k = 0; k <= bins; k++) e[k] = lo + (k * (hi - lo)) / bins;
  e[bins] = hi;
  return e;
}

function unitOf(axisTitle: string): string {
  const m = /\(([^()]*)\)\s*$|\[([^\[\]]*)\]\s*$/.exec(axisTitle);
  return m ? (m[1] ?? m[2]).trim() : "x unit";
}

/**
 * A histogram figure with one bar trace per group, all groups on the same bins, overlaid (opacity 0.6)
 * when there are several. Bins follow `binCounts` (numpy's convention). With `histnorm`
 * "probability" a bar is count/nᵍ, with "density" count/(nᵍ·width) in 1/(x unit), where nᵍ is the
 * number of the group's values inside the bins. Non-finite values and values outside an explicit
 * `range` or `bins` edges are left out and counted in `meta.notes` and the chart annotation.
 */
export function histogram(opts: HistogramOptions): Figure {
  const title = requireTitle(opts.title);
  const xTitle = requireAxisTitle(opts.xTitle, "xTitle");
  const norm: HistNorm = opts.histnorm ?? "count";
  if (norm !== "count" && norm !== "probability" && norm !== "density") {
    throw new ArgumentError(`histnorm must be "count", "probability" or "density", got ${String(norm)}`, { field: "histnorm" });
  }
  const yTitle =
    opts.yTitle !== undefined
      ? requireAxisTitle(opts.yTitle, "yTitle")
      : norm === "count"
        ? "count (n)"
        : norm === "probability"
          ? "probability (fraction)"
          : `density (1/${unitOf(xTitle)})`;

  // Groups.
  let groups: HistGroup[];
  if (opts.groups) {
    if (opts.values || opts.side) throw new ArgumentError("give either groups or values (+ side), not both", { field: "groups" });
    groups = opts.groups;
    groups.forEach((g, k) => {
      requireTitle(g.name, `groups[${k}].name`);
      if (!(g.values instanceof Float64Array)) throw new ArgumentError(`groups[${k}].values must be a Float64Array`, { field: `groups[${k}].values` });
    });
  } else if (opts.values) {
    const v = opts.values;
    if (!(v instanceof Float64Array)) throw new ArgumentError("values must be a Float64Array", { field: "values" });
    if (opts.side) {
      const side = opts.side;
      requireLength(v.length, { side });
      let nb = 0;
      let ns = 0;
      let nu = 0;
      for (let i = 0; i < side.length; i++) {
        const s = side[i];
        if (s === 1) nb++;
        else if (s === -1) ns++;
        else if (s === 0) nu++;
        else throw new ArgumentError(`side ${s} at row ${i} is not +1, −1 or 0`, { field: "side", line: i + 1 });
      }
      const buy = new Float64Array(nb);
      const sell = new Float64Array(ns);
      const unk = new Float64Array(nu);
      nb = ns = nu = 0;
      for (let i = 0; i < side.length; i++) {
        if (side[i] === 1) buy[nb++] = v[i];
        else if (side[i] === -1) sell[ns++] = v[i];
        else unk[nu++] = v[i];
      }
      groups = [
        { name: "buy", values: buy, color: SIDE_COLORS.buy },
        { name: "sell", values: sell, color: SIDE_COLORS.sell },
      ];
      if (nu > 0) groups.push({ name: "unknown", values: unk, color: SIDE_COLORS.unknown });
    } else {
      groups = [{ name: xTitle, values: v }];
    }
  } else {
    throw new ArgumentError("histogram needs values or groups", { field: "values" });
  }
  if (groups.length === 0) throw new ArgumentError("histogram needs at least one group", { field: "groups" });

  // Edges.
  let edges: Float64Array;
  if (opts.bins instanceof Float64Array) {
    if (opts.range) throw new ArgumentError("give either explicit bin edges or range, not both", { field: "range" });
    edges = opts.bins;
  } else {
    let lo: number;
    let hi: number;
    let nFinite = 0;
    if (opts.range) {
      [lo, hi] = opts.range;
      for (const g of groups) for (let i = 0; i < g.values.length; i++) if (Number.isFinite(g.values[i])) nFinite++;
    } else {
      lo = Infinity;
      hi = -Infinity;
      for (const g of groups) {
        const v = g.values;
        for (let i = 0; i < v.length; i++) {
          const x = v[i];
          if (!Number.isFinite(x)) continue;
          nFinite++;
          if (x < lo) lo = x;
          if (x > hi) hi = x;
        }
      }
      if (nFinite === 0) throw new ArgumentError("histogram has no finite values to bin", { field: "values" });
      if (hi === lo) {
        lo -= 0.5;
        hi += 0.5;
      }
    }
    const bins = opts.bins ?? Math.min(100, Math.max(10, Math.ceil(Math.sqrt(nFinite))));
    edges = equalEdges(lo, hi, bins);
  }
  const B = edges.length - 1;
  const centers: number[] = new Array(B);
  const widths: number[] = new Array(B);
  const hover: string[] = new Array(B);
  for (let k = 0; k < B; k++) {
    centers[k] = (edges[k] + edges[k + 1]) / 2;
    widths[k] = edges[k + 1] - edges[k];
    hover[k] = `[${Number(edges[k].toPrecision(6))}, ${Number(edges[k + 1].toPrecision(6))}${k === B - 1 ? "]" : ")"}`;
  }

  const data: Data[] = [];
  const notes: string[] = [];
  for (const g of groups) {
    const bc = binCounts(g.values, edges);
    let inside = 0;
    for (let k = 0; k < B; k++) inside += bc.counts[k];
    const y: number[] = new Array(B);
    for (let k = 0; k < B; k++) {
      const c = bc.counts[k];
      y[k] = norm === "count" ? c : inside === 0 ? 0 : norm === "probability" ? c / inside : c / (inside * widths[k]);
    }
    if (bc.nonFinite) notes.push(`${g.name}: ${bc.nonFinite.toLocaleString("en-US")} non-finite value${bc.nonFinite === 1 ? "" : "s"} left out`);
    if (bc.below + bc.above) {
      const k = bc.below + bc.above;
      notes.push(`${g.name}: ${k.toLocaleString("en-US")} value${k === 1 ? "" : "s"} outside [${Number(edges[0].toPrecision(6))}, ${Number(edges[B].toPrecision(6))}] left out`);
    }
    const marker: { [k: string]: unknown } = {};
    if (g.color) marker.color = g.color;
    if (groups.length > 1) marker.opacity = 0.6;
    data.push({ type: "bar", name: g.name, x: centers, y, width: widths, hovertext: hover, marker } as Data);
  }
  const layout: Partial<Layout> = {
    xaxis: { title: { text: xTitle } },
    yaxis: { title: { text: yTitle } },
    barmode: "overlay",
    bargap: 0,
    showlegend: groups.length > 1,
  };
  return finishFigure(data, layout, { title, synthetic: opts.synthetic, notes }, opts);
}
