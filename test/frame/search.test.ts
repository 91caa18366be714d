import { test } from "node:test";
import assert from "node:assert/strict";
import { assertSorted, firstUnsorted, searchSorted, searchSortedMany } from "../../src/frame/search";
import { ArgumentError, DataError } from "../../src/errors";
import { seededUniform as rng } from "../helpers";


test("searchSorted: hand-worked numpy examples", () => {
  const a = [1, 2, 2, 3];
  // numpy: np.searchsorted([1,2,2,3], [0,1,2,2.5,3,4], side=...)
  assert.deepEqual([0, 1, 2, 2.5, 3, 4].map((v) => searchSorted(a, v, "left")), [0, 0, 1, 3, 3, 4]);
  assert.deepEqual([0, 1, 2, 2.5, 3, 4].map((v) => searchSorted(a, v, "right")), [0, 1, 3, 3, 4, 4]);
  assert.equal(searchSorted(a, 2), 1, "left is the default");
  assert.equal(searchSorted([], 5), 0);
  assert.equal(searchSorted([], 5, "right"), 0);
});

test("searchSorted: NaN sorts last (numpy order)", () => {
  const a = Float64Array.from([1, 2, NaN, NaN]);
  assert.equal(searchSorted(a, NaN, "left"), 2);
  assert.equal(searchSorted(a, NaN, "right"), 4);
  assert.equal(searchSorted(a, 5, "left"), 2);
  assert.equal(searchSorted(a, 5, "right"), 2);
  assert.equal(searchSorted(a, -Infinity, "right"), 0);
  assert.equal(searchSorted(a, Infinity, "right"), 2);
});

test("searchSorted: rejects an unknown side", () => {
  assert.throws(() => searchSorted([1], 1, "middle" as "left"), ArgumentError);
});

test("searchSorted: the defining inequalities hold on random data with duplicates", () => {
  const r = rng(1);
  for (let trial = 0; trial < 50; trial++) {
    const n = Math.floor(r() * 40);
    const a = Float64Array.from({ length: n }, () => Math.floor(r() * 10)).sort();
    for (let k = 0; k < 30; k++) {
      const v = Math.floor(r() * 12) - 1 + (r() < 0.3 ? 0.5 : 0);
      const L = searchSorted(a, v, "left");
      const R = searchSorted(a, v, "right");
      for (let j = 0; j < L; j++) assert.ok(a[j] < v);
      for (let j = L; j < n; j++) assert.ok(a[j] >= v);
      for (let j = 0; j < R; j++) assert.ok(a[j] <= v);
      for (let j = R; j < n; j++) assert.ok(a[j] > v);
    }
  }
});

test("searchSortedMany equals searchSorted element-wise (sorted queries: galloping; unsorted: bisection)", () => {
  const r = rng(2);
  for (let trial = 0; trial < 60; trial++) {
    const n = Math.floor(r() * 200);
    const m = Math.floor(r() * 200);
    const a = Float64Array.from({ length: n }, () => Math.floor(r() * 50));
    a.sort();
    if (trial % 5 === 0 && n > 0) a[n - 1] = NaN; // a NaN tail
    const vals = Float64Array.from({ length: m }, () => (r() < 0.05 ? NaN : Math.floor(r() * 60) - 5));
    const sortedVals = Float64Array.from(vals).sort(); // typed sort puts NaN last
    for (const side of ["left", "right"] as const) {
      for (const q of [vals, sortedVals]) {
        const got = searchSortedMany(a, q, side);
        assert.equal(got.length, m);
        for (let i = 0; i < m; i++) assert.equal(got[i], searchSorted(a, q[i], side), `side ${side} value ${q[i]}`);
      }
    }
  }
});

test("searchSortedMany: sparse sorted queries over a long array", () => {
  const a = Float64Array.from({ length: 100_000 }, (_, i) => i * 2);
  const q = Float64Array.from([-1, 0, 1, 99_999, 150_000.5, 199_998, 500_000]);
  assert.deepEqual(Array.from(searchSortedMany(a, q, "left")), [0, 0, 1, 50_000, 75_001, 99_999, 100_000]);
  assert.deepEqual(Array.from(searchSortedMany(a, q, "right")), [0, 1, 1, 50_000, 75_001, 100_000, 100_000]);
});

test("firstUnsorted and assertSorted", () => {
  assert.equal(firstUnsorted([]), -1);
  assert.equal(firstUnsorted([1, 1, 2, 2]), -1);
  assert.equal(firstUnsorted([1, 3, 2]), 2);
  assert.equal(firstUnsorted([NaN, 1]), 0);
  assert.equal(firstUnsorted([1, NaN]), 1);
  assertSorted(Float64Array.from([1, 1, 5]), "timestamp"); // does not throw

  assert.throws(
    () => assertSorted(Float64Array.from([1, 2, 3, 2.5, 1]), "timestamp", "trades.csv"),
    (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.equal(e.location.field, "timestamp");
      assert.equal(e.location.file, "trades.csv");
      assert.equal(e.location.line, undefined);
      assert.match(e.message, /row 3 \(2\.5\) is less than row 2 \(3\)/);
      assert.match(e.message, /^trades\.csv field "timestamp"/);
      return true;
    },
  );
  assert.throws(
    () => assertSorted([0, NaN], "localTimestamp", "q.csv", 2),
    (e: unknown) => e instanceof DataError && e.location.line === 3 && /row 1 is NaN/.test(e.message),
  );
});
