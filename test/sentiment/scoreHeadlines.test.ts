import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as util from "node:util";
import { Frame } from "../../src/frame/frame";
import type { HeadlineColumns } from "../../src/data/schemas";
import { createLlmClient, LlmError, llmScorer } from "../../src/sentiment/llmClient";
import type { LlmClientOptions } from "../../src/sentiment/llmClient";
import { createResponseCache } from "../../src/sentiment/responseCache";
import { createVirtualClock } from "../../src/sentiment/rateLimit";
import { headlineTexts, scoreHeadlines } from "../../src/sentiment/scoreHeadlines";
import type { ScoreRecord, Scorer } from "../../src/sentiment/types";
import { completion, goodReply, startFakeServer } from "./fakeServer";
import type { FakeHandler, FakeServer } from "./fakeServer";

const KEY_ENV = "MAKERLAB_TEST_LLM_KEY_SCORE";
const KEY = "sk-test-score-SECRET-9f8e7d6c5b4a";
process.env[KEY_ENV] = KEY;

/** Deterministic score from the text: its first digit / 10 (so each input has a known answer). */
function replyFor(user: string): object {
  const m = /(\d)/.exec(user);
  return goodReply(m ? Number(m[1]) / 10 : 0);
}
const echo: FakeHandler = (q) => ({ body: completion(replyFor(q.user)) });

async function withServer(handler: FakeHandler, body: (s: FakeServer, dir: string) => Promise<void>): Promise<void> {
  const s = await startFakeServer(handler);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-score-"));
  try {
    await body(s, dir);
  } finally {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function makeScorer(s: FakeServer, extra: Partial<LlmClientOptions> = {}) {
  const client = createLlmClient({
    baseUrl: s.baseUrl,
    model: "test-model",
    apiKeyEnv: KEY_ENV,
    timeoutMs: 2000,
    maxRetries: 2,
    backoff: { baseMs: 10, maxMs: 100 },
    priceTable: { "test-model": { inputPerM: 1, outputPerM: 2 } },
    clock: createVirtualClock(),
    ...extra,
  });
  return { client, scorer: llmScorer(client) };
}

/** The scored input behind each request (the first user message, without the prompt wrapper). */
function inputsSeen(s: FakeServer): string[] {
  return s.requests.filter((q) => q.nMessages === 2).map((q) => q.user.replace(/^News item:\n/, ""));
}

function headlineFrame(titles: string[], texts: string[]): Frame<HeadlineColumns> {
  const n = titles.length;
  return new Frame<HeadlineColumns>({
    timestamp: Float64Array.from(titles, (_, i) => 1_600_000_000_000_000 + i * 60e6),
    source: new Array(n).fill("src"),
    subject: new Array(n).fill("bitcoin"),
    title: titles,
    text: texts,
    url: titles.map((_, i) => `https://x/${i}`),
    sentimentClass: new Array(n).fill("neutral"),
    sentimentPolarity: new Float64Array(n),
  });
}

/** A lexicon-like scorer: score = (length mod 3 − 1) / 2; null for texts containing "FAIL". Records calls. */
function fakeLexicon(): Scorer & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    name: "fake-lexicon",
    kind: "lexicon",
    calls,
    async scoreBatch(texts, opts) {
      calls.push(texts.slice());
      const out: (ScoreRecord | null)[] = texts.map((t) =>
        t.includes("FAIL")
          ? null
          : { score: ((t.length % 3) - 1) / 2, confidence: 1, horizon: "unknown", rationale: "", assets: [], provenance: { scorer: "fake-lexicon", scoredAt: "2024-01-01T00:00:00Z", cached: false } },
      );
      opts?.onProgress?.(texts.length, texts.length);
      return out;
    },
  };
}

test("headlineTexts: title, text or both; plain strings pass through", () => {
  const f = headlineFrame(["T1", "T2", ""], ["x1", "", "x3"]);
  assert.deepEqual(headlineTexts(f, "title"), ["T1", "T2", ""]);
  assert.deepEqual(headlineTexts(f, "text"), ["x1", "", "x3"]);
  assert.deepEqual(headlineTexts(f), ["T1\nx1", "T2", "x3"]);
  assert.deepEqual(headlineTexts(["a", "b"]), ["a", "b"]);
  assert.throws(() => headlineTexts({ title: ["a"] } as unknown as Frame<HeadlineColumns>), /HeadlineFrame/);
  assert.throws(() => headlineTexts(new Frame({ x: new Float64Array(1) }) as unknown as Frame<HeadlineColumns>), /HeadlineFrame/);
});

test("lexicon scorer: rows aligned, duplicates scored once, empty and null rows flagged failed, timestamps kept, no cache", async () => {
  const f = headlineFrame(["ab", "abc", "ab", "", "FAIL here", "abcd"], ["", "", "", "", "", ""]);
  const lex = fakeLexicon();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-lex-"));
  try {
    const r = await scoreHeadlines(f, { scorer: lex, cacheDir: dir, text: "title" });
    assert.deepEqual(lex.calls, [["ab", "abc", "FAIL here", "abcd"]]);
    assert.deepEqual(Array.from(r.frame.col("score")), [0.5, -0.5, 0.5, NaN, NaN, 0]);
    assert.deepEqual(Array.from(r.frame.col("failed")), [0, 0, 0, 1, 1, 0]);
    assert.deepEqual(Array.from(r.frame.col("cached")), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(r.frame.col("timestamp")), Array.from(f.col("timestamp")));
    assert.deepEqual(r.frame.col("scorer"), new Array(6).fill("fake-lexicon"));
    assert.equal(r.summary.n, 6);
    assert.equal(r.summary.unique, 4);
    assert.equal(r.summary.scored, 4);
    assert.equal(r.summary.failed, 2);
    assert.equal(r.summary.empty, 1);
    assert.equal(r.failures.length, 1);
    assert.equal(r.failures[0].row, 4);
    assert.deepEqual(fs.readdirSync(dir), [], "nothing cached for a lexicon scorer");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("LLM + cache: the second run is served entirely from the cache and costs nothing", async () => {
  await withServer(echo, async (s, dir) => {
    const texts = ["h1 up", "h2 down", "h3", "h1 up", "h4"];
    const { scorer } = makeScorer(s);
    const r1 = await scoreHeadlines(texts, { scorer, cacheDir: dir });
    assert.deepEqual(Array.from(r1.frame.col("score")), [0.1, 0.2, 0.3, 0.1, 0.4]);
    assert.equal(r1.summary.scored, 5);
    assert.equal(r1.summary.cached, 0);
    assert.equal(r1.summary.requests, 4, "the duplicate is sent once");
    assert.equal(r1.summary.costUsd, (4 * (100 + 40)) / 1e6);
    assert.equal(r1.frame.col("assets")[0], "BTC", "tickers upper-cased");
    const { scorer: scorer2 } = makeScorer(s);
    const r2 = await scoreHeadlines(texts, { scorer: scorer2, cacheDir: dir });
    assert.equal(s.requests.length, 4, "no new request");
    assert.deepEqual(Array.from(r2.frame.col("score")), Array.from(r1.frame.col("score")));
    assert.deepEqual(Array.from(r2.frame.col("cached")), [1, 1, 1, 1, 1]);
    assert.equal(r2.summary.cached, 5);
    assert.equal(r2.summary.costUsd, 0);
    assert.equal(r2.summary.cachedCostUsd, (4 * 140) / 1e6);
    assert.equal(scorer2.client.usage().total.requests, 0);
  });
});

test("interrupted and resumed batch: every input reaches the server exactly once overall, nothing lost or double-charged", async () => {
  for (const concurrency of [1, 3]) {
    await withServer(
      (q) => ({ delayMs: 5, body: completion(replyFor(q.user)) }),
      async (s, dir) => {
        const texts = Array.from({ length: 12 }, (_, i) => `headline ${i % 10} #${i}`);
        const ac = new AbortController();
        const { client: c1, scorer: sc1 } = makeScorer(s, { concurrency });
        await assert.rejects(
          scoreHeadlines(texts, {
            scorer: sc1,
            cacheDir: dir,
            signal: ac.signal,
            onProgress: (done) => {
              if (done === 4) ac.abort();
            },
          }),
          (e: unknown) => (e as Error).name === "AbortError",
        );
        const firstRun = s.requests.length;
        assert.ok(firstRun >= 4 && firstRun < 12, `first run sent ${firstRun}`);
        assert.equal(createResponseCache(dir).count(), firstRun, "every answered request is in the cache");
        const { client: c2, scorer: sc2 } = makeScorer(s, { concurrency });
        const r = await scoreHeadlines(texts, { scorer: sc2, cacheDir: dir });
        assert.equal(r.summary.failed, 0);
        assert.equal(r.summary.cached, firstRun);
        assert.equal(r.summary.scored, 12 - firstRun);
        const seen = inputsSeen(s).sort();
        assert.deepEqual(seen, texts.slice().sort(), "each input exactly once");
        assert.equal(c1.usage().total.requests + c2.usage().total.requests, 12, "paid once per input");
        const scores = r.frame.col("score");
        for (let i = 0; i < 12; i++) assert.equal(scores[i], (i % 10) / 10, `row ${i}`);
      },
    );
  }
});

test("failures: a schema-violating text is a failed row (not cached), others are fine; the rerun retries only it", async () => {
  await withServer(
    (q) => ({ body: completion(q.user.includes("bad") ? { ...goodReply(), score: 5 } : replyFor(q.user)) }),
    async (s, dir) => {
      const { scorer } = makeScorer(s);
      const r = await scoreHeadlines(["a 1", "bad 2", "c 3"], { scorer, cacheDir: dir });
      assert.deepEqual(Array.from(r.frame.col("failed")), [0, 1, 0]);
      assert.ok(Number.isNaN(r.frame.col("score")[1]));
      assert.equal(r.failures.length, 1);
      assert.equal(r.failures[0].reason, "schema");
      assert.equal(r.failures[0].row, 1);
      assert.equal(s.requests.length, 4, "2 good + 1 bad with its repair");
      assert.equal(scorer.failures().length, 1);
      const { scorer: again } = makeScorer(s);
      const r2 = await scoreHeadlines(["a 1", "bad 2", "c 3"], { scorer: again, cacheDir: dir });
      assert.equal(s.requests.length, 6, "only the failed one is retried (with its repair)");
      assert.equal(r2.summary.cached, 2);
    },
  );
});

test("5xx exhausted for one text is a recorded failure with reason 'server'; the batch goes on", async () => {
  await withServer(
    (q) => (q.user.includes("down") ? { status: 502, body: "bad gateway" } : { body: completion(replyFor(q.user)) }),
    async (s, dir) => {
      const { scorer } = makeScorer(s);
      const r = await scoreHeadlines(["x 1", "down 2", "y 3"], { scorer, cacheDir: dir });
      assert.deepEqual(Array.from(r.frame.col("failed")), [0, 1, 0]);
      assert.equal(r.failures[0].reason, "server");
      assert.equal(s.requests.filter((q) => q.user.includes("down")).length, 3, "1 + maxRetries 2");
    },
  );
});

test("cacheOnly: nothing is sent; uncached rows are failed and counted as notCached", async () => {
  await withServer(echo, async (s, dir) => {
    const { scorer } = makeScorer(s);
    await scoreHeadlines(["a 1"], { scorer, cacheDir: dir });
    const n0 = s.requests.length;
    const r = await scoreHeadlines(["a 1", "b 2", "b 2"], { scorer, cacheDir: dir, cacheOnly: true });
    assert.equal(s.requests.length, n0);
    assert.deepEqual(Array.from(r.frame.col("cached")), [1, 0, 0]);
    assert.deepEqual(Array.from(r.frame.col("failed")), [0, 1, 1]);
    assert.equal(r.summary.notCached, 2);
    assert.equal(r.failures[0].reason, "not-cached");
  });
});

test("a corrupt cache file is counted, ignored and rescored, without crashing the batch", async () => {
  await withServer(echo, async (s, dir) => {
    const { scorer } = makeScorer(s);
    await scoreHeadlines(["a 1", "b 2"], { scorer, cacheDir: dir });
    const cache = createResponseCache(dir);
    const k = cache.keyOf(scorer.identity, "a 1");
    fs.writeFileSync(path.join(dir, k.slice(0, 2), `${k}.json`), '{"format":"makerlab-llm-cache-v1","key":');
    const r = await scoreHeadlines(["a 1", "b 2"], { scorer, cacheDir: dir });
    assert.equal(r.summary.cacheCorrupt, 1);
    assert.deepEqual(Array.from(r.frame.col("cached")), [0, 1]);
    assert.equal(r.frame.col("score")[0], 0.1);
    assert.ok(createResponseCache(dir).get(k), "the entry was rewritten whole");
  });
});

test("a different prompt version or model does not reuse the cache", async () => {
  await withServer(echo, async (s, dir) => {
    const { scorer } = makeScorer(s);
    await scoreHeadlines(["a 1"], { scorer, cacheDir: dir });
    const { scorer: other } = makeScorer(s, { model: "other-model" });
    const r = await scoreHeadlines(["a 1"], { scorer: other, cacheDir: dir });
    assert.equal(r.summary.cached, 0);
    assert.equal(s.requests.length, 2);
    assert.equal(r.frame.col("scorer")[0], "llm:other-model@sent-v1");
  });
});

test("an auth error aborts the batch with a clear error", async () => {
  await withServer(
    () => ({ status: 401, body: { error: { message: "invalid api key" } } }),
    async (s, dir) => {
      const { scorer } = makeScorer(s);
      await assert.rejects(scoreHeadlines(["a 1", "b 2", "c 3"], { scorer, cacheDir: dir, concurrency: 1 }), (e: unknown) => e instanceof LlmError && e.reason === "auth");
      assert.equal(s.requests.length, 1);
    },
  );
});

test("the API key never appears in logs, progress output, errors, results, usage, the client object or cache files", async () => {
  const captured: string[] = [];
  const orig = { log: console.log, warn: console.warn, error: console.error, info: console.info, debug: console.debug, write: process.stderr.write };
  const grab = (...a: unknown[]): void => {
    captured.push(a.map((x) => (typeof x === "string" ? x : util.inspect(x, { depth: 6 }))).join(" "));
  };
  console.log = console.warn = console.error = console.info = console.debug = grab;
  process.stderr.write = ((chunk: unknown) => {
    captured.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  const errors: string[] = [];
  let seenAuth = 0;
  try {
    await withServer(
      (q, n) => {
        if (q.headers.authorization === `Bearer ${KEY}`) seenAuth++;
        const echoed = `you sent authorization=${q.headers.authorization}`;
        if (q.user.includes("u401")) return { status: 401, body: { error: { message: echoed } } };
        if (q.user.includes("u400")) return { status: 400, body: { error: { message: echoed } } };
        if (n % 4 === 1) return { status: 429, headers: { "retry-after": "1" }, body: echoed };
        if (n % 4 === 2) return { status: 500, body: echoed };
        if (q.user.includes("junk")) return { body: completion(`not json ${echoed}`) };
        return { body: completion(replyFor(q.user)) };
      },
      async (s, dir) => {
        const { client, scorer } = makeScorer(s, { log: (l) => console.warn(l), concurrency: 2 });
        const r = await scoreHeadlines(["a 1", "b 2", "junk 3", "u400 4", "c 5"], { scorer, cacheDir: dir, progress: true });
        await scoreHeadlines(["u401 9"], { scorer, cacheDir: dir }).catch((e: Error) => errors.push(e.message, String(e.stack), util.inspect(e)));
        assert.ok(errors.length > 0, "the 401 surfaced as an error");
        assert.ok(captured.length > 0, "something was logged (retries, progress)");
        assert.ok(seenAuth > 0, "the key was really sent to the server");
        const cacheText = fs
          .readdirSync(dir, { recursive: true })
          .map((f) => path.join(dir, String(f)))
          .filter((f) => fs.statSync(f).isFile())
          .map((f) => fs.readFileSync(f, "utf8"))
          .join("\n");
        assert.ok(cacheText.length > 0, "cache files were written");
        const haystacks: [string, string][] = [
          ["logs", captured.join("\n")],
          ["errors", errors.join("\n")],
          ["failures", JSON.stringify(r.failures) + JSON.stringify(scorer.failures())],
          ["results", JSON.stringify(r.summary) + r.frame.col("rationale").join("\n")],
          ["usage", JSON.stringify(client.usage())],
          ["client", util.inspect(client, { depth: 6, showHidden: true }) + util.inspect(scorer, { depth: 6 })],
          ["cache", cacheText],
        ];
        for (const [what, text] of haystacks) {
          assert.ok(!text.includes(KEY), `key found in ${what}`);
          assert.ok(!text.includes("SECRET-9f8e"), `part of the key found in ${what}`);
        }
        assert.ok(r.failures.some((f) => f.reason === "bad-request"));
      },
    );
  } finally {
    Object.assign(console, { log: orig.log, warn: orig.warn, error: orig.error, info: orig.info, debug: orig.debug });
    process.stderr.write = orig.write;
  }
});
