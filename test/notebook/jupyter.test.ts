/**
 * The real Jupyter path: our kernelspec (tslab started at the project root) driven by `jupyter nbconvert --execute`.
 * Needs Debian's jupyter-nbconvert, python3-nbclient, jupyter-client and python3-ipykernel (skips without them).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { needTool } from "../helpers";
import { installKernel } from "../../src/notebook/kernelspec";
import { projectRoot } from "../../src/data/dataRoot";
import { joinMultiline, readNotebook, type NotebookOutput } from "../../src/notebook/run";

function nbconvert(prefix: string, notebook: string, outDir: string): { status: number | null; log: string } {
  const r = spawnSync(
    "jupyter-nbconvert",
    ["--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=makerlab", "--ExecutePreprocessor.timeout=600", "--output-dir", outDir, notebook],
    { cwd: os.tmpdir(), encoding: "utf8", timeout: 300_000, env: { ...process.env, JUPYTER_PATH: path.join(prefix, "share", "jupyter") } },
  );
  return { status: r.status, log: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

function setup(): { prefix: string; out: string } {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-jk-"));
  installKernel({ prefix });
  return { prefix, out: path.join(prefix, "out") };
}

test("jupyter nbconvert runs the passing fixture on the makerlab kernel", (t) => {
  if (!needTool(t, "jupyter-nbconvert")) return;
  const { prefix, out } = setup();
  const src = path.join(__dirname, "..", "fixtures", "notebooks", "passing.ipynb");
  const r = nbconvert(prefix, src, out);
  assert.equal(r.status, 0, r.log);
  const nb = readNotebook(path.join(out, "passing.ipynb"));
  const code = nb.cells.filter((c) => c.cell_type === "code");
  const outs: NotebookOutput[] = code.flatMap((c) => c.outputs ?? []);
  assert.ok(code.every((c) => (c.outputs ?? []).length > 0), "every code cell has outputs");
  const text = (o: NotebookOutput): string =>
    o.output_type === "stream" ? joinMultiline(o.text) : o.output_type === "display_data" || o.output_type === "execute_result" ? joinMultiline(o.data["text/plain"] as string[]) : "";
  assert.ok(outs.some((o) => o.output_type === "stream" && text(o) === "hello from code cell 1\n"), "stdout of cell 1 (./src import worked at the project root)");
  assert.ok(outs.some((o) => o.output_type === "display_data" && o.data["application/vnd.plotly.v1+json"] !== undefined), "Plotly display bundle");
  assert.ok(outs.some((o) => text(o).includes("12")), "value of the sum cell");
});

test("jupyter nbconvert runs notebooks/01-market-data.ipynb on the makerlab kernel", (t) => {
  const nbFile = path.join(projectRoot(), "notebooks", "01-market-data.ipynb");
  if (!fs.existsSync(nbFile)) {
    t.skip("notebooks/01-market-data.ipynb is not written yet (notebooks.test.ts fails while the folder is empty)");
    return;
  }
  if (!needTool(t, "jupyter-nbconvert")) return;
  const { prefix, out } = setup();
  const r = nbconvert(prefix, nbFile, out);
  assert.equal(r.status, 0, r.log);
  const nb = readNotebook(path.join(out, "01-market-data.ipynb"));
  const errors = nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "error");
  assert.deepEqual(errors, []);
  assert.ok(nb.cells.some((c) => c.cell_type === "code" && (c.outputs ?? []).length > 0));
});
