/** Latency models (src/backtest/latency.ts): constant, seeded log-normal (reproducible, median, clamps), validation. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { constantLatency, logNormalLatency } from "../../src/backtest/latency";
import { ArgumentError } from "../../src/errors";

test("constant latency: entry and response apart, response defaults to entry", () => {
  const l = constantLatency({ entryUs: 3000, responseUs: 1000, marketDataShiftUs: 200 });
  assert.equal(l.entryUs(0), 3000);
  assert.equal(l.responseUs(0), 1000);
  assert.equal(l.marketDataShiftUs, 200);
  assert.equal(constantLatency({ entryUs: 5 }).responseUs(1), 5);
  assert.throws(() => constantLatency({ entryUs: -1 }), ArgumentError);
  assert.throws(() => constantLatency({ entryUs: 1, marketDataShiftUs: NaN }), ArgumentError);
});

test("log-normal latency: reproducible per seed, independent paths, median near the parameter, clamped", () => {
  const l = logNormalLatency({ entryMedianUs: 2000, responseMedianUs: 500, sigma: 0.6 });
  l.reset(7);
  const a = Array.from({ length: 4001 }, () => l.entryUs(0));
  const b = Array.from({ length: 4001 }, () => l.responseUs(0));
  l.reset(7);
  assert.deepEqual(Array.from({ length: 4001 }, () => l.entryUs(0)), a, "same seed, same draws");
  l.reset(8);
  assert.notDeepEqual(Array.from({ length: 10 }, () => l.entryUs(0)), a.slice(0, 10));
  const med = (x: number[]) => x.slice().sort((p, q) => p - q)[x.length >> 1];
  assert.ok(Math.abs(med(a) / 2000 - 1) < 0.05, `entry median ${med(a)}`);
  assert.ok(Math.abs(med(b) / 500 - 1) < 0.05, `response median ${med(b)}`);
  // log-normal: sd of log latency ≈ σ
  const lg = a.map(Math.log);
  const m = lg.reduce((s, x) => s + x, 0) / lg.length;
  const sd = Math.sqrt(lg.reduce((s, x) => s + (x - m) * (x - m), 0) / (lg.length - 1));
  assert.ok(Math.abs(sd - 0.6) < 0.03, `sd ${sd}`);
  // drawing responses does not shift the entry stream
  l.reset(7);
  const e: number[] = [];
  for (let i = 0; i < 100; i++) {
    e.push(l.entryUs(0));
    l.responseUs(0);
  }
  assert.deepEqual(e, a.slice(0, 100));
  // clamps and own seed
  const c = logNormalLatency({ entryMedianUs: 1000, sigma: 3, minUs: 500, maxUs: 2000, seed: 1 });
  c.reset(1);
  const x = Array.from({ length: 500 }, () => c.entryUs(0));
  assert.ok(x.every((v) => v >= 500 && v <= 2000) && x.includes(500) && x.includes(2000));
  c.reset(999); // own seed wins over the run seed
  assert.deepEqual(Array.from({ length: 500 }, () => c.entryUs(0)), x);
  assert.throws(() => logNormalLatency({ entryMedianUs: 0 }), ArgumentError);
  assert.throws(() => logNormalLatency({ entryMedianUs: 1, minUs: 5, maxUs: 1 }), ArgumentError);
});
