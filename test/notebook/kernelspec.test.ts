import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { installKernel, kernelArgv, shQuote, userJupyterDataDir } from "../../src/notebook/kernelspec";
import { projectRoot } from "../../src/data/dataRoot";
import { ArgumentError } from "../../src/errors";

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-kernel-"));

/** A stand-in for node: prints its working directory and each argument on its own line. */
function fakeNode(dir: string): string {
  const f = path.join(dir, "fake node");
  fs.writeFileSync(f, '#!/bin/sh\necho "cwd=$(pwd)"\nfor a in "$@"; do echo "arg=$a"; done\n');
  fs.chmodSync(f, 0o755);
  return f;
}

/** Runs a kernel.json argv the way Jupyter does: {connection_file} replaced, started from another directory. */
function launch(argv: string[], connectionFile: string): string {
  const args = argv.map((a) => a.replace("{connection_file}", connectionFile));
  const r = spawnSync(args[0], args.slice(1), { cwd: os.tmpdir(), encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test("shQuote survives sh for awkward strings", () => {
  for (const s of ["/plain/path", "with space", `quote"s and $HOME`, "it's", "back\\slash`tick`!"]) {
    const r = spawnSync("/bin/sh", ["-c", `printf %s ${shQuote(s)}`], { encoding: "utf8" });
    assert.equal(r.stdout, s);
  }
});

test("prefix install writes kernel.json whose argv cds to the project root and passes the connection file", () => {
  const prefix = tmp();
  const node = fakeNode(prefix);
  const r = installKernel({ prefix, nodePath: node });
  assert.equal(r.kernelJson, path.join(prefix, "share", "jupyter", "kernels", "makerlab", "kernel.json"));
  assert.equal(r.jupyterPath, path.join(prefix, "share", "jupyter"));
  const spec = JSON.parse(fs.readFileSync(r.kernelJson, "utf8"));
  assert.equal(spec.language, "typescript");
  assert.equal(spec.display_name, "makerlab (TypeScript)");
  assert.deepEqual(spec.argv.slice(0, 2), ["/bin/sh", "-c"]);
  assert.equal(spec.argv[3], "{connection_file}");
  assert.equal(spec.argv.length, 4);

  const out = launch(spec.argv, "/tmp/jupyter runtime/kernel-1 2.json");
  assert.deepEqual(out.trim().split("\n"), [
    `cwd=${projectRoot()}`,
    "arg=node_modules/tslab/bin/tslab",
    "arg=kernel",
    "arg=--config-path",
    "arg=/tmp/jupyter runtime/kernel-1 2.json",
  ]);
  assert.match(r.instructions, /JUPYTER_PATH=".*share\/jupyter" jupyter lab/);
  assert.match(r.instructions, /kernel_name=makerlab/);
});

test("the default argv names the real node and tslab of this project", () => {
  const argv = kernelArgv(projectRoot());
  assert.ok(argv[2].includes(`cd "${projectRoot()}" && exec "${process.execPath}" node_modules/tslab/bin/tslab kernel --config-path "$0"`));
  assert.ok(fs.existsSync(path.join(projectRoot(), "node_modules", "tslab", "bin", "tslab")));
});

test("a root with quotes, dollars and spaces still works", () => {
  const base = tmp();
  const root = path.join(base, `odd "root" $HOME it's`);
  fs.mkdirSync(path.join(root, "node_modules", "tslab", "bin"), { recursive: true });
  fs.writeFileSync(path.join(root, "node_modules", "tslab", "bin", "tslab"), "");
  const r = installKernel({ prefix: path.join(base, "p"), rootDir: root, nodePath: fakeNode(base), name: "odd-1", displayName: "Odd" });
  const spec = JSON.parse(fs.readFileSync(r.kernelJson, "utf8"));
  const out = launch(spec.argv, "/c.json");
  assert.equal(out.split("\n")[0], `cwd=${root}`);
  assert.ok(out.includes("arg=/c.json\n"));
});

test("user install goes to $JUPYTER_DATA_DIR/kernels/<name>; bad options are rejected", () => {
  const dir = tmp();
  const saved = process.env.JUPYTER_DATA_DIR;
  process.env.JUPYTER_DATA_DIR = dir;
  try {
    assert.equal(userJupyterDataDir(), dir);
    const r = installKernel({ user: true, name: "ml-test" });
    assert.equal(r.kernelJson, path.join(dir, "kernels", "ml-test", "kernel.json"));
    assert.equal(r.jupyterPath, null);
    assert.ok(fs.existsSync(r.kernelJson));
  } finally {
    if (saved === undefined) delete process.env.JUPYTER_DATA_DIR;
    else process.env.JUPYTER_DATA_DIR = saved;
  }
  assert.throws(() => installKernel({ prefix: dir, name: "bad name" }), ArgumentError);
  assert.throws(() => installKernel({ prefix: dir, user: true }), ArgumentError);
});
