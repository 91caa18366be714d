/**
 * TensorFlow.js backend selection for makerlab's neural models.
 *
 * makerlab depends on plain `@tensorflow/tfjs` plus `@tensorflow/tfjs-backend-wasm`. The native
 * `@tensorflow/tfjs-node` cannot be installed offline, and package.json overrides the name
 * `@tensorflow/tfjs-node` to plain tfjs (for danfojs-node), so `require("@tensorflow/tfjs-node")`
 * succeeding proves nothing. A real tfjs-node is recognised only when the package at that name calls
 * itself `@tensorflow/tfjs-node` and, once required, has registered the native backend `"tensorflow"`
 * and `setBackend("tensorflow")` activates it. Order of preference:
 *
 *   prefer "node": tensorflow (native) → wasm → cpu
 *   prefer "wasm": wasm → cpu
 *   prefer "cpu":  cpu
 *
 * Every backend skipped is listed with its reason in `TfInitResult.skipped`. The wasm binaries are loaded
 * from `node_modules/@tensorflow/tfjs-backend-wasm/dist/` via `setWasmPaths` (SIMD on; threads are off in Node).
 * Neural code must take its `tf` module from the result (`initTensorflow().tf`), not from a static import:
 * a real tfjs-node brings its own tfjs-core instance.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as TF from "@tensorflow/tfjs";
import { ArgumentError } from "../errors";

/** The tfjs module type (the same API whether it comes from tfjs or a real tfjs-node). */
export type TfModule = typeof TF;

/** Backend names as tfjs reports them: "tensorflow" is the native tfjs-node backend. */
export type TfBackendName = "tensorflow" | "wasm" | "cpu";

/** Which backend to try first: "node" (native if really present), "wasm" or "cpu". */
export type TfPreference = "node" | "wasm" | "cpu";

/** Options of `initTensorflow`. */
export interface TfInitOptions {
  /** Backend to try first (default: env MAKERLAB_TF_BACKEND if set, else "node"). Falls back down the chain node → wasm → cpu. */
  prefer?: TfPreference;
}

/** What `initTensorflow` selected. */
export interface TfInitResult {
  /** The tfjs module to use for every op and layer. */
  readonly tf: TfModule;
  /** The active backend. */
  readonly backend: TfBackendName;
  /** The preference this result answers. */
  readonly prefer: TfPreference;
  /** Backends tried and skipped before `backend`, each with its reason. */
  readonly skipped: ReadonlyArray<{ backend: TfBackendName; reason: string }>;
  /** One line for notebooks, e.g. `tfjs 4.22.0 backend wasm (skipped tensorflow: …)`. */
  readonly summary: string;
}

const PREFS: readonly TfPreference[] = ["node", "wasm", "cpu"];
const cache = new Map<TfPreference, Promise<TfInitResult>>();
let last: TfInitResult | undefined;

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message.split("\n")[0] : String(e);
}

/** Loads plain @tensorflow/tfjs (CommonJS). */
function loadPlainTf(): TfModule {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require("@tensorflow/tfjs") as TfModule;
}

/**
 * Looks for a real tfjs-node: the package named `@tensorflow/tfjs-node` (not an override alias) whose module,
 * once required, has registered the native "tensorflow" backend. Returns the module or the reason it is unusable.
 */
export function detectTfjsNode(): { tf?: TfModule; reason?: string } {
  let pkgFile: string;
  try {
    pkgFile = require.resolve("@tensorflow/tfjs-node/package.json");
  } catch {
    return { reason: "@tensorflow/tfjs-node is not installed" };
  }
  let pkg: { name?: string; version?: string };
  try {
    pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { name?: string; version?: string };
  } catch (e) {
    return { reason: `cannot read ${pkgFile}: ${errMessage(e)}` };
  }
  if (pkg.name !== "@tensorflow/tfjs-node") {
    return {
      reason: `node_modules/@tensorflow/tfjs-node is ${pkg.name}@${pkg.version} (an npm override alias), not the native binding`,
    };
  }
  let mod: TfModule;
  try {
    mod = require("@tensorflow/tfjs-node") as TfModule;
  } catch (e) {
    return { reason: `require("@tensorflow/tfjs-node") failed: ${errMessage(e)}` };
  }
  if (typeof mod.findBackendFactory !== "function" || mod.findBackendFactory("tensorflow") == null) {
    return { reason: `@tensorflow/tfjs-node ${pkg.version} loaded but registered no "tensorflow" backend` };
  }
  return { tf: mod };
}

/** Directory holding the tfjs-backend-wasm .wasm files, with a trailing separator (for setWasmPaths). */
export function wasmDistDir(): string {
  const main = require.resolve("@tensorflow/tfjs-backend-wasm"); // dist/tf-backend-wasm.node.js
  return path.dirname(main) + path.sep;
}

let wasmPathsSet = false;

async function tryWasm(tf: TfModule): Promise<string | undefined> {
  try {
    // Registers the "wasm" backend with the tfjs-core instance shared with @tensorflow/tfjs.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const wasm = require("@tensorflow/tfjs-backend-wasm") as { setWasmPaths(p: string): void };
    if (tf.findBackendFactory("wasm") == null) return "the wasm backend did not register with this tfjs instance";
    if (!wasmPathsSet) {
      const dir = wasmDistDir();
      if (!fs.existsSync(path.join(dir, "tfjs-backend-wasm.wasm"))) return `tfjs-backend-wasm.wasm not found in ${dir}`;
      wasm.setWasmPaths(dir);
      wasmPathsSet = true;
    }
    const ok = await tf.setBackend("wasm");
    if (!ok || tf.getBackend() !== "wasm") return "setBackend(\"wasm\") failed (wasm module did not initialise)";
    await tf.ready();
    return undefined;
  } catch (e) {
    return `wasm backend failed: ${errMessage(e)}`;
  }
}

async function select(prefer: TfPreference): Promise<TfInitResult> {
  const skipped: { backend: TfBackendName; reason: string }[] = [];
  const finish = (tf: TfModule, backend: TfBackendName): TfInitResult => {
    const skip = skipped.map((s) => `${s.backend}: ${s.reason}`).join("; ");
    const r: TfInitResult = {
      tf,
      backend,
      prefer,
      skipped,
      summary: `tfjs ${tf.version_core} backend ${backend}` + (skip ? ` (skipped ${skip})` : ""),
    };
    last = r;
    return r;
  };
  if (prefer === "node") {
    const det = detectTfjsNode();
    if (det.tf) {
      try {
        const ok = await det.tf.setBackend("tensorflow");
        if (ok && det.tf.getBackend() === "tensorflow") {
          await det.tf.ready();
          return finish(det.tf, "tensorflow");
        }
        skipped.push({ backend: "tensorflow", reason: 'setBackend("tensorflow") did not activate the native backend' });
      } catch (e) {
        skipped.push({ backend: "tensorflow", reason: errMessage(e) });
      }
    } else skipped.push({ backend: "tensorflow", reason: det.reason ?? "unavailable" });
  }
  const tf = loadPlainTf();
  if (prefer === "node" || prefer === "wasm") {
    const why = await tryWasm(tf);
    if (why === undefined) return finish(tf, "wasm");
    skipped.push({ backend: "wasm", reason: why });
  }
  const ok = await tf.setBackend("cpu");
  if (!ok || tf.getBackend() !== "cpu") throw new ArgumentError("no usable TensorFlow.js backend: cpu failed to initialise too", { field: "prefer" });
  await tf.ready();
  return finish(tf, "cpu");
}

/**
 * Selects and activates a TensorFlow.js backend (see the module comment for the fallback chain) and
 * returns the tfjs module to use with the backend's name and the reasons for any fallback.
 * Idempotent: calling again with the same preference returns the same result object without re-initialising,
 * as long as that backend is still the active one (if other code switched backends, it is re-activated).
 * A different preference switches the global tfjs backend.
 */
export async function initTensorflow(opts: TfInitOptions = {}): Promise<TfInitResult> {
  const envPref = process.env.MAKERLAB_TF_BACKEND;
  const prefer = opts.prefer ?? (envPref !== undefined && envPref !== "" ? (envPref as TfPreference) : "node");
  if (!PREFS.includes(prefer)) {
    throw new ArgumentError(`prefer must be "node", "wasm" or "cpu", got ${JSON.stringify(prefer)}`, { field: "prefer" });
  }
  const pending = cache.get(prefer);
  if (pending) {
    const r = await pending;
    if (r.tf.getBackend() === r.backend) {
      last = r;
      return r;
    }
    // Someone switched the global backend since: re-activate the same backend (already initialised, so cheap).
    const ok = await r.tf.setBackend(r.backend);
    if (ok && r.tf.getBackend() === r.backend) {
      last = r;
      return r;
    }
    cache.delete(prefer);
  }
  const p = select(prefer);
  cache.set(prefer, p);
  try {
    return await p;
  } catch (e) {
    cache.delete(prefer);
    throw e;
  }
}

/** The most recent `initTensorflow` result, or undefined before the first call. */
export function currentTensorflow(): TfInitResult | undefined {
  return last;
}
