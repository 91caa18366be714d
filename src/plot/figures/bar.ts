/**
 * Bar chart: one value per category, for one or several named groups (grouped bars), e.g. a liquidity
 * measure per trading pair.
 */
import type { Data, Layout } from "plotly.js";
import { ArgumentError } from "../../errors";
import { type CommonOptions, type Figure, finishFigure, requireAxisTitle, requireTitle } from "../figure";

/** One named group of bars: a value per category (NaN = no bar, said in the notes). */
export interface BarGroup {
  name: string;
  values: ArrayLike<number>;
  color?: string;
}

/** Options of `bar`. */
export interface BarOptions extends CommonOptions {
  /** Category labels, in display order. */
  categories: readonly string[];
  /** Groups of values, one value per category; drawn side by side. */
  groups: readonly BarGroup[];
  /** Value axis title with unit, e.g. "spread (bps)". */
  valueTitle: string;
  /** Category axis title with unit, e.g. "pair (symbol)". */
  categoryTitle: string;
  /** Horizontal bars (categories on the y axis, first category at the top). Default false. */
  horizontal?: boolean;
  /** Log-scale value axis. */
  logValue?: boolean;
}

/**
 * A grouped bar chart: for each category, one bar per group. Values are drawn as given (no sorting; sort
 * the categories first to make a ranking). Missing values (NaN) draw no bar and are counted in the figure's
 * notes, so an absent estimate is never mistaken for zero. Throws an ArgumentError when a group's length
 * differs from the number of categories.
 */
export function bar(opts: BarOptions): Figure {
  const title = requireTitle(opts.title);
  const valueTitle = requireAxisTitle(opts.valueTitle, "valueTitle");
  const categoryTitle = requireAxisTitle(opts.categoryTitle, "categoryTitle");
  const cats = opts.categories.slice();
  if (opts.groups.length === 0) throw new ArgumentError("bar: at least one group is needed", { field: "groups" });
  const notes: string[] = [];
  const data: Data[] = opts.groups.map((g) => {
    if (g.values.length !== cats.length) {
      throw new ArgumentError(`bar: group "${g.name}" has ${g.values.length} values for ${cats.length} categories`, { field: "groups" });
    }
    const vals: Array<number | null> = [];
    let missing = 0;
    for (let i = 0; i < cats.length; i++) {
      const v = g.values[i];
      if (Number.isFinite(v)) vals.push(v);
      else {
        vals.push(null);
        missing++;
      }
    }
    if (missing) notes.push(`${g.name}: no value for ${missing} of ${cats.length} categories`);
    const trace: Record<string, unknown> = {
      type: "bar",
      name: g.name,
      orientation: opts.horizontal ? "h" : "v",
      x: opts.horizontal ? vals : cats,
      y: opts.horizontal ? cats : vals,
    };
    if (g.color) trace.marker = { color: g.color };
    return trace as Data;
  });
  const valueAxis = { title: { text: valueTitle }, ...(opts.logValue ? { type: "log" as const } : {}) };
  const catAxis = { title: { text: categoryTitle }, type: "category" as const, automargin: true, ...(opts.horizontal ? { autorange: "reversed" as const } : {}) };
  const layout: Partial<Layout> = {
    barmode: "group",
    showlegend: opts.groups.length > 1,
    xaxis: opts.horizontal ? valueAxis : catAxis,
    yaxis: opts.horizontal ? catAxis : valueAxis,
  };
  return finishFigure(data, layout, { title, synthetic: opts.synthetic, notes: notes.length ? notes : undefined }, opts);
}
