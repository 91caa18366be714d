import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import {
  GZIP_TRUNCATED,
  checkHeader,
  diagnoseCsv,
  forEachLine,
  forEachRecord,
  headLines,
  isGzipFile,
  lineAt,
  parseDecimal,
  rowToLineMapper,
  scanLines,
  splitFields,
} from "../../src/data/csv";
import { DataError, FileNotFoundError } from "../../src/errors";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-csv-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
function write(name: string, content: string | Buffer): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
}
async function lines(p: string): Promise<Array<[string, number]>> {
  const out: Array<[string, number]> = [];
  await forEachLine(p, (l, n) => {
    out.push([l, n]);
  });
  return out;
}

test("splitFields: plain fields, empty fields and a trailing delimiter", () => {
  assert.deepEqual(splitFields("a,b,c"), ["a", "b", "c"]);
  assert.deepEqual(splitFields("a,,c,"), ["a", "", "c", ""]);
  assert.deepEqual(splitFields(""), [""]);
  assert.deepEqual(splitFields("x;y", ";"), ["x", "y"]);
});

test("splitFields: quoted fields hold delimiters and doubled quotes (RFC 4180)", () => {
  assert.deepEqual(splitFields('"a,b",c'), ["a,b", "c"]);
  assert.deepEqual(splitFields('1,"He said ""hi""",3'), ["1", 'He said "hi"', "3"]);
  assert.deepEqual(splitFields('"",x,""'), ["", "x", ""]);
  assert.deepEqual(splitFields('a;"b;c";d', ";"), ["a", "b;c", "d"]);
  // a quote inside an unquoted field is kept as is
  assert.deepEqual(splitFields('ab"c,d'), ['ab"c', "d"]);
  // the quoted path and the split path agree when quotes are only decoration
  assert.deepEqual(splitFields('"a","b","c"'), splitFields("a,b,c"));
});

test("splitFields: a quote that never closes is a DataError naming file, line and field", () => {
  assert.throws(
    () => splitFields('1,"abc', ",", { file: "f.csv", line: 7, names: ["id", "text"] }),
    (e: unknown) => e instanceof DataError && e.location.file === "f.csv" && e.location.line === 7 && e.location.field === "text",
  );
  assert.throws(() => splitFields('"ab"c,d', ",", { file: "f.csv", line: 2 }), /after a closing quote/);
});

test("forEachLine: CRLF, BOM, a last line without newline; gzip gives the same lines", async () => {
  const text = "\ufeffh1,h2\r\n1,2\r\n\r\n3,4";
  const plain = write("crlf.csv", text);
  const gz = write("crlf.csv.gz", zlib.gzipSync(Buffer.from(text)));
  const expected: Array<[string, number]> = [["h1,h2", 1], ["1,2", 2], ["", 3], ["3,4", 4]];
  assert.deepEqual(await lines(plain), expected);
  assert.deepEqual(await lines(gz), expected);
  assert.equal(isGzipFile(gz), true);
  assert.equal(isGzipFile(plain), false);
  assert.deepEqual(await headLines(gz, 2), ["h1,h2", "1,2"]);
  assert.equal(await lineAt(gz, 4), "3,4");
  assert.equal(await lineAt(gz, 5), undefined);
});

test("forEachLine: lines split across read chunks and multi-byte UTF-8 survive", async () => {
  const rows: string[] = [];
  for (let i = 0; i < 60000; i++) rows.push(`${i},é€${i}`);
  const p = write("big.csv.gz", zlib.gzipSync(Buffer.from(rows.join("\n") + "\n")));
  let k = 0;
  let ok = true;
  await forEachLine(p, (l, n) => {
    if (l !== rows[n - 1]) ok = false;
    k++;
  });
  assert.equal(k, 60000);
  assert.ok(ok);
});

test("headLines: reads past the first prefix when the first lines are long; short files give what they have", async () => {
  const long = "x".repeat(100_000);
  const text = `${long}\n${long}y\nz\n`;
  for (const p of [write("long.csv", text), write("long.csv.gz", zlib.gzipSync(Buffer.from(text)))]) {
    assert.deepEqual(await headLines(p, 2), [long, long + "y"]);
    assert.deepEqual(await headLines(p, 5), [long, long + "y", "z"]);
  }
  assert.deepEqual(await headLines(write("none.csv", ""), 2), []);
  assert.deepEqual(await headLines(write("one.csv", "a"), 2), ["a"]);
});

test("forEachLine: stopping early returns the lines visited", async () => {
  const p = write("stop.csv", "a\nb\nc\nd\n");
  const n = await forEachLine(p, (_l, k) => k < 2);
  assert.equal(n, 2);
});

test("forEachRecord: a quoted field may span lines; the record keeps its first line number", async () => {
  const p = write("multi.csv", 'id;text\n1;"two\nlines";\n2;plain;x\n');
  const recs: Array<[string[], number]> = [];
  await forEachRecord(p, (f, n) => {
    recs.push([f, n]);
  }, { delimiter: ";" });
  assert.deepEqual(recs, [
    [["id", "text"], 1],
    [["1", "two\nlines", ""], 2],
    [["2", "plain", "x"], 4],
  ]);
  const bad = write("open.csv", 'a\n"never closed\nx\n');
  await assert.rejects(forEachRecord(bad, () => undefined), (e: unknown) => e instanceof DataError && e.location.line === 2);
});

test("scanLines: counts lines and empty lines, plain and gzip", async () => {
  const text = "h\n1\n\n2\r\n\r\n3";
  const a = await scanLines(write("scan.csv", text));
  assert.deepEqual([a.lines, a.blankLines, a.bytes, a.gzip], [6, [3, 5], Buffer.byteLength(text), false]);
  const b = await scanLines(write("scan.csv.gz", zlib.gzipSync(Buffer.from(text))));
  assert.deepEqual([b.lines, b.blankLines, b.gzip], [6, [3, 5], true]);
  const c = await scanLines(write("scan2.csv", "a\nb\n"));
  assert.deepEqual([c.lines, c.blankLines], [2, []]);
});

test("scanLines / forEachLine: a gzip cut short is a DataError naming the file", async () => {
  const rows: string[] = ["h"];
  for (let i = 0; i < 20000; i++) rows.push(`${i},${i * 7}`);
  const full = zlib.gzipSync(Buffer.from(rows.join("\n") + "\n"));
  for (const [name, buf] of [
    ["half.csv.gz", full.subarray(0, full.length >> 1)],
    ["notrailer.csv.gz", full.subarray(0, full.length - 8)],
  ] as const) {
    const p = write(name, buf);
    for (const run of [() => scanLines(p), () => forEachLine(p, () => undefined)]) {
      await assert.rejects(run(), (e: unknown) => {
        assert.ok(e instanceof DataError);
        assert.equal(e.location.file, p);
        assert.ok(e.message.includes(GZIP_TRUNCATED), e.message);
        return true;
      });
    }
  }
});

test("a missing file is a FileNotFoundError naming the file", async () => {
  const p = path.join(tmp, "nope.csv");
  await assert.rejects(forEachLine(p, () => undefined), (e: unknown) => e instanceof FileNotFoundError && e.location.file === p);
  assert.throws(() => isGzipFile(p), FileNotFoundError);
});

test("rowToLineMapper: rows skip past empty lines", () => {
  const f = rowToLineMapper(2, [1, 4, 5, 9]);
  // lines: 1 header(blank ignored: before data), 2 r0, 3 r1, 4 -, 5 -, 6 r2, 7 r3, 8 r4, 9 -, 10 r5
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(f), [2, 3, 6, 7, 8, 10]);
  assert.equal(rowToLineMapper(2, [])(10), 12);
});

test("parseDecimal: strict decimal numbers only, values correctly rounded", () => {
  assert.equal(parseDecimal("61837.63"), 61837.63);
  assert.equal(parseDecimal("-0.5e-3"), -0.0005);
  assert.equal(parseDecimal(".5"), 0.5);
  assert.equal(parseDecimal("7."), 7);
  for (const bad of ["", " 1", "1 ", "0x10", "1,5", "NaN", "Infinity", "1e", "--1", "abc"]) {
    assert.ok(Number.isNaN(parseDecimal(bad)), bad);
  }
});

test("checkHeader: lists expected, found, missing and unexpected columns", () => {
  assert.doesNotThrow(() => checkHeader("f", ["b", "a"], ["a", "b"]));
  assert.throws(
    () => checkHeader("f.csv", ["a", "x"], ["a", "b"], "test rows"),
    (e: unknown) =>
      e instanceof DataError &&
      e.location.line === 1 &&
      /expected \[a,b\], found \[a,x\]/.test(e.message) &&
      /missing: b/.test(e.message) &&
      /unexpected: x/.test(e.message),
  );
});

test("diagnoseCsv: finds the first bad line, naming line and field", async () => {
  const fields = [
    { name: "t", kind: "BIGINT" as const },
    { name: "side", kind: { oneOf: ["buy", "sell"] } },
    { name: "px", kind: "DOUBLE" as const },
    { name: "note", kind: "VARCHAR" as const, optional: true },
  ];
  const ok = write("diag-ok.csv", "t,side,px,note\n1,buy,1.5,\n2,sell,2,x\n");
  assert.equal(await diagnoseCsv(ok, fields), null);
  const cases: Array<[string, number, string, RegExp]> = [
    ["t,side,px,note\n1,buy,1.5,\n2,sell,abc,x\n", 3, "px", /"abc" is not a decimal number/],
    ["t,side,px,note\n1,buy,1.5,\n2,sell\n", 3, "px", /expected 4 fields/],
    ["t,side,px,note\n1.5,buy,1.5,\n", 2, "t", /not an integer/],
    ["t,side,px,note\n1,hold,1.5,\n", 2, "side", /one of "buy", "sell"/],
    ["t,side,px,note\n1,buy,,\n", 2, "px", /empty value/],
  ];
  for (const [text, line, field, re] of cases) {
    const p = write(`diag-${line}-${field}.csv`, text);
    const e = await diagnoseCsv(p, fields);
    assert.ok(e instanceof DataError, text);
    assert.equal(e.location.line, line);
    assert.equal(e.location.field, field);
    assert.equal(e.location.file, p);
    assert.match(e.message, re);
    assert.ok(e.message.startsWith(`${p}:${line}`), e.message);
  }
});
