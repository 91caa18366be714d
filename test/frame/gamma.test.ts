import { test } from "node:test";
import assert from "node:assert/strict";
import { chiSquareCdf, chiSquareSf, regularizedGammaP, regularizedGammaQ } from "../../src/frame/gamma";

const close = (a: number, b: number, tol: number, msg?: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${msg ?? ""} expected ${b}, got ${a} (tol ${tol})`);

test("chi-square CDF / upper tail: closed form at 2 df and R's pchisq elsewhere", () => {
  for (const x of [0.1, 1, 3, 10, 50]) {
    close(chiSquareCdf(x, 2), 1 - Math.exp(-x / 2), 1e-15, `cdf ${x}`);
    close(chiSquareSf(x, 2), Math.exp(-x / 2), 1e-14 * Math.exp(-x / 2), `sf ${x}`);
  }
  // R 4.x: pchisq(3.841458820694124, 1), pchisq(11.070497693516351, 5), pchisq(10, 10), pchisq(0.5, 3),
  // pchisq(80, 50, lower.tail = FALSE), pchisq(1e-3, 0.5)
  close(chiSquareCdf(3.841458820694124, 1), 0.95, 1e-14);
  close(chiSquareCdf(11.070497693516351, 5), 0.95, 1e-14);
  close(chiSquareCdf(10, 10), 0.55950671493478754, 1e-14);
  close(chiSquareCdf(0.5, 3), 0.081108588345324154, 1e-15);
  close(chiSquareSf(80, 50), 4.4826565655732061e-3, 1e-16);
  close(chiSquareCdf(1e-3, 0.5), 0.16495975076841282, 1e-14);
  assert.equal(chiSquareCdf(0, 3), 0);
  assert.equal(chiSquareSf(-1, 3), 1);
  assert.ok(Number.isNaN(chiSquareCdf(1, 0)) && Number.isNaN(chiSquareCdf(NaN, 2)));
  close(regularizedGammaP(3, 2) + regularizedGammaQ(3, 2), 1, 1e-15);
  close(regularizedGammaP(1, 2), 1 - Math.exp(-2), 1e-15);
});

test("chiSquareSf (deviance p-values) matches tabulated quantiles", () => {
  close(chiSquareSf(3.841458820694124, 1), 0.05, 1e-12);
  close(chiSquareSf(18.307038053275146, 10), 0.05, 1e-12);
  close(chiSquareSf(124.34211340400407, 100), 0.05, 1e-12);
  close(chiSquareSf(3, 2), Math.exp(-1.5), 1e-14);
  assert.equal(chiSquareSf(0, 5), 1);
});
