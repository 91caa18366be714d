/**
 * `makerlab report` (= `npm start`): runs every notebooks/*.ipynb headless (run.ts), writes the executed copies
 * (reports/notebooks/<name>.ipynb), one HTML page per notebook (reports/<name>.html), a PNG of every Plotly chart
 * (reports/charts/<name>/NN-<slug>.png, all rendered by ONE reused headless chromium), and reports/index.html:
 * status, time and chart thumbnails of each notebook, the data root used (real or synthetic), version and date.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { MakerlabError } from "../errors";
import { hasRealData, projectRoot, resolveDataRoot } from "../data/dataRoot";
import type { DataRootSource } from "../data/dataRoot";
import type { Figure } from "../plot/figure";
import { chromiumPath, closeExporter, getExporter } from "../plot/export";
import type { FigureExporter } from "../plot/export";
import { formatFailure, listNotebooks, runNotebook } from "./run";
import type { FailedCell, NotebookRunResult, ProgressEvent } from "./run";
import { escapeHTML, PAGE_CSS, renderNotebookHTML, notebookTitle } from "./render";
import { formatSeconds } from "./progress";

/** Options of `buildReport`. */
export interface ReportOptions {
  /** Folder of notebooks (default `<project>/notebooks`); all its *.ipynb run, in name order. */
  notebooksDir?: string;
  /** Run these notebook files instead of the whole folder (in the order given). */
  files?: string[];
  /** Output folder (default `<project>/reports`). */
  outDir?: string;
  /** Export chart PNGs (default true; false writes HTML only). */
  png?: boolean;
  /** Per-cell timeout in milliseconds (see runNotebook). */
  timeoutPerCellMs?: number;
  /** Progress events of the notebook runs. */
  onProgress?: (e: ProgressEvent) => void;
  /** Where messages go (failure details, PNG notes). Default: nothing. */
  log?: (line: string) => void;
}

/** One exported chart. */
export interface ChartFile {
  title: string;
  /** 1-based code cell that drew it. */
  cellNumber: number;
  /** PNG path relative to the report folder (forward slashes), or null when not exported. */
  png: string | null;
  /** Why the PNG is missing, when it failed for this chart. */
  error?: string;
}

/** One notebook in the report. */
export interface ReportEntry {
  name: string;
  title: string;
  /** Source notebook (absolute). */
  file: string;
  ok: boolean;
  ms: number;
  codeCells: number;
  cellsRun: number;
  failedCell?: FailedCell;
  /** Failure text as printed (see formatFailure). */
  failureText?: string;
  /** HTML page and executed notebook, relative to the report folder. */
  html: string;
  notebook: string;
  charts: ChartFile[];
}

/** The data root of the run and how it was chosen. */
export interface DataRootInfo {
  path: string;
  source: DataRootSource;
  /** True when it holds the real public data set (SOURCES.md present); false for the synthetic market. */
  real: boolean;
  /** Why this root: one sentence. */
  why: string;
}

/** What `buildReport` wrote. */
export interface ReportResult {
  ok: boolean;
  /** Absolute report folder and index page. */
  outDir: string;
  indexPath: string;
  entries: ReportEntry[];
  dataRoot: DataRootInfo;
  /** Number of PNGs written, and a note when PNG export was skipped or partly failed. */
  pngCount: number;
  pngNote: string | null;
  version: string;
  tslabVersion: string;
  date: string;
  ms: number;
}

/** The data root (dataRoot.ts) with a one-sentence reason and whether it is the real data set. */
export function describeDataRoot(): DataRootInfo {
  const r = resolveDataRoot();
  const real = hasRealData();
  const why =
    r.source === "env"
      ? `MAKERLAB_DATA is set to ${process.env.MAKERLAB_DATA}`
      : r.source === "shared"
        ? "../shared/data exists beside the project"
        : "no MAKERLAB_DATA and no ../shared/data beside the project: the generated synthetic market in data/";
  return { path: r.path, source: r.source, real, why };
}

/** The version field of the project's package.json (e.g. "0.1.0"). */
export function makerlabVersion(): string {
  return readVersion(path.join(projectRoot(), "package.json"));
}

function readVersion(pkgJson: string): string {
  try {
    return String((JSON.parse(fs.readFileSync(pkgJson, "utf8")) as { version?: string }).version ?? "unknown");
  } catch {
    return "unknown";
  }
}

/**
 * A file-name slug of a chart title: lower case ASCII letters and digits joined by single "-", at most
 * `maxLen` characters, "chart" when nothing is left (e.g. "BTC/USDT: mid & spread (bps)" → "btc-usdt-mid-spread-bps").
 */
export function chartSlug(title: string, maxLen = 48): string {
  const s = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/<[^>]*>/g, " ")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const cut = s.length > maxLen ? s.slice(0, maxLen).replace(/-+[^-]*$/, "") || s.slice(0, maxLen) : s;
  return cut.replace(/-+$/g, "") || "chart";
}

function rel(from: string, to: string): string {
  return path.relative(from, to).split(path.sep).join("/");
}

/**
 * Runs the notebooks and writes the whole report (see the file comment). Never throws for a failing notebook:
 * `ok` is false and the index shows the failure. Throws MakerlabError when there is no notebook to run.
 */
export async function buildReport(options: ReportOptions = {}): Promise<ReportResult> {
  const t0 = Date.now();
  const root = projectRoot();
  const outDir = path.resolve(options.outDir ?? path.join(root, "reports"));
  const notebooksDir = path.resolve(options.notebooksDir ?? path.join(root, "notebooks"));
  const files = options.files && options.files.length > 0 ? options.files.map((f) => path.resolve(f)) : listNotebooks(notebooksDir);
  if (files.length === 0) {
    throw new MakerlabError("no notebooks to run", { file: notebooksDir }, "add notebooks/*.ipynb, or pass notebook files");
  }
  const log = options.log ?? (() => undefined);
  fs.mkdirSync(outDir, { recursive: true });

  const wantPng = options.png !== false;
  let pngNote: string | null = null;
  let pngCount = 0;
  let exporter: FigureExporter | null = null;
  let exporterFailed = false;
  if (!wantPng) pngNote = "PNG export off (--no-png): charts are interactive in the HTML pages only.";
  else if (chromiumPath() === null) {
    pngNote = "No chromium found: charts are in the HTML pages only (apt-get install chromium, or set MAKERLAB_CHROMIUM, for PNGs).";
    log(pngNote);
  }
  const canPng = (): boolean => wantPng && !exporterFailed && chromiumPath() !== null;

  const entries: ReportEntry[] = [];
  const dataRoot = describeDataRoot();
  try {
    for (const file of files) {
      // Charts are drawn here from the Plotly JSON (HTML pages) and rendered once to PNG by the shared browser,
      // so notebooks skip their own PNG rendering and plotly.js inlining (saves a browser start and ≈5 MB each).
      const r: NotebookRunResult = await runNotebook(file, {
        outDir,
        onProgress: options.onProgress,
        timeoutPerCellMs: options.timeoutPerCellMs,
        display: { png: false, inlinePlotly: false },
      });
      if (!r.ok) log(formatFailure(r));
      const title = notebookTitle(r.executed) || r.name;
      const htmlFile = path.join(outDir, `${r.name}.html`);
      const status = r.ok ? "ok" : `FAILED at code cell ${r.failedCell ? r.failedCell.number : "?"}`;
      fs.writeFileSync(
        htmlFile,
        renderNotebookHTML(r.executed, { title, subtitle: `${r.name}.ipynb · ${status} · ${formatSeconds(r.ms)} · data: ${dataRoot.real ? "real" : "synthetic"} (${dataRoot.path})` }),
      );

      // Charts: one PNG per Plotly figure, all through the one shared browser.
      const chartDir = path.join(outDir, "charts", r.name);
      fs.rmSync(chartDir, { recursive: true, force: true });
      const charts: ChartFile[] = [];
      const used = new Set<string>();
      for (let i = 0; i < r.figures.length; i++) {
        const f = r.figures[i];
        const chart: ChartFile = { title: f.title || `chart ${i + 1}`, cellNumber: f.cellNumber, png: null };
        charts.push(chart);
        if (!canPng()) continue;
        if (!exporter) {
          try {
            exporter = await getExporter();
          } catch (e) {
            exporterFailed = true;
            pngNote = `Chromium did not start, so charts are in the HTML pages only: ${(e as Error).message.split("\n")[0]}`;
            log(pngNote);
            continue;
          }
        }
        let base = `${String(i + 1).padStart(2, "0")}-${chartSlug(f.title)}`;
        while (used.has(base)) base += "-x";
        used.add(base);
        const pngFile = path.join(chartDir, `${base}.png`);
        try {
          const buf = await exporter.toPNG(f.figure as unknown as Figure);
          fs.mkdirSync(chartDir, { recursive: true });
          fs.writeFileSync(pngFile, buf);
          chart.png = rel(outDir, pngFile);
          pngCount++;
        } catch (e) {
          chart.error = (e as Error).message.split("\n")[0];
          log(`${r.name}: PNG of "${chart.title}" failed: ${chart.error}`);
        }
      }
      if (charts.some((c) => c.error) && !pngNote) pngNote = "Some charts could not be exported as PNG (see the list below).";
      entries.push({
        name: r.name,
        title,
        file: r.file,
        ok: r.ok,
        ms: r.ms,
        codeCells: r.codeCells,
        cellsRun: r.cells.length,
        failedCell: r.failedCell,
        failureText: r.ok ? undefined : formatFailure(r),
        html: rel(outDir, htmlFile),
        notebook: rel(outDir, r.outputPath),
        charts,
      });
    }
  } finally {
    if (exporter) await closeExporter();
  }

  const result: ReportResult = {
    ok: entries.every((e) => e.ok),
    outDir,
    indexPath: path.join(outDir, "index.html"),
    entries,
    dataRoot,
    pngCount,
    pngNote,
    version: makerlabVersion(),
    tslabVersion: readVersion(path.join(root, "node_modules", "tslab", "package.json")),
    date: new Date().toISOString(),
    ms: 0,
  };
  result.ms = Date.now() - t0;
  fs.writeFileSync(result.indexPath, renderIndexHTML(result));
  return result;
}

/** The report's index page: one row per notebook (status, time, chart thumbnails linking to the PNGs), data root, versions. */
export function renderIndexHTML(r: ReportResult): string {
  const okCount = r.entries.filter((e) => e.ok).length;
  const rows = r.entries
    .map((e) => {
      const status = e.ok
        ? `<span class="status-ok">ok</span>`
        : `<span class="status-failed">failed at code cell ${e.failedCell ? e.failedCell.number : "?"}</span>`;
      const thumbs = e.charts
        .map((c) =>
          c.png
            ? `<a class="thumb" href="${escapeHTML(c.png)}" title="${escapeHTML(c.title)}"><img loading="lazy" src="${escapeHTML(c.png)}" alt="${escapeHTML(c.title)}"></a>`
            : `<span class="nothumb" title="${escapeHTML(c.error ?? "no PNG")}">${escapeHTML(c.title)}</span>`,
        )
        .join("");
      const failure = e.failedCell
        ? `<details open><summary>${escapeHTML(e.failedCell.error.split("\n")[0])}</summary><pre>${escapeHTML(e.failureText ?? e.failedCell.error)}</pre></details>`
        : "";
      return (
        `<tr><td><a href="${escapeHTML(e.html)}">${escapeHTML(e.title)}</a><div class="file">${escapeHTML(e.name)}.ipynb · ` +
        `<a href="${escapeHTML(e.notebook)}">executed notebook</a></div>${failure}</td>` +
        `<td>${status}</td><td class="num">${escapeHTML(formatSeconds(e.ms))}</td><td class="num">${e.cellsRun}/${e.codeCells}</td>` +
        `<td class="charts">${thumbs || '<span class="muted">none</span>'}</td></tr>`
      );
    })
    .join("\n");
  const css = `${PAGE_CSS}
table.index { border-collapse: collapse; width: 100%; } table.index th, table.index td { border-bottom: 1px solid var(--line); padding: 8px; vertical-align: top; text-align: left; }
table.index td.num { text-align: right; white-space: nowrap; } .file { color: var(--muted); font-size: 13px; }
.thumb img { width: 200px; height: auto; border: 1px solid var(--line); border-radius: 4px; margin: 0 6px 6px 0; }
.nothumb { display: inline-block; font-size: 12px; color: var(--muted); border: 1px dashed var(--line); padding: 4px 6px; margin: 0 6px 6px 0; }
.muted { color: var(--muted); } details pre { background: var(--errbg); color: var(--err); border-radius: 6px; font-size: 12px; }
.meta td { padding: 2px 12px 2px 0; }`;
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    "<title>makerlab report</title>",
    `<style>${css}</style></head><body><main>`,
    "<h1>makerlab report</h1>",
    `<p class="subtitle">${okCount} of ${r.entries.length} notebooks ran without error${r.ok ? "" : ` — <span class="status-failed">${r.entries.length - okCount} failed</span>`}.</p>`,
    '<table class="meta">',
    `<tr><td>data root</td><td><code>${escapeHTML(r.dataRoot.path)}</code> — <b>${r.dataRoot.real ? "real public data" : "synthetic market"}</b> (${escapeHTML(r.dataRoot.why)})</td></tr>`,
    `<tr><td>makerlab</td><td>${escapeHTML(r.version)} (tslab ${escapeHTML(r.tslabVersion)}, Node ${escapeHTML(process.version)})</td></tr>`,
    `<tr><td>date</td><td>${escapeHTML(r.date)} (total ${escapeHTML(formatSeconds(r.ms))})</td></tr>`,
    `<tr><td>charts</td><td>${r.pngCount} PNG${r.pngCount === 1 ? "" : "s"}${r.pngNote ? ` — ${escapeHTML(r.pngNote)}` : ""}</td></tr>`,
    "</table>",
    '<table class="index"><thead><tr><th>notebook</th><th>status</th><th>time</th><th>cells</th><th>charts</th></tr></thead><tbody>',
    rows,
    "</tbody></table>",
    `<footer>Generated by <code>makerlab report</code> (npm start). Each notebook ran in its own process with a fresh tslab executor at the project root.</footer>`,
    "</main></body></html>",
    "",
  ].join("\n");
}
