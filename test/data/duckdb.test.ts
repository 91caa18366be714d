import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { closeDuckDB, loadParquet, readCsvColumns, sql, sqlString, writeParquet } from "../../src/data/duckdb";
import { Frame } from "../../src/frame/frame";
import { DataError, FileNotFoundError } from "../../src/errors";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-duckdb-"));
function write(name: string, content: string | Buffer): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
}
after(async () => {
  await closeDuckDB();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test("sql: column kinds by DuckDB type, timestamps as epoch µs, NULL as NaN or empty string", async () => {
  const f = await sql(
    `SELECT 1.5::DOUBLE AS d, 9007199254740991::BIGINT AS b, TIMESTAMP '2024-01-01 00:00:00.123456' AS ts,
            DATE '2024-01-02' AS dt, 'x' AS s, true AS flag, NULL::DOUBLE AS nd, NULL::VARCHAR AS ns,
            7::INTEGER AS i, -3::TINYINT AS t, 1.25::DECIMAL(10,2) AS dec, [1, 2] AS lst`,
  );
  const kinds = Object.fromEntries(f.names.map((n) => [n, (f.columns[n] as object).constructor.name]));
  assert.deepEqual(kinds, {
    d: "Float64Array", b: "Float64Array", ts: "Float64Array", dt: "Float64Array", s: "Array", flag: "Int8Array",
    nd: "Float64Array", ns: "Array", i: "Int32Array", t: "Int8Array", dec: "Float64Array", lst: "Array",
  });
  const r = f.toRecords()[0];
  assert.equal(r.d, 1.5);
  assert.equal(r.b, 2 ** 53 - 1); // exact at the top of the float64 integer range
  assert.equal(r.ts, Date.UTC(2024, 0, 1) * 1000 + 123456);
  assert.equal(r.dt, Date.UTC(2024, 0, 2) * 1000);
  assert.deepEqual([r.s, r.flag, r.ns, r.i, r.t, r.dec, r.lst], ["x", 1, "", 7, -3, 1.25, "[1, 2]"]);
  assert.ok(Number.isNaN(r.nd as number));
});

test("sql: parameters bind; an INTEGER column holding NULL widens to Float64Array with NaN", async () => {
  const p = await sql("SELECT ?::INTEGER + 1 AS k, $2::VARCHAR AS s", [41, "ok"]);
  assert.deepEqual(p.toRecords(), [{ k: 42, s: "ok" }]);
  const g = await sql("SELECT * FROM (VALUES (1::INTEGER), (NULL), (3)) t(x)");
  assert.ok(g.columns.x instanceof Float64Array);
  assert.deepEqual(Array.from(g.f64("x")), [1, NaN, 3]);
  const big = await sql("SELECT range::DOUBLE AS v FROM range(5000)");
  assert.equal(big.length, 5000);
  assert.equal(big.f64("v")[4999], 4999); // crosses DuckDB's 2048-row chunks
});

test("sql: NULLs inside some 2048-row chunks and not others land as NaN exactly where they were", async () => {
  const f = await sql(
    "SELECT CASE WHEN range % 3000 = 5 THEN NULL ELSE range::DOUBLE END AS b, (range % 100)::TINYINT AS t, range::INTEGER AS i FROM range(7000)",
  );
  const b = f.f64("b");
  for (let k = 0; k < 7000; k++) {
    if (k % 3000 === 5) assert.ok(Number.isNaN(b[k]), `row ${k}`);
    else assert.equal(b[k], k);
  }
  assert.ok(f.columns.t instanceof Int8Array && f.columns.i instanceof Int32Array);
  assert.equal((f.col("t") as Int8Array)[6999], 99);
  assert.equal((f.col("i") as Int32Array)[6999], 6999);
});

test("sql: errors are DataErrors carrying DuckDB's message", async () => {
  await assert.rejects(sql("SELECT * FROM no_such_table"), (e: unknown) => e instanceof DataError && /no_such_table/.test(e.message));
});

test("writeParquet / loadParquet: columns, kinds and values round-trip bit for bit", async () => {
  const f = new Frame({
    price: Float64Array.from([61837.63, NaN, -0, 1e300, 0.1 + 0.2]),
    side: Int8Array.from([1, -1, 0, 1, -1]),
    n: Int32Array.from([1, 2, 3, -4, 2147483647]),
    s: ["a", "", 'x"y', "é€", "z"],
  });
  const p = path.join(tmp, "sub", "rt.parquet");
  await writeParquet(f, p);
  const g = await loadParquet(p);
  assert.deepEqual(g.names, f.names);
  assert.ok(g.columns.side instanceof Int8Array && g.columns.n instanceof Int32Array);
  const a = f.f64("price");
  const b = g.f64("price");
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `row ${i}: ${a[i]} vs ${b[i]}`);
  assert.deepEqual(Array.from(g.col("side") as Int8Array), [1, -1, 0, 1, -1]);
  assert.deepEqual(Array.from(g.col("n") as Int32Array), [1, 2, 3, -4, 2147483647]);
  assert.deepEqual(g.str("s"), f.str("s"));
  // SQL over the written file sees the same values
  const agg = await sql(`SELECT count(*)::DOUBLE AS n, sum(side)::DOUBLE AS s FROM read_parquet(${sqlString(p)})`);
  assert.deepEqual(agg.toRecords(), [{ n: 5, s: 0 }]);
});

test("writeParquet: a frame larger than one chunk", async () => {
  const n = 5000;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = i * 0.01;
  const p = path.join(tmp, "big.parquet");
  await writeParquet(new Frame({ x }), p);
  const g = await loadParquet(p);
  assert.deepEqual(g.f64("x"), x);
});

test("loadParquet: a missing file is a FileNotFoundError", async () => {
  await assert.rejects(loadParquet(path.join(tmp, "none.parquet")), FileNotFoundError);
});

const TYPES = { t: "BIGINT", px: "DOUBLE", tag: "VARCHAR" };

test("readCsvColumns: typed columns, header order free, NULL → NaN, plain and gzip alike", async () => {
  const text = "tag,px,t\na,1.25,100\nb,,200\n";
  for (const p of [write("r.csv", text), write("r.csv.gz", zlib.gzipSync(Buffer.from(text)))]) {
    const r = await readCsvColumns(p, TYPES);
    assert.deepEqual(r.header, ["tag", "px", "t"]);
    assert.deepEqual(r.firstRecord, ["a", "1.25", "100"]);
    assert.deepEqual(Array.from(r.frame.f64("t")), [100, 200]);
    assert.deepEqual(Array.from(r.frame.f64("px")), [1.25, NaN]);
    assert.deepEqual(r.frame.str("tag"), ["a", "b"]);
    assert.deepEqual([r.lineOf(0), r.lineOf(1)], [2, 3]);
  }
});

test("readCsvColumns: a select list computes codes in SQL", async () => {
  const p = write("sel.csv", "t,px,tag\n1,2.5,buy\n2,3.5,sell\n3,1,other\n");
  const r = await readCsvColumns(p, TYPES, {
    select: ["t::DOUBLE AS t", "(CASE tag WHEN 'buy' THEN 1 WHEN 'sell' THEN -1 ELSE 0 END)::TINYINT AS side"],
  });
  assert.deepEqual(r.frame.names, ["t", "side"]);
  assert.deepEqual(Array.from(r.frame.col("side") as Int8Array), [1, -1, 0]);
});

test("readCsvColumns: empty lines are skipped but rows still map to their file lines", async () => {
  const p = write("blank.csv", "t,px,tag\n1,1,a\n\n2,2,b\n\n\n3,3,c\n");
  const r = await readCsvColumns(p, TYPES);
  assert.equal(r.frame.length, 3);
  assert.deepEqual([0, 1, 2].map(r.lineOf), [2, 4, 7]);
});

test("readCsvColumns: a wrong column set is a DataError listing expected and found", async () => {
  const p = write("wrong.csv", "t,price,tag\n1,1,a\n");
  await assert.rejects(readCsvColumns(p, TYPES), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.equal(e.location.line, 1);
    assert.match(e.message, /expected \[t,px,tag\], found \[t,price,tag\]/);
    assert.match(e.message, /missing: px/);
    return true;
  });
});

test("readCsvColumns: DuckDB's rejection becomes a located DataError from our own re-read", async () => {
  const p = write("bad.csv", "t,px,tag\n1,1,a\n2,1.5.3,b\n");
  await assert.rejects(readCsvColumns(p, TYPES), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.deepEqual([e.location.file, e.location.line, e.location.field], [p, 3, "px"]);
    assert.match(e.message, /"1\.5\.3" is not a decimal number/);
    return true;
  });
});

test("readCsvColumns: a quoted field spanning lines breaks the one-record-per-line rule and is reported", async () => {
  const p = write("span.csv", 't,px,tag\n1,1,"a\nb"\n2,2,c\n');
  await assert.rejects(readCsvColumns(p, TYPES), (e: unknown) => e instanceof DataError && /non-empty data lines/.test(e.message));
  const r = await readCsvColumns(p, TYPES, { verify: false });
  assert.deepEqual(r.frame.str("tag"), ["a\nb", "c"]);
});

test("readCsvColumns: an empty file and a missing file", async () => {
  await assert.rejects(readCsvColumns(write("empty.csv", ""), TYPES), (e: unknown) => e instanceof DataError && /empty/.test(e.message));
  await assert.rejects(readCsvColumns(path.join(tmp, "missing.csv"), TYPES), FileNotFoundError);
});
