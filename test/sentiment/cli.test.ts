/**
 * `makerlab sentiment score` end to end against the loopback chat-completions server: it scores the headlines into
 * the cache, a second run pays for nothing, and the API key appears in no output and no cache file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../src/data/dataRoot";
import { completion, goodReply, startFakeServer } from "./fakeServer";

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [path.join(projectRoot(), "bin", "makerlab.js"), ...args], { env, cwd: os.tmpdir() });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("close", (status) => resolve({ status, out }));
  });
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

test("makerlab sentiment score: scores into the cache, resumes from it, never shows the key", async () => {
  const server = await startFakeServer(() => ({ body: completion(goodReply(0.25)) }));
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-llm-cache-"));
  const key = "sk-test-DO-NOT-LEAK-8c1f";
  const env = { ...process.env, MAKERLAB_LLM_BASE_URL: server.baseUrl, MAKERLAB_LLM_MODEL: "test-model", OPENAI_API_KEY: key, MAKERLAB_LLM_CACHE: cache };
  const news = path.join(projectRoot(), "test", "fixtures", "news", "cryptonews_small.csv");
  try {
    const first = await runCli(["sentiment", "score", "--news", news, "--concurrency", "2"], env);
    assert.equal(first.status, 0, first.out);
    const n = server.requests.length;
    assert.ok(n >= 2, `${n} requests`);
    assert.match(first.out, new RegExp(`llm:test-model@\\S+: \\d+ headlines, 0 from the cache, ${n} newly scored, 0 failed`));
    for (const r of server.requests) assert.equal(r.headers.authorization, `Bearer ${key}`); // it did use the key…
    const second = await runCli(["sentiment", "score", "--news", news], env);
    assert.equal(second.status, 0, second.out);
    assert.equal(server.requests.length, n, "the second run sent no request");
    assert.match(second.out, new RegExp(`${n} from the cache, 0 newly scored`));
    // …and it shows up nowhere else
    assert.ok(!first.out.includes(key) && !second.out.includes(key), "key in the CLI output");
    const files = filesUnder(cache);
    assert.ok(files.length >= n);
    for (const f of files) assert.ok(!fs.readFileSync(f, "utf8").includes(key), `key in cache file ${f}`);
    const bad = await runCli(["sentiment", "score", "--news", news, "--text", "body"], env);
    assert.notEqual(bad.status, 0);
    assert.match(bad.out, /--text must be/);
  } finally {
    await server.close();
    fs.rmSync(cache, { recursive: true, force: true });
  }
});
