/**
 * Pacing for API clients: an injectable clock (real or virtual), a token bucket, a concurrency limiter and
 * an exponential-backoff policy with jitter that honours `Retry-After`.
 *
 * Waits (backoff, token-bucket refills) go through a {@link Clock} so that tests can run them in virtual time
 * with {@link createVirtualClock}: no real sleeping, and every requested delay is recorded.
 */
import { ArgumentError } from "../errors";

/** Time source and sleeper, in milliseconds. `now()` is epoch ms for the system clock. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with an AbortError if `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** An AbortError like the one fetch throws (name "AbortError"), carrying the signal's reason when there is one. */
export function abortError(signal?: AbortSignal): Error {
  const reason = signal?.reason;
  if (reason instanceof Error && reason.name === "AbortError") return reason;
  const e = new Error(reason instanceof Error ? `aborted: ${reason.message}` : "aborted");
  e.name = "AbortError";
  return e;
}

/** True for an AbortError (ours or fetch's DOMException). */
export function isAbortError(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { name?: unknown }).name === "AbortError";
}

/** The real clock: Date.now() and setTimeout. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (!(ms > 0)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortError(signal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};

/** A virtual clock for tests (see {@link createVirtualClock}). */
export interface VirtualClock extends Clock {
  /** Every delay passed to sleep(), in call order (ms). */
  readonly sleeps: number[];
  /** Moves time forward by `ms`, firing due sleepers in deadline order. */
  advance(ms: number): void;
  /** Number of sleepers not yet woken. */
  pending(): number;
}

/**
 * A virtual clock starting at `startMs` (epoch ms). With `auto` (default true) it advances itself: whenever
 * sleepers are pending and a macrotask turn (setImmediate) has passed without a new sleep, time jumps to the
 * earliest deadline and those sleepers wake. So code that waits for minutes finishes in microseconds of real
 * time, and the order and length of waits are those the real clock would give. With `auto: false`, call
 * `advance()` yourself.
 */
export function createVirtualClock(startMs = Date.UTC(2024, 0, 1), options: { auto?: boolean } = {}): VirtualClock {
  const auto = options.auto ?? true;
  let now = startMs;
  let seq = 0;
  const timers: { at: number; seq: number; resolve: () => void }[] = [];
  const sleeps: number[] = [];
  let scheduled = false;

  const fireDue = (): void => {
    timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    while (timers.length > 0 && timers[0].at <= now) timers.shift()!.resolve();
  };
  const schedule = (): void => {
    if (!auto || scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (timers.length === 0) return;
      timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      now = Math.max(now, timers[0].at);
      fireDue();
      if (timers.length > 0) schedule();
    });
  };
  return {
    sleeps,
    now: () => now,
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      sleeps.push(ms);
      if (signal?.aborted) return Promise.reject(abortError(signal));
      if (!(ms > 0)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const t = { at: now + ms, seq: seq++, resolve: () => {} };
        const onAbort = (): void => {
          const i = timers.indexOf(t);
          if (i >= 0) timers.splice(i, 1);
          reject(abortError(signal));
        };
        t.resolve = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        timers.push(t);
        signal?.addEventListener("abort", onAbort, { once: true });
        schedule();
      });
    },
    advance(ms: number): void {
      now += ms;
      fireDue();
    },
    pending: () => timers.length,
  };
}

/** Options of {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Refill rate, tokens per minute (> 0). */
  perMinute: number;
  /** Bucket size (maximum burst), tokens; default one second of refill, at least 1. */
  capacity?: number;
  clock?: Clock;
}

/**
 * A token bucket (Turner 1986; the usual API rate-limit model): the level refills continuously at
 * `perMinute / 60000` tokens per ms up to `capacity`; `take(n)` waits until the level is ≥ min(n, capacity)
 * and then subtracts n. A request larger than the bucket is let through when the bucket is full and leaves a
 * debt (negative level) that later takers wait out, so the long-run rate never exceeds `perMinute`.
 * Waiters are served first come, first served.
 */
export class TokenBucket {
  readonly perMinute: number;
  readonly capacity: number;
  private level: number;
  private last: number;
  private readonly clock: Clock;
  private queue: Promise<void> = Promise.resolve();

  constructor(options: TokenBucketOptions) {
    if (!(options.perMinute > 0)) throw new ArgumentError(`token bucket rate must be > 0 per minute, got ${options.perMinute}`, { field: "perMinute" });
    this.perMinute = options.perMinute;
    this.capacity = options.capacity ?? Math.max(1, options.perMinute / 60);
    if (!(this.capacity > 0)) throw new ArgumentError(`token bucket capacity must be > 0, got ${this.capacity}`, { field: "capacity" });
    this.clock = options.clock ?? systemClock;
    this.level = this.capacity;
    this.last = this.clock.now();
  }

  private refill(): void {
    const t = this.clock.now();
    if (t > this.last) {
      this.level = Math.min(this.capacity, this.level + ((t - this.last) * this.perMinute) / 60000);
      this.last = t;
    }
  }

  /** Current level (tokens; negative while in debt). */
  available(): number {
    this.refill();
    return this.level;
  }

  /** Waits (FIFO) until `n` tokens can be taken, then takes them. */
  take(n: number, signal?: AbortSignal): Promise<void> {
    const run = async (): Promise<void> => {
      const need = Math.min(n, this.capacity);
      for (;;) {
        if (signal?.aborted) throw abortError(signal);
        this.refill();
        if (this.level >= need - 1e-9) {
          this.level -= n;
          return;
        }
        const waitMs = Math.ceil(((need - this.level) * 60000) / this.perMinute);
        await this.clock.sleep(Math.max(1, waitMs), signal);
      }
    };
    const p = this.queue.then(run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Adjusts the level after the fact: `delta` > 0 returns tokens (capped at capacity), < 0 takes more (may go into debt). */
  adjust(delta: number): void {
    this.refill();
    this.level = Math.min(this.capacity, this.level + delta);
  }
}

/** A concurrency limiter: at most `limit` tasks run at once; the rest wait FIFO. Tracks the peak. */
export interface Limiter {
  readonly limit: number;
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Tasks running now. */
  active(): number;
  /** Most tasks ever running at once. */
  maxActive(): number;
}

/** Creates a {@link Limiter} allowing `limit` (≥ 1) concurrent tasks. */
export function createLimiter(limit: number): Limiter {
  if (!(Number.isInteger(limit) && limit >= 1)) throw new ArgumentError(`concurrency must be an integer ≥ 1, got ${limit}`, { field: "concurrency" });
  let active = 0;
  let peak = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    active--;
    const next = waiting.shift();
    if (next) next();
  };
  return {
    limit,
    active: () => active,
    maxActive: () => peak,
    async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      if (signal?.aborted) throw abortError(signal);
      if (active >= limit) {
        await new Promise<void>((resolve, reject) => {
          const go = (): void => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          };
          const onAbort = (): void => {
            const i = waiting.indexOf(go);
            if (i >= 0) waiting.splice(i, 1);
            reject(abortError(signal));
          };
          waiting.push(go);
          signal?.addEventListener("abort", onAbort, { once: true });
        });
      }
      active++;
      if (active > peak) peak = active;
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}

/** Backoff settings. */
export interface BackoffOptions {
  /** First delay scale, ms (default 500). */
  baseMs?: number;
  /** Cap on the exponential term, ms (default 30000). */
  maxMs?: number;
  /** "full" (default): uniform in [0, cap]; "equal": cap/2 + uniform [0, cap/2]; "none": cap. */
  jitter?: "full" | "equal" | "none";
  /** Cap on a server's Retry-After, ms (default 120000). */
  maxRetryAfterMs?: number;
}

/**
 * Delay before retry number `attempt` + 1 (attempt 0 = after the first failure), in ms:
 * cap = min(maxMs, baseMs · 2^attempt); full jitter draws uniform [0, cap) ("Exponential Backoff And Jitter",
 * M. Brooker, AWS Architecture Blog, 2015). `random` is a uniform [0, 1) source (default Math.random).
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30000;
  const cap = Math.min(max, base * Math.pow(2, Math.max(0, attempt)));
  switch (options.jitter ?? "full") {
    case "none":
      return cap;
    case "equal":
      return cap / 2 + random() * (cap / 2);
    default:
      return random() * cap;
  }
}

/**
 * Parses an HTTP `Retry-After` value (RFC 9110 §10.2.3): either delay-seconds ("120", fractions tolerated)
 * or an HTTP date, taken relative to `nowMs` (epoch ms). Returns the delay in ms (≥ 0), or null when absent
 * or unparseable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (v === "") return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  return Math.max(0, t - nowMs);
}

/**
 * The wait before the next retry: the server's Retry-After when given (capped at maxRetryAfterMs), else
 * {@link backoffDelay}. Returns ms.
 */
export function retryDelay(attempt: number, retryAfterMs: number | null, options: BackoffOptions = {}, random: () => number = Math.random): number {
  if (retryAfterMs !== null) return Math.min(retryAfterMs, options.maxRetryAfterMs ?? 120000);
  return backoffDelay(attempt, options, random);
}

/**
 * Runs `fn(i)` for i = 0 … n−1 with at most `concurrency` calls in flight, in index order of start.
 * No new call starts after `signal` aborts or after a call throws; the calls in flight are awaited, then the
 * first error (or an AbortError) is thrown. So work that completed is never lost to a sibling's failure.
 */
export async function runPool(n: number, concurrency: number, fn: (i: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new ArgumentError(`concurrency must be an integer ≥ 1, got ${concurrency}`, { field: "concurrency" });
  let next = 0;
  let failed = false;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    while (!failed && next < n) {
      if (signal?.aborted) {
        if (!failed) {
          failed = true;
          firstError = abortError(signal);
        }
        return;
      }
      const i = next++;
      try {
        await fn(i);
      } catch (e) {
        if (!failed) {
          failed = true;
          firstError = e;
        }
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let w = 0; w < Math.min(concurrency, n); w++) workers.push(worker());
  await Promise.all(workers);
  if (failed) throw firstError;
  if (signal?.aborted) throw abortError(signal);
}
