import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  formatFailure,
  joinMultiline,
  jsonErrorOffset,
  listNotebooks,
  notebookFigures,
  readNotebook,
  runNotebook,
  splitLines,
  type Notebook,
  type NotebookOutput,
} from "../../src/notebook/run";
import { DataError, FileNotFoundError } from "../../src/errors";

const FIXTURES = path.resolve(__dirname, "..", "fixtures", "notebooks");
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-run-"));

function writeNb(dir: string, name: string, sources: string[]): string {
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: sources.map((s) => ({ cell_type: "code", metadata: {}, source: s, outputs: [], execution_count: null })),
  };
  const f = path.join(dir, `${name}.ipynb`);
  fs.writeFileSync(f, JSON.stringify(nb));
  return f;
}

const text = (v: unknown): string => joinMultiline(v as string | string[]);

test("splitLines keeps newlines and joins back to the same text", () => {
  assert.deepEqual(splitLines("a\nbc\n\nd"), ["a\n", "bc\n", "\n", "d"]);
  assert.deepEqual(splitLines("x\n"), ["x\n"]);
  assert.deepEqual(splitLines(""), []);
  for (const s of ["", "one", "a\nb\n", "\n\n", "tail\nno newline"]) assert.equal(joinMultiline(splitLines(s)), s);
});

test("jsonErrorOffset agrees with JSON.parse on validity and points at the first bad character", () => {
  const cases = ['{"a": [1, 2.5e3, "x\\n\\u00e9", true, null, {}]}', "[1,]", '{"a":1} x', '"abc', '{"a" 1}', "  ", "-0.5", "01", "[tru]", '{"a":"\u0001"}'];
  for (const c of cases) {
    let valid = true;
    try {
      JSON.parse(c);
    } catch {
      valid = false;
    }
    assert.equal(jsonErrorOffset(c) === -1, valid, c);
  }
  assert.equal(jsonErrorOffset("[1,]"), 3);
  assert.equal(jsonErrorOffset('{"a" 1}'), 5);
});

test("passing fixture: every cell runs, outputs and execution counts are captured", async () => {
  const out = tmp();
  const events: string[] = [];
  const r = await runNotebook(path.join(FIXTURES, "passing.ipynb"), { outDir: out, onProgress: (e) => events.push(e.type) });
  assert.equal(r.ok, true, r.ok ? "" : formatFailure(r));
  assert.equal(r.failedCell, undefined);
  assert.equal(r.codeCells, 4);
  assert.deepEqual(r.cells.map((c) => [c.index, c.number, c.ok]), [[1, 1, true], [2, 2, true], [4, 3, true], [5, 4, true]]);
  assert.equal(r.outputPath, path.join(out, "notebooks", "passing.ipynb"));
  assert.equal(events[0], "notebook-start");
  assert.equal(events[events.length - 1], "notebook-end");
  assert.equal(events.filter((e) => e === "cell-end").length, 4);

  // The executed copy on disk is nbformat 4 with counts and outputs.
  const nb = readNotebook(r.outputPath);
  assert.equal(nb.nbformat, 4);
  const code = nb.cells.filter((c) => c.cell_type === "code");
  assert.deepEqual(code.map((c) => c.execution_count), [1, 2, 3, 4]);
  assert.equal(nb.cells[0].cell_type, "markdown");
  assert.match(joinMultiline(nb.cells[0].source), /# Passing fixture/);

  const outs = (i: number): NotebookOutput[] => nb.cells[i].outputs ?? [];
  assert.deepEqual(outs(1).map((o) => o.output_type), ["stream"]);
  const s = outs(1)[0];
  assert.ok(s.output_type === "stream" && s.name === "stdout" && text(s.text) === "hello from code cell 1\n");

  // display_data bundles: the HTML one and the Plotly one (with its text/plain fallback).
  const disp = outs(2);
  assert.deepEqual(disp.map((o) => o.output_type), ["display_data", "display_data"]);
  const d0 = disp[0];
  const d1 = disp[1];
  assert.ok(d0.output_type === "display_data" && text(d0.data["text/html"]) === "<b>bold display</b>");
  assert.ok(d1.output_type === "display_data");
  const fig = d1.data["application/vnd.plotly.v1+json"] as { data: { y: number[] }[] };
  assert.deepEqual(fig.data[0].y, [1, 2, 3]);
  assert.equal(text(d1.data["text/plain"]), "Figure: Fixture line");

  // execute_result: the value of the last expression.
  const er = outs(4);
  assert.equal(er.length, 1);
  assert.ok(er[0].output_type === "execute_result" && er[0].execution_count === 3 && text(er[0].data["text/plain"]) === "12");

  // update_display_data replaced the first display of the same id; stderr is its own stream; env is headless.
  const last = outs(5);
  assert.deepEqual(last.map((o) => o.output_type), ["display_data", "stream", "execute_result"]);
  assert.ok(last[0].output_type === "display_data" && text(last[0].data["text/plain"]) === "final");
  assert.ok(last[1].output_type === "stream" && last[1].name === "stderr" && text(last[1].text) === "a line on stderr\n");
  assert.ok(last[2].output_type === "execute_result" && text(last[2].data["text/plain"]) === "1|ArgumentError");

  assert.equal(r.figures.length, 1);
  assert.equal(r.figures[0].title, "Fixture line");
  assert.equal(r.figures[0].cellNumber, 2);
  assert.deepEqual(notebookFigures(nb).map((f) => f.title), ["Fixture line"]);
});

test("failing fixture: stops at code cell 3 and reports the real error", async () => {
  const out = tmp();
  const r = await runNotebook(path.join(FIXTURES, "failing.ipynb"), { outDir: out });
  assert.equal(r.ok, false);
  assert.ok(r.failedCell);
  const f = r.failedCell!;
  assert.equal(f.number, 3);
  assert.equal(f.index, 4);
  assert.equal(f.ename, "TypeError");
  assert.equal(f.error, "TypeError: Cannot read properties of undefined (reading 'price')");
  assert.match(f.source, /\(rows as any\)\[0\]\.price/);
  assert.deepEqual(r.cells.map((c) => c.ok), [true, true, false]);

  const msg = formatFailure(r);
  assert.match(msg, /failing\.ipynb: code cell 3 failed \(cell 5 of the notebook\)/);
  assert.match(msg, /1 \| const first = \(rows as any\)\[0\]\.price;/);
  assert.match(msg, /Cannot read properties of undefined \(reading 'price'\)/);

  const nb = readNotebook(r.outputPath);
  assert.deepEqual(nb.cells.map((c) => (c.cell_type === "code" ? c.execution_count : "md")), ["md", 1, "md", 2, 3, null]);
  const err = (nb.cells[4].outputs ?? []).find((o) => o.output_type === "error");
  assert.ok(err && err.output_type === "error" && err.evalue === "Cannot read properties of undefined (reading 'price')");
  assert.deepEqual(nb.cells[5].outputs, [], "the cell after the failure does not run");
  const c2 = nb.cells[3].outputs ?? [];
  assert.ok(c2.some((o) => o.output_type === "execute_result" && text(o.data["text/plain"]) === "0"));
});

test("a type error fails the cell with the compiler's message and position", async () => {
  const dir = tmp();
  const file = writeNb(dir, "typeerr", ['const ok = 1;', 'const n: number = "x";\nconsole.log(n);']);
  const r = await runNotebook(file, { outDir: dir });
  assert.equal(r.ok, false);
  assert.equal(r.failedCell!.number, 2);
  assert.equal(r.failedCell!.ename, "CompileError");
  assert.match(r.failedCell!.evalue, /^1:7 - Type 'string' is not assignable to type 'number'\./);
  assert.match(r.failedCell!.evalue, /const n: number = "x";\n\s+\^/);
});

test("an unawaited rejection fails its cell; a cell past its timeout is killed", async () => {
  const dir = tmp();
  const rej = writeNb(dir, "reject", ['Promise.reject(new RangeError("late failure")); 1', "2"]);
  const r1 = await runNotebook(rej, { outDir: dir });
  assert.equal(r1.ok, false);
  assert.equal(r1.failedCell!.number, 1);
  assert.equal(r1.failedCell!.error, "RangeError: late failure");

  const loop = writeNb(dir, "loop", ["1 + 1", "while (true) {}", "3"]);
  const t0 = Date.now();
  const r2 = await runNotebook(loop, { outDir: dir, timeoutPerCellMs: 1500 });
  assert.equal(r2.ok, false);
  assert.equal(r2.failedCell!.number, 2);
  assert.equal(r2.failedCell!.ename, "TimeoutError");
  assert.ok(Date.now() - t0 < 20_000);
  const nb = readNotebook(r2.outputPath);
  assert.equal(nb.cells[0].execution_count, 1);
  assert.equal(nb.cells[1].execution_count, null);
});

test("bad inputs: missing file, invalid JSON, old nbformat, missing folder", () => {
  const dir = tmp();
  assert.throws(() => readNotebook(path.join(dir, "nope.ipynb")), (e: unknown) => e instanceof FileNotFoundError && /nope\.ipynb/.test((e as Error).message));
  const bad = path.join(dir, "bad.ipynb");
  fs.writeFileSync(bad, '{\n "cells": [\n  oops\n ]\n}');
  assert.throws(() => readNotebook(bad), (e: unknown) => e instanceof DataError && /bad\.ipynb:3/.test((e as Error).message));
  const old = path.join(dir, "old.ipynb");
  fs.writeFileSync(old, JSON.stringify({ nbformat: 3, worksheets: [] }));
  assert.throws(() => readNotebook(old), (e: unknown) => e instanceof DataError && /field "nbformat"/.test((e as Error).message));
  assert.throws(() => listNotebooks(path.join(dir, "missing")), FileNotFoundError);
});

test("listNotebooks returns *.ipynb in name order", () => {
  const dir = tmp();
  for (const n of ["10-b.ipynb", "02-a.ipynb", "01-z.ipynb", "notes.txt", ".hidden.ipynb"]) fs.writeFileSync(path.join(dir, n), "{}");
  assert.deepEqual(listNotebooks(dir).map((f) => path.basename(f)), ["01-z.ipynb", "02-a.ipynb", "10-b.ipynb"]);
});
