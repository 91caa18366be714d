/**
 * Runs EVERY notebooks/*.ipynb through the headless runner, in name order; each must run without error.
 * An empty notebooks/ folder fails: a notebook suite that runs nothing proves nothing.
 * Each notebook runs twice: on the default data root (the real data set where present) and on the seeded
 * synthetic market alone (MAKERLAB_DATA pointed at an empty folder), the offline path of a fresh clone.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../src/data/dataRoot";
import { formatFailure, listNotebooks, runNotebook } from "../../src/notebook/run";

const files = fs.existsSync(path.join(projectRoot(), "notebooks")) ? listNotebooks(path.join(projectRoot(), "notebooks")) : [];
const out = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-notebooks-"));

test("notebooks/ holds notebooks", () => {
  assert.ok(files.length > 0, `no notebooks in ${path.join(projectRoot(), "notebooks")}`);
});

for (const file of files) {
  test(`notebook ${path.basename(file)} runs headless without error`, async () => {
    // As in `makerlab report`: figures are not rendered to PNG inside the notebook process.
    const r = await runNotebook(file, { outDir: out, display: { png: false, inlinePlotly: false } });
    assert.ok(r.ok, formatFailure(r));
    assert.equal(r.cells.length, r.cells.filter((c) => c.ok).length);
  });

  test(`notebook ${path.basename(file)} runs offline on the synthetic market`, async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-synthetic-root-"));
    try {
      const r = await runNotebook(file, {
        outDir: path.join(out, "synthetic"),
        env: { MAKERLAB_DATA: root },
        display: { png: false, inlinePlotly: false },
      });
      assert.ok(r.ok, formatFailure(r));
      assert.ok(r.figures.length > 0, "the notebook showed no chart");
      const titles = r.figures.map((f) => f.title);
      // a chart of market data says "synthetic"; a chart of a model simulation says "simulated", and a chart of a
      // model's closed forms (no data at all) says "model", in either mode
      for (const t of titles) assert.match(t, /synthetic|simulated|\bmodel\b/i, `a chart made from synthetic data must say so: "${t}"`);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
}
