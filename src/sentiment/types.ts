/**
 * Shared sentiment-scoring types (issue 7). Both the LLM scorer
 * (src/sentiment/llmClient.ts) and the lexicon scorer (src/sentiment/lexicon.ts)
 * implement {@link Scorer}.
 */

/** Horizon over which the scorer expects the news to matter. */
export type SentimentHorizon = "intraday" | "days" | "weeks" | "unknown";

/** One sentiment judgement. `score` in [-1, 1] (negative = bearish), `confidence` in [0, 1]. */
export interface SentimentScore {
  score: number;
  confidence: number;
  horizon: SentimentHorizon;
  rationale: string;
  assets: string[];
}

/** Provenance of a score: who produced it, with which model / prompt, when, and whether it came from cache. */
export interface ScoreProvenance {
  scorer: string;
  model?: string;
  promptVersion?: string;
  /** ISO-8601 time the score was produced (for cached records: the original scoring time). */
  scoredAt: string;
  cached: boolean;
}

/** A score plus its provenance. */
export interface ScoreRecord extends SentimentScore {
  provenance: ScoreProvenance;
}

/** Options for {@link Scorer.scoreBatch}. */
export interface ScoreBatchOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/**
 * A batch sentiment scorer. `name` identifies it, e.g. "lexicon-v1" or "llm:<model>@<promptVersion>".
 * `scoreBatch` returns one entry per input text, in order; `null` = a recorded failure.
 */
export interface Scorer {
  readonly name: string;
  readonly kind: "llm" | "lexicon" | "label";
  scoreBatch(texts: readonly string[], opts?: ScoreBatchOptions): Promise<(ScoreRecord | null)[]>;
}
