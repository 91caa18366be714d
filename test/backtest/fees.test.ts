/** Fee models (src/backtest/fees.ts): hand values, rebates, per-fill fixed fees, validation, scaling. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { bpsFees, perFillFees, noFees } from "../../src/backtest/fees";
import { ArgumentError } from "../../src/errors";

test("bps fees: maker rebate is negative, taker fee positive, linear in price and amount", () => {
  const f = bpsFees({ makerBps: -0.5, takerBps: 5 });
  assert.ok(Math.abs(f.fee(60000, 0.01, true) - -0.03) < 1e-15);
  assert.ok(Math.abs(f.fee(60000, 0.01, false) - 0.3) < 1e-15);
  assert.ok(Math.abs(f.fee(60000, 0.02, false) - 2 * f.fee(60000, 0.01, false)) < 1e-15);
  assert.ok(Math.abs(f.fee(120000, 0.01, true) - 2 * f.fee(60000, 0.01, true)) < 1e-15);
  assert.match(f.name, /-0.5/);
  assert.throws(() => bpsFees({ makerBps: NaN, takerBps: 1 }), ArgumentError);
});

test("per-fill fees: a fixed amount per fill plus optional bps; noFees is zero", () => {
  const f = perFillFees({ makerFee: 0.01, takerFee: 0.05 });
  assert.equal(f.fee(100, 1, true), 0.01);
  assert.equal(f.fee(1e6, 5, false), 0.05);
  const g = perFillFees({ makerFee: -0.01, takerFee: 0.02, makerBps: 1, takerBps: 2 });
  assert.ok(Math.abs(g.fee(100, 2, true) - (-0.01 + 0.02)) < 1e-15);
  assert.ok(Math.abs(g.fee(100, 2, false) - (0.02 + 0.04)) < 1e-15);
  assert.equal(noFees().fee(100, 1, false), 0);
  assert.throws(() => perFillFees({ makerFee: Infinity, takerFee: 0 }), ArgumentError);
});
