/**
 * Showing figures and tables in a tslab notebook.
 *
 * `show(fig)` sends ONE Jupyter display_data message whose mime bundle holds:
 * - `application/vnd.plotly.v1+json`: the figure (JupyterLab with the plotly renderer draws it natively);
 * - `text/html`: a div + script drawing it with plotly.js (classic Notebook, nbconvert HTML). plotly.js
 *   (≈ 4.8 MB) is inlined only in the first figure of the process (guarded by `if (!window.Plotly)`);
 *   later figures wait for `window.Plotly` (polling up to 10 s), so re-running a cell still works. When a
 *   PNG exists, the div first holds it as an <img>, which stays visible where scripts do not run;
 * - `image/png` (base64), when chromium is available, rendered by the shared exporter (one browser);
 * - `text/plain`: a one-line summary starting with the title.
 * Outside a kernel, `show` prints the one-line summary instead.
 *
 * Every shown figure is kept in a process-wide registry (`shownFigures()`) so a headless runner can
 * export them after a notebook ran.
 */
import { randomBytes } from "node:crypto";
import { type Figure, escapeHTML, figureSummary, plotlyJSON, scriptJSON } from "./figure";
import { DEFAULT_HEIGHT, DEFAULT_WIDTH, chromiumPath, getExporter, plotlySource } from "./export";

/** A Jupyter mime bundle: mime type → payload (string, or JSON for `application/*+json`). */
export interface MimeBundle {
  [mime: string]: unknown;
}

/** The argument of tslab's `lastWriteDisplayData` (a Jupyter display_data content). */
export interface DisplayData {
  data: MimeBundle;
  metadata: { [k: string]: unknown };
  transient: { [k: string]: unknown };
}

/** tslab's writer of display_data messages for the running cell. */
export type DisplayWriter = (data: DisplayData, update: boolean) => void;

/** Display settings (see `setDisplayOptions`). */
export interface DisplayOptions {
  /** Attach an image/png rendering when chromium is available (default true). */
  png: boolean;
  /** Inline plotly.js into the first figure's text/html (default true). When false the HTML expects `window.Plotly` from elsewhere. */
  inlinePlotly: boolean;
  /** PNG size when the figure's layout gives none (default 900 × 500 px) and pixel ratio (default 1). */
  width: number;
  height: number;
  scale: number;
}

const DEFAULTS: DisplayOptions = { png: true, inlinePlotly: true, width: DEFAULT_WIDTH, height: DEFAULT_HEIGHT, scale: 1 };
let options: DisplayOptions = { ...DEFAULTS };
let plotlyInlined = false;
let pngWarned = false;
const registry: Figure[] = [];

/** Changes display settings (the headless runner may turn PNG off and export afterwards). Returns the settings now in force. */
export function setDisplayOptions(opts: Partial<DisplayOptions>): DisplayOptions {
  options = { ...options, ...opts };
  return { ...options };
}

/** The display settings now in force. */
export function getDisplayOptions(): DisplayOptions {
  return { ...options };
}

/** Every figure passed to `show` in this process, in order (a copy of the registry). */
export function shownFigures(): Figure[] {
  return registry.slice();
}

/**
 * Starts afresh, as for a new notebook: empties the figure registry and forgets that plotly.js was
 * inlined (so the next figure carries it again). Settings are reset to the defaults when `options` is true.
 */
export function resetDisplayState(opts: { options?: boolean } = {}): void {
  registry.length = 0;
  plotlyInlined = false;
  pngWarned = false;
  if (opts.options) options = { ...DEFAULTS };
}

/**
 * tslab's current display writer, or null outside a kernel. It is the `lastWriteDisplayData` export of
 * tslab's already-loaded `tslab/dist/jupyter` module (found in `require.cache`, so a plain Node process
 * does not load tslab just to learn that it is not in a kernel).
 */
export function displayWriter(): DisplayWriter | null {
  const cache = require.cache;
  for (const key of Object.keys(cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(key)) continue;
    const mod = cache[key];
    const w = mod && (mod.exports as { lastWriteDisplayData?: unknown }).lastWriteDisplayData;
    if (typeof w === "function") return w as DisplayWriter;
  }
  return null;
}

/**
 * The mime bundle for one figure (pure: no state, no browser).
 * @param opts.includePlotly put plotly.js into the text/html (guarded by `if (!window.Plotly)`)
 * @param opts.png a PNG rendering to attach as image/png and as the HTML's static placeholder
 */
export function figureMimeBundle(fig: Figure, opts: { includePlotly: boolean; png?: Buffer }): MimeBundle {
  const id = "makerlab-plot-" + randomBytes(6).toString("hex");
  const h = fig.layout.height ?? DEFAULT_HEIGHT;
  const pngB64 = opts.png ? opts.png.toString("base64") : undefined;
  const summary = figureSummary(fig);
  const placeholder = pngB64 ? `<img src="data:image/png;base64,${pngB64}" alt="${escapeHTML(summary)}" style="max-width:100%">` : "";
  let html = `<div id="${id}" class="makerlab-plot" style="width:100%;min-height:${h}px">${placeholder}</div>\n`;
  if (opts.includePlotly) {
    html += `<script type="text/javascript">if (typeof window.Plotly === "undefined") {\n${plotlySource()}\n}</script>\n`;
  }
  html +=
    `<script type="text/javascript">(function(){var f=${scriptJSON(plotlyJSON(fig))};var id=${JSON.stringify(id)};` +
    `function draw(){var el=document.getElementById(id);if(!el)return;el.innerHTML="";el.style.height="${h}px";window.Plotly.newPlot(el,f.data,f.layout,f.config);}` +
    `if(window.Plotly){draw();return;}var n=0;var t=setInterval(function(){if(window.Plotly){clearInterval(t);draw();}` +
    `else if(++n>100){clearInterval(t);var el=document.getElementById(id);if(el&&!el.firstChild)el.innerHTML=` +
    `"<p>plotly.js is not loaded in this page: re-run the first cell that shows a figure.</p>";}},100);})();</script>`;
  const bundle: MimeBundle = {
    "application/vnd.plotly.v1+json": plotlyJSON(fig),
    "text/html": html,
    "text/plain": summary,
  };
  if (pngB64) bundle["image/png"] = pngB64;
  return bundle;
}

/**
 * Shows a figure in the notebook (one display_data message, see the file comment), or prints its
 * one-line summary outside a kernel. Records the figure in `shownFigures()`. The PNG is best-effort:
 * if chromium is missing or fails, the bundle goes without it and one warning is printed.
 */
export async function show(fig: Figure): Promise<void> {
  registry.push(fig);
  // Captured now, so the output lands in the calling cell even if the PNG takes a while.
  const write = displayWriter();
  if (!write) {
    console.log(figureSummary(fig));
    return;
  }
  let png: Buffer | undefined;
  if (options.png && chromiumPath() !== null) {
    try {
      const ex = await getExporter();
      png = await ex.toPNG(fig, {
        width: fig.layout.width ?? options.width,
        height: fig.layout.height ?? options.height,
        scale: options.scale,
      });
    } catch (e) {
      if (!pngWarned) {
        pngWarned = true;
        console.warn(`makerlab: no PNG for figures (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`);
      }
    }
  }
  const includePlotly = options.inlinePlotly && !plotlyInlined;
  const bundle = figureMimeBundle(fig, { includePlotly, png });
  if (includePlotly) plotlyInlined = true;
  write({ data: bundle, metadata: {}, transient: {} }, false);
}

/** Anything that renders as a table (a Frame). */
export interface TableLike {
  toHTML(maxRows?: number): string;
  toString(maxRows?: number): string;
}

/**
 * Shows a table (e.g. a Frame) in the notebook as text/html + text/plain (first `maxRows` rows, default 20),
 * or prints its text form outside a kernel.
 */
export function showTable(frame: TableLike, maxRows = 20): void {
  const write = displayWriter();
  const text = frame.toString(maxRows);
  if (!write) {
    console.log(text);
    return;
  }
  write({ data: { "text/html": frame.toHTML(maxRows), "text/plain": text }, metadata: {}, transient: {} }, false);
}
