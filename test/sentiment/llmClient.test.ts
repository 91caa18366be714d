import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import {
  callCost,
  createLlmClient,
  estimatePromptTokens,
  LlmError,
  llmScorer,
  parseJsonReply,
  redact,
  sanitizeUrl,
} from "../../src/sentiment/llmClient";
import type { LlmClientOptions } from "../../src/sentiment/llmClient";
import { buildMessages, sentimentReplySchema } from "../../src/sentiment/prompts";
import { createVirtualClock } from "../../src/sentiment/rateLimit";
import { completion, goodReply, startFakeServer } from "./fakeServer";
import type { FakeHandler, FakeServer } from "./fakeServer";

const KEY_ENV = "MAKERLAB_TEST_LLM_KEY_CLIENT";
const KEY = "sk-test-client-0123456789abcdef";
process.env[KEY_ENV] = KEY;

async function withServer(handler: FakeHandler, body: (s: FakeServer) => Promise<void>): Promise<void> {
  const s = await startFakeServer(handler);
  try {
    await body(s);
  } finally {
    await s.close();
  }
}

function client(s: FakeServer, extra: Partial<LlmClientOptions> = {}) {
  const clock = createVirtualClock(Date.UTC(2024, 0, 1, 12, 0, 0));
  const c = createLlmClient({
    baseUrl: s.baseUrl,
    model: "test-model",
    apiKeyEnv: KEY_ENV,
    timeoutMs: 2000,
    maxRetries: 3,
    backoff: { baseMs: 100, maxMs: 1000 },
    priceTable: { "test-model": { inputPerM: 1, outputPerM: 2 } },
    clock,
    random: () => 0.5,
    ...extra,
  });
  return { c, clock };
}

const msgs = buildMessages("Bitcoin ETF approved");

test("200: the request is an OpenAI chat-completions POST and the reply is parsed and validated", async () => {
  await withServer(
    () => ({ body: completion(goodReply(0.7)) }),
    async (s) => {
      const { c, clock } = client(s);
      const r = await c.chatJson(msgs, sentimentReplySchema);
      assert.ok(r.ok);
      if (!r.ok) return;
      assert.equal(r.value.score, 0.7);
      assert.equal(r.repaired, false);
      assert.equal(s.requests.length, 1);
      const q = s.requests[0];
      assert.equal(q.method, "POST");
      assert.equal(q.url, "/v1/chat/completions");
      assert.equal(q.headers.authorization, `Bearer ${KEY}`);
      assert.equal(q.body?.model, "test-model");
      assert.deepEqual(q.body?.response_format, { type: "json_object" });
      assert.equal(q.body?.temperature, 0);
      assert.deepEqual(clock.sleeps, []);
      // usage: 100 prompt + 20 completion tokens at $1 / $2 per 1M
      assert.deepEqual(r.usage, { requests: 1, promptTokens: 100, completionTokens: 20, estimated: false, costUsd: (100 * 1 + 20 * 2) / 1e6 });
      const u = c.usage();
      assert.equal(u.byModel["test-model"].requests, 1);
      assert.equal(u.total.costUsd, 140 / 1e6);
      assert.equal(c.endpoint, `${s.baseUrl}/chat/completions`);
    },
  );
});

test("429 with Retry-After seconds: waits exactly that long (virtual clock), then succeeds", async () => {
  await withServer(
    (_q, n) => (n === 0 ? { status: 429, headers: { "retry-after": "2" }, body: { error: { message: "slow down" } } } : { body: completion(goodReply()) }),
    async (s) => {
      const { c, clock } = client(s);
      const t0 = Date.now();
      const r = await c.chat(msgs);
      assert.equal(r.attempts, 2);
      assert.deepEqual(clock.sleeps, [2000]);
      assert.ok(Date.now() - t0 < 1000, "no real sleeping");
      assert.equal(s.requests.length, 2);
      assert.equal(c.usage().byModel["test-model"].retries, 1);
      assert.equal(c.usage().byModel["test-model"].requests, 1, "only the answered request is billed");
    },
  );
});

test("429 with Retry-After as an HTTP date is measured from the clock", async () => {
  const start = Date.UTC(2024, 0, 1, 12, 0, 0);
  await withServer(
    (_q, n) => (n === 0 ? { status: 429, headers: { "retry-after": new Date(start + 5000).toUTCString() } } : { body: completion(goodReply()) }),
    async (s) => {
      const { c, clock } = client(s);
      await c.chat(msgs);
      assert.deepEqual(clock.sleeps, [5000]);
    },
  );
});

test("500s: exponential backoff with full jitter (random = 0.5 → half the cap), capped at maxMs", async () => {
  await withServer(
    (_q, n) => (n < 3 ? { status: n === 1 ? 503 : 500, body: "oops" } : { body: completion(goodReply()) }),
    async (s) => {
      const { c, clock } = client(s, { backoff: { baseMs: 100, maxMs: 300 } });
      const r = await c.chat(msgs);
      assert.equal(r.attempts, 4);
      // caps: min(300, 100·2^k) = 100, 200, 300 → × 0.5
      assert.deepEqual(clock.sleeps, [50, 100, 150]);
    },
  );
});

test("500 forever: gives up after maxRetries with reason 'server'", async () => {
  await withServer(
    () => ({ status: 500, body: { error: "down" } }),
    async (s) => {
      const { c, clock } = client(s, { maxRetries: 2 });
      await assert.rejects(c.chat(msgs), (e: unknown) => e instanceof LlmError && e.reason === "server" && e.attempts === 3 && e.status === 500);
      assert.equal(s.requests.length, 3);
      assert.equal(clock.sleeps.length, 2);
      assert.equal(c.usage().byModel["test-model"].failedRequests, 1);
      assert.equal(c.usage().byModel["test-model"].requests, 0);
    },
  );
});

test("slow reply past the timeout is retried, then fails with reason 'timeout'", async () => {
  await withServer(
    () => ({ delayMs: 5000, body: completion(goodReply()) }),
    async (s) => {
      const { c, clock } = client(s, { timeoutMs: 40, maxRetries: 1 });
      const t0 = Date.now();
      await assert.rejects(c.chat(msgs), (e: unknown) => e instanceof LlmError && e.reason === "timeout" && e.attempts === 2);
      assert.ok(Date.now() - t0 < 2000);
      assert.equal(s.requests.length, 2);
      assert.deepEqual(clock.sleeps, [50]);
    },
  );
});

test("a slow first reply then a fast one: the retry succeeds", async () => {
  await withServer(
    (_q, n) => (n === 0 ? { delayMs: 5000, body: completion(goodReply()) } : { body: completion(goodReply(-0.2)) }),
    async (s) => {
      const { c } = client(s, { timeoutMs: 250 });
      const r = await c.chatJson(msgs, sentimentReplySchema);
      assert.ok(r.ok && r.value.score === -0.2);
    },
  );
});

test("a dropped connection is a network error and is retried", async () => {
  await withServer(
    (_q, n) => (n === 0 ? { destroy: true } : { body: completion(goodReply()) }),
    async (s) => {
      const { c, clock } = client(s);
      const r = await c.chat(msgs);
      assert.equal(r.attempts, 2);
      assert.equal(clock.sleeps.length, 1);
    },
  );
});

test("400 / 401 / 403 are not retried; the error names the env var, never the key", async () => {
  for (const status of [400, 401, 403]) {
    await withServer(
      (q) => ({ status, body: { error: { message: `bad, you sent ${q.headers.authorization}` } } }),
      async (s) => {
        const { c, clock } = client(s);
        let err: unknown;
        await c.chat(msgs).catch((e) => (err = e));
        assert.ok(err instanceof LlmError, `status ${status}`);
        assert.equal(err.status, status);
        assert.equal(err.reason, status === 400 ? "bad-request" : "auth");
        assert.equal(s.requests.length, 1, "no retry");
        assert.deepEqual(clock.sleeps, []);
        assert.ok(!err.message.includes(KEY), err.message);
        assert.ok(!String(err.stack).includes(KEY));
        if (status !== 400) assert.match(err.message, new RegExp(KEY_ENV));
      },
    );
  }
});

test("jsonMode auto: a server that rejects response_format gets requests without it, remembered", async () => {
  await withServer(
    (q) => (q.body?.response_format ? { status: 400, body: { error: { message: "response_format is not supported" } } } : { body: completion(goodReply()) }),
    async (s) => {
      const logs: string[] = [];
      const { c } = client(s, { log: (l) => logs.push(l) });
      await c.chat(msgs);
      await c.chat(msgs);
      assert.equal(s.requests.length, 3);
      assert.ok(s.requests[0].body?.response_format);
      assert.equal(s.requests[1].body?.response_format, undefined);
      assert.equal(s.requests[2].body?.response_format, undefined);
      assert.ok(logs.some((l) => /response_format/.test(l)));
    },
  );
  await withServer(
    (q) => (q.body?.response_format ? { status: 400, body: "response_format unsupported" } : { body: completion(goodReply()) }),
    async (s) => {
      const { c } = client(s, { jsonMode: "json_object" });
      await assert.rejects(c.chat(msgs), (e: unknown) => e instanceof LlmError && e.reason === "bad-request");
    },
  );
  await withServer(
    () => ({ body: completion(goodReply()) }),
    async (s) => {
      const { c } = client(s, { jsonMode: "off" });
      await c.chat(msgs);
      assert.equal(s.requests[0].body?.response_format, undefined);
    },
  );
});

test("malformed JSON gets exactly one repair retry carrying the error; success is flagged repaired", async () => {
  await withServer(
    (_q, n) => ({ body: completion(n === 0 ? "Sure! The sentiment is bullish." : goodReply(0.4)) }),
    async (s) => {
      const { c } = client(s);
      const r = await c.chatJson(msgs, sentimentReplySchema);
      assert.ok(r.ok && r.repaired && r.value.score === 0.4);
      assert.equal(s.requests.length, 2);
      const repair = s.requests[1].body!.messages!;
      assert.equal(repair.length, 4);
      assert.equal(repair[2].role, "assistant");
      assert.equal(repair[2].content, "Sure! The sentiment is bullish.");
      assert.match(repair[3].content, /not valid JSON/);
      assert.equal(r.usage.requests, 2, "both calls are accounted");
      assert.equal(r.usage.promptTokens, 200);
    },
  );
});

test("malformed JSON twice → recorded failure 'invalid-json' after exactly two requests", async () => {
  await withServer(
    () => ({ body: completion("{not json") }),
    async (s) => {
      const { c } = client(s);
      const r = await c.chatJson(msgs, sentimentReplySchema);
      assert.ok(!r.ok);
      if (r.ok) return;
      assert.equal(r.reason, "invalid-json");
      assert.equal(s.requests.length, 2);
      assert.equal(c.usage().byModel["test-model"].requests, 2);
    },
  );
});

test("schema-violating JSON: repair asks with the zod issue; still violating → 'schema' failure", async () => {
  await withServer(
    () => ({ body: completion({ ...goodReply(), score: 1.7, horizon: "years" }) }),
    async (s) => {
      const { c } = client(s);
      const r = await c.chatJson(msgs, sentimentReplySchema);
      assert.ok(!r.ok);
      if (r.ok) return;
      assert.equal(r.reason, "schema");
      assert.match(r.detail, /score/);
      assert.match(r.detail, /horizon/);
      assert.match(s.requests[1].body!.messages![3].content, /score/);
      assert.equal(s.requests.length, 2);
    },
  );
  // rationale too long is a violation too; a fenced valid reply is accepted without repair
  await withServer(
    (_q, n) => ({ body: completion(n === 0 ? { ...goodReply(), rationale: "x".repeat(301) } : "```json\n" + JSON.stringify(goodReply(0.1)) + "\n```") }),
    async (s) => {
      const { c } = client(s);
      const r = await c.chatJson(msgs, sentimentReplySchema);
      assert.ok(r.ok && r.repaired && r.value.score === 0.1);
    },
  );
});

test("a 200 whose body is not a chat completion is a 'bad-response' error, not retried", async () => {
  await withServer(
    () => ({ body: "<html>proxy</html>" }),
    async (s) => {
      const { c } = client(s);
      await assert.rejects(c.chat(msgs), (e: unknown) => e instanceof LlmError && e.reason === "bad-response");
      assert.equal(s.requests.length, 1);
    },
  );
});

test("usage absent: tokens estimated (chars/4) and flagged; prices editable; unknown model costs NaN", async () => {
  await withServer(
    () => ({ body: completion(goodReply(), null) }),
    async (s) => {
      const { c } = client(s);
      const r = await c.chat(msgs);
      assert.equal(r.usage.estimated, true);
      assert.equal(r.usage.promptTokens, estimatePromptTokens(msgs));
      assert.equal(r.usage.completionTokens, Math.ceil(r.content.length / 4));
      const u = c.usage().byModel["test-model"];
      assert.equal(u.estimatedRequests, 1);
      c.setPrice("test-model", { inputPerM: 10, outputPerM: 0 });
      assert.equal(c.usage().byModel["test-model"].costUsd, (r.usage.promptTokens * 10) / 1e6);
      c.resetUsage();
      assert.deepEqual(c.usage().byModel, {});
    },
  );
  await withServer(
    () => ({ body: completion(goodReply()) }),
    async (s) => {
      const { c } = client(s, { model: "my-local-llama", priceTable: {} });
      const r = await c.chat(msgs);
      assert.ok(Number.isNaN(r.usage.costUsd));
      assert.equal(c.usage().byModel["my-local-llama"].priced, false);
    },
  );
});

test("price lookup: exact, else the longest listed prefix", () => {
  const c = createLlmClient({ baseUrl: "http://127.0.0.1:9/v1", model: "gpt-4o-mini-2024-07-18", apiKeyEnv: KEY_ENV });
  assert.deepEqual(c.priceOf("gpt-4o-mini-2024-07-18"), { inputPerM: 0.15, outputPerM: 0.6 });
  assert.deepEqual(c.priceOf("gpt-4o-2024-08-06"), { inputPerM: 2.5, outputPerM: 10 });
  assert.equal(c.priceOf("llama3"), undefined);
  assert.equal(callCost({ inputPerM: 2, outputPerM: 8 }, 1_000_000, 500_000), 6);
});

test("concurrency limit: a batch never has more than `concurrency` requests in flight", async () => {
  await withServer(
    () => ({ delayMs: 15, body: completion(goodReply()) }),
    async (s) => {
      const { c } = client(s, { concurrency: 3 });
      const scorer = llmScorer(c);
      const texts = Array.from({ length: 12 }, (_, i) => `headline ${i}`);
      const out = await scorer.scoreBatch(texts);
      assert.equal(out.filter((r) => r !== null).length, 12);
      assert.equal(s.maxInFlight, 3);
      assert.equal(c.limiter.maxActive(), 3);
    },
  );
});

test("requests-per-minute token bucket: request starts obey capacity + rate·t in virtual time", async () => {
  await withServer(
    () => ({ body: completion(goodReply()) }),
    async (s) => {
      const clock = createVirtualClock(0);
      const starts: number[] = [];
      const fetchSpy: LlmClientOptions["fetch"] = (url, init) => {
        starts.push(clock.now());
        return (globalThis as unknown as { fetch: NonNullable<LlmClientOptions["fetch"]> }).fetch(url, init);
      };
      const { c } = client(s, { clock, fetch: fetchSpy, concurrency: 8, rateLimit: { requestsPerMinute: 600, burstSeconds: 0.5 } });
      await llmScorer(c).scoreBatch(Array.from({ length: 20 }, (_, i) => `t${i}`));
      assert.equal(starts.length, 20);
      const capacity = 5; // 600/min · 0.5 s
      for (let i = 0; i < starts.length; i++) assert.ok(i + 1 <= capacity + starts[i] / 100 + 1e-9, `request ${i} at ${starts[i]} ms`);
      assert.equal(starts[19], 1500, "paced at exactly 10 / s after the burst");
    },
  );
});

test("tokens-per-minute bucket: the tokens charged never outrun capacity + rate·t", async () => {
  await withServer(
    () => ({ body: completion(goodReply(), { prompt_tokens: 300, completion_tokens: 0 }) }),
    async (s) => {
      const clock = createVirtualClock(0);
      const starts: number[] = [];
      const fetchSpy: LlmClientOptions["fetch"] = (url, init) => {
        starts.push(clock.now());
        return (globalThis as unknown as { fetch: NonNullable<LlmClientOptions["fetch"]> }).fetch(url, init);
      };
      // 60000 tokens/min = 1 token/ms, bucket 1000 tokens; each request really uses 300 tokens
      const { c } = client(s, { clock, fetch: fetchSpy, concurrency: 1, maxTokens: 100, rateLimit: { tokensPerMinute: 60000, burstSeconds: 1 } });
      await llmScorer(c).scoreBatch(Array.from({ length: 10 }, (_, i) => `t${i}`));
      // after the first few, steady state is one request per ~300 ms of refill
      const span = starts[9] - starts[0];
      assert.ok(span >= 9 * 300 - 1000 - 1e-9, `span ${span}`);
      assert.ok(span <= 9 * 600, `span ${span}`);
    },
  );
});

test("abort: a user abort stops retries at once and is not recorded as a failure", async () => {
  await withServer(
    () => ({ status: 503, body: "busy" }),
    async (s) => {
      const { c } = client(s, { clock: createVirtualClock(0, { auto: false }) });
      const ac = new AbortController();
      const p = c.chat(msgs, { signal: ac.signal });
      while (s.requests.length === 0) await new Promise((r) => setTimeout(r, 1));
      await new Promise((r) => setTimeout(r, 5));
      ac.abort();
      await assert.rejects(p, (e: unknown) => (e as Error).name === "AbortError");
      assert.equal(s.requests.length, 1);
    },
  );
});

test("helpers: redact, sanitizeUrl, parseJsonReply; apiKeyEnv must be a variable name; model required", () => {
  assert.equal(redact(`Authorization: Bearer ${KEY}`, [KEY]), "Authorization: Bearer ***");
  assert.equal(redact(`key=${KEY}!`, [KEY]), "key=***!");
  assert.equal(redact("sk-abcdefghijklmnop"), "sk-***");
  assert.equal(sanitizeUrl("https://user:pw@relay.example/v1/chat/completions?key=abc#x"), "https://relay.example/v1/chat/completions");
  assert.deepEqual(parseJsonReply('```json\n{"a":1}\n```'), { a: 1 });
  assert.throws(() => parseJsonReply(""), /empty/);
  assert.throws(() => createLlmClient({ model: "m", apiKeyEnv: KEY }), /NAME of an environment variable/);
  const saved = process.env.MAKERLAB_LLM_MODEL;
  delete process.env.MAKERLAB_LLM_MODEL;
  try {
    assert.throws(() => createLlmClient({ baseUrl: "http://127.0.0.1:9/v1" }), /no model/);
  } finally {
    if (saved !== undefined) process.env.MAKERLAB_LLM_MODEL = saved;
  }
  const s = z.object({ a: z.number() });
  assert.ok(s.safeParse({ a: 1 }).success);
});

test("environment defaults: base URL and model from MAKERLAB_LLM_BASE_URL / MAKERLAB_LLM_MODEL", () => {
  const saved = { b: process.env.MAKERLAB_LLM_BASE_URL, m: process.env.MAKERLAB_LLM_MODEL };
  process.env.MAKERLAB_LLM_BASE_URL = "http://127.0.0.1:1234/v1/";
  process.env.MAKERLAB_LLM_MODEL = "env-model";
  try {
    const c = createLlmClient({ apiKeyEnv: KEY_ENV });
    assert.equal(c.endpoint, "http://127.0.0.1:1234/v1/chat/completions");
    assert.equal(c.model, "env-model");
    assert.equal(c.hasKey(), true);
  } finally {
    if (saved.b === undefined) delete process.env.MAKERLAB_LLM_BASE_URL;
    else process.env.MAKERLAB_LLM_BASE_URL = saved.b;
    if (saved.m === undefined) delete process.env.MAKERLAB_LLM_MODEL;
    else process.env.MAKERLAB_LLM_MODEL = saved.m;
  }
});
