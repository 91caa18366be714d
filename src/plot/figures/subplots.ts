/**
 * Multi-panel figure: several figures stacked as rows over one shared x axis.
 */
import type { Annotations, Data, Layout } from "plotly.js";
import { ArgumentError } from "../../errors";
import { type DecimationNote, type Figure, escapeHTML, finishFigure, requireAxisTitle, requireTitle } from "../figure";

/** Options of `subplots`. */
export interface SubplotsOptions {
  /** Title of the whole figure. */
  title: string;
  /** Shared x-axis title with unit (default: the first figure's x title). */
  xTitle?: string;
  /** Relative row heights, top to bottom (default all equal). */
  rowHeights?: number[];
  /** Gap between rows as a fraction of the figure height (default 0.06). */
  spacing?: number;
  /** Mark as synthetic (it is also synthetic when any input figure is). */
  synthetic?: boolean;
  width?: number;
  /** Height in px (default 120 + 220 per row). */
  height?: number;
}

type AxisLike = { title?: { text?: string }; type?: string; [k: string]: unknown };

/**
 * Stacks the traces of `figs` as rows (first figure on top) sharing ONE x axis: every trace is moved to
 * `xaxis: "x"` and its row's y axis (`y`, `y2`, …), each y axis keeps the row figure's y title and
 * settings (log scale …) and gets the row's `domain`; the x axis is anchored to the bottom row, so zoom
 * and pan on x move all rows together. Row heights are `rowHeights` normalized to the space left after
 * the gaps. Each row is labelled with its figure's title; colour bars of heatmaps are placed beside
 * their row. The result is synthetic when any input is, and it carries every input's decimation notes
 * (prefixed by the row title). Input figures must use a single x and y axis and agree on the x axis
 * type (all dates or all numbers), else ArgumentError.
 */
export function subplots(figs: Figure[], opts: SubplotsOptions): Figure {
  const title = requireTitle(opts.title);
  if (!Array.isArray(figs) || figs.length === 0) throw new ArgumentError("subplots needs at least one figure", { field: "figs" });
  const rows = figs.length;
  const spacing = opts.spacing ?? 0.06;
  if (!(spacing >= 0 && spacing * (rows - 1) < 0.9)) throw new ArgumentError(`spacing ${spacing} leaves no room for ${rows} rows`, { field: "spacing" });
  const weights = opts.rowHeights ?? figs.map(() => 1);
  if (weights.length !== rows) throw new ArgumentError(`rowHeights has ${weights.length} entries for ${rows} figures`, { field: "rowHeights" });
  let wsum = 0;
  for (const w of weights) {
    if (!(w > 0 && Number.isFinite(w))) throw new ArgumentError(`rowHeights must be positive, got ${w}`, { field: "rowHeights" });
    wsum += w;
  }

  // Shared x axis: same type everywhere.
  const xType = (f: Figure): string => ((f.layout.xaxis as AxisLike | undefined)?.type ?? "linear") as string;
  const type0 = xType(figs[0]);
  figs.forEach((f, i) => {
    if (xType(f) !== type0) throw new ArgumentError(`figure ${i} has an x axis of type "${xType(f)}" but figure 0 has "${type0}"`, { field: `figs[${i}].layout.xaxis.type` });
  });
  const x0 = figs[0].layout.xaxis as AxisLike | undefined;
  const xTitle = requireAxisTitle(opts.xTitle ?? x0?.title?.text, "xTitle");

  const avail = 1 - spacing * (rows - 1);
  const data: Data[] = [];
  const layout: { [k: string]: unknown } = {};
  const ann: Array<Partial<Annotations>> = [];
  const decimated: DecimationNote[] = [];
  const notes: string[] = [];
  let synthetic = opts.synthetic === true;
  let showlegend = false;
  let top = 1;
  figs.forEach((f, i) => {
    const h = (avail * weights[i]) / wsum;
    const lo = Math.max(0, top - h);
    const domain: [number, number] = [lo, top];
    top = lo - spacing;
    const yName = i === 0 ? "y" : `y${i + 1}`;
    const yKey = i === 0 ? "yaxis" : `yaxis${i + 1}`;
    const rowTitle = f.meta?.title ?? f.layout.title?.text ?? `row ${i + 1}`;
    const srcY = (f.layout.yaxis ?? {}) as AxisLike;
    requireAxisTitle(srcY.title?.text, `figs[${i}].layout.yaxis.title`);
    layout[yKey] = { ...srcY, domain, anchor: "x" };
    for (const t of f.data) {
      const tr = t as { [k: string]: unknown };
      if ((tr.xaxis !== undefined && tr.xaxis !== "x") || (tr.yaxis !== undefined && tr.yaxis !== "y")) {
        throw new ArgumentError(`figure ${i} uses more than one x or y axis; subplots takes single-panel figures`, { field: `figs[${i}].data` });
      }
      const copy: { [k: string]: unknown } = { ...tr, xaxis: "x", yaxis: yName, legendgroup: `row${i + 1}` };
      if (tr.type === "heatmap") {
        copy.colorbar = { ...((tr.colorbar as object | undefined) ?? {}), y: (domain[0] + domain[1]) / 2, yanchor: "middle", len: domain[1] - domain[0] };
      }
      data.push(copy as Data);
    }
    ann.push({
      text: `<b>${escapeHTML(rowTitle)}</b>`,
      xref: "paper",
      yref: "paper",
      x: 0,
      y: domain[1],
      xanchor: "left",
      yanchor: "bottom",
      showarrow: false,
      font: { size: 12 },
    });
    if (f.meta?.synthetic) synthetic = true;
    for (const d of f.meta?.decimated ?? []) decimated.push({ trace: `${rowTitle} / ${d.trace}`, from: d.from, to: d.to });
    for (const nt of f.meta?.notes ?? []) notes.push(`${rowTitle}: ${nt}`);
    if (f.layout.showlegend) showlegend = true;
    if (f.layout.barmode && layout.barmode === undefined) layout.barmode = f.layout.barmode;
    if (f.layout.bargap !== undefined && layout.bargap === undefined) layout.bargap = f.layout.bargap;
    if (f.layout.hovermode !== undefined && layout.hovermode === undefined) layout.hovermode = f.layout.hovermode;
  });
  const lastY = rows === 1 ? "y" : `y${rows}`;
  layout.xaxis = { ...(x0 ?? {}), title: { text: xTitle }, anchor: lastY, domain: [0, 1] };
  layout.showlegend = showlegend;
  layout.annotations = ann;
  return finishFigure(data, layout as Partial<Layout>, { title, synthetic, decimated, notes }, {
    width: opts.width,
    height: opts.height ?? 120 + 220 * rows,
    lift: 18,
  });
}
