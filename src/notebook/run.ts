/**
 * Headless notebook runner. Each notebook runs in its own child process (src/notebook/worker.ts) holding a
 * fresh tslab executor started at the project root, so module caches, globals and memory never leak from one
 * notebook into the next. Code cells run in order; the run stops at the first failing cell. The executed copy
 * (nbformat 4, execution counts and outputs filled in) is written to `<outDir>/notebooks/<name>.ipynb`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fork } from "node:child_process";
import { ArgumentError, DataError, FileNotFoundError } from "../errors";
import { projectRoot } from "../data/dataRoot";

// ---------------------------------------------------------------------------------------------------------
// nbformat 4 shapes (https://nbformat.readthedocs.io/en/latest/format_description.html)

/** A multiline string as nbformat stores it: one string, or a list of lines each keeping its "\n". */
export type MultilineString = string | string[];

/** A MIME bundle: MIME type → value (text as a multiline string, JSON types as objects, images as base64). */
export type MimeBundle = Record<string, unknown>;

/** nbformat "stream" output (stdout / stderr text). */
export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}
/** nbformat "display_data" output. */
export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
/** nbformat "execute_result" output: the value of the cell's last expression. */
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
/** nbformat "error" output. */
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
/** Any nbformat 4 output. */
export type NotebookOutput = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

/** One nbformat 4 cell (code, markdown or raw). */
export interface NotebookCell {
  cell_type: "code" | "markdown" | "raw";
  source: MultilineString;
  metadata: Record<string, unknown>;
  id?: string;
  outputs?: NotebookOutput[];
  execution_count?: number | null;
  attachments?: Record<string, unknown>;
}
/** An nbformat 4 notebook. */
export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

/** Joins an nbformat multiline string into one string. */
export function joinMultiline(s: MultilineString | undefined | null): string {
  if (s === undefined || s === null) return "";
  return Array.isArray(s) ? s.join("") : String(s);
}

/** Splits text into nbformat's list-of-lines form (each line keeps its trailing "\n"), as Jupyter writes it. */
export function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      out.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** The source text of a cell. */
export function cellSource(cell: NotebookCell): string {
  return joinMultiline(cell.source);
}

/**
 * Offset of the first JSON syntax error in `text` (a small recursive-descent scan following RFC 8259), or -1
 * when the text is valid JSON. Used to name the line of a broken notebook (V8's messages carry no position).
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const str = (): void => {
    i++; // opening quote
    while (i < n && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      if (text[i] === "\\") {
        i++;
        if (text[i] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? "x")) fail();
      }
      i++;
    }
    if (i >= n) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        str();
        ws();
        if (text[i] !== ":") fail();
        i++;
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return void i++;
        else fail();
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") return void i++;
        else fail();
      }
    } else if (c === '"') str();
    else {
      const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
      if (!m) fail();
      i += m![0].length;
    }
  };
  try {
    value();
    ws();
    return i < n ? i : -1;
  } catch (at) {
    return typeof at === "number" ? Math.min(at, n) : -1;
  }
}

/**
 * Reads and checks an .ipynb file (nbformat 4). Throws FileNotFoundError when it does not exist and
 * DataError (naming the file and field) when it is not valid JSON or not an nbformat 4 notebook.
 */
export function readNotebook(file: string): Notebook {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isFile()) {
    throw new FileNotFoundError(
      "notebook not found",
      { file: abs },
      `paths are relative to the current directory (${process.cwd()}); ` +
        "`makerlab notebooks run` without arguments runs every notebooks/*.ipynb",
    );
  }
  const text = fs.readFileSync(abs, "utf8");
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    const pos = jsonErrorOffset(text);
    const line = pos >= 0 ? text.slice(0, pos).split("\n").length : undefined;
    throw new DataError(`not valid JSON: ${msg}`, { file: abs, line });
  }
  if (nb === null || typeof nb !== "object") throw new DataError("not a notebook object", { file: abs });
  const o = nb as Record<string, unknown>;
  if (o.nbformat !== 4) {
    throw new DataError(`nbformat ${String(o.nbformat)} is not supported (need 4)`, { file: abs, field: "nbformat" },
      "open and save it with a current Jupyter, or run `jupyter nbconvert --to notebook` on it");
  }
  if (!Array.isArray(o.cells)) throw new DataError("missing cells array", { file: abs, field: "cells" });
  o.cells.forEach((c: unknown, i: number) => {
    const cell = c as Record<string, unknown> | null;
    if (!cell || typeof cell !== "object" || typeof cell.cell_type !== "string") {
      throw new DataError(`cell ${i + 1} has no cell_type`, { file: abs, field: `cells[${i}].cell_type` });
    }
    if (typeof cell.source !== "string" && !Array.isArray(cell.source)) {
      throw new DataError(`cell ${i + 1} has no source`, { file: abs, field: `cells[${i}].source` });
    }
    if (!cell.metadata || typeof cell.metadata !== "object") cell.metadata = {};
  });
  if (!o.metadata || typeof o.metadata !== "object") o.metadata = {};
  if (typeof o.nbformat_minor !== "number") o.nbformat_minor = 4;
  return o as unknown as Notebook;
}

function isJsonMime(mime: string): boolean {
  return mime === "application/json" || mime.endsWith("+json");
}

/** Text MIME values go to nbformat's list-of-lines form; JSON MIME types stay objects; base64 images stay one string. */
function normalizeBundle(data: MimeBundle): MimeBundle {
  const out: MimeBundle = {};
  for (const k of Object.keys(data)) {
    const v = data[k];
    if (typeof v === "string" && !isJsonMime(k) && !k.startsWith("image/") && k !== "application/pdf") {
      out[k] = splitLines(v);
    } else out[k] = v;
  }
  return out;
}

function normalizeOutput(o: NotebookOutput): NotebookOutput {
  switch (o.output_type) {
    case "stream":
      return { ...o, text: splitLines(joinMultiline(o.text)) };
    case "display_data":
    case "execute_result":
      return { ...o, data: normalizeBundle(o.data) };
    default:
      return o;
  }
}

/** Writes a notebook as Jupyter does (1-space indent, sources and texts as lists of lines), creating folders. */
export function writeNotebook(nb: Notebook, file: string): void {
  const copy: Notebook = {
    ...nb,
    cells: nb.cells.map((c) => {
      const cell: NotebookCell = { ...c, source: splitLines(cellSource(c)) };
      if (c.cell_type === "code") cell.outputs = (c.outputs ?? []).map(normalizeOutput);
      return cell;
    }),
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(copy, null, 1) + "\n");
}

/** Notebook name: the file name without `.ipynb` (e.g. "01-market-data"). */
export function notebookName(file: string): string {
  return path.basename(file).replace(/\.ipynb$/i, "");
}

/**
 * Every notebooks/*.ipynb of a folder, sorted by name (plain code-point order, so "01-…" < "02-…").
 * Throws FileNotFoundError when the folder does not exist.
 */
export function listNotebooks(dir: string = path.join(projectRoot(), "notebooks")): string[] {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
    throw new FileNotFoundError("notebook folder not found", { file: abs }, "create notebooks/*.ipynb or pass the notebook files");
  }
  return fs
    .readdirSync(abs)
    .filter((f) => f.toLowerCase().endsWith(".ipynb") && !f.startsWith("."))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((f) => path.join(abs, f));
}

// ---------------------------------------------------------------------------------------------------------
// figures

/** A Plotly figure found in a notebook's outputs (MIME type application/vnd.plotly.v1+json). */
export interface NotebookFigure {
  /** Index of the cell in the notebook (0-based, all cell types). */
  cellIndex: number;
  /** 1-based number of the cell among code cells. */
  cellNumber: number;
  /** The figure title (layout.title or layout.title.text), or "" when it has none. */
  title: string;
  /** The figure JSON: { data, layout?, config?, frames? }. */
  figure: { data: unknown[]; layout?: Record<string, unknown>; config?: Record<string, unknown>; [k: string]: unknown };
}

/** MIME type of Plotly figure JSON in Jupyter outputs. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** Title of a Plotly figure: `layout.title` when a string, else `layout.title.text`, else "". */
export function figureTitle(fig: { layout?: Record<string, unknown> }): string {
  const t = fig.layout ? fig.layout.title : undefined;
  if (typeof t === "string") return t;
  if (t && typeof t === "object" && typeof (t as { text?: unknown }).text === "string") return (t as { text: string }).text;
  return "";
}

/** All Plotly figures in a notebook's outputs, in output order (display_data and execute_result). */
export function notebookFigures(nb: Notebook): NotebookFigure[] {
  const out: NotebookFigure[] = [];
  let number = 0;
  nb.cells.forEach((cell, cellIndex) => {
    if (cell.cell_type !== "code") return;
    number++;
    for (const o of cell.outputs ?? []) {
      if (o.output_type !== "display_data" && o.output_type !== "execute_result") continue;
      let fig = o.data[PLOTLY_MIME] as unknown;
      if (typeof fig === "string") {
        try {
          fig = JSON.parse(fig);
        } catch {
          continue;
        }
      }
      if (!fig || typeof fig !== "object" || !Array.isArray((fig as { data?: unknown }).data)) continue;
      const f = fig as NotebookFigure["figure"];
      out.push({ cellIndex, cellNumber: number, title: figureTitle(f), figure: f });
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// worker protocol (messages over the child's IPC channel)

/** Parent → worker: the cells to run. */
export interface WorkerRunMessage {
  type: "run";
  notebook: string;
  rootDir: string;
  cells: { index: number; number: number; source: string }[];
  /** Code run before the first cell (display settings); its outputs are dropped and a failure only warns. */
  preamble?: string;
}
/** Worker → parent messages. */
export type WorkerMessage =
  | { type: "ready"; ms: number }
  | { type: "cell-start"; index: number; number: number }
  | {
      type: "cell-end";
      index: number;
      number: number;
      ok: boolean;
      ms: number;
      executionCount: number;
      outputs: NotebookOutput[];
      startedAt: string;
      endedAt: string;
      error?: { ename: string; evalue: string; traceback: string[] };
    }
  | { type: "outputs-replace"; index: number; outputs: NotebookOutput[] }
  | { type: "done" }
  | { type: "fatal"; message: string; stack?: string };

// ---------------------------------------------------------------------------------------------------------
// runner

/** Timing and status of one executed code cell. */
export interface CellRun {
  /** Index in the notebook (0-based, all cell types). */
  index: number;
  /** 1-based number among code cells. */
  number: number;
  ok: boolean;
  /** Wall time of the cell in milliseconds (type-check + run). */
  ms: number;
}

/** The first failing cell of a run. */
export interface FailedCell {
  /** 1-based number among code cells. */
  number: number;
  /** Index in the notebook (0-based, all cell types). */
  index: number;
  source: string;
  /** One-line error: `ename: evalue` (e.g. "TypeError: Cannot read properties of undefined (reading 'x')"). */
  error: string;
  ename: string;
  evalue: string;
  traceback: string[];
}

/** Progress of a run, for bars and logs. */
export type ProgressEvent =
  | { type: "notebook-start"; name: string; file: string; codeCells: number }
  | { type: "kernel-ready"; name: string; ms: number }
  | { type: "cell-start"; name: string; number: number; index: number; codeCells: number }
  | { type: "cell-end"; name: string; number: number; index: number; codeCells: number; ok: boolean; ms: number }
  | { type: "notebook-end"; name: string; ok: boolean; ms: number; failedCell?: number };

/** Options of `runNotebook`. */
export interface RunOptions {
  /** Output folder; the executed copy goes to `<outDir>/notebooks/<name>.ipynb`. Default `<project>/reports`. */
  outDir?: string;
  /** Called on every progress event. */
  onProgress?: (e: ProgressEvent) => void;
  /** A cell running longer than this (milliseconds) is killed and the run fails. Default 600 000 (10 min). */
  timeoutPerCellMs?: number;
  /** tslab rootDir (cells import `./src/...` from here). Default: the project root. */
  rootDir?: string;
  /** Extra environment for the child (MAKERLAB_HEADLESS=1 is always set). */
  env?: Record<string, string>;
  /**
   * Display settings applied in the notebook process before the first cell, through src/plot/display's
   * `setDisplayOptions` (e.g. `{ png: false, inlinePlotly: false }` when the report renders charts itself).
   * Default: none, the notebook's own defaults.
   */
  display?: { png?: boolean; inlinePlotly?: boolean };
}

/** Result of running one notebook. */
export interface NotebookRunResult {
  /** Absolute path of the source notebook. */
  file: string;
  name: string;
  ok: boolean;
  /** Total wall time in milliseconds, child start included. */
  ms: number;
  /** The code cells that ran (in order), the failing one last. */
  cells: CellRun[];
  /** Number of code cells in the notebook. */
  codeCells: number;
  failedCell?: FailedCell;
  /** Absolute path of the executed copy. */
  outputPath: string;
  /** Plotly figures found in the executed outputs. */
  figures: NotebookFigure[];
  /** The executed notebook (as written to outputPath). */
  executed: Notebook;
}

const DEFAULT_TIMEOUT_MS = 600_000;
const TAIL_CHARS = 8000;

function tail(s: string, n = TAIL_CHARS): string {
  return s.length > n ? "…" + s.slice(s.length - n) : s;
}

function resolveTsxRegister(): string {
  return require.resolve("tsx/cjs");
}

/** The setup code that applies `display` settings in the notebook process, or undefined when there is nothing to set. */
function displayPreamble(rootDir: string, display: RunOptions["display"]): string | undefined {
  if (!display) return undefined;
  const opts: Record<string, boolean> = {};
  if (display.png !== undefined) opts.png = display.png;
  if (display.inlinePlotly !== undefined) opts.inlinePlotly = display.inlinePlotly;
  if (Object.keys(opts).length === 0 || !fs.existsSync(path.join(rootDir, "src", "plot", "display.ts"))) return undefined;
  return `import { setDisplayOptions as makerlabSetDisplayOptions$ } from "./src/plot/display";\nvoid makerlabSetDisplayOptions$(${JSON.stringify(opts)});`;
}

/**
 * Runs the code cells of a notebook in order in a fresh child process (tslab executor at the project root,
 * env MAKERLAB_HEADLESS=1), stops at the first failing cell, and writes the executed copy (nbformat 4, with
 * execution counts and outputs: stream, display_data, execute_result, error) to `<outDir>/notebooks/<name>.ipynb`.
 * Never throws for a failing cell: the result says `ok: false` and names the failing cell and its real error.
 * Throws FileNotFoundError / DataError when the notebook cannot be read.
 */
export async function runNotebook(file: string, options: RunOptions = {}): Promise<NotebookRunResult> {
  const abs = path.resolve(file);
  const nb = readNotebook(abs);
  const name = notebookName(abs);
  const rootDir = path.resolve(options.rootDir ?? projectRoot());
  const outDir = path.resolve(options.outDir ?? path.join(projectRoot(), "reports"));
  const timeoutMs = options.timeoutPerCellMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new ArgumentError(`timeoutPerCellMs must be > 0, got ${timeoutMs}`, { field: "timeoutPerCellMs" });
  const emit = (e: ProgressEvent): void => {
    if (options.onProgress) options.onProgress(e);
  };

  const codeCells: { index: number; number: number; source: string }[] = [];
  nb.cells.forEach((c, index) => {
    if (c.cell_type === "code") codeCells.push({ index, number: codeCells.length + 1, source: cellSource(c) });
  });
  const t0 = Date.now();
  emit({ type: "notebook-start", name, file: abs, codeCells: codeCells.length });

  // What the worker reports, by notebook cell index.
  const done = new Map<number, Extract<WorkerMessage, { type: "cell-end" }>>();
  const replaced = new Map<number, NotebookOutput[]>();
  const cells: CellRun[] = [];
  let failed: FailedCell | undefined;
  let running: { index: number; number: number; started: number } | null = null;

  const fail = (c: { index: number; number: number }, ename: string, evalue: string, traceback: string[]): void => {
    if (failed) return;
    failed = { number: c.number, index: c.index, source: cellSource(nb.cells[c.index]), error: `${ename}: ${evalue}`, ename, evalue, traceback };
  };

  if (codeCells.some((c) => c.source.trim() !== "")) {
    await new Promise<void>((resolve) => {
      let stray = "";
      let finished = false;
      let timer: NodeJS.Timeout | null = null;
      const child = fork(path.join(__dirname, "worker.ts"), [], {
        cwd: rootDir,
        execArgv: ["--require", resolveTsxRegister()],
        env: { ...process.env, ...(options.env ?? {}), MAKERLAB_HEADLESS: "1" },
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        serialization: "advanced",
      });
      child.stdout?.on("data", (b: Buffer) => {
        stray = tail(stray + b.toString("utf8"));
      });
      child.stderr?.on("data", (b: Buffer) => {
        stray = tail(stray + b.toString("utf8"));
      });
      const alive = (): boolean => child.exitCode === null && child.signalCode === null;
      /**
       * Ends the run. After "done" the child exits by itself (its exit hooks run: playwright kills a chromium
       * a cell may have started); it is killed only if it lingers. On a timeout or crash it is killed at once.
       */
      const finish = (graceful = false): void => {
        if (finished) return;
        finished = true;
        if (timer) clearTimeout(timer);
        if (!alive()) return resolve();
        if (!graceful) {
          child.kill("SIGKILL");
          return resolve();
        }
        const kill = setTimeout(() => {
          if (alive()) child.kill("SIGKILL");
          resolve();
        }, 10_000);
        child.once("exit", () => {
          clearTimeout(kill);
          resolve();
        });
      };
      const firstUnrun = (): { index: number; number: number } => {
        if (running) return running;
        const next = codeCells.find((c) => !done.has(c.index) && c.source.trim() !== "");
        return next ?? codeCells[codeCells.length - 1];
      };
      child.on("message", (raw: unknown) => {
        const m = raw as WorkerMessage;
        switch (m.type) {
          case "ready":
            emit({ type: "kernel-ready", name, ms: m.ms });
            break;
          case "cell-start":
            running = { index: m.index, number: m.number, started: Date.now() };
            emit({ type: "cell-start", name, number: m.number, index: m.index, codeCells: codeCells.length });
            if (timer) clearTimeout(timer);
            timer = setTimeout(() => {
              const c = running ?? { index: m.index, number: m.number };
              fail(c, "TimeoutError", `cell ${c.number} did not finish within ${(timeoutMs / 1000).toFixed(1)} s (timeoutPerCellMs); the notebook process was killed`, []);
              cells.push({ index: c.index, number: c.number, ok: false, ms: Date.now() - (running ? running.started : t0) });
              emit({ type: "cell-end", name, number: c.number, index: c.index, codeCells: codeCells.length, ok: false, ms: timeoutMs });
              running = null;
              finish();
            }, timeoutMs);
            break;
          case "cell-end":
            if (timer) clearTimeout(timer);
            timer = null;
            running = null;
            done.set(m.index, m);
            cells.push({ index: m.index, number: m.number, ok: m.ok, ms: m.ms });
            if (!m.ok) {
              const e = m.error ?? { ename: "Error", evalue: "execution failed (tslab reported no message)", traceback: [] };
              fail(m, e.ename, e.evalue, e.traceback);
            }
            emit({ type: "cell-end", name, number: m.number, index: m.index, codeCells: codeCells.length, ok: m.ok, ms: m.ms });
            break;
          case "outputs-replace":
            replaced.set(m.index, m.outputs);
            break;
          case "done":
            finish(true);
            break;
          case "fatal":
            fail(firstUnrun(), "WorkerError", m.message, m.stack ? m.stack.split("\n") : []);
            finish();
            break;
        }
      });
      child.on("error", (err) => {
        fail(firstUnrun(), "WorkerError", `could not start the notebook process: ${err.message}`, []);
        finish();
      });
      // "close" comes after "exit" and after the stdio and IPC channels have drained: a crash, not a finished run.
      child.on("close", (code, signal) => {
        if (finished) return;
        const c = firstUnrun();
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const extra = stray.trim() ? `\n${stray.trim()}` : "";
        fail(c, "WorkerExit", `the notebook process ${how} during cell ${c.number} (out of memory or process.exit in a cell?)${extra}`, []);
        if (running) cells.push({ index: c.index, number: c.number, ok: false, ms: Date.now() - running.started });
        finish();
      });
      const msg: WorkerRunMessage = { type: "run", notebook: abs, rootDir, cells: codeCells, preamble: displayPreamble(rootDir, options.display) };
      child.send(msg);
    });
  }

  // Assemble the executed copy.
  const executed: Notebook = {
    ...nb,
    metadata: {
      kernelspec: { name: "makerlab", display_name: "makerlab (TypeScript)", language: "typescript" },
      language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript", codemirror_mode: { name: "javascript", typescript: true } },
      ...nb.metadata,
    },
    cells: nb.cells.map((c, index) => {
      if (c.cell_type !== "code") return { ...c };
      const r = done.get(index);
      if (!r) return { ...c, execution_count: null, outputs: [] };
      const execution = { ...((c.metadata.execution as Record<string, unknown>) ?? {}), "iopub.execute_input": r.startedAt, "shell.execute_reply": r.endedAt };
      return { ...c, metadata: { ...c.metadata, execution }, execution_count: r.executionCount, outputs: replaced.get(index) ?? r.outputs };
    }),
  };
  const outputPath = path.join(outDir, "notebooks", `${name}.ipynb`);
  writeNotebook(executed, outputPath);
  const ms = Date.now() - t0;
  const ok = failed === undefined;
  emit({ type: "notebook-end", name, ok, ms, failedCell: failed ? failed.number : undefined });
  return { file: abs, name, ok, ms, cells, codeCells: codeCells.length, failedCell: failed, outputPath, figures: notebookFigures(executed), executed };
}

/** Runs notebooks one after another (each in its own child process) with the same options. */
export async function runNotebooks(files: string[], options: RunOptions = {}): Promise<NotebookRunResult[]> {
  const out: NotebookRunResult[] = [];
  for (const f of files) out.push(await runNotebook(f, options));
  return out;
}

/** Indents every line of a text. */
function indent(text: string, pad: string): string {
  return text.replace(/\n$/, "").split("\n").map((l) => pad + l).join("\n");
}

/**
 * A human message for a failed run: the notebook, the cell number (among code cells, and its position in the
 * notebook), the cell's source with line numbers, and the real error with its traceback.
 */
export function formatFailure(r: NotebookRunResult): string {
  const f = r.failedCell;
  if (!f) return `${r.file}: ok`;
  const src = f.source.replace(/\n$/, "").split("\n");
  const w = String(src.length).length;
  const numbered = src.map((l, i) => `${String(i + 1).padStart(w)} | ${l}`).join("\n");
  const tb = f.traceback.filter((l) => l.trim() !== "" && l.trim() !== f.error.trim());
  return [
    `${r.file}: code cell ${f.number} failed (cell ${f.index + 1} of the notebook)`,
    `--- source of code cell ${f.number} ---`,
    indent(numbered, "  "),
    `--- error ---`,
    indent(f.error, "  "),
    ...(tb.length ? [indent(tb.join("\n"), "  ")] : []),
    `(executed copy with outputs: ${r.outputPath})`,
  ].join("\n");
}
