/**
 * Test fixture: the DEM/GBP daily percentage returns (Bollerslev & Ghysels 1996; T = 1974), the standard GARCH
 * benchmark series (McCullough & Renfro 1999; Brooks, Burke & Persand 2001), extracted on demand from R fGarch's
 * `dem2gbp` dataset (Debian r-cran-fgarch) by test/fixtures/dem2gbp/extract.R into the git-ignored cache file
 * test/fixtures/dem2gbp/dem2gbp.csv. Without R the tests skip with the reason (and fail under CI=true).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import type { TestContext } from "node:test";
import { IN_CI, needTool } from "../helpers";

/** Folder of the extraction script and the cache file. */
export const DEM2GBP_DIR = path.resolve(__dirname, "../fixtures/dem2gbp");
/** The cache file (one header line "dem2gbp", then 1974 values at 17 significant digits). */
export const DEM2GBP_CSV = path.join(DEM2GBP_DIR, "dem2gbp.csv");
/** Number of observations of the series. */
export const DEM2GBP_N = 1974;

/** Reads and checks a cache file: 1974 finite values, the first 0.12533286 (to 8 decimals). Throws when it is not that. */
export function readDem2gbp(file: string = DEM2GBP_CSV): Float64Array {
  const lines = fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "");
  if (lines[0] !== "dem2gbp") throw new Error(`${file}: line 1 should be the header "dem2gbp"`);
  const x = new Float64Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const v = Number(lines[i]);
    if (!Number.isFinite(v)) throw new Error(`${file}:${i + 1}: not a number: "${lines[i]}"`);
    x[i - 1] = v;
  }
  if (x.length !== DEM2GBP_N) throw new Error(`${file}: ${x.length} values, expected ${DEM2GBP_N}`);
  if (Math.abs(x[0] - 0.12533286) > 5e-9) throw new Error(`${file}: first value ${x[0]}, expected 0.12533286`);
  return x;
}

/** Runs `Rscript extract.R out` (fGarch's dem2gbp → `out`); throws with R's stderr when it fails. Returns `out`. */
export function extractDem2gbp(out: string = DEM2GBP_CSV): string {
  const r = spawnSync("Rscript", [path.join(DEM2GBP_DIR, "extract.R"), out], { encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`Rscript extract.R failed (exit ${r.status}): ${(r.stderr || String(r.error ?? "")).trim().slice(-600)}`);
  return out;
}

/**
 * The DEM/GBP series for a test: from the cache when present, else extracted with Rscript; `false` (after skipping
 * the test with the reason, or failing under CI) when the cache is absent and Rscript or fGarch is not installed.
 */
export function needDem2gbp(t: TestContext): Float64Array | false {
  if (!fs.existsSync(DEM2GBP_CSV)) {
    if (!needTool(t, "Rscript")) return false;
    try {
      extractDem2gbp();
    } catch (e) {
      // R is there but fGarch is not (Debian r-cran-fgarch): skip with the reason, or fail under CI
      const reason = `cannot extract dem2gbp with R fGarch (r-cran-fgarch): ${(e as Error).message}`;
      if (IN_CI) throw new Error(`${reason} (required under CI=true; .ci/run must provide it)`);
      console.log(`# SKIP ${t.name}: ${reason}`);
      t.skip(reason);
      return false;
    }
  }
  return readDem2gbp();
}
