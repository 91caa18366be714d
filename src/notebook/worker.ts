/**
 * Child process of the headless runner (see run.ts): receives the code cells of ONE notebook over IPC, runs them
 * in a fresh tslab executor rooted at the project root, captures each cell's outputs and reports them back.
 * Protocol: parent → { type: "run" }, worker → ready, cell-start, cell-end (with outputs), outputs-replace, done.
 */
import * as util from "node:util";
import * as path from "node:path";
import type { DisplayDataOutput, NotebookOutput, WorkerMessage, WorkerRunMessage } from "./run";

interface TslabDisplayData {
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  transient?: { display_id?: string };
}
interface TslabConverter {
  close(): void;
}
interface TslabExecutor {
  execute(src: string): Promise<boolean>;
  close(): void;
}

interface CellState {
  index: number;
  number: number;
  count: number;
  source: string;
  outputs: NotebookOutput[];
  errorObj: unknown;
  hasErrorObj: boolean;
  diagnostics: string[];
  errorTexts: string[];
  ended: boolean;
}

const origStdout = process.stdout.write.bind(process.stdout);
const origStderr = process.stderr.write.bind(process.stderr);

let cur: CellState | null = null;
let last: CellState | null = null;
const dirty = new Set<CellState>();
const displays = new Map<string, { cell: CellState; output: DisplayDataOutput }[]>();
const pending: unknown[] = [];
let rootDir = process.cwd();

function send(m: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(m, undefined, undefined, () => resolve());
  });
}

/** The cell that receives output now: the running one, else (late async output) the last one, like Jupyter. */
function target(): CellState | null {
  const c = cur ?? last;
  if (c && c.ended) dirty.add(c);
  return c;
}

function writeStream(name: "stdout" | "stderr", chunk: unknown, encoding?: unknown): boolean {
  const text =
    typeof chunk === "string" ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8") : String(chunk);
  const c = target();
  if (!c) {
    // Before the first cell (tslab start-up): pass through to the parent, which keeps it for crash reports.
    return name === "stdout" ? origStdout(text) : origStderr(text);
  }
  const lastOut = c.outputs[c.outputs.length - 1];
  if (lastOut && lastOut.output_type === "stream" && lastOut.name === name) lastOut.text = String(lastOut.text) + text;
  else c.outputs.push({ output_type: "stream", name, text });
  return true;
}

function installStreamCapture(): void {
  const mk = (name: "stdout" | "stderr") =>
    function (chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
      writeStream(name, chunk, encoding);
      const done = typeof encoding === "function" ? encoding : cb;
      if (typeof done === "function") process.nextTick(done as () => void);
      return true;
    };
  (process.stdout as { write: unknown }).write = mk("stdout");
  (process.stderr as { write: unknown }).write = mk("stderr");
}

/** Display data as nbformat wants it: binary → base64 string; JSON MIME types stay objects; text stays text. */
function toBundle(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(data ?? {})) {
    const v = data[k];
    if (v instanceof Uint8Array) out[k] = Buffer.from(v).toString("base64");
    else out[k] = v;
  }
  return out;
}

function writeDisplayData(d: TslabDisplayData, update: boolean): void {
  const bundle = toBundle(d.data);
  const metadata = d.metadata ?? {};
  const id = d.transient && d.transient.display_id;
  if (update && id && displays.has(id)) {
    // update_display_data: replace every output shown under this display id, wherever it is.
    for (const loc of displays.get(id)!) {
      loc.output.data = bundle;
      loc.output.metadata = metadata;
      if (loc.cell.ended) dirty.add(loc.cell);
    }
    return;
  }
  const c = target();
  if (!c) return;
  const output: DisplayDataOutput = { output_type: "display_data", data: bundle, metadata };
  c.outputs.push(output);
  if (id) {
    const list = displays.get(id) ?? [];
    list.push({ cell: c, output });
    displays.set(id, list);
  }
}

function isErrorLike(x: unknown): x is Error {
  return x instanceof Error || (!!x && typeof x === "object" && typeof (x as Error).message === "string" && typeof (x as Error).stack === "string");
}

const executorConsole = {
  log: (...args: unknown[]): void => {
    const c = target();
    if (!c) return;
    c.outputs.push({ output_type: "execute_result", execution_count: c.count, data: { "text/plain": util.format(...args) }, metadata: {} });
  },
  error: (...args: unknown[]): void => {
    const c = target();
    if (!c) return;
    if (args[0] === "%s%d:%d - %s" && args.length === 5) {
      // A TypeScript diagnostic: (fileName + " " | ""), line, column, message.
      const file = String(args[1]).trim();
      const line = Number(args[2]);
      const col = Number(args[3]);
      let text = `${file ? file + " " : ""}${line}:${col} - ${String(args[4])}`;
      if (!file) {
        const srcLine = c.source.split("\n")[line - 1];
        if (srcLine !== undefined) text += `\n    ${srcLine}\n    ${" ".repeat(Math.max(0, col - 1))}^`;
      }
      c.diagnostics.push(text);
    } else if (args.length === 1 && !c.hasErrorObj) {
      c.errorObj = args[0];
      c.hasErrorObj = true;
    } else {
      c.errorTexts.push(util.format(...args));
    }
  },
};

function cleanStack(stack: string): string[] {
  return stack
    .split("\n")
    .filter((l) => !/node_modules[\\/]tslab[\\/]|node:internal|node:vm|__tslab__\.(exports|require)\)|worker\.ts/.test(l));
}

function errorOf(c: CellState, ok: boolean): { ename: string; evalue: string; traceback: string[] } | undefined {
  if (c.hasErrorObj) {
    const e = c.errorObj;
    if (isErrorLike(e)) {
      const ename = e.name || "Error";
      return { ename, evalue: e.message, traceback: cleanStack(e.stack ?? `${ename}: ${e.message}`) };
    }
    const v = typeof e === "string" ? e : util.inspect(e);
    return { ename: "Error", evalue: `thrown value: ${v}`, traceback: [] };
  }
  if (c.diagnostics.length > 0) {
    const rel = c.diagnostics.map((d) => d);
    return { ename: "CompileError", evalue: rel.join("\n"), traceback: [] };
  }
  if (c.errorTexts.length > 0) return { ename: "Error", evalue: c.errorTexts.join("\n"), traceback: [] };
  if (!ok) return { ename: "Error", evalue: "execution failed (tslab reported no message)", traceback: [] };
  return undefined;
}

async function flushDirty(): Promise<void> {
  for (const c of Array.from(dirty)) {
    dirty.delete(c);
    await send({ type: "outputs-replace", index: c.index, outputs: c.outputs });
  }
}

async function run(msg: WorkerRunMessage): Promise<void> {
  const t0 = Date.now();
  rootDir = msg.rootDir;
  if (process.cwd() !== rootDir) process.chdir(rootDir);
  // tslab resolves its own modules from the project (pinned 1.0.22).
  const req = require("node:module").createRequire(path.join(rootDir, "package.json")) as NodeRequire;
  const { createConverter } = req("tslab/dist/converter") as { createConverter(o: { isJS: boolean; isBrowser: boolean }): TslabConverter };
  const { createExecutor } = req("tslab/dist/executor") as {
    createExecutor(root: string, convs: unknown, console: typeof executorConsole): TslabExecutor;
  };
  const jup = req("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
  const conv = createConverter({ isJS: false, isBrowser: false });
  const convs = { node: conv, browser: conv, close: () => conv.close() };
  const ex = createExecutor(rootDir, convs, executorConsole);
  jup.lastWriteDisplayData = writeDisplayData;
  installStreamCapture();
  if (msg.preamble) {
    // Settings such as display options: run like a cell, outputs dropped, a failure only warned about.
    const pre: CellState = { index: -1, number: 0, count: 0, source: msg.preamble, outputs: [], errorObj: undefined, hasErrorObj: false, diagnostics: [], errorTexts: [], ended: false };
    cur = pre;
    const ok = await ex.execute(msg.preamble).catch(() => false);
    cur = null;
    if (!ok) {
      const e = errorOf(pre, false);
      origStderr(`makerlab: notebook setup failed (${e ? `${e.ename}: ${e.evalue}` : "no message"}); running with default display settings\n`);
    }
  }
  await send({ type: "ready", ms: Date.now() - t0 });

  let count = 0;
  for (const cell of msg.cells) {
    if (cell.source.trim() === "") continue;
    const c: CellState = {
      index: cell.index,
      number: cell.number,
      count: ++count,
      source: cell.source,
      outputs: [],
      errorObj: undefined,
      hasErrorObj: false,
      diagnostics: [],
      errorTexts: [],
      ended: false,
    };
    cur = c;
    last = c;
    pending.length = 0;
    await send({ type: "cell-start", index: c.index, number: c.number });
    const startedAt = new Date();
    const t = Date.now();
    let ok: boolean;
    try {
      // tslab's vm code reads `exports`/`require` from globalThis.__tslab__ of the executor.
      ok = await ex.execute(c.source);
    } catch (e) {
      executorConsole.error(e);
      ok = false;
    }
    // Let rejections of promises the cell did not await surface before the cell is closed.
    await new Promise<void>((r) => setImmediate(r));
    if (pending.length > 0) {
      if (!c.hasErrorObj) {
        c.errorObj = pending[0];
        c.hasErrorObj = true;
      }
      ok = false;
    }
    const ms = Date.now() - t;
    const error = ok ? undefined : errorOf(c, ok);
    if (error) c.outputs.push({ output_type: "error", ...error });
    c.ended = true;
    cur = null;
    dirty.delete(c);
    await flushDirty();
    await send({ type: "cell-end", index: c.index, number: c.number, ok, ms, executionCount: c.count, outputs: c.outputs, startedAt: startedAt.toISOString(), endedAt: new Date().toISOString(), error });
    if (!ok) break;
  }
  await new Promise<void>((r) => setImmediate(r));
  await flushDirty();
  try {
    ex.close();
  } catch {
    /* closing the language service is best effort */
  }
  await send({ type: "done" });
  process.exit(0);
}

process.on("uncaughtException", (e) => {
  if (cur || last) pending.push(e);
  else void send({ type: "fatal", message: String((e as Error)?.message ?? e), stack: (e as Error)?.stack }).then(() => process.exit(1));
});
process.on("unhandledRejection", (e) => {
  pending.push(e);
});
process.on("disconnect", () => process.exit(1));
process.once("message", (m: unknown) => {
  run(m as WorkerRunMessage).catch(async (e: unknown) => {
    await send({ type: "fatal", message: String((e as Error)?.message ?? e), stack: (e as Error)?.stack });
    process.exit(1);
  });
});
