#!/usr/bin/env node
// The `makerlab` command: registers tsx's CommonJS hook (tsx/cjs: `require` of .ts files) and runs src/cli.ts.
// Works from any working directory: both requires resolve relative to this file.
"use strict";
require("tsx/cjs");
const { main } = require("../src/cli.ts");

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`makerlab: ${(err && err.stack) || err}\n`);
    process.exitCode = 1;
  },
);
