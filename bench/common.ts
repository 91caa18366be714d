/**
 * Shared helpers of the bench scripts: wall-clock timing (median and min of N runs after warm-ups),
 * number formatting, plain-text tables, the run-wide summary file, and calling Debian's Python with pandas
 * (`/usr/bin/python3`; the `python3` on PATH is a pyenv interpreter without pandas) as the baseline.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";

/** The interpreter that has Debian's python3-pandas / numpy. Never the `python3` on PATH. */
export const PYTHON = "/usr/bin/python3";

/** The message printed instead of a pandas figure when pandas cannot be run. */
export const NO_PANDAS = "pandas: not available (apt-get install python3-pandas)";

/** Folder for generated bench inputs (not in git: bench/.cache/ is ignored). */
export const CACHE_DIR = path.join(__dirname, ".cache");

/** Runs V8's garbage collector when node was started with --expose-gc (bench/run.ts does); a no-op otherwise. */
export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === "function") g();
}

/** Median of `xs` (mean of the two middle values for an even count); NaN for an empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Timings of one workload, wall clock, in milliseconds. */
export interface Timing {
  /** Median of the timed runs. */
  median: number;
  /** Fastest timed run. */
  min: number;
  /** Every timed run, in order. */
  runs: number[];
  /** Number of untimed warm-up runs before them. */
  warmup: number;
}

/**
 * Times `fn` (sync or async): `warmup` untimed runs, then `runs` timed runs of wall-clock time
 * (`performance.now`, ms). Before every run the garbage collector is run (when exposed), outside the timing,
 * so one run's garbage is not collected on the next run's clock. The value `fn` returns is dropped at once,
 * so at most one result is alive at a time.
 */
export async function timeIt(fn: () => unknown, runs: number, warmup = 1): Promise<Timing> {
  for (let i = 0; i < warmup; i++) {
    gc();
    await fn();
  }
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc();
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  gc();
  return { median: median(out), min: Math.min(...out), runs: out, warmup };
}

/** Integer with thousands separators: 10000000 → "10,000,000". */
export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Milliseconds with a precision that suits the size: 0.123 → "0.12", 12.34 → "12.3", 1234.5 → "1,235". */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (ms < 1) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return fmtInt(ms);
}

/** A rate (items per second) in M/s or k/s: 12_345_678 → "12.3 M". */
export function fmtRate(perSec: number): string {
  if (!Number.isFinite(perSec)) return "–";
  if (perSec >= 1e6) return (perSec / 1e6).toFixed(perSec >= 1e8 ? 0 : 1) + " M";
  if (perSec >= 1e3) return (perSec / 1e3).toFixed(1) + " k";
  return perSec.toFixed(0);
}

/** Items per second from a count and a time in ms. */
export function rate(items: number, ms: number): number {
  return (items / ms) * 1000;
}

/** A ratio with two decimals and a ×: 1.234 → "1.23×". */
export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? r.toFixed(2) + "×" : "–";
}

/** Ours against a baseline, by time: "1.50× faster" when ours takes 1/1.5 of the baseline's time, "1.25× slower" when 1.25 times. */
export function fmtVs(oursMs: number, baselineMs: number): string {
  if (!(oursMs > 0) || !(baselineMs > 0)) return "–";
  return oursMs <= baselineMs ? `${fmtRatio(baselineMs / oursMs)} faster` : `${fmtRatio(oursMs / baselineMs)} slower`;
}

/** "median ms (min ms)" of a Timing. */
export function fmtTiming(t: Timing): string {
  return `${fmtMs(t.median)} (min ${fmtMs(t.min)})`;
}

/**
 * A plain-text table: `header` and `rows` of cells; columns are right-aligned except those listed in `left`
 * (default: the first). Returns the lines joined by "\n", with a rule under the header.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], left: readonly number[] = [0]): string {
  const w = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (r: readonly string[]) =>
    r.map((s, c) => (left.includes(c) ? (s ?? "").padEnd(w[c]) : (s ?? "").padStart(w[c]))).join("  ").trimEnd();
  return [line(header), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n");
}

/** One line of the run-wide summary: our figure beside its baseline's, measured in the same run. */
export interface SummaryRow {
  /** Bench script, e.g. "loaders". */
  bench: string;
  /** What was measured, e.g. "trades 10M synthetic: load". */
  workload: string;
  /** Our figure, formatted (e.g. "2,345 ms, 4.3 M rows/s"). */
  ours: string;
  /** The baseline's name and figure, formatted (e.g. "DuckDB 1,900 ms"). */
  baseline: string;
  /** Ratio as stated in `target` terms (e.g. "ours/DuckDB 1.23×"), or "". */
  ratio: string;
  /** The target, in words, or "" when there is none. */
  target: string;
  /** "yes", "NO", or "" when there is no target / no baseline. */
  met: string;
}

/**
 * Appends a summary row to the file named by the environment variable BENCH_SUMMARY (JSON lines), which
 * bench/run.ts sets for each script it runs and prints at the end. Without the variable it does nothing.
 */
export function recordSummary(row: SummaryRow): void {
  const f = process.env.BENCH_SUMMARY;
  if (!f) return;
  fs.appendFileSync(f, JSON.stringify(row) + "\n");
}

/** The rows written by `recordSummary` to `file` (none if the file is missing). */
export function readSummary(file: string): SummaryRow[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as SummaryRow);
}

/** Result of `runPython`: the JSON object the script printed last (`value`), or null and why (`reason`). */
export interface PythonResult {
  value: Record<string, unknown> | null;
  /** "" when `value` is set. */
  reason: string;
}

/**
 * Runs `code` with /usr/bin/python3 (`-c code args…`) and parses the last stdout line that is a JSON object.
 * A script that cannot import pandas should print `{"error": "no-pandas"}`; that becomes `{ value: null, reason: NO_PANDAS }`.
 * A missing interpreter gives the same. Any other failure returns the exit code and the tail of stderr.
 * `timeoutMs` kills a runaway script (SIGKILL).
 */
export function runPython(code: string, args: readonly string[], timeoutMs = 300_000): Promise<PythonResult> {
  return new Promise((resolve) => {
    if (!fs.existsSync(PYTHON)) {
      resolve({ value: null, reason: NO_PANDAS });
      return;
    }
    const p = spawn(PYTHON, ["-c", code, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    p.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("error", (e) => {
      clearTimeout(timer);
      resolve({ value: null, reason: `${PYTHON}: ${e.message}` });
    });
    p.on("close", (codeNo, signal) => {
      clearTimeout(timer);
      const lines = out.split("\n").filter((l) => l.trim().startsWith("{"));
      let value: Record<string, unknown> | null = null;
      if (lines.length) {
        try {
          value = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
        } catch {
          value = null;
        }
      }
      if (value && value.error === "no-pandas") resolve({ value: null, reason: NO_PANDAS });
      else if (value && codeNo === 0) resolve({ value, reason: "" });
      else {
        const why = signal ? `killed by ${signal}${signal === "SIGKILL" ? ` (timeout ${timeoutMs} ms?)` : ""}` : `exit ${codeNo}`;
        resolve({ value: null, reason: `python failed (${why}): ${err.trim().split("\n").slice(-3).join(" | ")}` });
      }
    });
  });
}

/**
 * Python prelude for the baseline scripts: imports pandas and numpy or prints {"error": "no-pandas"} and
 * exits 0; defines `timed(fn, runs, warmup)` → list of ms (time.perf_counter around each call) and
 * `emit(obj)` (one JSON line on stdout).
 */
export const PY_PRELUDE = String.raw`
import sys, json, time, gc
try:
    import pandas as pd
    import numpy as np
except ImportError:
    print(json.dumps({"error": "no-pandas"}))
    sys.exit(0)

def timed(fn, runs, warmup):
    for _ in range(warmup):
        gc.collect(); r = fn(); del r
    out = []
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        r = fn()
        out.append((time.perf_counter() - t0) * 1000.0)
        del r
    return out

def emit(obj):
    obj["pandas"] = pd.__version__
    obj["numpy"] = np.__version__
    print(json.dumps(obj), flush=True)
`;

/** A Timing from a list of ms measured elsewhere (e.g. by a Python script). */
export function timingOf(runs: readonly number[], warmup: number): Timing {
  return { median: median(runs), min: Math.min(...runs), runs: [...runs], warmup };
}

/** The directory `CACHE_DIR`, created if missing. */
export function cacheDir(): string {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  return CACHE_DIR;
}

/** Prints a section title underlined. */
export function title(s: string): void {
  console.log(`\n${s}\n${"=".repeat(s.length)}`);
}

/**
 * Writes `arr` to `file` as raw little-endian float64 (8 bytes per value, no header; numpy
 * `np.fromfile(file, dtype="<f8")` reads it back). Throws on a big-endian host (typed arrays use the host order).
 */
export function writeF64File(file: string, arr: Float64Array): void {
  if (os.endianness() !== "LE") throw new Error("writeF64File: big-endian host; raw float64 files are little-endian");
  const fd = fs.openSync(file, "w");
  try {
    const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(fd, bytes, off, Math.min(1 << 26, bytes.length - off));
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads a raw little-endian float64 file written by `writeF64File` into a new Float64Array (length = bytes / 8). */
export function readF64File(file: string): Float64Array {
  if (os.endianness() !== "LE") throw new Error("readF64File: big-endian host; raw float64 files are little-endian");
  const size = fs.statSync(file).size;
  if (size % 8 !== 0) throw new Error(`readF64File: ${file} has ${size} bytes, not a multiple of 8`);
  const arr = new Float64Array(size / 8);
  const bytes = new Uint8Array(arr.buffer);
  const fd = fs.openSync(file, "r");
  try {
    let off = 0;
    while (off < size) {
      const got = fs.readSync(fd, bytes, off, Math.min(1 << 26, size - off), off);
      if (got === 0) throw new Error(`readF64File: ${file} ended after ${off} of ${size} bytes`);
      off += got;
    }
  } finally {
    fs.closeSync(fd);
  }
  return arr;
}
