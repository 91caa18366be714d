/**
 * A small neural forecaster of daily realized variance (RV) in TensorFlow.js: an MLP on HAR-style / lagged
 * log-RV features, or an LSTM on the last `sequenceLength` days, trained with a chronological validation
 * split and early stopping (best weights restored), seeded for bit-for-bit reproducibility on wasm / cpu.
 *
 * Conventions
 * - Timing: `rv[t]` is the realized variance of period t (e.g. a day). The forecast of `rv[t]` uses only
 *   `rv[0..t-1]` and the extra features at indices ≤ t−1 (an extra feature's value at index i must be known
 *   at the end of period i). "One step ahead".
 * - Target: y_t = ln rv_t, standardized z_t = (y_t − μ)/σ with μ, σ (sample s.d., n−1) computed on the
 *   training rows only (indices before the first validation target). The network minimizes MSE on z.
 * - Back-transform: ln-RV forecast m̂_t = μ + σ ẑ_t; RV forecast = exp(m̂_t + s²/2) with the log-normal bias
 *   correction (Granger & Newbold 1976) when `biasCorrection` (default true), else exp(m̂_t) (the conditional
 *   median). s² = σ² × (validation MSE at the best epoch), i.e. the out-of-sample variance of the ln-RV error;
 *   without a validation set, the training MSE.
 * - Split: the rows usable for training (targets t < trainEnd with complete inputs) are ordered in time; the
 *   last `validationFraction` of them are the validation set, the rest the training set. Nothing at or after
 *   `trainEnd` is read by the fit. Shuffling (when on) permutes training rows only, with a seeded permutation.
 * - Features (MLP): ln-RV at the given `lags` (z_{t−k}), trailing means of ln-RV over `harWindows`
 *   (HAR-style: mean of z_{t−w..t−1}, Corsi 2009 uses windows 1, 5, 22 on RV), plus each extra feature at t−1,
 *   standardized on the training rows. (LSTM): a sequence of `sequenceLength` steps, step j holding
 *   [z_{t−L+j}, extras_{t−L+j}].
 * - Reproducibility: every initializer gets a seed derived from `seed` (`deriveSeed`), biases start at zero,
 *   there is no dropout, and the shuffle uses makerlab's xoshiro128** stream. Same seed + same backend
 *   (wasm or cpu) → identical weights and forecasts. The native tfjs-node backend may use multithreaded
 *   kernels whose float sums are not ordered, so there the guarantee is not made.
 */
import type * as TF from "@tensorflow/tfjs";
import { ArgumentError, DataError } from "../errors";
import { IssueLog, type LoadIssue } from "../data/loadReport";
import { createRng, deriveSeed } from "../frame/rng";
import { atr, bollingerbands, rsi } from "technicalindicators";
import { initTensorflow, type TfBackendName, type TfModule, type TfPreference } from "./tfBackend";

/** Network type: "mlp" (dense layers on lag features) or "lstm" (recurrent over the last `sequenceLength` days). */
export type NeuralArchitecture = "mlp" | "lstm";

/** Extra input columns aligned with `rv` (same length); the value at index i must be known at the end of period i. NaN = missing (row skipped). */
export type NeuralExtraFeatures = Record<string, Float64Array>;

/** Options of `fitNeuralVolForecaster`. */
export interface NeuralVolOptions {
  /** "mlp" (default) or "lstm". */
  architecture?: NeuralArchitecture;
  /** MLP: single lags k ≥ 1 of ln-RV used as inputs (z_{t−k}); default none. */
  lags?: readonly number[];
  /** MLP: trailing-mean windows w ≥ 1 of ln-RV (mean of z_{t−w..t−1}); default [1, 5, 22] (HAR) when `lags` is not given, else none. */
  harWindows?: readonly number[];
  /** LSTM: steps in the input sequence (default 22). */
  sequenceLength?: number;
  /** What the network learns: "log-rv" (standardized ln RV, the only choice now). */
  target?: "log-rv";
  /** Hidden units per layer: MLP dense layers (default [16]); LSTM stacked layers (default [8]). */
  hiddenUnits?: number | readonly number[];
  /** Activation of the MLP hidden layers (default "relu"). */
  activation?: "relu" | "tanh";
  /** Maximum epochs (default 200 MLP, 100 LSTM). */
  epochs?: number;
  /** Mini-batch size (default 64 MLP, 256 LSTM: the LSTM's cost is per batch on wasm). */
  batchSize?: number;
  /** Adam learning rate (default 0.003 MLP, 0.01 LSTM). */
  learningRate?: number;
  /** Fraction of the usable rows, taken from the end, held out for validation / early stopping (default 0.2; 0 = none, train all epochs). */
  validationFraction?: number;
  /** Epochs without a validation improvement larger than `minDelta` before stopping (default 15). */
  patience?: number;
  /** Minimum decrease of the validation loss that counts as an improvement (default 0). */
  minDelta?: number;
  /** Seed of the initializers and the shuffle (default 0). */
  seed?: number;
  /** Shuffle training rows each epoch with a seeded permutation (default true); false = chronological batches. */
  shuffle?: boolean;
  /** Extra input columns aligned with rv, e.g. `technicalVolFeatures(...)`. */
  extraFeatures?: NeuralExtraFeatures;
  /** Fit on targets t < trainEnd only (default rv.length). */
  trainEnd?: number;
  /** Apply the log-normal bias correction exp(s²/2) to RV forecasts (default true). */
  biasCorrection?: boolean;
  /** Backend preference passed to `initTensorflow` (default: its default). */
  backend?: TfPreference;
  /** Called after each epoch (for progress lines). */
  onEpoch?: (epoch: number, trainLoss: number, valLoss: number) => void;
}

/** Chronological split of the fit, in target indices (index into rv). */
export interface NeuralSplit {
  /** First and last target index of the training rows. */
  readonly trainFirst: number;
  readonly trainLast: number;
  /** First and last target index of the validation rows (−1 when there is no validation set). */
  readonly valFirst: number;
  readonly valLast: number;
  readonly nTrain: number;
  readonly nVal: number;
}

/** Options of `NeuralVolForecaster.forecast`. */
export interface NeuralForecastOptions {
  /** First target index (default the forecaster's trainEnd). */
  from?: number;
  /** One past the last target index (default rv.length; at most rv.length + 1, the period after the data). */
  to?: number;
  /** Extra features aligned with this rv (required when the fit used them; same names). */
  extraFeatures?: NeuralExtraFeatures;
  /** "rv" (default): RV forecasts (bias-corrected if configured). "log-rv": m̂_t, the forecast of ln RV. */
  scale?: "rv" | "log-rv";
}

interface FeatureSpec {
  arch: NeuralArchitecture;
  lags: number[];
  har: number[];
  seqLen: number;
  extraNames: string[];
  lookback: number;
  nInputs: number; // per row (MLP) or per step (LSTM)
}

interface Prepared {
  y: Float64Array; // ln rv, NaN where rv is not finite and > 0
  ySum: Float64Array; // prefix sums of y with NaN treated as 0
  yBad: Int32Array; // prefix counts of non-finite y
  extras: Float64Array[];
  extraBad: Int32Array[];
}

const MODULE = "src/volatility/neural.ts";

function isPosInt(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x) && x >= 1;
}

function intList(v: readonly number[] | undefined, field: string): number[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ArgumentError(`${field} must be an array of positive integers`, { file: MODULE, field });
  for (const k of v) if (!isPosInt(k)) throw new ArgumentError(`${field} must hold positive integers, got ${k}`, { file: MODULE, field });
  return [...v];
}

function prepare(rv: Float64Array, extras: Float64Array[], n: number): Prepared {
  const y = new Float64Array(n);
  const ySum = new Float64Array(n + 1);
  const yBad = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const v = rv[i];
    const ok = v > 0 && Number.isFinite(v);
    const l = ok ? Math.log(v) : NaN;
    y[i] = l;
    ySum[i + 1] = ySum[i] + (ok ? l : 0);
    yBad[i + 1] = yBad[i] + (ok ? 0 : 1);
  }
  const extraBad = extras.map((e) => {
    const b = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) b[i + 1] = b[i] + (Number.isFinite(e[i]) ? 0 : 1);
    return b;
  });
  return { y, ySum, yBad, extras, extraBad };
}

/** Whether target t has complete inputs (ln RV over [t−lookback, t), extras over the indices they are read at). */
function inputsOk(p: Prepared, spec: FeatureSpec, t: number): boolean {
  const a = t - spec.lookback;
  if (a < 0) return false;
  if (p.yBad[t] - p.yBad[a] !== 0) return false;
  const ea = spec.arch === "lstm" ? t - spec.seqLen : t - 1;
  for (const b of p.extraBad) if (b[t] - b[ea] !== 0) return false;
  return true;
}

/** Writes the input row(s) of target t into x at offset off (MLP: nInputs values; LSTM: seqLen × nInputs). */
function writeRow(
  p: Prepared,
  spec: FeatureSpec,
  t: number,
  mu: number,
  sd: number,
  exMu: Float64Array,
  exSd: Float64Array,
  x: Float32Array,
  off: number,
): void {
  const ne = p.extras.length;
  if (spec.arch === "mlp") {
    let j = off;
    for (const k of spec.lags) x[j++] = (p.y[t - k] - mu) / sd;
    for (const w of spec.har) x[j++] = ((p.ySum[t] - p.ySum[t - w]) / w - mu) / sd;
    for (let e = 0; e < ne; e++) x[j++] = (p.extras[e][t - 1] - exMu[e]) / exSd[e];
  } else {
    let j = off;
    for (let s = t - spec.seqLen; s < t; s++) {
      x[j++] = (p.y[s] - mu) / sd;
      for (let e = 0; e < ne; e++) x[j++] = (p.extras[e][s] - exMu[e]) / exSd[e];
    }
  }
}

function checkExtras(extra: NeuralExtraFeatures | undefined, n: number, field: string): { names: string[]; cols: Float64Array[] } {
  if (extra === undefined) return { names: [], cols: [] };
  const names = Object.keys(extra).sort();
  const cols: Float64Array[] = [];
  for (const k of names) {
    const c = extra[k];
    if (!(c instanceof Float64Array)) throw new ArgumentError(`${field}.${k} must be a Float64Array`, { file: MODULE, field: `${field}.${k}` });
    if (c.length !== n) {
      throw new ArgumentError(`${field}.${k} has length ${c.length}, rv has ${n}: extra features must be aligned with rv`, {
        file: MODULE,
        field: `${field}.${k}`,
      });
    }
    cols.push(c);
  }
  return { names, cols };
}

function checkRv(rv: unknown): Float64Array {
  if (!(rv instanceof Float64Array)) throw new ArgumentError("rv must be a Float64Array of realized variances", { file: MODULE, field: "rv" });
  return rv;
}

/** One epoch's seeded Fisher–Yates shuffle of perm in place. */
function shuffleInPlace(perm: Int32Array, rng: { int(n: number): number }): void {
  for (let i = perm.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = perm[i];
    perm[i] = perm[j];
    perm[j] = tmp;
  }
}

/**
 * A fitted neural RV forecaster: the tfjs model handle, its scaling, training history and split.
 * Forecasts are one step ahead (see the module comment for timing and the back-transform). Call `dispose()`
 * when done to free the model's tensors.
 */
export class NeuralVolForecaster {
  /** The tfjs model (a `tf.Sequential`); disposed by `dispose()`. */
  readonly model: TF.LayersModel;
  /** The tfjs module the model lives in. */
  readonly tf: TfModule;
  /** Backend the model was trained on. */
  readonly backend: TfBackendName;
  readonly architecture: NeuralArchitecture;
  /** Names of the network inputs (MLP: per row; LSTM: per step), e.g. ["har1", "har5", "har22"]. */
  readonly featureNames: string[];
  /** Targets t < trainEnd were available to the fit; nothing from trainEnd on was read. */
  readonly trainEnd: number;
  readonly split: NeuralSplit;
  /** ln-RV standardization: z = (ln rv − mean)/sd, on the training rows. */
  readonly scaling: { readonly mean: number; readonly sd: number };
  /** Per-epoch losses (MSE on standardized ln RV): train = mean over the epoch's batches, val = after the epoch. */
  readonly history: { readonly trainLoss: number[]; readonly valLoss: number[] };
  /** 0-based epoch whose weights were restored (the lowest validation loss; the last epoch without validation). */
  readonly bestEpoch: number;
  readonly epochsRun: number;
  /** True when early stopping ended training before `epochs`. */
  readonly stoppedEarly: boolean;
  /** s² of the ln-RV forecast error, used by the bias correction exp(s²/2). */
  readonly residualVarianceLog: number;
  readonly biasCorrection: boolean;
  /** Rows dropped from the fit (incomplete inputs), counted by kind. */
  readonly issues: LoadIssue[];
  /** Fit wall time, ms. */
  readonly fitMs: number;
  private readonly spec: FeatureSpec;
  private readonly exMu: Float64Array;
  private readonly exSd: Float64Array;
  private isDisposed = false;

  /** @internal built by `fitNeuralVolForecaster`. */
  constructor(init: {
    model: TF.LayersModel;
    tf: TfModule;
    backend: TfBackendName;
    spec: FeatureSpec;
    featureNames: string[];
    trainEnd: number;
    split: NeuralSplit;
    scaling: { mean: number; sd: number };
    exMu: Float64Array;
    exSd: Float64Array;
    history: { trainLoss: number[]; valLoss: number[] };
    bestEpoch: number;
    epochsRun: number;
    stoppedEarly: boolean;
    residualVarianceLog: number;
    biasCorrection: boolean;
    issues: LoadIssue[];
    fitMs: number;
  }) {
    this.model = init.model;
    this.tf = init.tf;
    this.backend = init.backend;
    this.spec = init.spec;
    this.architecture = init.spec.arch;
    this.featureNames = init.featureNames;
    this.trainEnd = init.trainEnd;
    this.split = init.split;
    this.scaling = init.scaling;
    this.exMu = init.exMu;
    this.exSd = init.exSd;
    this.history = init.history;
    this.bestEpoch = init.bestEpoch;
    this.epochsRun = init.epochsRun;
    this.stoppedEarly = init.stoppedEarly;
    this.residualVarianceLog = init.residualVarianceLog;
    this.biasCorrection = init.biasCorrection;
    this.issues = init.issues;
    this.fitMs = init.fitMs;
  }

  /** True after `dispose()`. */
  get disposed(): boolean {
    return this.isDisposed;
  }

  /**
   * One-step forecasts of rv[t] for t in [from, to), each from rv[0..t−1] (and extras up to t−1) with the
   * fixed fitted model: RV units (exp(m̂ + s²/2), or exp(m̂) without bias correction), or m̂ = forecast of
   * ln RV with `scale: "log-rv"`. Rows whose inputs are incomplete (non-positive / non-finite rv, NaN extras,
   * t < lookback) get NaN. Returns a Float64Array of length to − from.
   */
  forecast(rv: Float64Array, opts: NeuralForecastOptions = {}): Float64Array {
    if (this.isDisposed) throw new ArgumentError("this NeuralVolForecaster was disposed", { file: MODULE, field: "model" });
    checkRv(rv);
    const n = rv.length;
    const from = opts.from ?? this.trainEnd;
    const to = opts.to ?? n;
    if (!Number.isInteger(from) || from < 0) throw new ArgumentError(`from must be an integer ≥ 0, got ${from}`, { file: MODULE, field: "from" });
    if (!Number.isInteger(to) || to < from || to > n + 1) {
      throw new ArgumentError(`to must be an integer in [from, rv.length + 1] = [${from}, ${n + 1}], got ${to}`, { file: MODULE, field: "to" });
    }
    const { names, cols } = checkExtras(opts.extraFeatures, n, "extraFeatures");
    if (names.join(",") !== this.spec.extraNames.join(",")) {
      throw new ArgumentError(`extraFeatures must have the fit's columns [${this.spec.extraNames.join(", ")}], got [${names.join(", ")}]`, {
        file: MODULE,
        field: "extraFeatures",
      });
    }
    const scale = opts.scale ?? "rv";
    if (scale !== "rv" && scale !== "log-rv") throw new ArgumentError(`scale must be "rv" or "log-rv"`, { file: MODULE, field: "scale" });
    const p = prepare(rv, cols, n);
    const out = new Float64Array(to - from).fill(NaN);
    const all = new Int32Array(to - from);
    let nr = 0;
    for (let t = from; t < to; t++) if (inputsOk(p, this.spec, t)) all[nr++] = t;
    if (nr === 0) return out;
    const rows = all.subarray(0, nr);
    const zhat = this.predictStd(p, rows);
    const { mean, sd } = this.scaling;
    const adj = scale === "rv" && this.biasCorrection ? this.residualVarianceLog / 2 : 0;
    for (let r = 0; r < rows.length; r++) {
      const m = mean + sd * zhat[r];
      out[rows[r] - from] = scale === "rv" ? Math.exp(m + adj) : m;
    }
    return out;
  }

  /** Forecast of the period after `history` ends: rv[history.length] from history[0..n−1] (RV units; NaN if inputs incomplete). */
  predict(history: Float64Array, extraFeatures?: NeuralExtraFeatures): number {
    checkRv(history);
    return this.forecast(history, { from: history.length, to: history.length + 1, extraFeatures })[0];
  }

  /** Standardized network outputs ẑ for target rows (all inputs complete), in chunks of 8192 rows. */
  private predictStd(p: Prepared, rows: Int32Array): Float32Array {
    const tf = this.tf;
    const spec = this.spec;
    const per = spec.arch === "mlp" ? spec.nInputs : spec.seqLen * spec.nInputs;
    const out = new Float32Array(rows.length);
    const CHUNK = 8192;
    for (let c0 = 0; c0 < rows.length; c0 += CHUNK) {
      const m = Math.min(CHUNK, rows.length - c0);
      const x = new Float32Array(m * per);
      for (let r = 0; r < m; r++) writeRow(p, spec, rows[c0 + r], this.scaling.mean, this.scaling.sd, this.exMu, this.exSd, x, r * per);
      const vals = tf.tidy(() => {
        const xt = spec.arch === "mlp" ? tf.tensor2d(x, [m, per]) : tf.tensor3d(x, [m, spec.seqLen, spec.nInputs]);
        return (this.model.apply(xt) as TF.Tensor).dataSync() as Float32Array;
      });
      out.set(vals.subarray(0, m), c0);
    }
    return out;
  }

  /** Frees the model's tensors. Further forecasts throw. Idempotent. */
  dispose(): void {
    if (this.isDisposed) return;
    this.model.dispose();
    this.isDisposed = true;
  }
}

function resolveSpec(opts: NeuralVolOptions, extraNames: string[]): FeatureSpec {
  const arch = opts.architecture ?? "mlp";
  if (arch !== "mlp" && arch !== "lstm") throw new ArgumentError(`architecture must be "mlp" or "lstm", got ${JSON.stringify(arch)}`, { file: MODULE, field: "architecture" });
  if (arch === "mlp") {
    const lags = intList(opts.lags, "lags");
    const har = opts.harWindows !== undefined ? intList(opts.harWindows, "harWindows") : opts.lags !== undefined ? [] : [1, 5, 22];
    if (lags.length + har.length === 0) throw new ArgumentError("the MLP needs at least one lag or HAR window", { file: MODULE, field: "lags" });
    const lookback = Math.max(1, ...lags, ...har);
    return { arch, lags, har, seqLen: 0, extraNames, lookback, nInputs: lags.length + har.length + extraNames.length };
  }
  const seqLen = opts.sequenceLength ?? 22;
  if (!isPosInt(seqLen)) throw new ArgumentError(`sequenceLength must be a positive integer, got ${seqLen}`, { file: MODULE, field: "sequenceLength" });
  return { arch, lags: [], har: [], seqLen, extraNames, lookback: seqLen, nInputs: 1 + extraNames.length };
}

function featureNamesOf(spec: FeatureSpec): string[] {
  if (spec.arch === "lstm") return ["logRv", ...spec.extraNames];
  return [...spec.lags.map((k) => `lag${k}`), ...spec.har.map((w) => `har${w}`), ...spec.extraNames];
}

function numOpt(v: number | undefined, dflt: number, field: string, ok: (x: number) => boolean, what: string): number {
  const x = v ?? dflt;
  if (typeof x !== "number" || !Number.isFinite(x) || !ok(x)) throw new ArgumentError(`${field} must be ${what}, got ${x}`, { file: MODULE, field });
  return x;
}

/**
 * Builds the seeded network. Built inside tf.tidy: tfjs-layers' LSTM `unitForgetBias` initializer leaves 4
 * intermediate tensors behind otherwise (variables survive the tidy).
 */
function buildModel(tf: TfModule, spec: FeatureSpec, hidden: number[], activation: "relu" | "tanh", seed: number): TF.Sequential {
  const model = tf.sequential();
  tf.tidy(() => addLayers(tf, model, spec, hidden, activation, seed));
  return model;
}

function addLayers(tf: TfModule, model: TF.Sequential, spec: FeatureSpec, hidden: number[], activation: "relu" | "tanh", seed: number): void {
  let k = 0;
  const glorot = () => tf.initializers.glorotUniform({ seed: deriveSeed(seed, 100, k++) });
  if (spec.arch === "mlp") {
    hidden.forEach((units, i) => {
      model.add(
        tf.layers.dense({
          units,
          activation,
          kernelInitializer: glorot(),
          biasInitializer: "zeros",
          ...(i === 0 ? { inputShape: [spec.nInputs] } : {}),
        }),
      );
    });
  } else {
    hidden.forEach((units, i) => {
      model.add(
        tf.layers.lstm({
          units,
          returnSequences: i < hidden.length - 1,
          kernelInitializer: glorot(),
          recurrentInitializer: tf.initializers.orthogonal({ seed: deriveSeed(seed, 200, k++), gain: 1 }),
          biasInitializer: "zeros",
          unitForgetBias: true,
          ...(i === 0 ? { inputShape: [spec.seqLen, spec.nInputs] } : {}),
        }),
      );
    });
  }
  model.add(tf.layers.dense({ units: 1, kernelInitializer: glorot(), biasInitializer: "zeros" }));
}

/**
 * Fits the neural one-step forecaster of realized variance on rv[0..trainEnd) (see the module comment:
 * features, ln-RV target standardized on the training rows, chronological validation split taken from the end,
 * Adam on MSE, early stopping with `patience` and the best-validation weights restored, seeded initializers
 * and shuffle). `rv` holds realized variances (any consistent unit, e.g. daily squared log returns); every
 * value before trainEnd must be finite and > 0 (ln RV), else a DataError names the index. Rows whose extra
 * features are missing are dropped and counted in `issues`. Returns a `NeuralVolForecaster`; call `dispose()`.
 * Reference for the setting: Corsi (2009) HAR-RV features; Bucci (2020, J. Financial Econometrics) on neural RV forecasts.
 */
export async function fitNeuralVolForecaster(rv: Float64Array, opts: NeuralVolOptions = {}): Promise<NeuralVolForecaster> {
  const t0 = Date.now();
  checkRv(rv);
  const n = rv.length;
  const target = opts.target ?? "log-rv";
  if (target !== "log-rv") throw new ArgumentError(`target must be "log-rv", got ${JSON.stringify(target)}`, { file: MODULE, field: "target" });
  const trainEnd = opts.trainEnd ?? n;
  if (!Number.isInteger(trainEnd) || trainEnd < 1 || trainEnd > n) {
    throw new ArgumentError(`trainEnd must be an integer in [1, ${n}], got ${trainEnd}`, { file: MODULE, field: "trainEnd" });
  }
  const { names: extraNames, cols } = checkExtras(opts.extraFeatures, n, "extraFeatures");
  const spec = resolveSpec(opts, extraNames);
  const hiddenRaw = opts.hiddenUnits ?? (spec.arch === "mlp" ? [16] : [8]);
  const hidden = typeof hiddenRaw === "number" ? [hiddenRaw] : [...hiddenRaw];
  if (hidden.length === 0 || !hidden.every(isPosInt)) {
    throw new ArgumentError(`hiddenUnits must be a positive integer or a non-empty list of them, got ${JSON.stringify(hiddenRaw)}`, { file: MODULE, field: "hiddenUnits" });
  }
  const activation = opts.activation ?? "relu";
  if (activation !== "relu" && activation !== "tanh") throw new ArgumentError(`activation must be "relu" or "tanh"`, { file: MODULE, field: "activation" });
  const isMlp = spec.arch === "mlp";
  const epochs = numOpt(opts.epochs, isMlp ? 200 : 100, "epochs", isPosInt, "a positive integer");
  const batchSize = numOpt(opts.batchSize, isMlp ? 64 : 256, "batchSize", isPosInt, "a positive integer");
  const lr = numOpt(opts.learningRate, isMlp ? 0.003 : 0.01, "learningRate", (x) => x > 0, "> 0");
  const vf = numOpt(opts.validationFraction, 0.2, "validationFraction", (x) => x >= 0 && x < 1, "in [0, 1)");
  const patience = numOpt(opts.patience, 15, "patience", isPosInt, "a positive integer");
  const minDelta = numOpt(opts.minDelta, 0, "minDelta", (x) => x >= 0, "≥ 0");
  const seed = numOpt(opts.seed, 0, "seed", () => true, "a finite number");
  const shuffle = opts.shuffle ?? true;
  const biasCorrection = opts.biasCorrection ?? true;

  // ln RV must exist wherever the fit reads it.
  for (let i = 0; i < trainEnd; i++) {
    const v = rv[i];
    if (!(v > 0) || !Number.isFinite(v)) {
      throw new DataError(`rv[${i}] = ${v}: realized variance must be finite and > 0 before trainEnd (the target is ln RV)`, { file: MODULE, field: "rv" }, "floor or drop zero-variance periods before fitting");
    }
  }
  const p = prepare(rv, cols, n);
  const issues = new IssueLog();
  const rowsAll = new Int32Array(Math.max(0, trainEnd - spec.lookback));
  let nRows = 0;
  for (let t = spec.lookback; t < trainEnd; t++) {
    if (inputsOk(p, spec, t)) rowsAll[nRows++] = t;
    else issues.add("missing-extra-feature", "dropped", "a training row's extra feature was NaN/non-finite at an input index", `rv index ${t}`);
  }
  if (spec.lookback > 0) issues.addMany("warmup", "note", `the first ${spec.lookback} periods only serve as inputs (lookback)`, Math.min(spec.lookback, trainEnd));
  const nVal = vf > 0 ? Math.round(vf * nRows) : 0;
  const nTrain = nRows - nVal;
  if (nTrain < 20 || (vf > 0 && nVal < 5)) {
    throw new ArgumentError(
      `too few rows: ${nRows} usable targets before trainEnd=${trainEnd} (lookback ${spec.lookback}) give ${nTrain} training and ${nVal} validation rows; need ≥ 20 and ≥ 5`,
      { file: MODULE, field: "rv" },
    );
  }
  const rows = rowsAll.subarray(0, nRows);
  const trainRows = rows.subarray(0, nTrain);
  const valRows = rows.subarray(nTrain);
  const splitAt = nVal > 0 ? valRows[0] : trainEnd; // training data = indices < splitAt
  // Standardization on the training part only.
  let mu = 0;
  let cnt = 0;
  for (let i = 0; i < splitAt; i++) {
    mu += p.y[i];
    cnt++;
  }
  mu /= cnt;
  let ss = 0;
  for (let i = 0; i < splitAt; i++) ss += (p.y[i] - mu) * (p.y[i] - mu);
  const sd = Math.sqrt(ss / (cnt - 1));
  if (!(sd > 1e-12)) throw new DataError(`ln RV is constant on the training rows (s.d. ${sd}); nothing to learn`, { file: MODULE, field: "rv" });
  const ne = cols.length;
  const exMu = new Float64Array(ne);
  const exSd = new Float64Array(ne);
  for (let e = 0; e < ne; e++) {
    const c = cols[e];
    let s = 0;
    let m = 0;
    for (let i = 0; i < splitAt - 1; i++) if (Number.isFinite(c[i])) (s += c[i]), m++;
    const mean = m > 0 ? s / m : 0;
    let q = 0;
    for (let i = 0; i < splitAt - 1; i++) if (Number.isFinite(c[i])) q += (c[i] - mean) * (c[i] - mean);
    const sdev = m > 1 ? Math.sqrt(q / (m - 1)) : 0;
    exMu[e] = mean;
    exSd[e] = sdev > 1e-12 ? sdev : 1; // a constant column is centred only
  }

  const init = await initTensorflow(opts.backend !== undefined ? { prefer: opts.backend } : {});
  const tf = init.tf;
  const per = spec.arch === "mlp" ? spec.nInputs : spec.seqLen * spec.nInputs;
  const fill = (rs: Int32Array): { x: Float32Array; z: Float32Array } => {
    const x = new Float32Array(rs.length * per);
    const z = new Float32Array(rs.length);
    for (let r = 0; r < rs.length; r++) {
      writeRow(p, spec, rs[r], mu, sd, exMu, exSd, x, r * per);
      z[r] = (p.y[rs[r]] - mu) / sd;
    }
    return { x, z };
  };
  const shapeOf = (m: number): number[] => (spec.arch === "mlp" ? [m, per] : [m, spec.seqLen, spec.nInputs]);
  const tr = fill(trainRows);
  const va = fill(valRows);

  const model = buildModel(tf, spec, hidden, activation, seed);
  const optimizer = tf.train.adam(lr);
  const xTr = tf.tensor(tr.x, shapeOf(nTrain), "float32");
  const zTr = tf.tensor2d(tr.z, [nTrain, 1]);
  const xVa = nVal > 0 ? tf.tensor(va.x, shapeOf(nVal), "float32") : null;
  const zVa = nVal > 0 ? tf.tensor2d(va.z, [nVal, 1]) : null;
  const trainLoss: number[] = [];
  const valLoss: number[] = [];
  let best: TF.Tensor[] | null = null;
  let bestLoss = Infinity;
  let bestEpoch = -1;
  let wait = 0;
  let stoppedEarly = false;
  const rng = createRng(deriveSeed(seed, 1));
  const perm = new Int32Array(nTrain);
  for (let i = 0; i < nTrain; i++) perm[i] = i;
  const mse = (x: TF.Tensor, z: TF.Tensor): number =>
    tf.tidy(() => tf.losses.meanSquaredError(z, model.apply(x) as TF.Tensor).dataSync()[0]);
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      if (shuffle) shuffleInPlace(perm, rng);
      const permT = tf.tensor1d(perm, "int32");
      let sum = 0;
      try {
        for (let b = 0; b < nTrain; b += batchSize) {
          const m = Math.min(batchSize, nTrain - b);
          const cost = tf.tidy((): TF.Scalar => {
            const idx = permT.slice([b], [m]);
            const xb = tf.gather(xTr, idx);
            const zb = tf.gather(zTr, idx);
            const c = optimizer.minimize(() => tf.losses.meanSquaredError(zb, model.apply(xb, { training: true }) as TF.Tensor) as TF.Scalar, true);
            return c ?? tf.scalar(NaN);
          });
          sum += cost.dataSync()[0] * m;
          cost.dispose();
        }
      } finally {
        permT.dispose();
      }
      const tl = sum / nTrain;
      trainLoss.push(tl);
      if (xVa && zVa) {
        const vl = mse(xVa, zVa);
        valLoss.push(vl);
        opts.onEpoch?.(epoch, tl, vl);
        if (Number.isFinite(vl) && vl < bestLoss - minDelta) {
          bestLoss = vl;
          bestEpoch = epoch;
          wait = 0;
          if (best) for (const w of best) w.dispose();
          best = model.getWeights().map((w) => w.clone());
        } else if (++wait >= patience) {
          stoppedEarly = epoch < epochs - 1;
          break;
        }
      } else {
        opts.onEpoch?.(epoch, tl, NaN);
        bestEpoch = epoch;
      }
    }
    if (xVa && zVa) {
      if (!best) throw new DataError("training diverged: the validation loss was never finite; lower learningRate", { file: MODULE, field: "learningRate" });
      model.setWeights(best);
    }
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    if (best) for (const w of best) w.dispose();
    optimizer.dispose();
    xTr.dispose();
    zTr.dispose();
    xVa?.dispose();
    zVa?.dispose();
  }
  // s² of the ln-RV forecast error: validation MSE at the best epoch (else the training MSE after the last epoch).
  let s2: number;
  if (nVal > 0) s2 = sd * sd * bestLoss;
  else {
    const xt = tf.tensor(tr.x, shapeOf(nTrain), "float32");
    const zt = tf.tensor2d(tr.z, [nTrain, 1]);
    try {
      s2 = sd * sd * mse(xt, zt);
    } finally {
      xt.dispose();
      zt.dispose();
    }
  }
  const split: NeuralSplit = {
    trainFirst: trainRows[0],
    trainLast: trainRows[nTrain - 1],
    valFirst: nVal > 0 ? valRows[0] : -1,
    valLast: nVal > 0 ? valRows[nVal - 1] : -1,
    nTrain,
    nVal,
  };
  return new NeuralVolForecaster({
    model,
    tf,
    backend: init.backend,
    spec,
    featureNames: featureNamesOf(spec),
    trainEnd,
    split,
    scaling: { mean: mu, sd },
    exMu,
    exSd,
    history: { trainLoss, valLoss },
    bestEpoch,
    epochsRun: trainLoss.length,
    stoppedEarly,
    residualVarianceLog: s2,
    biasCorrection,
    issues: issues.issues,
    fitMs: Date.now() - t0,
  });
}

/** Options of `neuralOutOfSample`: the fit options plus the split. */
export interface NeuralOutOfSampleOptions extends Omit<NeuralVolOptions, "trainEnd"> {
  /** First out-of-sample index: models are trained on rv[0..trainEnd) only; forecasts cover rv[trainEnd..n). */
  trainEnd: number;
  /** Refit on the expanding window every this many periods (default: never, one model for the whole test span). */
  refitEvery?: number;
  /** Keep the (last) model and return it as `forecaster` (default false: every model is disposed). */
  keepModel?: boolean;
}

/** Result of `neuralOutOfSample`. */
export interface NeuralOutOfSampleResult {
  /** Index of forecast[0] in rv. */
  readonly trainEnd: number;
  /** One-step RV forecasts of rv[trainEnd + i] (NaN where inputs were incomplete). */
  readonly forecast: Float64Array;
  /** The same, as forecasts of ln RV (m̂, no bias correction). */
  readonly logForecast: Float64Array;
  /** rv[trainEnd..n) (a copy). */
  readonly actual: Float64Array;
  /** Mean squared error (RV units²) over rows with a finite forecast and actual. */
  readonly mse: number;
  /**
   * Mean QLIKE loss, Patton (2011): L = RV/f − ln(RV/f) − 1, over rows with finite f > 0 and RV > 0 (QLIKE is
   * undefined otherwise); the scored rows it skips are counted in `qlikeSkipped`.
   */
  readonly qlike: number;
  /** Rows that entered mse (finite forecast and actual). */
  readonly nScored: number;
  /**
   * Rows of `nScored` left out of qlike because the forecast or the actual RV is ≤ 0 (e.g. a zero-RV day, or a
   * forecast that underflowed to 0); qlike averages over nScored − qlikeSkipped rows.
   */
  readonly qlikeSkipped: number;
  readonly backend: TfBackendName;
  /** Per model: the origin it was trained up to, epochs run, best epoch, validation loss and fit time. */
  readonly fits: ReadonlyArray<{ trainEnd: number; epochsRun: number; bestEpoch: number; bestValLoss: number; fitMs: number }>;
  /** The last model when `keepModel`; dispose it when done. */
  readonly forecaster?: NeuralVolForecaster;
}

/**
 * Out-of-sample one-step forecasts of rv[t] for every t ≥ trainEnd from a neural model trained only on
 * rv[0..trainEnd) (its validation split lies inside that range too), so it can be compared with GARCH / HAR
 * on the same split. Inputs for t use the realized rv[0..t−1] (fixed model, rolling inputs). With
 * `refitEvery = k` the model is refitted on the expanding window at trainEnd, trainEnd + k, … (rolling
 * origin); each block is forecast by the model fitted at its origin (every refit uses the same seed). Losses: MSE over
 * rows with a finite forecast and actual, and QLIKE (Patton 2011) over those with both > 0; the rows QLIKE cannot
 * score are counted in `qlikeSkipped`, not dropped silently.
 */
export async function neuralOutOfSample(rv: Float64Array, opts: NeuralOutOfSampleOptions): Promise<NeuralOutOfSampleResult> {
  checkRv(rv);
  const n = rv.length;
  const { trainEnd, refitEvery, keepModel, ...fitOpts } = opts;
  if (!Number.isInteger(trainEnd) || trainEnd < 1 || trainEnd >= n) {
    throw new ArgumentError(`trainEnd must be an integer in [1, ${n - 1}] (at least one out-of-sample period), got ${trainEnd}`, { file: MODULE, field: "trainEnd" });
  }
  if (refitEvery !== undefined && !isPosInt(refitEvery)) throw new ArgumentError(`refitEvery must be a positive integer, got ${refitEvery}`, { file: MODULE, field: "refitEvery" });
  const step = refitEvery ?? n - trainEnd;
  const forecast = new Float64Array(n - trainEnd);
  const logForecast = new Float64Array(n - trainEnd);
  const fits: { trainEnd: number; epochsRun: number; bestEpoch: number; bestValLoss: number; fitMs: number }[] = [];
  let kept: NeuralVolForecaster | undefined;
  let backend: TfBackendName = "cpu";
  for (let origin = trainEnd; origin < n; origin += step) {
    const end = Math.min(n, origin + step);
    const f = await fitNeuralVolForecaster(rv, { ...fitOpts, trainEnd: origin });
    try {
      backend = f.backend;
      forecast.set(f.forecast(rv, { from: origin, to: end, extraFeatures: fitOpts.extraFeatures }), origin - trainEnd);
      logForecast.set(f.forecast(rv, { from: origin, to: end, extraFeatures: fitOpts.extraFeatures, scale: "log-rv" }), origin - trainEnd);
      fits.push({
        trainEnd: origin,
        epochsRun: f.epochsRun,
        bestEpoch: f.bestEpoch,
        bestValLoss: f.history.valLoss.length ? f.history.valLoss[f.bestEpoch] : NaN,
        fitMs: f.fitMs,
      });
    } finally {
      if (keepModel && end === n) kept = f;
      else f.dispose();
    }
  }
  const actual = rv.slice(trainEnd);
  let se = 0;
  let ql = 0;
  let k = 0;
  let kq = 0;
  let skipped = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const fc = forecast[i];
    if (!Number.isFinite(fc) || !Number.isFinite(a)) continue;
    se += (a - fc) * (a - fc);
    k++;
    if (!(fc > 0) || !(a > 0)) {
      skipped++;
      continue;
    }
    const r = a / fc;
    ql += r - Math.log(r) - 1;
    kq++;
  }
  return {
    trainEnd,
    forecast,
    logForecast,
    actual,
    mse: k > 0 ? se / k : NaN,
    qlike: kq > 0 ? ql / kq : NaN,
    nScored: k,
    qlikeSkipped: skipped,
    backend,
    fits,
    ...(kept ? { forecaster: kept } : {}),
  };
}

/** Options of `technicalVolFeatures`. */
export interface TechnicalVolFeatureOptions {
  /** Wilder ATR period (default 14). */
  atrPeriod?: number;
  /** Bollinger period (default 20) and band width in s.d. (default 2). */
  bbPeriod?: number;
  bbStdDev?: number;
  /** RSI period (default 14). */
  rsiPeriod?: number;
}

/**
 * Extra features for the neural forecaster from daily OHLC, computed with the `technicalindicators` package and
 * aligned with the input (value at i uses bars ≤ i; NaN during each indicator's warm-up):
 * - `logAtrRel` = ln(ATR_i / close_i), Wilder's (1978) average true range over `atrPeriod` bars (first at i = atrPeriod);
 * - `bbWidth` = (upper − lower) / middle of Bollinger bands (SMA ± bbStdDev·σ over bbPeriod closes; first at i = bbPeriod − 1);
 * - `rsi` = RSI/100 − 0.5 (Wilder's RSI over rsiPeriod closes, rounded by the package to 2 decimals; first at i = rsiPeriod).
 * Daily bars only (it builds per-row objects inside technicalindicators, fine for thousands of rows, not millions).
 */
export function technicalVolFeatures(
  ohlc: { high: Float64Array; low: Float64Array; close: Float64Array },
  opts: TechnicalVolFeatureOptions = {},
): NeuralExtraFeatures {
  const { high, low, close } = ohlc;
  const n = close.length;
  for (const [k, c] of [["high", high], ["low", low], ["close", close]] as const) {
    if (!(c instanceof Float64Array)) throw new ArgumentError(`${k} must be a Float64Array`, { file: MODULE, field: k });
    if (c.length !== n) throw new ArgumentError(`${k} has length ${c.length}, close has ${n}`, { file: MODULE, field: k });
    for (let i = 0; i < n; i++) if (!(c[i] > 0) || !Number.isFinite(c[i])) throw new DataError(`${k}[${i}] = ${c[i]}: prices must be finite and > 0`, { file: MODULE, field: k });
  }
  const atrP = numOpt(opts.atrPeriod, 14, "atrPeriod", isPosInt, "a positive integer");
  const bbP = numOpt(opts.bbPeriod, 20, "bbPeriod", (x) => isPosInt(x) && x >= 2, "an integer ≥ 2");
  const bbK = numOpt(opts.bbStdDev, 2, "bbStdDev", (x) => x > 0, "> 0");
  const rsiP = numOpt(opts.rsiPeriod, 14, "rsiPeriod", isPosInt, "a positive integer");
  const h = Array.from(high);
  const l = Array.from(low);
  const c = Array.from(close);
  const atrOut = atr({ high: h, low: l, close: c, period: atrP });
  const bb = bollingerbands({ values: c, period: bbP, stdDev: bbK });
  const rsiOut = rsi({ values: c, period: rsiP });
  const logAtrRel = new Float64Array(n).fill(NaN);
  const bbWidth = new Float64Array(n).fill(NaN);
  const rsiCol = new Float64Array(n).fill(NaN);
  for (let k = 0; k < atrOut.length; k++) {
    const i = n - atrOut.length + k;
    logAtrRel[i] = atrOut[k] > 0 ? Math.log(atrOut[k] / close[i]) : NaN;
  }
  for (let k = 0; k < bb.length; k++) bbWidth[n - bb.length + k] = (bb[k].upper - bb[k].lower) / bb[k].middle;
  for (let k = 0; k < rsiOut.length; k++) rsiCol[n - rsiOut.length + k] = rsiOut[k] / 100 - 0.5;
  return { logAtrRel, bbWidth, rsi: rsiCol };
}
