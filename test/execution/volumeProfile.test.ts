import { test } from "node:test";
import assert from "node:assert/strict";
import { intradayVolumeProfile, profileVolumeShare, profileCumulative } from "../../src/execution/volumeProfile";
import { Frame } from "../../src/frame/frame";
import { ArgumentError, DataError } from "../../src/errors";
import { loadBinanceKlines } from "../../src/data/binanceKlines";
import { needData, seededUniform } from "../helpers";

const H = 3600e6;
const D = 86400e6;
const MON = Date.UTC(2024, 0, 1) * 1000; // Monday 2024-01-01

function close(a: number, b: number, tol: number, msg = ""): void {
  assert.ok(Math.abs(a - b) <= tol, `${msg} ${a} vs ${b} (tol ${tol})`);
}

/** Hourly candles for `days` days from `start`, volume(d, h). closeTime = open + 1h − 1ms (Binance). */
function hourly(days: number, volume: (d: number, h: number) => number, start = MON): Frame {
  const n = days * 24;
  const ts = new Float64Array(n);
  const ct = new Float64Array(n);
  const v = new Float64Array(n);
  for (let d = 0; d < days; d++) {
    for (let h = 0; h < 24; h++) {
      const i = d * 24 + h;
      ts[i] = start + d * D + h * H;
      ct[i] = ts[i] + H - 1000;
      v[i] = volume(d, h);
    }
  }
  return new Frame({ timestamp: ts, closeTime: ct, volume: v });
}

const BASE = Array.from({ length: 24 }, (_, h) => 1 + Math.sin((2 * Math.PI * (h - 8)) / 24) * 0.6 + (h === 14 ? 1 : 0));
const BASE_SUM = BASE.reduce((a, b) => a + b, 0);

test("profile of a known pattern: every estimator recovers it; shares ≥ 0 and sum to 1", () => {
  // each day has its own random overall level but the same shape, so every day's shares are BASE/ΣBASE
  const u = seededUniform(3);
  const level = Array.from({ length: 20 }, () => 0.1 + 10 * u());
  const f = hourly(20, (d, h) => BASE[h] * level[d]);
  for (const estimator of ["mean", "median", "trimmed-mean"] as const) {
    const p = intradayVolumeProfile(f, { estimator });
    assert.equal(p.nDays, 20);
    assert.equal(p.share.length, 24);
    let s = 0;
    for (let h = 0; h < 24; h++) {
      close(p.share[h], BASE[h] / BASE_SUM, 1e-14, `${estimator} h=${h}`);
      assert.ok(p.share[h] >= 0);
      close(p.stdErr[h], 0, 1e-15);
      s += p.share[h];
    }
    close(s, 1, 1e-14);
    assert.equal(p.bucketStartMinute[14], 14 * 60);
  }
  // 2-hour buckets add pairs of hours
  const p2 = intradayVolumeProfile(f, { bucketMinutes: 120 });
  assert.equal(p2.share.length, 12);
  close(p2.share[7], (BASE[14] + BASE[15]) / BASE_SUM, 1e-14);
});

test("robust averages resist an outlier day; the mean does not", () => {
  // 10 days; day 3 has 50× volume at 05:00. trim 0.1 of 10 days drops 1 day per end: the outlier is dropped.
  const f = hourly(10, (d, h) => BASE[h] * (d === 3 && h === 5 ? 50 : 1));
  const tm = intradayVolumeProfile(f, { estimator: "trimmed-mean" });
  const md = intradayVolumeProfile(f, { estimator: "median" });
  const mn = intradayVolumeProfile(f, { estimator: "mean" });
  // the outlier day's shares: bucket 5 = 50·B5/(S + 49·B5); other buckets shrink. With 9 clean days at s = B/S:
  const S = BASE_SUM;
  const out5 = (50 * BASE[5]) / (S + 49 * BASE[5]);
  close(mn.estimate[5], (9 * (BASE[5] / S) + out5) / 10, 1e-14, "mean of bucket 5");
  close(md.share[5], BASE[5] / S, 1e-14, "median");
  close(tm.estimate[5], BASE[5] / S, 1e-14, "trimmed mean drops the outlier");
  assert.ok(mn.share[5] > 1.5 * tm.share[5]);
  // band: 10% / 90% quantiles (type 7) of the daily shares of bucket 5: 9 equal values and one high one
  close(tm.lower[5], BASE[5] / S, 1e-15);
  close(tm.upper[5], BASE[5] / S + 0.1 * (out5 - BASE[5] / S), 1e-14); // h = 0.9·9 = 8.1 → 10% of the way to the max
});

test("standard errors: mean s/√n, trimmed mean (Tukey-McLaughlin), median (McKean-Schrader), hand-worked", () => {
  // two 12-hour candles per day, so two buckets of 720 minutes; bucket-0 shares by day given below
  const make = (s0: number[]) => {
    const n = s0.length;
    const ts = new Float64Array(2 * n);
    const v = new Float64Array(2 * n);
    for (let d = 0; d < n; d++) {
      ts[2 * d] = MON + d * D;
      ts[2 * d + 1] = MON + d * D + 12 * H;
      v[2 * d] = s0[d] * 100;
      v[2 * d + 1] = (1 - s0[d]) * 100;
    }
    return new Frame({ timestamp: ts, volume: v });
  };
  const a = intradayVolumeProfile(make([0.2, 0.4, 0.6]), { bucketMinutes: 720, estimator: "mean" });
  close(a.estimate[0], 0.4, 1e-15);
  close(a.stdErr[0], 0.2 / Math.sqrt(3), 1e-15);
  close(a.share[0] + a.share[1], 1, 1e-15);
  // median of 9 values 0.1..0.9: c = round(5 − 1.96·√(9/4)) = round(2.06) = 2 → SE = (x_(8) − x_(2))/(2·1.96) = 0.6/3.92
  const vals = [0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6];
  const m = intradayVolumeProfile(make(vals), { bucketMinutes: 720, estimator: "median" });
  close(m.estimate[0], 0.5, 1e-15);
  close(m.stdErr[0], 0.6 / (2 * 1.959963984540054), 1e-12);
  // trimmed mean of 10 values 0.05,0.1,…,0.5 with trim 0.1: g = 1, mean of 0.1..0.45 = 0.275;
  // winsorized sample: 0.1,0.1,0.15,…,0.45,0.45 → s_w; SE = s_w/((1 − 0.2)√10)
  const ten = Array.from({ length: 10 }, (_, i) => 0.05 * (i + 1));
  const t = intradayVolumeProfile(make(ten), { bucketMinutes: 720 });
  close(t.estimate[0], 0.275, 1e-14);
  const w = [0.1, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.45];
  const wm = w.reduce((x, y) => x + y, 0) / 10;
  const sw = Math.sqrt(w.reduce((x, y) => x + (y - wm) ** 2, 0) / 9);
  close(t.stdErr[0], sw / (0.8 * Math.sqrt(10)), 1e-14);
});

test("days are dropped and counted: incomplete, zero volume, weekends (weekdaysOnly)", () => {
  const f = hourly(14, (d, h) => (d === 4 ? 0 : BASE[h]));
  // remove 10:00 of day 2
  const keep = new Uint8Array(f.length).fill(1);
  keep[2 * 24 + 10] = 0;
  const g = f.filter(keep);
  const p = intradayVolumeProfile(g);
  assert.equal(p.nDays, 12);
  const kinds = Object.fromEntries(p.issues.map((i) => [i.kind, i.count]));
  assert.deepEqual(kinds, { "incomplete-day": 1, "zero-volume-day": 1 });
  assert.deepEqual(p.issues.find((i) => i.kind === "incomplete-day")!.examples, ["2024-01-03"]);
  const wd = intradayVolumeProfile(g, { weekdaysOnly: true });
  // 14 days from Monday: 4 weekend days (Jan 6, 7, 13, 14) left out
  assert.equal(wd.nDays, 8);
  assert.equal(wd.issues.find((i) => i.kind === "weekend")!.count, 4);
  for (const d of wd.dayStart) assert.ok(![0, 6].includes(new Date(d / 1000).getUTCDay()));
  // a NaN volume makes the day incomplete
  const nanF = hourly(3, (d, h) => (d === 1 && h === 3 ? NaN : 1));
  assert.equal(intradayVolumeProfile(nanF).nDays, 2);
});

test("profileCumulative / profileVolumeShare: pro-rated buckets, whole days count 1", () => {
  const share = new Float64Array(24).fill(0.5 / 22);
  share[0] = 0.3;
  share[1] = 0.2;
  const p = { bucketMinutes: 60, share };
  close(profileVolumeShare(p, MON, MON + D), 1, 1e-12);
  close(profileVolumeShare(p, MON + 0.5 * H, MON + 1.5 * H), 0.15 + 0.1, 1e-12);
  close(profileVolumeShare(p, MON + 23 * H, MON + 25 * H), 0.5 / 22 + 0.3, 1e-12);
  close(profileVolumeShare(p, MON, MON + 3 * D), 3, 1e-9);
  close(profileCumulative(p, 0.25 * H), 0.075, 1e-15);
  assert.throws(() => profileVolumeShare(p, 2, 1), ArgumentError);
});

test("bad inputs: bucket not dividing the day or finer than the candles, unaligned candle, too few days", () => {
  const f = hourly(3, (_, h) => BASE[h]);
  assert.throws(() => intradayVolumeProfile(f, { bucketMinutes: 50 }), (e: unknown) => e instanceof ArgumentError && e.location.field === "bucketMinutes");
  assert.throws(() => intradayVolumeProfile(f, { bucketMinutes: 30 }), (e: unknown) => e instanceof ArgumentError && e.location.field === "bucketMinutes");
  assert.throws(() => intradayVolumeProfile(f, { trim: 0.5 }), ArgumentError);
  assert.throws(() => intradayVolumeProfile(f, { band: [0.9, 0.1] }), ArgumentError);
  assert.throws(() => intradayVolumeProfile(f, { estimator: "mode" as "mean" }), ArgumentError);
  assert.throws(() => intradayVolumeProfile(hourly(1, () => 1)), ArgumentError); // one day only
  // a candle 10 minutes off the hourly grid
  const ts = Float64Array.from(f.f64("timestamp"));
  ts[30] += 10 * 60e6;
  assert.throws(() => intradayVolumeProfile(new Frame({ timestamp: ts, volume: f.f64("volume") }), { candleMinutes: 60 }), (e: unknown) => e instanceof DataError && e.location.line === 30);
  // unsorted times
  const un = Float64Array.from(f.f64("timestamp"));
  [un[5], un[6]] = [un[6], un[5]];
  assert.throws(() => intradayVolumeProfile(new Frame({ timestamp: un, volume: f.f64("volume") }), { candleMinutes: 60 }), DataError);
});

test("real data: BTCUSDT and ETHUSDT hourly candles (2021-04 → 2023-12) show a UTC-hour volume pattern", async (t) => {
  for (const sym of ["BTCUSDT", "ETHUSDT"]) {
    const path = needData(t, `binance-spot-klines-1h-2021-04-to-2023-12/${sym}_1h.csv.gz`);
    if (!path) return;
    const f = await loadBinanceKlines(path);
    const p = intradayVolumeProfile(f);
    assert.ok(p.nDays > 900, `${sym} days ${p.nDays}`);
    let s = 0;
    let peak = 0;
    let trough = 0;
    for (let h = 0; h < 24; h++) {
      assert.ok(p.share[h] > 0);
      s += p.share[h];
      if (p.share[h] > p.share[peak]) peak = h;
      if (p.share[h] < p.share[trough]) trough = h;
    }
    close(s, 1, 1e-12);
    // a visible pattern: the peak hour's share is far above a flat 1/24, by many standard errors
    assert.ok(p.share[peak] > 1.3 / 24, `${sym} peak share ${p.share[peak]}`);
    assert.ok(p.share[peak] / p.share[trough] > 1.5, `${sym} peak/trough`);
    assert.ok((p.estimate[peak] - p.estimate[trough]) / Math.hypot(p.stdErr[peak], p.stdErr[trough]) > 10);
    const pct = (x: number) => (100 * x).toFixed(2) + "%";
    console.log(
      `${sym}: ${p.nDays} days (${p.issues.map((i) => `${i.kind} ${i.count}`).join(", ") || "none dropped"}); ` +
        `peak ${String(peak).padStart(2, "0")}:00 UTC ${pct(p.share[peak])} ± ${pct(p.stdErr[peak])} (band ${pct(p.lower[peak])}–${pct(p.upper[peak])}), ` +
        `trough ${String(trough).padStart(2, "0")}:00 UTC ${pct(p.share[trough])}`,
    );
    console.log(`${sym} shares by hour: ${Array.from(p.share, (x) => (100 * x).toFixed(2)).join(" ")}`);
  }
});
