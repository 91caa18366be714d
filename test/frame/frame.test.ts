import { test } from "node:test";
import assert from "node:assert/strict";
import { Frame, columnStats, sortedQuantile, type Columns } from "../../src/frame/frame";
import { ArgumentError } from "../../src/errors";

const f64 = (a: number[]) => Float64Array.from(a);

function sample() {
  return new Frame({
    t: f64([10, 20, 30, 40, 50]),
    px: f64([1.5, NaN, 2.5, 0.5, 1.5]),
    side: Int8Array.from([1, -1, 1, 0, -1]),
    n: Int32Array.from([5, 4, 3, 2, 1]),
    sym: ["a", "b", "c", "d", "e"],
  });
}

test("constructor: lengths must agree, kinds are checked", () => {
  assert.throws(() => new Frame({ a: f64([1]), b: f64([1, 2]) }), ArgumentError);
  assert.throws(() => new Frame({ a: new Uint8Array(2) as unknown as Float64Array }), ArgumentError);
  assert.equal(new Frame({}).length, 0);
  const f = sample();
  assert.equal(f.length, 5);
  assert.deepEqual(f.names, ["t", "px", "side", "n", "sym"]);
});

test("column accessors: col / f64 / num / str check names and kinds", () => {
  const f = sample();
  assert.throws(() => f.col("nope" as "t"), /no column "nope"; columns are: t, px, side, n, sym/);
  assert.equal(f.f64("t"), f.columns.t);
  assert.throws(() => f.f64("side"), /is i8, not f64/);
  assert.equal(f.num("side"), f.columns.side);
  assert.throws(() => f.num("sym"), ArgumentError);
  assert.throws(() => f.str("t"), ArgumentError);
  assert.ok(f.has("sym") && !f.has("toString"));
});

test("select: order as given, columns shared", () => {
  const f = sample();
  const s = f.select(["sym", "t"]);
  assert.deepEqual(s.names, ["sym", "t"]);
  assert.equal(s.columns.t, f.columns.t);
  assert.throws(() => f.select(["x" as "t"]), ArgumentError);
});

test("filter: keeps rows where the mask is truthy, checks its length", () => {
  const f = sample();
  const g = f.filter([1, 0, true, false, 1]);
  assert.deepEqual(Array.from(g.f64("t")), [10, 30, 50]);
  assert.deepEqual(g.str("sym"), ["a", "c", "e"]);
  assert.ok(g.columns.side instanceof Int8Array);
  assert.deepEqual(Array.from(g.columns.side), [1, 1, -1]);
  assert.equal(f.filter(new Uint8Array(5)).length, 0);
  assert.throws(() => f.filter([1, 0]), ArgumentError);
});

test("slice / head / tail: negative indices, clamping, zero-copy typed views", () => {
  const f = sample();
  const s = f.slice(1, -1);
  assert.deepEqual(Array.from(s.f64("t")), [20, 30, 40]);
  assert.equal(s.f64("t").buffer, f.f64("t").buffer, "typed columns are views");
  assert.deepEqual(s.str("sym"), ["b", "c", "d"]);
  assert.deepEqual(Array.from(f.slice(-2).f64("t")), [40, 50]);
  assert.equal(f.slice(4, 2).length, 0);
  assert.equal(f.slice(-100, 100).length, 5);
  assert.deepEqual(Array.from(f.head(2).f64("t")), [10, 20]);
  assert.deepEqual(Array.from(f.tail(2).f64("t")), [40, 50]);
  assert.equal(f.tail(10).length, 5);
  assert.equal(f.tail(0).length, 0);
});

test("take: any order, repeats, keeps kinds", () => {
  const f = sample();
  const g = f.take([4, 0, 0]);
  assert.deepEqual(Array.from(g.f64("t")), [50, 10, 10]);
  assert.deepEqual(g.str("sym"), ["e", "a", "a"]);
  assert.ok(g.columns.n instanceof Int32Array);
  assert.equal(f.take([]).length, 0);
});

test("withColumn / drop / rename", () => {
  const f = sample();
  const g = f.withColumn("x", f64([1, 2, 3, 4, 5]));
  assert.deepEqual(g.names, ["t", "px", "side", "n", "sym", "x"]);
  assert.throws(() => f.withColumn("x", f64([1])), ArgumentError);
  const h = f.withColumn("t", f64([0, 0, 0, 0, 0]));
  assert.deepEqual(h.names, f.names, "replacing keeps the position");
  assert.deepEqual(f.drop(["px", "sym"]).names, ["t", "side", "n"]);
  assert.deepEqual(f.rename({ t: "timestamp" }).names, ["timestamp", "px", "side", "n", "sym"]);
});

test(
  "rename onto an existing name must not silently drop a column",
  () => {
    const f = sample();
    assert.throws(() => f.rename({ px: "side" }), ArgumentError);
  },
);

test("sortBy: stable, NaN last in both directions, strings by code unit", () => {
  const f = new Frame({
    k: f64([2, NaN, 1, 2, 1, NaN, -Infinity]),
    i: Int32Array.from([0, 1, 2, 3, 4, 5, 6]),
    s: ["b", "B", "a", "b", "a", "c", "A"],
  });
  assert.deepEqual(Array.from(f.sortBy("k").columns.i), [6, 2, 4, 0, 3, 1, 5]);
  assert.deepEqual(Array.from(f.sortBy("k", { descending: true }).columns.i), [0, 3, 2, 4, 6, 1, 5]);
  assert.deepEqual(Array.from(f.sortBy("s").columns.i), [6, 1, 2, 4, 0, 3, 5], "uppercase before lowercase, ties stable");
  assert.deepEqual(Array.from(f.sortBy("s", { descending: true }).columns.i), [5, 0, 3, 2, 4, 1, 6]);
  // already sorted input (the O(n) fast path) keeps duplicates in place
  const sorted = new Frame({ k: f64([1, 1, 2, 3, 3]), i: Int32Array.from([0, 1, 2, 3, 4]) });
  assert.deepEqual(Array.from(sorted.argsort("k")), [0, 1, 2, 3, 4]);
  assert.deepEqual(Array.from(sorted.argsort("k", { descending: true })), [3, 4, 2, 0, 1]);
  const desc = new Frame({ k: f64([3, 3, 1]) });
  assert.deepEqual(Array.from(desc.argsort("k", { descending: true })), [0, 1, 2]);
  // leading NaN defeats the fast path and still goes last
  assert.deepEqual(Array.from(new Frame({ k: f64([NaN, 1, 2]) }).argsort("k")), [1, 2, 0]);
});

test("concat: rows appended, column order of the first frame, kind checks", () => {
  const a = new Frame({ x: f64([1]), s: ["a"], side: Int8Array.from([1]) });
  const b = new Frame({ s: ["b", "c"], side: Int8Array.from([-1, 0]), x: f64([2, 3]) });
  const c = Frame.concat([a, b]);
  assert.deepEqual(c.names, ["x", "s", "side"]);
  assert.deepEqual(Array.from(c.f64("x")), [1, 2, 3]);
  assert.deepEqual(c.str("s"), ["a", "b", "c"]);
  assert.ok(c.columns.side instanceof Int8Array);
  assert.deepEqual(Array.from(c.columns.side), [1, -1, 0]);
  assert.equal(Frame.concat([]).length, 0);
  const cat = (fs: Frame<Columns>[]) => Frame.concat(fs);
  assert.throws(() => cat([a, new Frame({ x: Int32Array.from([1]), s: ["z"], side: Int8Array.from([1]) })]), /"x" is f64 in one frame and i32 in another/);
  assert.throws(() => cat([a, new Frame({ x: ["1"], s: ["z"], side: Int8Array.from([1]) })]), /"x" is f64 in one frame and str in another/);
  assert.throws(() => cat([new Frame({ x: ["1"] }), new Frame({ x: f64([1]) })]), /"x" is str in one frame and f64 in another/);
  assert.throws(() => cat([a, new Frame({ x: f64([1]), s: ["z"] })]), /column sets differ/);
  assert.throws(() => cat([a, new Frame({ x: f64([1]), s: ["z"], other: f64([1]) })]), /column sets differ/);
});

test("describe: count, mean, sample std, min, type-7 quartiles, max; NaN ignored; string columns skipped", () => {
  const d = new Frame({ v: f64([1, 2, 3, 4, NaN]), s: ["a", "b", "c", "d", "e"], i: Int8Array.from([1, 1, 1, 1, 1]) }).describe();
  assert.deepEqual(d.names, ["stat", "v", "i"]);
  assert.deepEqual(d.str("stat"), ["count", "mean", "std", "min", "25%", "50%", "75%", "max"]);
  assert.deepEqual(Array.from(d.f64("v")), [4, 2.5, Math.sqrt(5 / 3), 1, 1.75, 2.5, 3.25, 4]);
  assert.deepEqual(Array.from(d.f64("i")), [5, 1, 0, 1, 1, 1, 1, 1]);
  const one = columnStats(f64([7]));
  assert.equal(one.count, 1);
  assert.ok(Number.isNaN(one.std), "sample std of one value is undefined");
  assert.ok(Number.isNaN(columnStats(f64([])).mean));
  assert.equal(sortedQuantile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(sortedQuantile([10], 0.9), 10);
  assert.ok(Number.isNaN(sortedQuantile([], 0.5)));
});

test("toString: right-aligned table, NaN shown, long strings cut at 40, row and shape footer", () => {
  const f = new Frame({
    a: f64([1, 2.5, NaN]),
    side: Int8Array.from([1, -1, 0]),
    s: ["x", "a-very-long-string-that-goes-beyond-forty-characters", ""],
  });
  const full = [
    "  a  side                                         s",
    "  1     1                                         x",
    "2.5    -1  a-very-long-string-that-goes-beyond-for…",
    "NaN     0                                          ",
    "[3 rows × 3 columns]",
  ].join("\n");
  assert.equal(f.toString(), full);
  assert.equal(f.toString(1).split("\n").slice(-2).join("\n"), "… 2 more rows\n[3 rows × 3 columns]");
  // epoch-µs timestamps and cents print exactly
  const p = new Frame({ timestamp: f64([1723161253937123]), price: f64([61837.63]) }).toString();
  assert.match(p, /1723161253937123\s+61837\.63/);
  assert.match(new Frame({}).toString(), /\[0 rows × 0 columns\]/);
});

test("toRecords and toHTML", () => {
  const f = sample();
  assert.deepEqual(f.toRecords(1), [{ t: 10, px: 1.5, side: 1, n: 5, sym: "a" }]);
  const h = new Frame({ "<b>": ["a&b"] }).toHTML();
  assert.match(h, /<th>&lt;b&gt;<\/th>/);
  assert.match(h, /<td>a&amp;b<\/td>/);
  assert.match(h, /1 rows × 1 columns/);
});
