import { test } from "node:test";
import assert from "node:assert/strict";
import { bar } from "../../src/plot/figures/bar";
import { ArgumentError } from "../../src/errors";

test("bar: one trace per group, categories in order, titles with units", () => {
  const f = bar({
    title: "Spread by pair",
    categories: ["BTC", "ETH", "SOL"],
    groups: [
      { name: "EDGE", values: Float64Array.from([1.2, 1.0, 3.1]) },
      { name: "CS", values: Float64Array.from([22, 27, 48]) },
    ],
    valueTitle: "spread (bps)",
    categoryTitle: "pair (symbol)",
  });
  assert.equal(f.data.length, 2);
  const t0 = f.data[0] as unknown as { x: string[]; y: number[]; type: string; name: string };
  assert.equal(t0.type, "bar");
  assert.deepEqual(t0.x, ["BTC", "ETH", "SOL"]);
  assert.deepEqual(t0.y, [1.2, 1.0, 3.1]);
  assert.equal((f.layout.yaxis as { title: { text: string } }).title.text, "spread (bps)");
  assert.equal(f.layout.barmode, "group");
});

test("bar: NaN draws no bar and is said in the notes; horizontal swaps axes", () => {
  const f = bar({
    title: "Roll by pair",
    categories: ["A", "B"],
    groups: [{ name: "Roll", values: Float64Array.from([NaN, 2]) }],
    valueTitle: "spread (bps)",
    categoryTitle: "pair (symbol)",
    horizontal: true,
    synthetic: true,
  });
  const t0 = f.data[0] as unknown as { x: Array<number | null>; y: string[] };
  assert.deepEqual(t0.x, [null, 2]);
  assert.deepEqual(t0.y, ["A", "B"]);
  assert.ok(f.meta?.notes?.some((n) => /no value for 1 of 2/.test(n)));
  assert.match(String((f.layout.title as { text: string }).text), /synthetic/);
});

test("bar: group length must match the categories; axis titles need units", () => {
  assert.throws(
    () => bar({ title: "x", categories: ["A"], groups: [{ name: "g", values: [1, 2] }], valueTitle: "v (bps)", categoryTitle: "c (pair)" }),
    ArgumentError,
  );
  assert.throws(() => bar({ title: "x", categories: ["A"], groups: [{ name: "g", values: [1] }], valueTitle: "value", categoryTitle: "c (pair)" }), ArgumentError);
});
