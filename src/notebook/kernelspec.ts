/**
 * Jupyter kernelspec for makerlab: a tslab kernel started AT THE PROJECT ROOT, so that notebook cells can import
 * `./src/...` wherever the notebook file lives (tslab's rootDir is the kernel's working directory; a kernel
 * started in notebooks/ fails with "not under rootDir").
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ArgumentError, FileNotFoundError, MakerlabError } from "../errors";
import { projectRoot } from "../data/dataRoot";

/** Options of `installKernel`. */
export interface KernelInstallOptions {
  /** Install into the per-user Jupyter data dir (the default when no prefix is given). */
  user?: boolean;
  /** Install into `<prefix>/share/jupyter/kernels/<name>/`. */
  prefix?: string;
  /** Kernel name (letters, digits, ".", "_", "-"); default "makerlab". */
  name?: string;
  /** Name shown in Jupyter's kernel menu; default "makerlab (TypeScript)". */
  displayName?: string;
  /** Project root the kernel starts in (default: this project's root). */
  rootDir?: string;
  /** Node executable (default: the one running now, process.execPath). */
  nodePath?: string;
}

/** A Jupyter kernel.json. */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal";
  env: Record<string, string>;
  metadata: Record<string, unknown>;
}

/** What `installKernel` wrote, and how to use it. */
export interface KernelInstallResult {
  /** Kernel folder (`…/kernels/<name>`). */
  dir: string;
  /** Path of the kernel.json written. */
  kernelJson: string;
  spec: KernelSpec;
  /** The folder to put in JUPYTER_PATH (prefix installs), else null. */
  jupyterPath: string | null;
  /** Human instructions: how to start Jupyter with this kernel. */
  instructions: string;
}

/**
 * Quotes a string for POSIX sh: plain double quotes when it holds no `"`, `$`, `` ` ``, `\` or `!`;
 * otherwise single quotes, with each `'` written as `'\''`.
 */
export function shQuote(s: string): string {
  if (!/["$`\\!]/.test(s)) return `"${s}"`;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The kernel argv: `/bin/sh -c '<script>' {connection_file}`. With `sh -c script arg`, sh assigns the first
 * argument after the script to `$0` (not `$1`), so the script passes `"$0"` as tslab's --config-path. The script
 * cds to the project root and execs node on the project's pinned tslab.
 */
export function kernelArgv(rootDir: string, nodePath: string = process.execPath): string[] {
  const script = `cd ${shQuote(rootDir)} && exec ${shQuote(nodePath)} node_modules/tslab/bin/tslab kernel --config-path "$0"`;
  return ["/bin/sh", "-c", script, "{connection_file}"];
}

/**
 * The per-user Jupyter data dir: $JUPYTER_DATA_DIR if set; else on Linux $XDG_DATA_HOME/jupyter or
 * ~/.local/share/jupyter; on macOS ~/Library/Jupyter; on Windows %APPDATA%\jupyter (jupyter_core's rules).
 */
export function userJupyterDataDir(): string {
  const env = process.env.JUPYTER_DATA_DIR;
  if (env && env.trim() !== "") return path.resolve(env);
  const home = os.homedir();
  if (process.platform === "darwin") return path.join(home, "Library", "Jupyter");
  if (process.platform === "win32") return path.join(process.env.APPDATA ?? path.join(home, "AppData", "Roaming"), "jupyter");
  const xdg = process.env.XDG_DATA_HOME;
  return path.join(xdg && xdg.trim() !== "" ? xdg : path.join(home, ".local", "share"), "jupyter");
}

/**
 * Writes a kernelspec (kernel.json, language "typescript") that starts tslab at the project root:
 * with `prefix` into `<prefix>/share/jupyter/kernels/<name>/`, else (user) into `<user data dir>/kernels/<name>/`.
 * Overwrites an existing spec of the same name. Returns the paths and printable instructions.
 */
export function installKernel(options: KernelInstallOptions = {}): KernelInstallResult {
  const name = options.name ?? "makerlab";
  const displayName = options.displayName ?? "makerlab (TypeScript)";
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new ArgumentError(`invalid kernel name "${name}"`, { field: "name" }, "use letters, digits, '.', '_' and '-' only");
  }
  if (options.user && options.prefix) {
    throw new ArgumentError("give either --user or --prefix, not both", { field: "prefix" });
  }
  if (process.platform === "win32") {
    throw new MakerlabError("the makerlab kernelspec needs /bin/sh", {}, "run Jupyter under WSL, or use `makerlab notebooks run` (no Jupyter needed)");
  }
  const root = path.resolve(options.rootDir ?? projectRoot());
  const tslabBin = path.join(root, "node_modules", "tslab", "bin", "tslab");
  if (!fs.existsSync(tslabBin)) {
    throw new FileNotFoundError("tslab is not installed in the project", { file: tslabBin }, `run npm ci in ${root}`);
  }
  const nodePath = path.resolve(options.nodePath ?? process.execPath);
  const base = options.prefix ? path.join(path.resolve(options.prefix), "share", "jupyter") : userJupyterDataDir();
  const dir = path.join(base, "kernels", name);
  const spec: KernelSpec = {
    argv: kernelArgv(root, nodePath),
    display_name: displayName,
    language: "typescript",
    interrupt_mode: "signal",
    env: {},
    metadata: { makerlab: { root, node: nodePath, tslab: tslabVersion(root) } },
  };
  fs.mkdirSync(dir, { recursive: true });
  const kernelJson = path.join(dir, "kernel.json");
  fs.writeFileSync(kernelJson, JSON.stringify(spec, null, 1) + "\n");
  const jupyterPath = options.prefix ? base : null;
  const envPrefix = jupyterPath ? `JUPYTER_PATH=${shQuote(jupyterPath)} ` : "";
  const instructions = [
    `Installed Jupyter kernel "${name}" (${displayName}): ${kernelJson}`,
    `It starts tslab in ${root}, so cells import ./src/... wherever the notebook is.`,
    "",
    "Start Jupyter with it:",
    `  ${envPrefix}jupyter lab          # or: ${envPrefix}jupyter notebook`,
    `  then pick the kernel "${displayName}" (kernel name: ${name}).`,
    "Run a notebook through Jupyter without a browser:",
    `  ${envPrefix}jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=${name} --output-dir /tmp/out notebooks/01-market-data.ipynb`,
    jupyterPath ? `Check: ${envPrefix}jupyter kernelspec list` : `Check: jupyter kernelspec list`,
  ].join("\n");
  return { dir, kernelJson, spec, jupyterPath, instructions };
}

function tslabVersion(root: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(root, "node_modules", "tslab", "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}
