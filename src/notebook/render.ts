/**
 * Executed notebook → one standalone HTML page: markdown cells through `marked`, code cells with their escaped
 * source, and their outputs (stream text, text/html as is, images, Plotly figures, execute results, errors).
 * plotly.js (plotly.js-dist-min) is inlined once per page, and only when the page has a Plotly figure.
 */
import * as fs from "node:fs";
import { marked } from "marked";
import { scriptJSON } from "../plot/figure";
import { plotlySource } from "../plot/export";
import { joinMultiline, PLOTLY_MIME, cellSource } from "./run";
import type { MimeBundle, Notebook, NotebookOutput } from "./run";

/** Escapes text for HTML element content and attribute values (& < > " '). */
export function escapeHTML(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Removes ANSI colour / cursor escape sequences (as found in tracebacks). */
export function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "");
}


/** Markdown → HTML with marked (GitHub-flavoured, synchronous). */
export function markdownToHTML(md: string): string {
  return marked.parse(md, { async: false, gfm: true }) as string;
}


/** Options of `renderNotebookHTML`. */
export interface RenderOptions {
  /** Page title (default: the notebook's first heading, else "notebook"). */
  title?: string;
  /** Link back to the report index (default "index.html"; null for none). */
  indexHref?: string | null;
  /** A line under the title (e.g. "ran in 4.2 s, failed at code cell 3"). */
  subtitle?: string;
  /** Inline plotly.js when the page has a figure (default true). False draws figures only as their fallback. */
  inlinePlotly?: boolean;
}

/** First markdown heading of a notebook (without #), or "". */
export function notebookTitle(nb: Notebook): string {
  for (const c of nb.cells) {
    if (c.cell_type !== "markdown") continue;
    const m = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(cellSource(c));
    if (m) return m[1];
  }
  return "";
}

/** The CSS of notebook pages and of the report index. */
export const PAGE_CSS = `
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#ffffff; --code:#f6f8fa; --err:#cf222e; --errbg:#ffebe9; --ok:#1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.55 -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 64px; }
nav { font-size: 14px; margin-bottom: 12px; } nav a { color: #0969da; text-decoration: none; } nav a:hover { text-decoration: underline; }
h1, h2, h3 { line-height: 1.25; } h1 { border-bottom: 1px solid var(--line); padding-bottom: .3em; }
.subtitle { color: var(--muted); margin-top: -8px; }
pre, code { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { margin: 0; padding: 10px 12px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
.cell { margin: 14px 0; }
.cell.code .prompt { color: var(--muted); font: 12px ui-monospace, monospace; margin-bottom: 2px; }
.cell.code .source { background: var(--code); border: 1px solid var(--line); border-radius: 6px; }
.cell.code .source.notrun { opacity: .6; }
.outputs { margin-top: 6px; }
.output { margin: 4px 0; overflow-x: auto; }
.output.stream pre { background: transparent; padding: 4px 12px; }
.output.stderr pre { background: #fff8c5; }
.output.result pre { padding: 4px 12px; border-left: 3px solid var(--line); }
.output.error pre { background: var(--errbg); color: var(--err); border-radius: 6px; }
.output img { max-width: 100%; height: auto; }
.output table { border-collapse: collapse; font-size: 13px; } .output th, .output td { border: 1px solid var(--line); padding: 3px 8px; text-align: right; }
.plot { width: 100%; min-height: 420px; }
.markdown table { border-collapse: collapse; } .markdown th, .markdown td { border: 1px solid var(--line); padding: 4px 10px; }
.markdown code { background: var(--code); padding: .1em .3em; border-radius: 4px; }
.markdown pre { background: var(--code); border-radius: 6px; }
.status-ok { color: var(--ok); font-weight: 600; } .status-failed { color: var(--err); font-weight: 600; }
footer { color: var(--muted); font-size: 13px; margin-top: 40px; border-top: 1px solid var(--line); padding-top: 8px; }
`;

interface RenderCtx {
  plots: number;
  inlinePlotly: boolean;
}

function text(v: unknown): string {
  if (typeof v === "string" || Array.isArray(v)) return joinMultiline(v as string | string[]);
  return JSON.stringify(v, null, 2);
}

function renderPlotly(fig: unknown, ctx: RenderCtx, fallback: string | null): string {
  let f = fig;
  if (typeof f === "string") {
    try {
      f = JSON.parse(f);
    } catch {
      return `<pre>${escapeHTML(f as string)}</pre>`;
    }
  }
  if (!ctx.inlinePlotly) return fallback ?? `<pre>[Plotly figure]</pre>`;
  const o = (f ?? {}) as { data?: unknown; layout?: unknown; config?: Record<string, unknown>; frames?: unknown };
  const id = `plot-${++ctx.plots}`;
  const config = { responsive: true, displaylogo: false, ...(o.config ?? {}) };
  return (
    `<div class="plot" id="${id}"></div>\n<script>Plotly.newPlot(${scriptJSON(id)}, ${scriptJSON(o.data ?? [])}, ` +
    `${scriptJSON(o.layout ?? {})}, ${scriptJSON(config)})${o.frames ? `.then(function(){Plotly.addFrames(${scriptJSON(id)}, ${scriptJSON(o.frames)});})` : ""};</script>`
  );
}

/** Renders the richest representation of a MIME bundle (Plotly > HTML > SVG > PNG > JPEG > Markdown > JSON > text). */
function renderBundle(data: MimeBundle, ctx: RenderCtx): string {
  const png = data["image/png"];
  const pngImg = typeof png === "string" || Array.isArray(png) ? `<img alt="figure" src="data:image/png;base64,${text(png).replace(/\s+/g, "")}">` : null;
  if (data[PLOTLY_MIME] !== undefined) return renderPlotly(data[PLOTLY_MIME], ctx, pngImg);
  if (data["text/html"] !== undefined) return text(data["text/html"]);
  if (data["image/svg+xml"] !== undefined) return text(data["image/svg+xml"]);
  if (pngImg) return pngImg;
  if (data["image/jpeg"] !== undefined) return `<img alt="figure" src="data:image/jpeg;base64,${text(data["image/jpeg"]).replace(/\s+/g, "")}">`;
  if (data["image/gif"] !== undefined) return `<img alt="figure" src="data:image/gif;base64,${text(data["image/gif"]).replace(/\s+/g, "")}">`;
  if (data["text/markdown"] !== undefined) return `<div class="markdown">${markdownToHTML(text(data["text/markdown"]))}</div>`;
  if (data["application/json"] !== undefined) return `<pre>${escapeHTML(text(data["application/json"]))}</pre>`;
  if (data["text/latex"] !== undefined) return `<pre>${escapeHTML(text(data["text/latex"]))}</pre>`;
  if (data["text/plain"] !== undefined) return `<pre>${escapeHTML(text(data["text/plain"]))}</pre>`;
  const kinds = Object.keys(data);
  return kinds.length ? `<pre>[output of type ${escapeHTML(kinds.join(", "))}]</pre>` : "";
}

function renderOutput(o: NotebookOutput, ctx: RenderCtx): string {
  switch (o.output_type) {
    case "stream":
      return `<div class="output stream ${o.name === "stderr" ? "stderr" : "stdout"}"><pre>${escapeHTML(stripAnsi(joinMultiline(o.text)))}</pre></div>`;
    case "display_data":
      return `<div class="output display">${renderBundle(o.data, ctx)}</div>`;
    case "execute_result": {
      const onlyText = Object.keys(o.data).every((k) => k === "text/plain");
      return `<div class="output ${onlyText ? "result" : "display"}">${renderBundle(o.data, ctx)}</div>`;
    }
    case "error": {
      const tb = (o.traceback ?? []).map(stripAnsi).join("\n");
      const head = `${o.ename}: ${o.evalue}`;
      const body = tb && !tb.includes(o.evalue) ? `${head}\n${tb}` : tb || head;
      return `<div class="output error"><pre>${escapeHTML(body)}</pre></div>`;
    }
    default:
      return "";
  }
}

function hasPlotly(nb: Notebook): boolean {
  return nb.cells.some((c) => (c.outputs ?? []).some((o) => (o.output_type === "display_data" || o.output_type === "execute_result") && o.data[PLOTLY_MIME] !== undefined));
}

/**
 * Renders an (executed) notebook as a standalone HTML page: title, link back to the index, markdown cells,
 * code cells (`In [n]:` prompt, escaped source in <pre>) and their outputs. plotly.js is inlined once in <head>
 * when (and only when) some output holds a Plotly figure.
 */
export function renderNotebookHTML(nb: Notebook, options: RenderOptions = {}): string {
  const title = options.title ?? (notebookTitle(nb) || "notebook");
  const indexHref = options.indexHref === undefined ? "index.html" : options.indexHref;
  const inline = options.inlinePlotly !== false && hasPlotly(nb);
  const ctx: RenderCtx = { plots: 0, inlinePlotly: inline };
  const parts: string[] = [];
  for (const cell of nb.cells) {
    const src = cellSource(cell);
    if (cell.cell_type === "markdown") {
      parts.push(`<section class="cell markdown">${markdownToHTML(src)}</section>`);
    } else if (cell.cell_type === "code") {
      const n = cell.execution_count;
      const notRun = n === null || n === undefined;
      const outs = (cell.outputs ?? []).map((o) => renderOutput(o, ctx)).join("\n");
      parts.push(
        `<section class="cell code"><div class="prompt">In [${notRun ? " " : n}]:</div>` +
          `<div class="source${notRun ? " notrun" : ""}"><pre><code>${escapeHTML(src)}</code></pre></div>` +
          (outs ? `<div class="outputs">${outs}</div>` : "") +
          `</section>`,
      );
    } else {
      parts.push(`<section class="cell raw"><pre>${escapeHTML(src)}</pre></section>`);
    }
  }
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHTML(title)}</title>`,
    `<style>${PAGE_CSS}</style>`,
    inline ? `<script>${plotlySource()}</script>` : "",
    "</head><body><main>",
    indexHref ? `<nav><a href="${escapeHTML(indexHref)}">← back to the report index</a></nav>` : "",
    notebookTitle(nb) ? "" : `<h1>${escapeHTML(title)}</h1>`,
    options.subtitle ? `<p class="subtitle">${escapeHTML(options.subtitle)}</p>` : "",
    parts.join("\n"),
    "</main></body></html>",
    "",
  ].join("\n");
}

/** Renders a notebook (see renderNotebookHTML) and writes the page to `file`. */
export function writeNotebookHTML(nb: Notebook, file: string, options: RenderOptions = {}): void {
  fs.writeFileSync(file, renderNotebookHTML(nb, options));
}
