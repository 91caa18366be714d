import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { fitNeuralVolForecaster, neuralOutOfSample, technicalVolFeatures } from "../../src/volatility/neural";
import { detectTfjsNode, initTensorflow, wasmDistDir } from "../../src/volatility/tfBackend";
import { createRng } from "../../src/frame/rng";
import { ArgumentError, DataError } from "../../src/errors";

/** ln RV_t = c + y_t, y_t = φ y_{t−1} + σ ε_t (seeded): a synthetic AR(1) log-RV series. */
function ar1LogRv(n: number, phi: number, sigma: number, seed: number, c = -9): Float64Array {
  const r = createRng(seed);
  const rv = new Float64Array(n);
  let y = 0;
  for (let i = 0; i < n; i++) {
    y = phi * y + sigma * r.normal();
    rv[i] = Math.exp(c + y);
  }
  return rv;
}

async function tfw() {
  return (await initTensorflow({ prefer: "wasm" })).tf;
}

test("initTensorflow: cpu, wasm, node fallback chain; idempotent; alias tfjs-node is not taken for native", async () => {
  const cpu = await initTensorflow({ prefer: "cpu" });
  assert.equal(cpu.backend, "cpu");
  assert.equal(cpu.tf.getBackend(), "cpu");
  assert.equal(cpu.skipped.length, 0);
  assert.ok(fs.existsSync(wasmDistDir() + "tfjs-backend-wasm.wasm"));
  const w1 = await initTensorflow({ prefer: "wasm" });
  assert.equal(w1.backend, "wasm", w1.summary);
  assert.equal(w1.tf.getBackend(), "wasm");
  const w2 = await initTensorflow({ prefer: "wasm" });
  assert.equal(w2, w1, "same preference returns the same result object");
  // After another backend was activated, the same preference re-activates its backend.
  await initTensorflow({ prefer: "cpu" });
  const w3 = await initTensorflow({ prefer: "wasm" });
  assert.equal(w3, w1);
  assert.equal(w3.tf.getBackend(), "wasm");

  const node = await initTensorflow({ prefer: "node" });
  const det = detectTfjsNode();
  if (det.tf) assert.equal(node.backend, "tensorflow");
  else {
    assert.notEqual(node.backend, "tensorflow");
    assert.equal(node.skipped[0].backend, "tensorflow");
    assert.equal(node.skipped[0].reason, det.reason);
    const pkg = JSON.parse(fs.readFileSync(require.resolve("@tensorflow/tfjs-node/package.json"), "utf8")) as { name: string };
    if (pkg.name !== "@tensorflow/tfjs-node") assert.match(node.skipped[0].reason, /override alias/);
    assert.match(node.summary, /skipped tensorflow/);
  }
  await assert.rejects(() => initTensorflow({ prefer: "gpu" as never }), ArgumentError);
  await tfw();
});

test("bad input throws ArgumentError / DataError naming the field", async () => {
  const rv = ar1LogRv(300, 0.9, 0.3, 1);
  await assert.rejects(() => fitNeuralVolForecaster([1, 2, 3] as unknown as Float64Array), (e: unknown) => e instanceof ArgumentError && e.location.field === "rv");
  const bad = rv.slice();
  bad[5] = 0;
  await assert.rejects(
    () => fitNeuralVolForecaster(bad),
    (e: unknown) => e instanceof DataError && e.location.field === "rv" && /rv\[5\] = 0/.test(e.message),
  );
  bad[5] = NaN;
  await assert.rejects(() => fitNeuralVolForecaster(bad), DataError);
  // a bad value after trainEnd is never read by the fit
  const late = rv.slice();
  late[290] = -1;
  const okFit = await fitNeuralVolForecaster(late, { trainEnd: 280, epochs: 2, hiddenUnits: 4 });
  assert.ok(Number.isNaN(okFit.forecast(late, { from: 291, to: 292 })[0]), "forecast whose inputs include a bad rv is NaN");
  assert.ok(Number.isFinite(okFit.forecast(late, { from: 290, to: 291 })[0]));
  okFit.dispose();
  assert.throws(() => okFit.forecast(rv), ArgumentError, "forecast after dispose");

  const field = (f: string) => (e: unknown) => e instanceof ArgumentError && e.location.field === f;
  await assert.rejects(() => fitNeuralVolForecaster(rv, { validationFraction: 1 }), field("validationFraction"));
  await assert.rejects(() => fitNeuralVolForecaster(rv, { validationFraction: -0.1 }), field("validationFraction"));
  await assert.rejects(() => fitNeuralVolForecaster(rv, { lags: [0, 1] }), field("lags"));
  await assert.rejects(() => fitNeuralVolForecaster(rv, { harWindows: [1.5] }), field("harWindows"));
  await assert.rejects(() => fitNeuralVolForecaster(rv, { lags: [], harWindows: [] }), field("lags"));
  await assert.rejects(() => fitNeuralVolForecaster(rv, { epochs: 0 }), field("epochs"));
  await assert.rejects(() => fitNeuralVolForecaster(rv, { learningRate: -1 }), field("learningRate"));
  await assert.rejects(() => fitNeuralVolForecaster(rv, { hiddenUnits: [] }), field("hiddenUnits"));
  await assert.rejects(() => fitNeuralVolForecaster(rv, { architecture: "gru" as never }), field("architecture"));
  await assert.rejects(() => fitNeuralVolForecaster(rv, { target: "rv" as never }), field("target"));
  await assert.rejects(() => fitNeuralVolForecaster(rv, { trainEnd: 301 }), field("trainEnd"));
  await assert.rejects(() => fitNeuralVolForecaster(rv, { extraFeatures: { x: new Float64Array(299) } }), field("extraFeatures.x"));
  await assert.rejects(() => fitNeuralVolForecaster(rv.subarray(0, 40)), field("rv"), "too few rows after the 22-day lookback");
  await assert.rejects(() => fitNeuralVolForecaster(new Float64Array(100).fill(1e-4)), DataError, "constant series");
  await assert.rejects(() => neuralOutOfSample(rv, { trainEnd: 300 }), field("trainEnd"));
  await assert.rejects(() => neuralOutOfSample(rv, { trainEnd: 200, refitEvery: 0 }), field("refitEvery"));
});

test("seeded reproducibility: same seed → identical history and forecasts; another seed differs (MLP and LSTM)", async () => {
  await tfw();
  const rv = ar1LogRv(500, 0.9, 0.3, 3);
  const opts = { trainEnd: 400, hiddenUnits: [8], epochs: 25, seed: 42 } as const;
  const a = await fitNeuralVolForecaster(rv, opts);
  const b = await fitNeuralVolForecaster(rv, opts);
  const c = await fitNeuralVolForecaster(rv, { ...opts, seed: 43 });
  assert.equal(a.backend, "wasm");
  const fa = a.forecast(rv);
  assert.equal(fa.length, 100);
  assert.ok(fa.every(Number.isFinite));
  assert.deepEqual(b.forecast(rv), fa);
  assert.deepEqual(b.history, a.history);
  assert.notDeepEqual(c.forecast(rv), fa);
  // shuffle off is also deterministic, and differs from the shuffled run
  const d = await fitNeuralVolForecaster(rv, { ...opts, shuffle: false });
  const e = await fitNeuralVolForecaster(rv, { ...opts, shuffle: false });
  assert.deepEqual(e.forecast(rv), d.forecast(rv));
  assert.notDeepEqual(d.forecast(rv), fa);
  for (const f of [a, b, c, d, e]) f.dispose();

  const lo = { architecture: "lstm", sequenceLength: 8, hiddenUnits: 4, epochs: 3, trainEnd: 200, seed: 5 } as const;
  const l1 = await fitNeuralVolForecaster(rv, lo);
  const l2 = await fitNeuralVolForecaster(rv, lo);
  assert.equal(l1.architecture, "lstm");
  const lf = l1.forecast(rv, { to: 260 });
  assert.ok(lf.every(Number.isFinite));
  assert.deepEqual(l2.forecast(rv, { to: 260 }), lf);
  l1.dispose();
  l2.dispose();
});

test("learns an AR(1) log-RV: out-of-sample MSE far below the training-mean forecast", async () => {
  await tfw();
  const phi = 0.9;
  const rv = ar1LogRv(2500, phi, 0.3, 7);
  const trainEnd = 2000;
  const res = await neuralOutOfSample(rv, { trainEnd, seed: 1 });
  assert.equal(res.forecast.length, 500);
  assert.equal(res.nScored, 500);
  let meanLog = 0;
  let meanRv = 0;
  for (let i = 0; i < trainEnd; i++) (meanLog += Math.log(rv[i])), (meanRv += rv[i]);
  meanLog /= trainEnd;
  meanRv /= trainEnd;
  let seNet = 0;
  let seMean = 0;
  let seRvNet = 0;
  let seRvMean = 0;
  let qlMean = 0;
  for (let i = 0; i < 500; i++) {
    const y = Math.log(res.actual[i]);
    seNet += (y - res.logForecast[i]) ** 2;
    seMean += (y - meanLog) ** 2;
    seRvNet += (res.actual[i] - res.forecast[i]) ** 2;
    seRvMean += (res.actual[i] - meanRv) ** 2;
    const r = res.actual[i] / meanRv;
    qlMean += r - Math.log(r) - 1;
  }
  // Population ratio of one-step to unconditional variance is 1 − φ² = 0.19.
  assert.ok(seNet / seMean < 0.35, `log MSE ratio ${seNet / seMean}`);
  assert.ok(seRvNet / seRvMean < 0.5, `RV MSE ratio ${seRvNet / seRvMean}`);
  assert.ok(Math.abs(res.mse - seRvNet / 500) <= 1e-12 * res.mse);
  assert.ok(res.qlike < 0.5 * (qlMean / 500), `QLIKE ${res.qlike} vs ${qlMean / 500}`);
  assert.ok(res.fits[0].epochsRun < 200, "early stopping ended the fit");
  // back-transform: RV forecast = exp(m̂ + s²/2) with the log-normal bias correction
  const f = await fitNeuralVolForecaster(rv, { trainEnd, seed: 1 });
  const lf = f.forecast(rv, { scale: "log-rv" });
  const rf = f.forecast(rv);
  assert.deepEqual(lf, res.logForecast);
  for (let i = 0; i < 500; i += 50) assert.ok(Math.abs(rf[i] / Math.exp(lf[i] + f.residualVarianceLog / 2) - 1) < 1e-12);
  assert.ok(f.residualVarianceLog > 0.3 * 0.3 * 0.8 && f.residualVarianceLog < 0.3 * 0.3 * 1.5, `s² ${f.residualVarianceLog} vs σ² 0.09`);
  f.dispose();
});

test("early stopping on a tiny noisy series: stops before max epochs and restores the best weights", async () => {
  await tfw();
  const r = createRng(11);
  const rv = new Float64Array(160);
  for (let i = 0; i < rv.length; i++) rv[i] = Math.exp(-9 + r.normal()); // iid: nothing to learn, easy to overfit
  const maxEpochs = 400;
  const patience = 5;
  const f = await fitNeuralVolForecaster(rv, {
    lags: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    hiddenUnits: [64, 64],
    learningRate: 0.02,
    epochs: maxEpochs,
    patience,
    validationFraction: 0.3,
    biasCorrection: false,
    seed: 3,
  });
  const { trainLoss, valLoss } = f.history;
  assert.ok(f.stoppedEarly);
  assert.ok(f.epochsRun < maxEpochs, `ran ${f.epochsRun}`);
  assert.equal(trainLoss.length, f.epochsRun);
  assert.equal(valLoss.length, f.epochsRun);
  assert.equal(f.epochsRun, f.bestEpoch + 1 + patience, "stops `patience` epochs after the best one");
  assert.equal(valLoss[f.bestEpoch], Math.min(...valLoss));
  assert.ok(valLoss[valLoss.length - 1] > valLoss[f.bestEpoch]);
  // Recompute the validation MSE of the returned model from its ln-RV forecasts: it is the best epoch's, not the last one's.
  const { valFirst, valLast } = f.split;
  const m = f.forecast(rv, { from: valFirst, to: valLast + 1, scale: "log-rv" });
  const { mean, sd } = f.scaling;
  let se = 0;
  for (let t = valFirst; t <= valLast; t++) se += ((m[t - valFirst] - mean) / sd - (Math.log(rv[t]) - mean) / sd) ** 2;
  const vl = se / (valLast - valFirst + 1);
  assert.ok(Math.abs(vl - valLoss[f.bestEpoch]) < 1e-4 * valLoss[f.bestEpoch], `${vl} vs best ${valLoss[f.bestEpoch]}`);
  assert.ok(Math.abs(vl - valLoss[valLoss.length - 1]) > 1e-3, "differs from the last epoch's weights");
  f.dispose();
});

test("chronological split: training rows, then validation rows, all before trainEnd; the test span is never read", async () => {
  await tfw();
  const rv = ar1LogRv(320, 0.8, 0.4, 9);
  const trainEnd = 280;
  const opts = { trainEnd, validationFraction: 0.25, epochs: 10, hiddenUnits: 4, seed: 2 } as const;
  const f = await fitNeuralVolForecaster(rv, opts);
  const s = f.split;
  assert.equal(s.trainFirst, 22, "HAR lookback of 22 days");
  assert.ok(s.trainLast < s.valFirst, "no validation row before a training row");
  assert.equal(s.valFirst, s.trainLast + 1);
  assert.equal(s.valLast, trainEnd - 1);
  assert.equal(s.nTrain + s.nVal, trainEnd - 22);
  assert.equal(s.nVal, Math.round(0.25 * (trainEnd - 22)));
  assert.deepEqual(f.featureNames, ["har1", "har5", "har22"]);
  // Scrambling everything from trainEnd on changes nothing the fit saw: forecast of rv[trainEnd] is identical.
  const scrambled = rv.slice();
  for (let i = trainEnd; i < scrambled.length; i++) scrambled[i] *= 100;
  const g = await fitNeuralVolForecaster(scrambled, opts);
  assert.deepEqual(g.history, f.history);
  const a = f.forecast(rv, { from: trainEnd, to: trainEnd + 2 });
  const b = g.forecast(scrambled, { from: trainEnd, to: trainEnd + 2 });
  assert.equal(b[0], a[0]);
  assert.notEqual(b[1], a[1], "rv[trainEnd] is an input to the forecast of rv[trainEnd+1]");
  // predict(history) = forecast of the period after history, from history alone
  const t = 300;
  assert.equal(f.predict(rv.subarray(0, t)), f.forecast(rv, { from: t, to: t + 1 })[0]);
  assert.ok(Number.isFinite(f.predict(rv)), "the period after the data");
  f.dispose();
  g.dispose();
});

test("no tensor leaks: fit, forecast, predict, dispose and neuralOutOfSample return numTensors to baseline", async () => {
  const tf = await tfw();
  const rv = ar1LogRv(300, 0.9, 0.3, 4);
  const base = tf.memory().numTensors;
  const f = await fitNeuralVolForecaster(rv, { trainEnd: 250, epochs: 5, hiddenUnits: [8, 4] });
  assert.ok(tf.memory().numTensors > base, "the model holds its weights until disposed");
  f.forecast(rv);
  f.predict(rv);
  f.dispose();
  assert.equal(tf.memory().numTensors, base);
  const l = await fitNeuralVolForecaster(rv, { architecture: "lstm", sequenceLength: 6, hiddenUnits: 4, epochs: 2, trainEnd: 250 });
  l.forecast(rv);
  l.dispose();
  assert.equal(tf.memory().numTensors, base, "LSTM (unitForgetBias initializer) too");
  const res = await neuralOutOfSample(rv, { trainEnd: 250, refitEvery: 25, epochs: 3, hiddenUnits: 4 });
  assert.equal(res.fits.length, 2);
  assert.deepEqual(res.fits.map((x) => x.trainEnd), [250, 275]);
  assert.equal(tf.memory().numTensors, base);
  const kept = await neuralOutOfSample(rv, { trainEnd: 250, epochs: 3, hiddenUnits: 4, keepModel: true });
  assert.ok(kept.forecaster && !kept.forecaster.disposed);
  kept.forecaster.dispose();
  assert.equal(tf.memory().numTensors, base);
  // a failing fit (diverged: never a finite validation loss) frees everything too
  await assert.rejects(() => fitNeuralVolForecaster(rv, { trainEnd: 250, epochs: 2, learningRate: 1e30, hiddenUnits: 4, patience: 1 }), DataError);
  assert.equal(tf.memory().numTensors, base);
});

test("technicalVolFeatures: hand-worked ATR, Bollinger width and RSI with warm-up NaNs; extra features in a fit", async () => {
  const n = 40;
  const close = new Float64Array(n).fill(100);
  const high = new Float64Array(n).fill(101);
  const low = new Float64Array(n).fill(99);
  const f = technicalVolFeatures({ high, low, close });
  // true range = 2 every bar → ATR = 2 → ln(2/100), first at i = 14
  for (let i = 0; i < 14; i++) assert.ok(Number.isNaN(f.logAtrRel[i]));
  for (let i = 14; i < n; i++) assert.ok(Math.abs(f.logAtrRel[i] - Math.log(0.02)) < 1e-12);
  // constant closes → zero band width, first at i = 19
  assert.ok(Number.isNaN(f.bbWidth[18]));
  for (let i = 19; i < n; i++) assert.equal(f.bbWidth[i], 0);
  // strictly rising closes → RSI 100 → feature 0.5, first at i = 14
  const rising = Float64Array.from({ length: n }, (_, i) => 100 + i);
  const g = technicalVolFeatures({ high: rising.map((x) => x + 1), low: rising.map((x) => x - 1), close: rising });
  assert.ok(Number.isNaN(g.rsi[13]));
  for (let i = 14; i < n; i++) assert.equal(g.rsi[i], 0.5);
  // Bollinger width on a hand example: period 2, closes 1, 3 → SMA 2, population s.d. 1 → (4 − 0)/2 = 2
  const h = technicalVolFeatures({ high: Float64Array.of(2, 4), low: Float64Array.of(0.5, 2), close: Float64Array.of(1, 3) }, { bbPeriod: 2, atrPeriod: 1, rsiPeriod: 1 });
  assert.ok(Math.abs(h.bbWidth[1] - 2) < 1e-12);
  assert.throws(() => technicalVolFeatures({ high, low, close: close.subarray(1) }), ArgumentError);
  const neg = close.slice();
  neg[3] = -1;
  assert.throws(() => technicalVolFeatures({ high, low, close: neg }), (e: unknown) => e instanceof DataError && e.location.field === "close");

  // Extra feature with a NaN warm-up up to index 29: MLP reads it at t−1, so targets 22..30 are dropped and counted.
  await tfw();
  const rv = ar1LogRv(300, 0.9, 0.3, 5);
  const x = new Float64Array(300);
  for (let i = 0; i < 300; i++) x[i] = i < 30 ? NaN : Math.log(rv[i]) + 0.1 * Math.sin(i);
  const fit = await fitNeuralVolForecaster(rv, { trainEnd: 260, epochs: 3, hiddenUnits: 4, extraFeatures: { x } });
  const drop = fit.issues.find((i) => i.kind === "missing-extra-feature");
  assert.ok(drop);
  assert.equal(drop.count, 9);
  assert.equal(drop.action, "dropped");
  assert.equal(fit.split.trainFirst, 31);
  assert.deepEqual(fit.featureNames, ["har1", "har5", "har22", "x"]);
  assert.throws(() => fit.forecast(rv), ArgumentError, "extra features are required once fitted with them");
  assert.ok(fit.forecast(rv, { extraFeatures: { x } }).every(Number.isFinite));
  fit.dispose();
});
