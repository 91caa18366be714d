import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cacheKey, createResponseCache, defaultLlmCacheDir, writeFileAtomic } from "../../src/sentiment/responseCache";
import type { CacheEntry } from "../../src/sentiment/responseCache";

const id = { endpoint: "http://127.0.0.1:1/v1/chat/completions", model: "m1", promptVersion: "sent-v1", promptHash: "abcd" };

function entry(text: string, over: Partial<CacheEntry> = {}): CacheEntry {
  return {
    format: "makerlab-llm-cache-v1",
    key: cacheKey(id, text),
    endpoint: id.endpoint,
    model: id.model,
    promptVersion: id.promptVersion,
    promptHash: id.promptHash,
    text,
    score: { score: 0.25, confidence: 0.5, horizon: "days", rationale: "r", assets: ["BTC"] },
    provenance: { scorer: "llm:m1@sent-v1", model: "m1", promptVersion: "sent-v1", scoredAt: "2024-01-01T00:00:00.000Z" },
    usage: { requests: 1, promptTokens: 10, completionTokens: 5, estimated: false, costUsd: 1e-6 },
    ...over,
  };
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-cache-"));
}

test("cacheKey: sha256 hex; changes with each of endpoint, model, prompt version and text; ignores credentials in the URL", () => {
  const k = cacheKey(id, "a");
  assert.match(k, /^[0-9a-f]{64}$/);
  assert.equal(cacheKey(id, "a"), k, "deterministic");
  assert.notEqual(cacheKey({ ...id, endpoint: "http://other/v1/chat/completions" }, "a"), k);
  assert.notEqual(cacheKey({ ...id, model: "m2" }, "a"), k);
  assert.notEqual(cacheKey({ ...id, promptVersion: "sent-v2" }, "a"), k);
  assert.notEqual(cacheKey(id, "a "), k);
  assert.equal(cacheKey({ ...id, endpoint: "http://u:secret@127.0.0.1:1/v1/chat/completions?key=secret" }, "a"), k);
  // field boundaries are unambiguous
  assert.notEqual(cacheKey({ ...id, model: "m1", promptVersion: "x" }, "y"), cacheKey({ ...id, model: "m1x", promptVersion: "" }, "y"));
});

test("put/get round trip with provenance; one file per entry under a 2-char shard; misses counted", () => {
  const dir = tmpDir();
  try {
    const c = createResponseCache(dir);
    const e = entry("Bitcoin rallies");
    assert.equal(c.get(e.key), undefined);
    c.put(e);
    const got = c.get(e.key);
    assert.deepEqual(got, e);
    assert.ok(fs.existsSync(path.join(dir, e.key.slice(0, 2), `${e.key}.json`)));
    assert.equal(c.count(), 1);
    assert.deepEqual(c.stats(), { hits: 1, misses: 1, writes: 1, corrupt: 0, stale: 0, corruptFiles: [] });
    assert.deepEqual(c.scan(), [{ endpoint: id.endpoint, model: "m1", promptVersion: "sent-v1", entries: 1 }]);
    // no temporary files left behind
    const left = fs.readdirSync(path.join(dir, e.key.slice(0, 2)));
    assert.deepEqual(left, [`${e.key}.json`]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("corrupt files (truncated, wrong schema, wrong name, tampered text) are counted and ignored, not thrown", () => {
  const dir = tmpDir();
  try {
    const c = createResponseCache(dir);
    const texts = ["a", "b", "c", "d", "e"];
    for (const t of texts) c.put(entry(t));
    const file = (t: string): string => {
      const k = cacheKey(id, t);
      return path.join(dir, k.slice(0, 2), `${k}.json`);
    };
    fs.writeFileSync(file("a"), fs.readFileSync(file("a"), "utf8").slice(0, 40)); // torn write
    fs.writeFileSync(file("b"), JSON.stringify({ ...entry("b"), score: { score: 3 } })); // schema
    fs.writeFileSync(file("c"), JSON.stringify(entry("zzz"))); // content of another key
    fs.writeFileSync(file("d"), JSON.stringify({ ...entry("d"), text: "D" })); // text does not hash to the key
    const c2 = createResponseCache(dir);
    for (const t of ["a", "b", "c", "d"]) assert.equal(c2.get(cacheKey(id, t)), undefined, t);
    assert.deepEqual(c2.get(cacheKey(id, "e"))?.text, "e");
    const s = c2.stats();
    assert.equal(s.corrupt, 4);
    assert.equal(s.misses, 4);
    assert.equal(s.hits, 1);
    assert.equal(s.corruptFiles.length, 4);
    // rescoring overwrites the corrupt entry
    c2.put(entry("a"));
    assert.equal(c2.get(cacheKey(id, "a"))?.text, "a");
    // leftover temporary files of a crash are ignored by count/scan
    fs.writeFileSync(path.join(path.dirname(file("e")), `.${path.basename(file("e"))}.123.x.tmp`), "{");
    assert.equal(createResponseCache(dir).count(), 5);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a prompt hash mismatch is 'stale': ignored and counted", () => {
  const dir = tmpDir();
  try {
    const c = createResponseCache(dir);
    const e = entry("x");
    c.put(e);
    assert.ok(c.get(e.key, "abcd"));
    assert.equal(c.get(e.key, "ffff"), undefined);
    assert.equal(c.stats().stale, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("put validates the entry; read-only caches refuse writes; bad keys are rejected", () => {
  const dir = tmpDir();
  try {
    const c = createResponseCache(dir);
    assert.throws(() => c.put({ ...entry("x"), key: cacheKey(id, "y") }), /does not match/);
    assert.throws(() => c.put({ ...entry("x"), score: { ...entry("x").score, confidence: 2 } }), /invalid cache entry/);
    assert.throws(() => c.get("../../etc/passwd"), /not a cache key/);
    const ro = createResponseCache(path.join(dir, "nope"), { readOnly: true });
    assert.equal(fs.existsSync(path.join(dir, "nope")), false);
    assert.equal(ro.get(cacheKey(id, "x")), undefined);
    assert.throws(() => ro.put(entry("x")), /read-only/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("writeFileAtomic replaces a file whole; defaultLlmCacheDir honours MAKERLAB_LLM_CACHE", () => {
  const dir = tmpDir();
  try {
    const f = path.join(dir, "sub", "x.json");
    writeFileAtomic(f, "one");
    writeFileAtomic(f, "two");
    assert.equal(fs.readFileSync(f, "utf8"), "two");
    assert.deepEqual(fs.readdirSync(path.dirname(f)), ["x.json"]);
    const saved = process.env.MAKERLAB_LLM_CACHE;
    process.env.MAKERLAB_LLM_CACHE = dir;
    try {
      assert.equal(defaultLlmCacheDir(), path.resolve(dir));
    } finally {
      if (saved === undefined) delete process.env.MAKERLAB_LLM_CACHE;
      else process.env.MAKERLAB_LLM_CACHE = saved;
    }
    assert.match(defaultLlmCacheDir(), /llm-sentiment-cache$/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
