#!/usr/bin/env node
// Type-checks src/ the way a notebook cell sees it: through tslab's own converter and its bundled
// TypeScript 5.0 (non-strict, no DOM lib, ESNext modules). Our strict tsc passing is not enough:
// a type error under tslab blocks the notebook cell that imports the file.
"use strict";
const path = require("node:path");
const fs = require("node:fs");

const root = path.resolve(__dirname, "..");
process.chdir(root);
const { createConverter } = require("tslab/dist/converter");
const ts = require("@tslab/typescript-for-tslab");

const entries = ["./src/index"];
for (const extra of ["./src/cli"]) if (fs.existsSync(path.join(root, extra + ".ts"))) entries.push(extra);
const cell = entries.map((e, i) => `import * as m${i} from "${e}";`).join("\n") + "\n";
const conv = createConverter({ isJS: false, isBrowser: false });
try {
  const r = conv.convert("", cell);
  if (r.diagnostics.length) {
    for (const d of r.diagnostics) {
      const where = d.fileName ? `${path.relative(root, d.fileName)}:${d.start.line + 1}:${d.start.character + 1}` : `cell:${d.start.line + 1}`;
      console.error(`${where} - TS${d.code}: ${d.messageText}`);
    }
    console.error(`tslab (TypeScript ${ts.version}) type check: ${r.diagnostics.length} error(s)`);
    process.exitCode = 1;
  } else {
    console.log(`tslab (TypeScript ${ts.version}) type check of ${entries.join(", ")}: ok`);
  }
} finally {
  conv.close();
}
