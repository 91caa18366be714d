/**
 * Batch scoring of headlines with any {@link Scorer}, returning columns aligned row for row with the input.
 * For an LLM scorer with a cache folder, every completed score is written to the cache at once, identical
 * texts are scored once, and a rerun after an interruption only pays for what is missing.
 */
import { Frame } from "../frame/frame";
import { ArgumentError } from "../errors";
import type { HeadlineFrame } from "../data/schemas";
import { bar, formatSeconds } from "../notebook/progress";
import type { FailureRecord, LlmScorer, ScoreOutcome, ScorerIdentity } from "./llmClient";
import { createResponseCache } from "./responseCache";
import type { CacheEntry, ResponseCache } from "./responseCache";
import { abortError, runPool } from "./rateLimit";
import type { ScoreRecord, Scorer } from "./types";

/** Columns of scored headlines (one row per input row). */
export type ScoreColumns = {
  /** Headline time, epoch µs (copied from a HeadlineFrame; NaN for plain strings). */
  timestamp: Float64Array;
  /** Sentiment in [−1, 1]; NaN when failed. */
  score: Float64Array;
  /** Confidence in [0, 1]; NaN when failed. */
  confidence: Float64Array;
  /** intraday / days / weeks / unknown; "" when failed. */
  horizon: string[];
  rationale: string[];
  /** Asset tickers joined by ","; "" if none. */
  assets: string[];
  /** Scorer name (e.g. "lexicon-v1", "llm:gpt-4o-mini@sent-v1"). */
  scorer: string[];
  /** 1 when the score came from the cache. */
  cached: Int8Array;
  /** 1 when there is no score (scorer failure, empty text, or not cached under cacheOnly); then score is NaN. */
  failed: Int8Array;
};

/** Totals of a scoring run. */
export interface ScoreSummary {
  scorer: string;
  kind: Scorer["kind"];
  /** Rows. */
  n: number;
  /** Distinct non-empty texts. */
  unique: number;
  /** Rows served from the cache. */
  cached: number;
  /** Rows scored in this run. */
  scored: number;
  /** Rows without a score (including notCached and empty). */
  failed: number;
  /** Rows not in the cache when cacheOnly was set. */
  notCached: number;
  /** Rows whose text was empty (not sent). */
  empty: number;
  /** API requests made in this run (repair retries included), tokens and US dollars paid in this run (NaN if unpriced). */
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  /** True when some token counts were estimated. */
  usageEstimated: boolean;
  /** What the cached rows had cost when first scored (USD; NaN if unpriced). */
  cachedCostUsd: number;
  /** Corrupt and stale cache files met (ignored and rescored). */
  cacheCorrupt: number;
  cacheStale: number;
  elapsedMs: number;
}

/** Result of {@link scoreHeadlines}. */
export interface ScoredHeadlines {
  frame: Frame<ScoreColumns>;
  summary: ScoreSummary;
  /** Failures with the first row they concern. */
  failures: (FailureRecord & { row: number })[];
}

/** Options of {@link scoreHeadlines}. */
export interface ScoreHeadlinesOptions {
  scorer: Scorer;
  /** Cache folder (or an open cache) for LLM scorers; ignored for lexicon and label scorers. */
  cacheDir?: string | ResponseCache;
  /** Texts scored at once (default: the LLM client's concurrency, else 4). */
  concurrency?: number;
  /** Which headline text to score (HeadlineFrame input): "title", "text" or "title+text" (default, joined by a newline). */
  text?: "title" | "text" | "title+text";
  /** Only read the cache; rows not in it are marked failed ("not-cached"). Needs no key or network. */
  cacheOnly?: boolean;
  /**
   * Stops the run: no new text is sent after it aborts; the requests in flight finish and are cached
   * (they are being paid for), then scoreHeadlines throws an AbortError. With `abortInFlight`, in-flight
   * requests are cancelled too (their replies, possibly billed, are lost).
   */
  signal?: AbortSignal;
  abortInFlight?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** Draw a progress bar on stderr (true) or on the given stream: redrawn in place on a TTY, a line per 10 % otherwise. */
  progress?: boolean | (NodeJS.WritableStream & { isTTY?: boolean });
}

function isLlmScorer(s: Scorer): s is LlmScorer {
  return s.kind === "llm" && typeof (s as Partial<LlmScorer>).scoreOne === "function" && typeof (s as Partial<LlmScorer>).identity === "object";
}

/** The texts of headlines: a HeadlineFrame's title / text / both, or the strings themselves. */
export function headlineTexts(headlines: HeadlineFrame | readonly string[], which: "title" | "text" | "title+text" = "title+text"): string[] {
  if (Array.isArray(headlines)) return (headlines as readonly string[]).slice();
  const f = headlines as HeadlineFrame;
  // duck-typed, not instanceof: a notebook may hold a Frame from another copy of the module
  if (!f || typeof f.has !== "function" || typeof f.col !== "function" || !f.has("title")) throw new ArgumentError("headlines must be a HeadlineFrame (columns title, text, …) or a string array", { field: "headlines" });
  const title = f.col("title");
  const text = f.has("text") ? f.col("text") : null;
  const out = new Array<string>(f.length);
  for (let i = 0; i < f.length; i++) {
    const t = (title[i] ?? "").trim();
    const x = text ? (text[i] ?? "").trim() : "";
    out[i] = which === "title" ? t : which === "text" ? x : x === "" ? t : t === "" ? x : `${t}\n${x}`;
  }
  return out;
}

function progressWriter(opt: ScoreHeadlinesOptions["progress"], label: string): ((done: number, total: number) => void) | null {
  if (!opt) return null;
  const stream = opt === true ? process.stderr : opt;
  const tty = !!stream.isTTY;
  const started = Date.now();
  let lastDecile = -1;
  return (done, total) => {
    const el = formatSeconds(Date.now() - started);
    if (tty) {
      stream.write(`\r\x1b[K${label} [${bar(done, total, 24)}] ${done}/${total} ${el}${done >= total ? "\n" : ""}`);
    } else {
      const dec = total > 0 ? Math.floor((10 * done) / total) : 10;
      if (dec !== lastDecile) {
        lastDecile = dec;
        stream.write(`${label}: ${done}/${total} (${el})\n`);
      }
    }
  };
}

/**
 * Scores headlines with `scorer` and returns columns aligned with the input rows (score, confidence,
 * horizon, rationale, assets, scorer, cached and failed flags, and the headline timestamp) plus a summary of
 * counts, tokens and dollars. Identical texts are scored once. For an LLM scorer with `cacheDir`, cached
 * texts are not sent, and each new score is written to the cache as soon as it arrives, so an aborted or
 * crashed run loses nothing and its rerun pays only for the rest. Empty texts are not scored (failed).
 * Throws an AbortError when `signal` aborts (after the requests in flight finish and are cached) and the
 * LLM client's LlmError on an auth failure; other per-text failures are rows with failed = 1.
 */
export async function scoreHeadlines(headlines: HeadlineFrame | readonly string[], options: ScoreHeadlinesOptions): Promise<ScoredHeadlines> {
  const started = Date.now();
  const scorer = options.scorer;
  if (!scorer || typeof scorer.scoreBatch !== "function") throw new ArgumentError("options.scorer must be a Scorer", { field: "scorer" });
  const texts = headlineTexts(headlines, options.text ?? "title+text");
  const n = texts.length;
  const ts = new Float64Array(n).fill(NaN);
  if (!Array.isArray(headlines)) {
    const f = headlines as HeadlineFrame;
    if (f.has("timestamp")) ts.set(f.col("timestamp"));
  }

  // Unique non-empty texts → the rows that hold them.
  const uniq: string[] = [];
  const rowsOf: number[][] = [];
  const index = new Map<string, number>();
  let empty = 0;
  for (let i = 0; i < n; i++) {
    const t = texts[i];
    if (t.trim() === "") {
      empty++;
      continue;
    }
    let u = index.get(t);
    if (u === undefined) {
      u = uniq.length;
      index.set(t, u);
      uniq.push(t);
      rowsOf.push([]);
    }
    rowsOf[u].push(i);
  }
  const m = uniq.length;
  const results: (ScoreRecord | null)[] = new Array(m).fill(null);
  const failureOf: (FailureRecord | undefined)[] = new Array(m);
  const usage = { requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, estimated: false };
  let cachedCost = 0;
  let cachedUnique = 0;
  let cacheCorrupt = 0;
  let cacheStale = 0;

  const drawBar = progressWriter(options.progress, scorer.name);
  const report = (done: number, total: number): void => {
    options.onProgress?.(done, total);
    drawBar?.(done, total);
  };

  if (isLlmScorer(scorer)) {
    const id: ScorerIdentity = scorer.identity;
    const cache: ResponseCache | null =
      options.cacheDir === undefined ? null : typeof options.cacheDir === "string" ? createResponseCache(options.cacheDir, { readOnly: !!options.cacheOnly }) : options.cacheDir;
    const keys: string[] = new Array(m);
    const todo: number[] = [];
    for (let u = 0; u < m; u++) {
      if (cache) {
        keys[u] = cache.keyOf(id, uniq[u]);
        const e = cache.get(keys[u], id.promptHash);
        if (e) {
          results[u] = { ...e.score, assets: e.score.assets.slice(), provenance: { ...e.provenance, cached: true } };
          cachedUnique++;
          cachedCost += e.usage.costUsd === null ? NaN : e.usage.costUsd;
          continue;
        }
      }
      todo.push(u);
    }
    if (cache) {
      const s = cache.stats();
      cacheCorrupt = s.corrupt;
      cacheStale = s.stale;
    }
    const total = todo.length;
    if (options.cacheOnly) {
      for (const u of todo) failureOf[u] = { text: uniq[u].slice(0, 120), reason: "not-cached", detail: "not in the cache (cacheOnly)", at: new Date().toISOString() };
    } else {
      let done = 0;
      if (total > 0) report(0, total);
      const conc = options.concurrency ?? scorer.client.limiter.limit;
      await runPool(
        total,
        conc,
        async (j) => {
          const u = todo[j];
          const out: ScoreOutcome = await scorer.scoreOne(uniq[u], { signal: options.abortInFlight ? options.signal : undefined });
          usage.requests += out.usage.requests;
          usage.promptTokens += out.usage.promptTokens;
          usage.completionTokens += out.usage.completionTokens;
          usage.costUsd += out.usage.costUsd;
          usage.estimated = usage.estimated || out.usage.estimated;
          if (out.record) {
            results[u] = out.record;
            if (cache) {
              const r = out.record;
              const entry: CacheEntry = {
                format: "makerlab-llm-cache-v1",
                key: keys[u],
                endpoint: id.endpoint,
                model: id.model,
                promptVersion: id.promptVersion,
                promptHash: id.promptHash,
                text: uniq[u],
                score: { score: r.score, confidence: r.confidence, horizon: r.horizon, rationale: r.rationale, assets: r.assets.slice() },
                provenance: { scorer: r.provenance.scorer, model: id.model, promptVersion: id.promptVersion, scoredAt: r.provenance.scoredAt },
                usage: {
                  requests: out.usage.requests,
                  promptTokens: out.usage.promptTokens,
                  completionTokens: out.usage.completionTokens,
                  estimated: out.usage.estimated,
                  costUsd: Number.isFinite(out.usage.costUsd) ? out.usage.costUsd : null,
                },
              };
              cache.put(entry);
            }
          } else failureOf[u] = out.failure;
          done++;
          report(done, total);
        },
        options.signal,
      );
    }
  } else {
    // Lexicon / label / other scorers: one batch, no cache.
    if (options.signal?.aborted) throw abortError(options.signal);
    const got = await scorer.scoreBatch(uniq, { signal: options.signal, onProgress: report });
    if (!Array.isArray(got) || got.length !== m) {
      throw new ArgumentError(`scorer ${scorer.name} returned ${Array.isArray(got) ? got.length : "no"} results for ${m} texts`, { field: "scorer" });
    }
    for (let u = 0; u < m; u++) {
      results[u] = got[u];
      if (!got[u]) failureOf[u] = { text: uniq[u].slice(0, 120), reason: "scorer-null", detail: `scorer ${scorer.name} returned null`, at: new Date().toISOString() };
    }
  }

  // Scatter to rows.
  const score = new Float64Array(n).fill(NaN);
  const confidence = new Float64Array(n).fill(NaN);
  const horizon = new Array<string>(n).fill("");
  const rationale = new Array<string>(n).fill("");
  const assets = new Array<string>(n).fill("");
  const scorerCol = new Array<string>(n).fill(scorer.name);
  const cached = new Int8Array(n);
  const failed = new Int8Array(n);
  const failures: (FailureRecord & { row: number })[] = [];
  let cachedRows = 0;
  let scoredRows = 0;
  let notCachedRows = 0;
  for (let u = 0; u < m; u++) {
    const r = results[u];
    const rows = rowsOf[u];
    if (!r) {
      const f = failureOf[u];
      if (f) failures.push({ ...f, row: rows[0] });
      if (f && f.reason === "not-cached") notCachedRows += rows.length;
      continue;
    }
    const isCached = r.provenance.cached ? 1 : 0;
    const a = r.assets.join(",");
    for (const i of rows) {
      score[i] = r.score;
      confidence[i] = r.confidence;
      horizon[i] = r.horizon;
      rationale[i] = r.rationale;
      assets[i] = a;
      cached[i] = isCached;
    }
    if (isCached) cachedRows += rows.length;
    else scoredRows += rows.length;
  }
  let failedRows = 0;
  for (let i = 0; i < n; i++) {
    if (score[i] !== score[i]) {
      failed[i] = 1;
      failedRows++;
    }
  }
  return {
    frame: new Frame<ScoreColumns>({ timestamp: ts, score, confidence, horizon, rationale, assets, scorer: scorerCol, cached, failed }),
    failures,
    summary: {
      scorer: scorer.name,
      kind: scorer.kind,
      n,
      unique: m,
      cached: cachedRows,
      scored: scoredRows,
      failed: failedRows,
      notCached: notCachedRows,
      empty,
      requests: usage.requests,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      costUsd: usage.costUsd,
      usageEstimated: usage.estimated,
      cachedCostUsd: cachedUnique > 0 ? cachedCost : 0,
      cacheCorrupt,
      cacheStale,
      elapsedMs: Date.now() - started,
    },
  };
}
