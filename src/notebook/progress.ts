/**
 * Progress display for notebook runs, without dependencies. On a TTY: one bar per notebook, redrawn in place
 * while its cells run (`01-market-data [██████░░░░░░] 3/5 cell 4 1.2s`). Otherwise: one plain line per event
 * worth logging (kernel ready, each cell, the notebook's end), so CI logs stay readable.
 */
import type { ProgressEvent } from "./run";

/** Something that receives progress events and can be closed (stops its ticker, ends the last line). */
export interface ProgressReporter {
  onProgress(e: ProgressEvent): void;
  close(): void;
}

/** Options of `createProgress`. */
export interface ProgressOptions {
  /** Where to draw (default process.stderr, so stdout stays clean for results). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Force bar mode (true) or plain lines (false); default: the stream's isTTY. */
  tty?: boolean;
  /** Bar width in characters (default 24). */
  width?: number;
}

/** Seconds with one decimal below 10 s, whole seconds above: "0.3s", "12s". */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return s < 10 ? `${s.toFixed(1)}s` : `${Math.round(s)}s`;
}

/**
 * A text bar: `done` of `total` filled with █ and the rest ░, `width` characters.
 * Fraction = done / total, clamped to [0, 1]; total 0 gives a full bar.
 */
export function bar(done: number, total: number, width: number): string {
  const f = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const n = Math.round(f * width);
  return "█".repeat(n) + "░".repeat(width - n);
}

/** Creates a progress reporter: bars on a TTY, plain lines otherwise. */
export function createProgress(options: ProgressOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? !!(stream as { isTTY?: boolean }).isTTY;
  const width = options.width ?? 24;
  let state: { name: string; total: number; done: number; running: number | null; started: number; cellStarted: number } | null = null;
  let ticker: NodeJS.Timeout | null = null;

  const line = (): string => {
    if (!state) return "";
    const now = Date.now();
    const what = state.running !== null ? `cell ${state.running} ${formatSeconds(now - state.cellStarted)}` : state.done === 0 ? "starting kernel" : "";
    const text = `${state.name} [${bar(state.done, state.total, width)}] ${state.done}/${state.total} ${what}  ${formatSeconds(now - state.started)}`;
    const cols = (stream as { columns?: number }).columns;
    return cols && text.length > cols - 1 ? text.slice(0, cols - 1) : text;
  };
  const draw = (): void => {
    if (tty && state) stream.write(`\r\x1b[K${line()}`);
  };
  const stopTicker = (): void => {
    if (ticker) clearInterval(ticker);
    ticker = null;
  };

  return {
    onProgress(e: ProgressEvent): void {
      switch (e.type) {
        case "notebook-start":
          state = { name: e.name, total: e.codeCells, done: 0, running: null, started: Date.now(), cellStarted: Date.now() };
          if (tty) {
            draw();
            stopTicker();
            ticker = setInterval(draw, 250);
            ticker.unref();
          } else stream.write(`${e.name}: ${e.codeCells} code cells\n`);
          break;
        case "kernel-ready":
          if (!tty) stream.write(`${e.name}: kernel ready (${formatSeconds(e.ms)})\n`);
          break;
        case "cell-start":
          if (state) {
            state.running = e.number;
            state.cellStarted = Date.now();
          }
          draw();
          break;
        case "cell-end":
          if (state) {
            state.running = null;
            state.done = e.number;
          }
          if (tty) draw();
          else stream.write(`${e.name}: cell ${e.number}/${e.codeCells} ${e.ok ? "ok" : "FAILED"} (${formatSeconds(e.ms)})\n`);
          break;
        case "notebook-end": {
          stopTicker();
          const status = e.ok ? "ok" : `FAILED at code cell ${e.failedCell ?? "?"}`;
          if (tty) {
            if (state && e.ok) state.done = state.total;
            stream.write(`\r\x1b[K${state ? `${state.name} [${bar(state.done, state.total, width)}] ${state.done}/${state.total}` : e.name} ${status} ${formatSeconds(e.ms)}\n`);
          } else stream.write(`${e.name}: ${status} (${formatSeconds(e.ms)})\n`);
          state = null;
          break;
        }
      }
    },
    close(): void {
      stopTicker();
      if (tty && state) stream.write("\n");
      state = null;
    },
  };
}
