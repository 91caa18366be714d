/**
 * Figure export: standalone HTML (plotly.js inlined, works offline) and static PNG / SVG rendered by
 * plotly.js inside ONE headless chromium driven by playwright-core.
 *
 * Costs measured on the 2-core dev machine (Debian chromium 156, plotly.js 3.7, load ≈ 4): browser
 * start-up with plotly.js loaded 2.6–3.1 s once; then a 500-point line ≈ 70 ms per PNG and 55–85 ms per
 * SVG, a 20,000-point line 240–340 ms per PNG and ≈ 150 ms per SVG.
 * `scattergl` traces are drawn as SVG `scatter` for export: WebGL in headless chromium runs on the CPU
 * (SwiftShader) at ≈ 2 s per image, and an SVG export of a GL trace is only a bitmap anyway.
 *
 * Process lifetime: a launched browser holds a child process and its pipes, which would keep Node
 * running. The exporter unrefs them while idle (and refs them during each render), so a script that
 * forgets `closeExporter()` still exits; playwright's exit hook then kills chromium and removes its
 * temporary profile. This uses Node's undocumented `process._getActiveHandles()`; where that is missing
 * the handles stay referenced and `closeExporter()` is required for the process to exit. Calling
 * `closeExporter()` when done is always right.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ChildProcess } from "node:child_process";
import type { Browser, Page } from "playwright-core";
import { ArgumentError, MakerlabError } from "../errors";
import { type Figure, escapeHTML, figureSummary, plotlyJSON, scriptJSON } from "./figure";

/** The message printed when PNG/SVG are asked for without a browser. */
export const NO_CHROMIUM_MESSAGE = "PNG/SVG export needs chromium (apt-get install chromium); wrote HTML only";

/** Chromium flags for a quiet, sandbox-free headless browser (see STACK.md). */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Default static image width in px when neither the call nor the figure's layout gives one. */
export const DEFAULT_WIDTH = 900;
/** Default static image height in px (same rule). */
export const DEFAULT_HEIGHT = 500;

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * Path of a chromium-family browser: env `MAKERLAB_CHROMIUM` when set (null if it is not executable),
 * else the first of chromium, chromium-browser, google-chrome, google-chrome-stable found in
 * /usr/bin or on PATH. Null when there is none.
 */
export function chromiumPath(): string | null {
  const env = process.env.MAKERLAB_CHROMIUM;
  if (env !== undefined && env !== "") return isExecutable(env) ? env : null;
  const names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
  const dirs = ["/usr/bin", ...(process.env.PATH ?? "").split(path.delimiter).filter((d) => d !== "" && d !== "/usr/bin")];
  for (const n of names) for (const d of dirs) if (isExecutable(path.join(d, n))) return path.join(d, n);
  return null;
}

/** Absolute path of the plotly.js bundle (plotly.js-dist-min). */
export function plotlyPath(): string {
  return require.resolve("plotly.js-dist-min");
}

let plotlySrc: string | null = null;
/** The plotly.js-dist-min source (≈ 4.8 MB, read once), with `</script` escaped so it can sit inside a `<script>` element. */
export function plotlySource(): string {
  if (plotlySrc === null) plotlySrc = fs.readFileSync(plotlyPath(), "utf8").replace(/<\/script/gi, "<\\/script");
  return plotlySrc;
}

/** The plotly.js version string of the bundled library (e.g. "3.7.0"). */
export function plotlyVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(plotlyPath()), "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** Size and pixel ratio of a static image. */
export interface ImageOptions {
  /** px; default the figure's layout.width, else 900. */
  width?: number;
  /** px; default the figure's layout.height, else 500. */
  height?: number;
  /** Pixel ratio (2 = retina), default 1. The PNG is width·scale × height·scale pixels. */
  scale?: number;
}

function imageSize(fig: Figure, opts: ImageOptions): { width: number; height: number; scale: number } {
  const width = opts.width ?? fig.layout.width ?? DEFAULT_WIDTH;
  const height = opts.height ?? fig.layout.height ?? DEFAULT_HEIGHT;
  const scale = opts.scale ?? 1;
  for (const [field, v] of [["width", width], ["height", height], ["scale", scale]] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw new ArgumentError(`image ${field} must be positive, got ${v}`, { field });
  }
  return { width, height, scale };
}

/** The figure as sent to the exporting page: plotly JSON with `scattergl` drawn as `scatter`. */
function staticJSON(fig: Figure): unknown {
  const j = plotlyJSON(fig);
  return {
    data: j.data.map((t) => ((t as { type?: string }).type === "scattergl" ? { ...t, type: "scatter" } : t)),
    layout: j.layout,
    config: { staticPlot: true },
  };
}

type Handle = { ref(): unknown; unref(): unknown };

/** Runs in the page: draws the figure in a fresh div and returns Plotly.toImage's data URL. */
const RENDER_IN_PAGE = `async ({ fig, format, width, height, scale }) => {
  const P = window.Plotly;
  const div = document.createElement("div");
  div.style.width = width + "px";
  div.style.height = height + "px";
  document.body.appendChild(div);
  try {
    await P.newPlot(div, fig.data, Object.assign({}, fig.layout, { width, height }), fig.config);
    return await P.toImage(div, { format, width, height, scale });
  } finally {
    P.purge(div);
    div.remove();
  }
}`;

/**
 * One headless chromium with one page that has plotly.js loaded; renders figures to PNG and SVG.
 * Renders are serialized (one at a time). Create with `FigureExporter.launch()`, or use the shared
 * `getExporter()`.
 */
export class FigureExporter {
  /** Browsers launched by this process so far (all exporters). */
  static launches = 0;
  /** Wall time of `launch()` (browser start + page + plotly.js load), ms. */
  readonly launchMs: number;
  /** Path of the browser executable. */
  readonly executablePath: string;
  /** Number of images rendered by this exporter (all in the one browser). */
  rendered = 0;
  private readonly browser: Browser;
  private readonly page: Page;
  private readonly handles: Handle[];
  private busy = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(browser: Browser, page: Page, executablePath: string, launchMs: number, handles: Handle[]) {
    this.browser = browser;
    this.page = page;
    this.executablePath = executablePath;
    this.launchMs = launchMs;
    this.handles = handles;
    this.setReferenced(false);
  }

  /**
   * Starts chromium (playwright-core, headless, `CHROMIUM_ARGS`; playwright gives it a fresh temporary
   * `--user-data-dir` and deletes it on close), opens one blank page and loads plotly.js into it with
   * `page.addScriptTag({ path })`. Throws a MakerlabError with an install hint when no browser is found.
   * @param opts.executablePath browser path (default `chromiumPath()`)
   * @param opts.keepProcessAlive when true, an idle browser keeps Node running until `close()` (default false)
   */
  static async launch(opts: { executablePath?: string; keepProcessAlive?: boolean } = {}): Promise<FigureExporter> {
    const exe = opts.executablePath ?? chromiumPath();
    if (!exe) throw new MakerlabError("no chromium found for PNG/SVG export", {}, "apt-get install chromium, or set MAKERLAB_CHROMIUM to a Chrome/Chromium binary");
    // Loaded lazily: playwright-core is only needed for static export.
    const { chromium } = require("playwright-core") as typeof import("playwright-core");
    const getHandles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles;
    const before = new Set(getHandles ? getHandles.call(process) : []);
    const t0 = Date.now();
    const browser = await chromium.launch({ executablePath: exe, headless: true, args: CHROMIUM_ARGS });
    let page: Page;
    try {
      page = await browser.newPage();
      await page.setContent("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body style='margin:0'></body></html>");
      await page.addScriptTag({ path: plotlyPath() });
      const ok = await page.evaluate("typeof window.Plotly === 'object' && typeof window.Plotly.toImage === 'function'");
      if (!ok) throw new MakerlabError("plotly.js did not load in the export page", { file: plotlyPath() });
    } catch (e) {
      await browser.close().catch(() => undefined);
      throw e;
    }
    const launchMs = Date.now() - t0;
    FigureExporter.launches++;
    // The browser's child process and its stdio pipes: unref'd while idle unless keepProcessAlive.
    const handles: Handle[] = [];
    if (getHandles && !opts.keepProcessAlive) {
      for (const h of getHandles.call(process)) {
        if (before.has(h)) continue;
        const cp = h as ChildProcess & { spawnfile?: string };
        if (typeof cp.spawnfile === "string" && cp.spawnfile === exe && Array.isArray(cp.stdio)) {
          handles.push(cp);
          for (const s of cp.stdio) if (s && typeof (s as unknown as Handle).unref === "function") handles.push(s as unknown as Handle);
        }
      }
    }
    return new FigureExporter(browser, page, exe, launchMs, handles);
  }

  private setReferenced(on: boolean): void {
    for (const h of this.handles) {
      try {
        if (on) h.ref();
        else h.unref();
      } catch {
        // a closed pipe: nothing to hold
      }
    }
  }

  /** Runs `fn` after every earlier render, keeping the process alive while it runs. */
  private run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new MakerlabError("the figure exporter is closed"));
    const p = this.queue.then(async () => {
      if (this.busy++ === 0) this.setReferenced(true);
      try {
        return await fn();
      } finally {
        if (--this.busy === 0 && !this.closed) this.setReferenced(false);
      }
    });
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async render(fig: Figure, format: "png" | "svg", opts: ImageOptions): Promise<string> {
    const size = imageSize(fig, opts);
    const arg = { fig: staticJSON(fig), format, ...size };
    const url = (await this.run(() => this.page.evaluate(`(${RENDER_IN_PAGE})(${JSON.stringify(arg)})`))) as string;
    this.rendered++;
    return url;
  }

  /**
   * The figure as a PNG (width·scale × height·scale pixels), rendered by plotly.js `toImage`.
   * Throws a MakerlabError naming the figure when plotly fails to draw it.
   */
  async toPNG(fig: Figure, opts: ImageOptions = {}): Promise<Buffer> {
    const url = await this.render(fig, "png", opts).catch((e: unknown) => this.fail(fig, e));
    const prefix = "data:image/png;base64,";
    if (!url.startsWith(prefix)) throw new MakerlabError(`plotly returned no PNG for ${figureSummary(fig)}`);
    return Buffer.from(url.slice(prefix.length), "base64");
  }

  /** The figure as an SVG document string (starts with `<svg`), rendered by plotly.js `toImage`. */
  async toSVG(fig: Figure, opts: ImageOptions = {}): Promise<string> {
    const url = await this.render(fig, "svg", opts).catch((e: unknown) => this.fail(fig, e));
    const comma = url.indexOf(",");
    if (!url.startsWith("data:image/svg+xml") || comma < 0) throw new MakerlabError(`plotly returned no SVG for ${figureSummary(fig)}`);
    const body = url.slice(comma + 1);
    return url.slice(0, comma).endsWith(";base64") ? Buffer.from(body, "base64").toString("utf8") : decodeURIComponent(body);
  }

  private fail(fig: Figure, e: unknown): never {
    const msg = e instanceof Error ? e.message : String(e);
    throw new MakerlabError(`static export failed for ${figureSummary(fig).slice(0, 200)}: ${msg.split("\n")[0]}`);
  }

  /** Closes the browser (idempotent). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.setReferenced(true);
    try {
      await this.queue;
      await this.browser.close();
    } finally {
      this.setReferenced(false);
    }
  }

  /** True after `close()`. */
  get isClosed(): boolean {
    return this.closed;
  }
}

let shared: Promise<FigureExporter> | null = null;

/**
 * The process-wide exporter, launched on first use and reused for every later figure.
 * Rejects (with an install hint) when no chromium exists; a later call tries again.
 */
export function getExporter(): Promise<FigureExporter> {
  if (!shared) {
    const p = FigureExporter.launch();
    shared = p;
    p.catch(() => {
      if (shared === p) shared = null;
    });
  }
  return shared;
}

/** True when the shared exporter has been launched (or is launching). */
export function exporterStarted(): boolean {
  return shared !== null;
}

/** Closes the shared exporter if one was started. Call when a script is done with figures. */
export async function closeExporter(): Promise<void> {
  const p = shared;
  shared = null;
  if (!p) return;
  const ex = await p.catch(() => null);
  if (ex) await ex.close();
}

/** Options of `figureHTML` / `writeHTML`. */
export interface HTMLOptions {
  /** Page title (default: the first figure's title). */
  title?: string;
  /** Inline plotly.js (default true: the file works offline; ≈ 4.8 MB). False loads it from the CDN. */
  inlinePlotly?: boolean;
}

/** A standalone HTML page showing `figs` one below the other, plotly.js inlined once in the head. */
export function figureHTML(figs: Figure | Figure[], opts: HTMLOptions = {}): string {
  const list = Array.isArray(figs) ? figs : [figs];
  if (list.length === 0) throw new ArgumentError("figureHTML needs at least one figure", { field: "figs" });
  const title = opts.title ?? list[0].meta?.title ?? "makerlab figures";
  const lib =
    opts.inlinePlotly === false
      ? `<script src="https://cdn.plot.ly/plotly-${plotlyVersion()}.min.js" charset="utf-8"></script>`
      : `<script type="text/javascript">${plotlySource()}</script>`;
  const body = list
    .map((f, i) => {
      const h = f.layout.height ?? DEFAULT_HEIGHT;
      return (
        `<div id="makerlab-fig-${i}" class="makerlab-plot" style="width:100%;height:${h}px"></div>\n` +
        `<script type="text/javascript">(function(){var f=${scriptJSON(plotlyJSON(f))};` +
        `Plotly.newPlot("makerlab-fig-${i}",f.data,f.layout,f.config);})();</script>`
      );
    })
    .join("\n");
  return (
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHTML(title)}</title>\n${lib}\n` +
    `<style>body{font-family:sans-serif;margin:16px}.makerlab-plot{margin-bottom:24px}</style></head>\n<body>\n${body}\n</body></html>\n`
  );
}

/** Writes `figureHTML(figs, opts)` to `file` (parent folders created). Returns the path. */
export function writeHTML(figs: Figure | Figure[], file: string, opts: HTMLOptions = {}): string {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, figureHTML(figs, opts));
  return file;
}

/** A static or interactive export format. */
export type ExportFormat = "html" | "png" | "svg";

/** What `exportFigure` wrote. */
export interface ExportResult {
  /** Paths written, by format. */
  files: Partial<Record<ExportFormat, string>>;
  /** Formats asked for but not written (PNG/SVG without chromium). */
  skipped: ExportFormat[];
  /** A plain message when something was skipped (also printed), else undefined. */
  message?: string;
}

/**
 * Exports `fig` to `<base>.html` / `.png` / `.svg` (default all three) using the shared exporter.
 * Without chromium it writes the HTML (even if not asked) and reports, and prints,
 * `NO_CHROMIUM_MESSAGE` instead of failing.
 */
export async function exportFigure(
  fig: Figure,
  base: string,
  opts: { formats?: ExportFormat[]; image?: ImageOptions; html?: HTMLOptions } = {},
): Promise<ExportResult> {
  const formats = opts.formats ?? ["html", "png", "svg"];
  for (const f of formats) if (f !== "html" && f !== "png" && f !== "svg") throw new ArgumentError(`unknown export format "${String(f)}"`, { field: "formats" });
  const res: ExportResult = { files: {}, skipped: [] };
  const wantStatic = formats.filter((f) => f !== "html");
  const haveBrowser = wantStatic.length > 0 && chromiumPath() !== null;
  if (formats.includes("html") || (wantStatic.length > 0 && !haveBrowser)) res.files.html = writeHTML(fig, `${base}.html`, opts.html);
  if (wantStatic.length === 0) return res;
  if (!haveBrowser) {
    res.skipped = wantStatic;
    res.message = NO_CHROMIUM_MESSAGE;
    console.log(NO_CHROMIUM_MESSAGE);
    return res;
  }
  const ex = await getExporter();
  fs.mkdirSync(path.dirname(path.resolve(base)), { recursive: true });
  if (formats.includes("png")) {
    const file = `${base}.png`;
    fs.writeFileSync(file, await ex.toPNG(fig, opts.image));
    res.files.png = file;
  }
  if (formats.includes("svg")) {
    const file = `${base}.svg`;
    fs.writeFileSync(file, await ex.toSVG(fig, opts.image));
    res.files.svg = file;
  }
  return res;
}
