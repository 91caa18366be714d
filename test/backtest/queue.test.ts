/** Queue-position models (src/backtest/queue.ts): hand-worked updates and properties over random sequences. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { riskAverseQueue, powerProbQueue, logProbQueue, probQueue, type QueueState } from "../../src/backtest/queue";
import { ArgumentError } from "../../src/errors";
import { seededUniform } from "../helpers";

const st = (): QueueState => ({ ahead: 0, tradedSinceDepth: 0 });

test("risk-averse: starts behind the level, trades advance, decreases only cap ahead at the level size", () => {
  const m = riskAverseQueue();
  const q = st();
  m.onNew(q, 5);
  assert.equal(q.ahead, 5);
  assert.equal(m.onTrade(q, 2), 0);
  assert.equal(q.ahead, 3);
  m.onDepth(q, 5, 8); // joins behind
  assert.equal(q.ahead, 3);
  m.onDepth(q, 8, 4); // cancels: assumed behind
  assert.equal(q.ahead, 3);
  m.onDepth(q, 4, 1); // level below ahead: capped
  assert.equal(q.ahead, 1);
  assert.equal(m.onTrade(q, 2.5), 1.5); // 1 consumes the queue, 1.5 reaches us
  assert.equal(q.ahead, 0);
  m.onNew(q, 0);
  assert.equal(q.ahead, 0);
});

test("power-law share: hand-worked cancels split x^n/(x^n+y^n) ahead; excess beyond the queue behind comes from ahead", () => {
  const m = powerProbQueue(2);
  const q = st();
  m.onNew(q, 5);
  m.onDepth(q, 5, 9); // 4 behind
  m.onDepth(q, 9, 7); // chg 2, share 25/41
  assert.ok(Math.abs(q.ahead - (5 - 50 / 41)) < 1e-12);
  // n = 1: proportional. ahead 3, behind 1, cancel 2 → share 3/4 → ahead 1.5, behind 0.5
  const p1 = powerProbQueue(1);
  const r = st();
  p1.onNew(r, 3);
  p1.onDepth(r, 3, 4);
  p1.onDepth(r, 4, 2);
  assert.equal(r.ahead, 1.5);
  // a cancel larger than the queue behind: ahead 3, behind 1, cancel 3.5 with n = 1: 3.5·3/4 = 2.625 ahead, 0.875
  // behind (≤ 1), so ahead = 0.375 (= next − behind left: 0.5 − 0.125)
  const r2 = st();
  p1.onNew(r2, 3);
  p1.onDepth(r2, 3, 4);
  p1.onDepth(r2, 4, 0.5);
  assert.ok(Math.abs(r2.ahead - 0.375) < 1e-12);
  // everything behind us gone and more: behind 1, cancel 3 with share forced to 0 → 1 behind, 2 from ahead
  const zero = probQueue(() => 0, "zero");
  const r3 = st();
  zero.onNew(r3, 3);
  zero.onDepth(r3, 3, 4);
  zero.onDepth(r3, 4, 1);
  assert.equal(r3.ahead, 1);
  assert.throws(() => powerProbQueue(0), ArgumentError);
});

test("probabilistic models do not count a trade twice: the depth decrease that reports a trade moves nothing more", () => {
  for (const m of [powerProbQueue(2), powerProbQueue(3), logProbQueue()]) {
    const q = st();
    m.onNew(q, 10);
    m.onDepth(q, 10, 14);
    assert.equal(m.onTrade(q, 3), 0);
    assert.equal(q.ahead, 7);
    m.onDepth(q, 14, 11); // the trade's 3
    assert.equal(q.ahead, 7);
    m.onDepth(q, 11, 10); // a real cancel of 1: some of it ahead
    assert.ok(q.ahead < 7 && q.ahead > 6);
  }
});

test("properties over random sequences: 0 ≤ ahead ≤ level; risk-averse ahead ≥ probabilistic ahead; larger n moves more when ahead > behind", () => {
  const u = seededUniform(99);
  for (let rep = 0; rep < 200; rep++) {
    const ra = riskAverseQueue(), pp = powerProbQueue(2), p4 = powerProbQueue(6), lg = logProbQueue();
    const models = [ra, pp, p4, lg];
    const qs = models.map(() => st());
    let level = Math.floor(u() * 20);
    models.forEach((m, k) => m.onNew(qs[k], level));
    for (let step = 0; step < 40; step++) {
      if (u() < 0.3) {
        const a = Math.floor(u() * 5) + 1;
        models.forEach((m, k) => m.onTrade(qs[k], a));
        const next = Math.max(0, level - a);
        models.forEach((m, k) => m.onDepth(qs[k], level, next));
        level = next;
      } else {
        const next = Math.max(0, level + Math.floor(u() * 9) - 4);
        models.forEach((m, k) => m.onDepth(qs[k], level, next));
        level = next;
      }
      for (const q of qs) assert.ok(q.ahead >= 0 && q.ahead <= level + 1e-12, `ahead ${q.ahead} level ${level}`);
      for (let k = 1; k < qs.length; k++) assert.ok(qs[0].ahead >= qs[k].ahead - 1e-9, "risk-averse is the most conservative");
    }
  }
  // one cancel with ahead 8, behind 2: the share ahead rises with n (8^n/(8^n+2^n))
  const one = (n: number) => {
    const m = powerProbQueue(n), q = st();
    m.onNew(q, 8);
    m.onDepth(q, 8, 10);
    m.onDepth(q, 10, 9);
    return q.ahead;
  };
  assert.ok(Math.abs(one(1) - (8 - 0.8)) < 1e-12);
  assert.ok(one(3) < one(1));
});
