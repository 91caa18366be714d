/**
 * Test helpers. A test that needs the real data set or a system tool calls `needData` / `needTool`:
 * when the thing is absent it skips with a printed reason, and under CI=true it fails instead.
 */
import * as fs from "node:fs";
import { spawnSync } from "node:child_process";
import type { TestContext } from "node:test";
import { dataPath, hasRealData } from "../src/data/dataRoot";
import { createRng } from "../src/frame/rng";

export const IN_CI = process.env.CI === "true" || process.env.CI === "1";

function missing(t: TestContext, reason: string): false {
  if (IN_CI) throw new Error(`${reason} (required under CI=true; .ci/run must provide it)`);
  console.log(`# SKIP ${t.name}: ${reason}`);
  t.skip(reason);
  return false;
}

/**
 * The absolute path of a file of the real data set, or `false` (after skipping the test) when it is absent.
 * @param rel path under the data root, e.g. "binance-spot-btcusdt-ethusdt-l2-trades-2024-08-08/raw/btcusdt_20240808.gz"
 */
export function needData(t: TestContext, rel: string): string | false {
  if (!hasRealData()) return missing(t, `real data set not found (set MAKERLAB_DATA or provide ../shared/data)`);
  const p = dataPath(rel);
  if (!fs.existsSync(p)) return missing(t, `data file ${p} not found`);
  return p;
}

/** True when `cmd` runs (`cmd --version` exits 0); otherwise skips (or fails under CI) and returns false. */
export function needTool(t: TestContext, cmd: string, args: string[] = ["--version"]): boolean {
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  if (r.status === 0) return true;
  return missing(t, `system tool "${cmd}" not found`);
}

/** A seeded uniform [0, 1) generator for property tests (makerlab's own xoshiro128**, see src/frame/rng.ts). */
export function seededUniform(seed: number): () => number {
  const r = createRng(seed);
  return () => r.next();
}
