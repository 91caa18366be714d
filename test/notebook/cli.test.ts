import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { projectRoot, resolveDataRoot } from "../../src/data/dataRoot";

const BIN = path.join(projectRoot(), "bin", "makerlab.js");
const FIXTURES = path.join(projectRoot(), "test", "fixtures", "notebooks");

/** Runs bin/makerlab.js from a directory outside the project; returns status and stdout + stderr. */
function cli(args: string[], cwd = os.tmpdir()): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 120_000, env: { ...process.env, NO_COLOR: "1" } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test("--help works from any directory and shows examples", () => {
  const r = cli(["--help"]);
  assert.equal(r.status, 0, r.out);
  for (const s of ["report", "notebooks", "kernel", "data", "Examples:"]) assert.ok(r.out.includes(s), s);
  const sub = cli(["notebooks", "run", "--help"]);
  assert.equal(sub.status, 0);
  assert.match(sub.out, /Exits with status 1 when any notebook fails/);
  assert.equal(cli(["--version"]).out.trim(), JSON.parse(fs.readFileSync(path.join(projectRoot(), "package.json"), "utf8")).version);
});

test("a missing notebook gives its path and a hint, without a stack trace (stack only with --debug)", () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-cli-"));
  const r = cli(["notebooks", "run", "missing.ipynb"], cwd);
  assert.equal(r.status, 1);
  assert.ok(r.out.includes(path.join(cwd, "missing.ipynb")), r.out);
  assert.match(r.out, /hint: /);
  assert.ok(!/\n\s+at /.test(r.out), r.out);
  const d = cli(["notebooks", "run", "missing.ipynb", "--debug"], cwd);
  assert.equal(d.status, 1);
  assert.match(d.out, /\n\s+at /);
});

test("unknown commands and bad option values exit non-zero", () => {
  assert.notEqual(cli(["frobnicate"]).status, 0);
  assert.notEqual(cli(["notebooks", "run", "--timeout", "-3"]).status, 0);
});

test("notebooks run: exit 1 and the failing cell's number, source and real error are printed", (t) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-cli-"));
  t.after(() => fs.rmSync(out, { recursive: true, force: true }));
  const r = cli(["notebooks", "run", path.join(FIXTURES, "failing.ipynb"), "--out", out, "--html"]);
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /failing\.ipynb: code cell 3 failed/);
  assert.match(r.out, /const first = \(rows as any\)\[0\]\.price;/);
  assert.match(r.out, /TypeError: Cannot read properties of undefined \(reading 'price'\)/);
  assert.ok(fs.existsSync(path.join(out, "notebooks", "failing.ipynb")));
  assert.ok(fs.existsSync(path.join(out, "failing.html")));
});

test("kernel install --prefix prints how to start Jupyter", () => {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-cli-k-"));
  const r = cli(["kernel", "install", "--prefix", prefix]);
  assert.equal(r.status, 0, r.out);
  assert.ok(fs.existsSync(path.join(prefix, "share", "jupyter", "kernels", "makerlab", "kernel.json")));
  assert.ok(r.out.includes(`JUPYTER_PATH="${path.join(prefix, "share", "jupyter")}" jupyter lab`), r.out);
});

test("data info names the data root and why", () => {
  const r = cli(["data", "info"]);
  assert.equal(r.status, 0, r.out);
  assert.ok(r.out.includes(`Data root: ${resolveDataRoot().path}`), r.out);
  assert.match(r.out, /real public data|synthetic market/);
});
