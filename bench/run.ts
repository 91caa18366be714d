/**
 * Runs every bench script in sequence and prints all their figures, then one summary table of every figure
 * beside its baseline. `npm run bench` (= node --import tsx bench/run.ts).
 *
 * Each script runs in its own Node process (`node --expose-gc --import tsx bench/<name>.ts`, output passed
 * through), so one script's heap, JIT state and DuckDB instance cannot disturb the next one's timings, and
 * `--expose-gc` lets the timing helpers collect garbage between runs. The scripts append their summary rows to
 * a temporary JSON-lines file named by the BENCH_SUMMARY environment variable (see common.ts `recordSummary`).
 * A script that fails is reported and the others still run; the exit code is then 1.
 *
 * Arguments: names of scripts to run (default all: loaders frame bookReplay liquidity garch inventory backtest), e.g. `npm run bench -- frame`.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { readSummary, table, title } from "./common";

/** The bench scripts, in the order they run. */
const SCRIPTS = ["loaders", "frame", "bookReplay", "liquidity", "garch", "inventory", "backtest"] as const;

/** Runs `node --expose-gc --import tsx bench/<name>.ts` with inherited stdio; resolves to its exit code. */
function runScript(name: string, summaryFile: string): Promise<number> {
  const root = path.resolve(__dirname, "..");
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["--expose-gc", "--import", "tsx", path.join("bench", `${name}.ts`)], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, BENCH_SUMMARY: summaryFile },
    });
    p.on("error", (e) => {
      console.error(`bench ${name}: ${e.message}`);
      resolve(1);
    });
    p.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !(SCRIPTS as readonly string[]).includes(a));
  if (unknown.length) {
    console.error(`unknown bench script(s): ${unknown.join(", ")}; known: ${SCRIPTS.join(", ")}`);
    process.exit(2);
  }
  const names = asked.length ? SCRIPTS.filter((s) => asked.includes(s)) : [...SCRIPTS];
  const cpus = os.cpus();
  console.log(
    `makerlab benchmarks: node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? "?"}, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${new Date().toISOString()}`,
  );
  console.log(`scripts: ${names.join(", ")} (each in its own process)`);
  const summaryFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-bench-")), "summary.jsonl");
  const t0 = performance.now();
  const status: string[][] = [];
  let failed = 0;
  for (const name of names) {
    console.log(`\n──── bench/${name}.ts ────`);
    const t = performance.now();
    const code = await runScript(name, summaryFile);
    const ms = performance.now() - t;
    if (code !== 0) failed++;
    status.push([name, code === 0 ? "ok" : `FAILED (exit ${code})`, (ms / 1000).toFixed(1) + " s"]);
  }
  const rows = readSummary(summaryFile);
  fs.rmSync(path.dirname(summaryFile), { recursive: true, force: true });

  title("Summary: every figure beside its baseline, measured in this run");
  console.log(
    table(
      ["bench", "workload", "ours", "baseline", "ratio", "target", "met"],
      rows.map((r) => [r.bench, r.workload, r.ours, r.baseline, r.ratio, r.target, r.met]),
      [0, 1, 2, 3, 4, 5],
    ),
  );
  console.log("");
  console.log(table(["script", "status", "wall"], status, [0, 1]));
  console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (failed) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
