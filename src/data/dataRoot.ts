/**
 * The data root: where makerlab reads public market data from. One setting:
 * the `MAKERLAB_DATA` environment variable, else `../shared/data` beside the project if it exists,
 * else the project's own generated `data/` folder (the seeded synthetic market).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Absolute path of the project root (the folder holding package.json). */
export function projectRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "src"))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

/** Where the data root setting came from. */
export type DataRootSource = "env" | "shared" | "synthetic";

/** The data root and how it was chosen. */
export function resolveDataRoot(): { path: string; source: DataRootSource } {
  const env = process.env.MAKERLAB_DATA;
  if (env && env.trim() !== "") return { path: path.resolve(env), source: "env" };
  const shared = path.resolve(projectRoot(), "..", "shared", "data");
  if (fs.existsSync(shared)) return { path: shared, source: "shared" };
  return { path: path.join(projectRoot(), "data"), source: "synthetic" };
}

/** Absolute path of the data root (see `resolveDataRoot`). */
export function dataRoot(): string {
  return resolveDataRoot().path;
}

/** True when the real public data set (../shared/data or MAKERLAB_DATA) is the data root. */
export function hasRealData(): boolean {
  const r = resolveDataRoot();
  return r.source !== "synthetic" && fs.existsSync(path.join(r.path, "SOURCES.md"));
}

/** Absolute path of a file under the data root. */
export function dataPath(...parts: string[]): string {
  return path.join(dataRoot(), ...parts);
}
