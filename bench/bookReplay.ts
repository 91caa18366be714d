/**
 * Book replay throughput, in level updates (book-change rows) per second, on one core.
 * Run: node --import tsx bench/bookReplay.ts   (env BENCH_ROWS = synthetic rows, default 10,000,000)
 *
 * Workloads:
 * 1. real: Binance spot BTCUSDT depth (snapshot + 100 ms diffs, SOURCES.md §1), loaded with loadBinanceCapture;
 * 2. synthetic: a seeded stream of BENCH_ROWS level updates: a 1000-level-per-side snapshot, then messages of
 *    1–19 levels around a random-walk mid (80 % within 5 ticks of the touch, 5 % deep), 30 % deletes.
 * For each: `replayBook` (top of book, one row per message), with depth 10, with emit "change", the bare
 * `OrderBook.apply` loop, and as a baseline a naive book (Map<number, number> per side, best found by a scan).
 * Loading and generation are not timed. Each figure is the best of several runs after a warm-up, in CPU time
 * (see `best`); throughput = level updates / CPU seconds.
 */
import { performance } from "node:perf_hooks";
import { Frame } from "../src/frame/frame";
import { OrderBook, replayBook } from "../src/data/book";
import { loadBinanceCapture } from "../src/data/binanceCapture";
import { dataPath, hasRealData } from "../src/data/dataRoot";
import type { BookChangeColumns, BookChangeFrame } from "../src/data/schemas";
import { fmtRatio, recordSummary } from "./common";

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Synthetic book changes: `rows` level updates (see the module comment); prices are ticks / 100 (exact decimals). */
function synthetic(rows: number, seed = 1): BookChangeFrame {
  const r = rng(seed);
  const c: BookChangeColumns = {
    timestamp: new Float64Array(rows),
    localTimestamp: new Float64Array(rows),
    isSnapshot: new Int8Array(rows),
    side: new Int8Array(rows),
    price: new Float64Array(rows),
    amount: new Float64Array(rows),
    updateId: new Float64Array(rows),
  };
  let mid = 6_000_000; // ticks: bids at <= mid - 1, asks at >= mid
  let k = 0;
  const put = (t: number, u: number, snap: number, side: number, ticks: number, amt: number) => {
    c.timestamp[k] = t;
    c.localTimestamp[k] = t;
    c.isSnapshot[k] = snap;
    c.side[k] = side;
    c.price[k] = ticks / 100;
    c.amount[k] = amt;
    c.updateId[k] = u;
    k++;
  };
  const t0 = 1.7e15;
  for (let i = 0; i < 1000 && k < rows - 1; i++) {
    put(t0, 1, 1, 1, mid - 1 - i, 1 + Math.floor(r() * 100) / 10);
    put(t0, 1, 1, -1, mid + i, 1 + Math.floor(r() * 100) / 10);
  }
  let u = 1;
  let t = t0;
  while (k < rows) {
    u++;
    t += 1000;
    const x = r();
    if (x < 0.05) {
      // mid up one tick: the old best ask level becomes a bid-side price, remove it first
      put(t, u, 0, -1, mid, 0);
      mid++;
    } else if (x < 0.1 && k < rows) {
      mid--;
      put(t, u, 0, 1, mid, 0);
    }
    const m = 1 + Math.floor(r() * 19);
    for (let j = 0; j < m && k < rows; j++) {
      const side = r() < 0.5 ? 1 : -1;
      const y = r();
      const d = y < 0.8 ? Math.floor(r() * 5) : y < 0.95 ? 5 + Math.floor(r() * 45) : 50 + Math.floor(r() * 1500);
      const amt = r() < 0.3 ? 0 : Math.floor(r() * 1000) / 100 + 0.01;
      put(t, u, 0, side, side === 1 ? mid - 1 - d : mid + d, amt);
    }
  }
  return new Frame(c);
}

/**
 * Best time (ms) of `reps` runs of `f`, after one warm-up run, as CPU time of this process (user + system): the
 * machine is shared, and CPU time leaves out the time the thread waited for a core. Single-threaded code, so CPU
 * time ≈ wall time on an idle core; the wall time of the same best run is returned too.
 */
function best(reps: number, f: () => void): { cpu: number; wall: number } {
  f();
  let b = { cpu: Infinity, wall: Infinity };
  for (let i = 0; i < reps; i++) {
    const w = performance.now();
    const c = process.cpuUsage();
    f();
    const cu = process.cpuUsage(c);
    const cpu = (cu.user + cu.system) / 1000;
    if (cpu < b.cpu) b = { cpu, wall: performance.now() - w };
  }
  return b;
}

/** Bare core: OrderBook.apply over every row, no grouping, no output. */
function applyLoop(f: BookChangeFrame): number {
  const book = new OrderBook();
  const s = f.columns.side, p = f.columns.price, q = f.columns.amount, snap = f.columns.isSnapshot;
  let x = 0;
  for (let i = 0; i < f.length; i++) {
    if (snap[i] === 1 && (i === 0 || snap[i - 1] === 0)) book.clear();
    book.apply(s[i], p[i], q[i]);
  }
  x += book.bestBid();
  return x;
}

/** Naive baseline: Map<price, size> per side, best bid / ask found by scanning all keys after each message. */
function naiveReplay(f: BookChangeFrame): number {
  const bids = new Map<number, number>(), asks = new Map<number, number>();
  const s = f.columns.side, p = f.columns.price, q = f.columns.amount, snap = f.columns.isSnapshot, l = f.columns.localTimestamp, u = f.columns.updateId;
  let acc = 0;
  for (let i = 0; i < f.length; ) {
    if (snap[i] === 1 && (i === 0 || snap[i - 1] === 0)) {
      bids.clear();
      asks.clear();
    }
    let e = i;
    while (e < f.length && l[e] === l[i] && u[e] === u[i] && snap[e] === snap[i]) {
      const m = s[e] === 1 ? bids : asks;
      if (q[e] === 0) m.delete(p[e]);
      else m.set(p[e], q[e]);
      e++;
    }
    let bb = -Infinity, ba = Infinity;
    for (const k of bids.keys()) if (k > bb) bb = k;
    for (const k of asks.keys()) if (k < ba) ba = k;
    acc += bb - ba;
    i = e;
  }
  return acc;
}

const fmt = (x: number) => (x / 1e6).toFixed(1).padStart(7) + " M level updates/s";

/** Prints the workload's figures; returns the CPU-time rates (level updates/s) of top-of-book replay and of the naive baseline (NaN when not run). */
function report(name: string, f: BookChangeFrame, reps: number, naive: boolean): { top: number; naive: number } {
  const rows = f.length;
  const r = replayBook(f);
  console.log(`\n${name}: ${rows.toLocaleString("en-US")} level updates in ${r.stats.updates.toLocaleString("en-US")} messages (${(rows / r.stats.updates).toFixed(1)} levels/message), ` +
    `${r.stats.missingDeletes.toLocaleString("en-US")} of them deletes of absent levels`);
  const line = (what: string, t: { cpu: number; wall: number }) => {
    console.log(`  ${what.padEnd(48)} ${t.cpu.toFixed(1).padStart(8)} ms CPU (${t.wall.toFixed(1)} ms wall)  ${fmt((rows / t.cpu) * 1000)}`);
    return (rows / t.cpu) * 1000;
  };
  const top = line("replayBook, top of book, one row per message", best(reps, () => replayBook(f)));
  line("replayBook, depth 10 (40 level columns)", best(reps, () => replayBook(f, { depth: 10 })));
  line("replayBook, emit \"change\"", best(reps, () => replayBook(f, { emit: "change" })));
  line("bare OrderBook.apply loop (no grouping/output)", best(reps, () => applyLoop(f)));
  const nv = naive ? line("baseline: Map per side + scan for best", best(Math.min(reps, 2), () => naiveReplay(f))) : NaN;
  return { top, naive: nv };
}

/** Adds the top-of-book figure and its naive baseline to the run-wide summary (bench/run.ts), target ≥ 10M level updates/s. */
function summarize(workload: string, top: number, naive: number, naiveOn: string): void {
  recordSummary({
    bench: "bookReplay",
    workload,
    ours: `replayBook ${(top / 1e6).toFixed(1)} M level updates/s (best run, CPU time)`,
    baseline: `naive Map + scan ${(naive / 1e6).toFixed(1)} M/s${naiveOn}`,
    ratio: `ours/naive ${fmtRatio(top / naive)}`,
    target: "≥ 10 M level updates/s, one core",
    met: top >= 10e6 ? "yes" : "NO",
  });
}

async function main(): Promise<void> {
  console.log(`book replay throughput, node ${process.version}, one thread`);
  if (hasRealData()) {
    const dir = "binance-spot-btcusdt-ethusdt-l2-trades-2024-08-08/raw/";
    const c = await loadBinanceCapture([dataPath(dir + "btcusdt_20240808.gz"), dataPath(dir + "btcusdt_20240809.gz")]);
    const r = report("real BTCUSDT spot depth (2024-08-08/09)", c.depth, 10, true);
    summarize(`real BTCUSDT depth, ${c.depth.length.toLocaleString("en-US")} level updates`, r.top, r.naive, "");
  } else {
    console.log("\n(real data not found: skipping the BTCUSDT workload)");
  }
  const rows = Number(process.env.BENCH_ROWS ?? 10_000_000);
  const t = performance.now();
  const syn = synthetic(rows);
  console.log(`\n(generated ${rows.toLocaleString("en-US")} synthetic rows in ${(performance.now() - t).toFixed(0)} ms)`);
  const rs = report("synthetic random walk", syn, 3, false);
  console.log(`  baseline on the first 1,000,000 rows:`);
  const head = syn.slice(0, 1_000_000);
  const t1 = best(1, () => naiveReplay(head));
  console.log(`  ${"baseline: Map per side + scan for best".padEnd(48)} ${t1.cpu.toFixed(1).padStart(8)} ms CPU (${t1.wall.toFixed(1)} ms wall)  ${fmt((head.length / t1.cpu) * 1000)}`);
  summarize(`synthetic random walk, ${rows.toLocaleString("en-US")} level updates`, rs.top, (head.length / t1.cpu) * 1000, " (first 1M rows)");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
