/**
 * GARCH(1,1) maximum-likelihood fit, constant mean, normal errors: ours (`fitGarch`, FCP presample) beside R fGarch's
 * `garchFit(~garch(1,1), data, include.mean = TRUE, trace = FALSE)` on the same data in the same run:
 * the DEM/GBP benchmark series (T = 1,974, fGarch's `dem2gbp`) and 100,000 synthetic GARCH(1,1) returns (seeded).
 *
 * Like with like: fGarch's default presample (`init.rec = "mci"`: h_1 = ω + (α + β)·mean(z²) with z the residuals at
 * the current μ) is the Fiorentini-Calzolari-Panattoni convention, which is our `presample: "fcp"`; both likelihoods
 * include the full normal constant. So the log-likelihoods are comparable to the last digit; we also evaluate our
 * likelihood at fGarch's estimates, which separates "same likelihood function" from "same optimum".
 * Both timings cover the whole fit as a user calls it: optimizer, Hessian standard errors (ours also the robust ones).
 * fGarch is timed inside R (proc.time() around garchFit only, after one warm-up fit); R start-up and data loading are
 * not timed. Data go to R as raw little-endian float64 files (bench/.cache/), read with readBin (exact).
 *
 * Environment: BENCH_GARCH_N (synthetic length, default 100000), BENCH_GARCH_RUNS (timed runs on DEM/GBP, default 20;
 * the synthetic series gets a quarter of them, at least 3).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { cacheDir, fmtInt, fmtMs, fmtVs, recordSummary, table, timeIt, title, writeF64File, type Timing, timingOf } from "./common";
import { fitGarch, garchLogLik, simulateGarch, type GarchFit } from "../src/volatility/garch";
import { extractDem2gbp, readDem2gbp } from "../test/volatility/dem2gbp";

const NO_FGARCH = "fGarch: not available (apt-get install r-base-core r-cran-fgarch)";
const TARGET = "faster than fGarch; |Δℓ| ≤ 1e-6";

/** R: for each (key, file, n, runs): one warm-up fit, then `runs` timed fits; one JSON line per data set. */
const R_SCRIPT = String.raw`
ok <- suppressPackageStartupMessages(requireNamespace("fGarch", quietly = TRUE))
if (!ok) { cat('{"error":"no-fgarch"}\n'); quit(status = 0) }
suppressPackageStartupMessages(library(fGarch))
a <- commandArgs(trailingOnly = TRUE)
for (i in seq(1, length(a), by = 4)) {
  key <- a[i]; n <- as.integer(a[i + 2]); runs <- as.integer(a[i + 3])
  x <- readBin(a[i + 1], "double", n = n, size = 8, endian = "little")
  f <- garchFit(~garch(1, 1), data = x, include.mean = TRUE, trace = FALSE)
  ms <- numeric(runs)
  for (k in seq_len(runs)) {
    t0 <- proc.time()[["elapsed"]]
    f <- garchFit(~garch(1, 1), data = x, include.mean = TRUE, trace = FALSE)
    ms[k] <- (proc.time()[["elapsed"]] - t0) * 1000
  }
  cf <- coef(f)
  cat(sprintf('{"key":"%s","n":%d,"ms":[%s],"llh":%.17g,"coef":[%s],"se":[%s],"version":"%s","R":"%s"}\n',
    key, length(x), paste(sprintf("%.3f", ms), collapse = ","), f@fit$llh,
    paste(sprintf("%.17g", cf[c("mu", "omega", "alpha1", "beta1")]), collapse = ","),
    paste(sprintf("%.17g", f@fit$se.coef[c("mu", "omega", "alpha1", "beta1")]), collapse = ","),
    as.character(packageVersion("fGarch")), paste(R.version$major, R.version$minor, sep = ".")))
}
`;

interface RResult {
  key: string;
  n: number;
  ms: number[];
  llh: number;
  coef: number[];
  se: number[];
  version: string;
  R: string;
}

/** Runs the R script; resolves to its per-dataset results, or null and why. */
function runR(args: string[], timeoutMs: number): Promise<{ results: RResult[] | null; reason: string }> {
  return new Promise((resolve) => {
    const p = spawn("Rscript", ["-e", R_SCRIPT, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    p.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    p.on("error", (e) => {
      clearTimeout(timer);
      resolve({ results: null, reason: `${NO_FGARCH} (${e.message})` });
    });
    p.on("close", (code) => {
      clearTimeout(timer);
      const lines = out.split("\n").filter((l) => l.startsWith("{"));
      const objs = lines.map((l) => JSON.parse(l) as RResult & { error?: string });
      if (objs.some((o) => o.error)) return resolve({ results: null, reason: NO_FGARCH });
      if (code !== 0 || objs.length === 0) return resolve({ results: null, reason: `Rscript exited ${code}: ${err.trim().slice(-400)}` });
      resolve({ results: objs, reason: "" });
    });
  });
}

interface DataSet {
  key: string;
  /** Short name for the timing lines. */
  short: string;
  label: string;
  data: Float64Array;
  runs: number;
  file: string;
}

function fmtParam(x: number): string {
  return x.toPrecision(9);
}

async function main(): Promise<void> {
  const nSyn = Number(process.env.BENCH_GARCH_N ?? 100_000);
  const runsDem = Number(process.env.BENCH_GARCH_RUNS ?? 20);
  const runsSyn = Math.max(3, Math.round(runsDem / 4));
  title(`GARCH(1,1) fit (constant mean, normal): ours vs R fGarch garchFit, DEM/GBP (T = 1,974) and ${fmtInt(nSyn)} synthetic returns`);
  console.log("Wall clock, median of the timed runs after 1 warm-up each (ours: node; fGarch: inside R, proc.time around garchFit).");
  console.log('Presample: ours "fcp" = fGarch\'s default init.rec = "mci" (h_1 = ω + (α+β)·mean(z²) at the current μ), so the likelihoods are the same function.');
  const dir = cacheDir();
  const sets: DataSet[] = [];
  // DEM/GBP from fGarch (needs R; the extraction is not timed)
  const demCsv = path.join(dir, "dem2gbp.csv");
  let demNote = "";
  try {
    if (!fs.existsSync(demCsv)) extractDem2gbp(demCsv);
    sets.push({ key: "dem", short: "DEM/GBP", label: "DEM/GBP, T = 1,974", data: readDem2gbp(demCsv), runs: runsDem, file: path.join(dir, "garch-dem2gbp.f64") });
  } catch (e) {
    demNote = `DEM/GBP not run: ${(e as Error).message.split("\n")[0]}`;
    console.log(demNote);
  }
  const truth = { mu: 0.02, omega: 0.02, alpha: 0.08, beta: 0.9 };
  const syn = simulateGarch(truth, nSyn, 2024).returns;
  sets.push({ key: "syn", short: `synthetic ${fmtInt(nSyn)}`, label: `synthetic GARCH(1,1), T = ${fmtInt(nSyn)} (seed 2024; μ 0.02, ω 0.02, α 0.08, β 0.9)`, data: syn, runs: runsSyn, file: path.join(dir, `garch-syn-${nSyn}.f64`) });

  // ours
  const ours: Record<string, { t: Timing; fit: GarchFit }> = {};
  for (const s of sets) {
    writeF64File(s.file, s.data);
    const fit = fitGarch(s.data, { presample: "fcp" });
    const t = await timeIt(() => fitGarch(s.data, { presample: "fcp" }), s.runs, 1);
    ours[s.key] = { t, fit };
    console.log(
      `  ours   ${s.short.padEnd(18)} ${fmtMs(t.median).padStart(8)} ms median, min ${fmtMs(t.min)} (${s.runs} runs; ${fit.iterations} BFGS iterations, converged ${fit.converged})`,
    );
  }

  // fGarch
  const args = sets.flatMap((s) => [s.key, s.file, String(s.data.length), String(s.runs)]);
  const r = await runR(args, 900_000);
  const fg: Record<string, RResult> = {};
  if (r.results) {
    for (const x of r.results) {
      fg[x.key] = x;
      const s = sets.find((q) => q.key === x.key)!;
      const t = timingOf(x.ms, 1);
      console.log(`  fGarch ${s.short.padEnd(18)} ${fmtMs(t.median).padStart(8)} ms median, min ${fmtMs(t.min)} (${x.ms.length} runs; fGarch ${x.version}, R ${x.R})`);
    }
  } else {
    console.log(`  ${r.reason}`);
  }

  // results
  for (const s of sets) {
    const o = ours[s.key];
    const f = fg[s.key];
    console.log(`\n${s.label}`);
    const p = o.fit.params;
    const rows: string[][] = [
      ["mu", fmtParam(p.mu), f ? fmtParam(f.coef[0]) : "n/a", fmtParam(o.fit.stdErrors.mu!), f ? fmtParam(f.se[0]) : "n/a"],
      ["omega", fmtParam(p.omega), f ? fmtParam(f.coef[1]) : "n/a", fmtParam(o.fit.stdErrors.omega!), f ? fmtParam(f.se[1]) : "n/a"],
      ["alpha", fmtParam(p.alpha), f ? fmtParam(f.coef[2]) : "n/a", fmtParam(o.fit.stdErrors.alpha!), f ? fmtParam(f.se[2]) : "n/a"],
      ["beta", fmtParam(p.beta), f ? fmtParam(f.coef[3]) : "n/a", fmtParam(o.fit.stdErrors.beta!), f ? fmtParam(f.se[3]) : "n/a"],
      ["log-likelihood", o.fit.logLik.toFixed(8), f ? (-f.llh).toFixed(8) : "n/a", "", ""],
    ];
    console.log(table(["", "ours", "fGarch", "ours s.e.", "fGarch s.e."], rows));
    if (s.key === "dem") {
      console.log("published (FCP convention): μ −0.00619041, ω 0.0107613, α 0.153134, β 0.805974, ℓ −1106.60788;");
      console.log("  Hessian s.e. 0.00846212, 0.00285271, 0.0265228, 0.0335527 (fGarch's own s.e. use another numerical Hessian)");
    }
    let met = "";
    let ratio = "";
    if (f) {
      const dll = o.fit.logLik - -f.llh;
      const llAtTheirs = garchLogLik(s.data, { mu: f.coef[0], omega: f.coef[1], alpha: f.coef[2], beta: f.coef[3] }, { presample: "fcp" });
      const fgT = timingOf(f.ms, 1);
      const faster = o.t.median < fgT.median;
      const equal = Math.abs(dll) <= 1e-6;
      ratio = `ours ${fmtVs(o.t.median, fgT.median)}; Δℓ ${dll.toExponential(2)}`;
      met = `${faster ? "yes" : "NO"} / ${equal ? "yes" : "NO"}`;
      console.log(`time: ours ${fmtMs(o.t.median)} ms vs fGarch ${fmtMs(fgT.median)} ms → ours ${fmtVs(o.t.median, fgT.median)} (fGarch/ours ${(fgT.median / o.t.median).toFixed(1)})`);
      console.log(`log-likelihood: ours − fGarch = ${dll.toExponential(3)} (target |Δ| ≤ 1e-6: ${equal ? "met" : "NOT met"})`);
      console.log(`our likelihood at fGarch's estimates − fGarch's = ${(llAtTheirs - -f.llh).toExponential(3)} (same function, same presample)`);
    }
    recordSummary({
      bench: "garch",
      workload: `GARCH(1,1) fit, ${s.label.replace(/ \(seed.*$/, "")}`,
      ours: `${fmtMs(o.t.median)} ms, ℓ ${o.fit.logLik.toFixed(6)}`,
      baseline: f ? `fGarch garchFit ${fmtMs(timingOf(f.ms, 1).median)} ms, ℓ ${(-f.llh).toFixed(6)}` : r.reason,
      ratio,
      target: TARGET,
      met,
    });
  }
  if (demNote) recordSummary({ bench: "garch", workload: "GARCH(1,1) fit, DEM/GBP", ours: "not run", baseline: demNote, ratio: "", target: TARGET, met: "" });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
