import { test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { bar, createProgress, formatSeconds } from "../../src/notebook/progress";
import type { ProgressEvent } from "../../src/notebook/run";

function sink(): { stream: Writable; text: () => string } {
  let buf = "";
  const stream = new Writable({
    write(chunk, _enc, cb) {
      buf += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => buf };
}

const events: ProgressEvent[] = [
  { type: "notebook-start", name: "01-x", file: "/n/01-x.ipynb", codeCells: 2 },
  { type: "kernel-ready", name: "01-x", ms: 1500 },
  { type: "cell-start", name: "01-x", number: 1, index: 1, codeCells: 2 },
  { type: "cell-end", name: "01-x", number: 1, index: 1, codeCells: 2, ok: true, ms: 300 },
  { type: "cell-start", name: "01-x", number: 2, index: 3, codeCells: 2 },
  { type: "cell-end", name: "01-x", number: 2, index: 3, codeCells: 2, ok: false, ms: 12_400 },
  { type: "notebook-end", name: "01-x", ok: false, ms: 14_500, failedCell: 2 },
];

test("bar and formatSeconds", () => {
  assert.equal(bar(0, 4, 8), "░░░░░░░░");
  assert.equal(bar(2, 4, 8), "████░░░░");
  assert.equal(bar(9, 4, 8), "████████");
  assert.equal(bar(0, 0, 3), "███");
  assert.equal(formatSeconds(310), "0.3s");
  assert.equal(formatSeconds(12_400), "12s");
});

test("plain lines when not a TTY", () => {
  const s = sink();
  const p = createProgress({ stream: s.stream, tty: false });
  events.forEach((e) => p.onProgress(e));
  p.close();
  assert.deepEqual(s.text().trim().split("\n"), [
    "01-x: 2 code cells",
    "01-x: kernel ready (1.5s)",
    "01-x: cell 1/2 ok (0.3s)",
    "01-x: cell 2/2 FAILED (12s)",
    "01-x: FAILED at code cell 2 (15s)",
  ]);
});

test("a bar redrawn in place on a TTY, ending with one final line", () => {
  const s = sink();
  const p = createProgress({ stream: s.stream, tty: true, width: 4 });
  events.forEach((e) => p.onProgress(e));
  p.close();
  const out = s.text();
  assert.ok(out.includes("\r\x1b[K01-x [██░░] 1/2 cell 2"), JSON.stringify(out));
  assert.ok(out.endsWith("\r\x1b[K01-x [████] 2/2 FAILED at code cell 2 15s\n"), JSON.stringify(out));
  assert.equal(out.split("\n").length - 1, 1, "one newline: the bar is redrawn, not repeated");
});
