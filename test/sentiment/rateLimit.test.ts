import { test } from "node:test";
import assert from "node:assert/strict";
import {
  backoffDelay,
  createLimiter,
  createVirtualClock,
  isAbortError,
  parseRetryAfter,
  retryDelay,
  runPool,
  TokenBucket,
} from "../../src/sentiment/rateLimit";
import { seededUniform } from "../helpers";

test("backoffDelay: full jitter is uniform on [0, min(maxMs, baseMs·2^k))", () => {
  const o = { baseMs: 100, maxMs: 1000 };
  assert.equal(backoffDelay(0, o, () => 0.5), 50);
  assert.equal(backoffDelay(1, o, () => 0.5), 100);
  assert.equal(backoffDelay(3, o, () => 0.5), 400);
  assert.equal(backoffDelay(4, o, () => 0.5), 500); // cap 1000
  assert.equal(backoffDelay(10, o, () => 0.5), 500);
  assert.equal(backoffDelay(2, { ...o, jitter: "none" }), 400);
  assert.equal(backoffDelay(2, { ...o, jitter: "equal" }, () => 0), 200);
  const u = seededUniform(7);
  for (let k = 0; k < 12; k++) {
    for (let r = 0; r < 50; r++) {
      const d = backoffDelay(k, o, u);
      assert.ok(d >= 0 && d < Math.min(1000, 100 * 2 ** k), `k=${k} d=${d}`);
    }
  }
});

test("parseRetryAfter: delay-seconds and HTTP dates", () => {
  const now = Date.UTC(2024, 0, 1, 12, 0, 0);
  assert.equal(parseRetryAfter("2", now), 2000);
  assert.equal(parseRetryAfter(" 0 ", now), 0);
  assert.equal(parseRetryAfter("1.5", now), 1500);
  assert.equal(parseRetryAfter(new Date(now + 7000).toUTCString(), now), 7000);
  assert.equal(parseRetryAfter(new Date(now - 7000).toUTCString(), now), 0);
  assert.equal(parseRetryAfter("soon", now), null);
  assert.equal(parseRetryAfter(null, now), null);
  assert.equal(parseRetryAfter("", now), null);
  assert.equal(retryDelay(3, 2000, { baseMs: 1 }), 2000, "Retry-After wins over backoff");
  assert.equal(retryDelay(0, 10 * 60_000, { maxRetryAfterMs: 60_000 }), 60_000, "capped");
  assert.equal(retryDelay(1, null, { baseMs: 100, jitter: "none" }), 200);
});

test("virtual clock: manual advance fires sleepers in deadline order", async () => {
  const c = createVirtualClock(1000, { auto: false });
  const woke: string[] = [];
  const a = c.sleep(300).then(() => woke.push(`a@${c.now()}`));
  const b = c.sleep(100).then(() => woke.push(`b@${c.now()}`));
  assert.equal(c.pending(), 2);
  c.advance(99);
  await Promise.resolve();
  assert.deepEqual(woke, []);
  c.advance(1);
  await b;
  c.advance(500);
  await a;
  assert.deepEqual(woke, ["b@1100", "a@1600"]);
  assert.deepEqual(c.sleeps, [300, 100]);
});

test("virtual clock: auto mode finishes long waits at once and aborts cleanly", async () => {
  const c = createVirtualClock(0);
  const t0 = Date.now();
  await c.sleep(3_600_000);
  assert.equal(c.now(), 3_600_000);
  assert.ok(Date.now() - t0 < 200);
  const ac = new AbortController();
  const p = c.sleep(10_000, ac.signal);
  ac.abort();
  await assert.rejects(p, (e) => isAbortError(e));
});

test("TokenBucket: burst of `capacity`, then one token per 60000/perMinute ms", async () => {
  const c = createVirtualClock(0);
  const b = new TokenBucket({ perMinute: 60, capacity: 2, clock: c }); // 1 token / s
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    await b.take(1);
    times.push(c.now());
  }
  assert.deepEqual(times, [0, 0, 1000, 2000, 3000]);
});

test("TokenBucket: a take larger than the bucket goes through when full and leaves a debt", async () => {
  const c = createVirtualClock(0);
  const b = new TokenBucket({ perMinute: 60, capacity: 2, clock: c });
  await b.take(5); // full bucket (2) → level −3
  assert.equal(c.now(), 0);
  assert.equal(b.available(), -3);
  await b.take(1); // needs level ≥ 1: 4 tokens = 4 s
  assert.equal(c.now(), 4000);
  b.adjust(+10); // refund, capped at capacity
  assert.equal(b.available(), 2);
});

test("TokenBucket: concurrent takers never exceed capacity + rate·t (property)", async () => {
  const c = createVirtualClock(0);
  const perMinute = 600; // 10 / s
  const capacity = 3;
  const b = new TokenBucket({ perMinute, capacity, clock: c });
  const times: number[] = [];
  await Promise.all(Array.from({ length: 40 }, () => b.take(1).then(() => times.push(c.now()))));
  times.sort((x, y) => x - y);
  for (let i = 0; i < times.length; i++) {
    // by time t at most capacity + t·rate tokens were handed out
    assert.ok(i + 1 <= capacity + (times[i] * perMinute) / 60000 + 1e-9, `take ${i} at ${times[i]}`);
  }
  assert.equal(times[times.length - 1], (40 - capacity) * 100, "and no slower than the rate");
});

test("createLimiter: at most `limit` tasks in flight, all complete", async () => {
  const lim = createLimiter(3);
  let now = 0;
  let peak = 0;
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      lim.run(async () => {
        now++;
        peak = Math.max(peak, now);
        await new Promise((r) => setImmediate(r));
        now--;
        return i;
      }),
    ),
  );
  assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => i));
  assert.equal(peak, 3);
  assert.equal(lim.maxActive(), 3);
  assert.equal(lim.active(), 0);
  assert.throws(() => createLimiter(0), /concurrency/);
});

test("runPool: stops starting work on abort, awaits in-flight work, then throws AbortError", async () => {
  const ac = new AbortController();
  const started: number[] = [];
  const finished: number[] = [];
  const p = runPool(
    10,
    2,
    async (i) => {
      started.push(i);
      await new Promise((r) => setTimeout(r, 5));
      if (i === 2) ac.abort();
      finished.push(i);
    },
    ac.signal,
  );
  await assert.rejects(p, (e) => isAbortError(e));
  assert.deepEqual([...started].sort(), [...finished].sort(), "every started task finished");
  assert.ok(started.length <= 4, `started ${started.length}`);
});

test("runPool: the first error is thrown after siblings finish", async () => {
  const finished: number[] = [];
  await assert.rejects(
    runPool(6, 3, async (i) => {
      await new Promise((r) => setTimeout(r, i === 0 ? 1 : 10));
      if (i === 0) throw new Error("boom");
      finished.push(i);
    }),
    /boom/,
  );
  assert.deepEqual(finished.sort(), [1, 2]);
});
