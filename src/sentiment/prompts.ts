/**
 * Versioned prompts for LLM sentiment scoring, and the reply schema they ask for.
 *
 * A prompt version is immutable once published: scores cached under "sent-v1" must mean the same thing
 * forever. To change the wording, add "sent-v2" and leave v1 alone. The cache key includes the version, and
 * each cache entry also records the hash of the prompt text, so an edited-in-place prompt is detected.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { ArgumentError } from "../errors";

/** A chat message of the OpenAI chat-completions protocol. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** Longest rationale accepted, characters. */
export const MAX_RATIONALE_CHARS = 300;

/**
 * The reply schema (zod): score in [−1, 1] (−1 very bearish … +1 very bullish for the named assets),
 * confidence in [0, 1], horizon one of intraday / days / weeks / unknown, rationale ≤ 300 characters,
 * assets a list of upper-case tickers (may be empty). Unknown keys are dropped.
 */
export const sentimentReplySchema = z.object({
  score: z.number().finite().min(-1).max(1),
  confidence: z.number().finite().min(0).max(1),
  horizon: z.enum(["intraday", "days", "weeks", "unknown"]),
  rationale: z.string().max(MAX_RATIONALE_CHARS),
  assets: z.array(z.string().max(32)).max(32),
});

/** A validated reply. */
export type SentimentReply = z.infer<typeof sentimentReplySchema>;

/** The same schema as JSON Schema (draft 2020-12), for servers that accept `response_format: json_schema` and for the prompt. */
export const SENTIMENT_REPLY_JSON_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["score", "confidence", "horizon", "rationale", "assets"],
  properties: {
    score: { type: "number", minimum: -1, maximum: 1 },
    confidence: { type: "number", minimum: 0, maximum: 1 },
    horizon: { type: "string", enum: ["intraday", "days", "weeks", "unknown"] },
    rationale: { type: "string", maxLength: MAX_RATIONALE_CHARS },
    assets: { type: "array", items: { type: "string" } },
  },
} as const;

/** A versioned prompt: builds the messages for one input text. */
export interface PromptSpec {
  readonly version: string;
  readonly system: string;
  /** The user message for one headline / text. */
  user(text: string): string;
}

const SYSTEM_V1 = [
  "You are a crypto-market news analyst. For the news item you are given, judge its likely effect on the",
  "prices of the crypto assets it concerns. Answer with ONLY one JSON object, no prose, no code fences:",
  '{"score": number in [-1, 1], "confidence": number in [0, 1], "horizon": "intraday" | "days" | "weeks" | "unknown",',
  ' "rationale": string of at most 200 characters, "assets": array of upper-case tickers such as ["BTC", "ETH"]}',
  "score: -1 = strongly bearish, 0 = neutral or irrelevant to prices, +1 = strongly bullish.",
  "confidence: how sure you are of the sign and size of the effect (0 = a guess).",
  "horizon: over which span the effect would most likely play out.",
  'assets: the assets directly concerned; use "CRYPTO" for the market as a whole; [] if none.',
  "Judge only from the text; do not assume knowledge of later prices.",
].join("\n");

/** The prompts by version. Do not edit a published version; add a new one. */
export const PROMPTS: Readonly<Record<string, PromptSpec>> = {
  "sent-v1": {
    version: "sent-v1",
    system: SYSTEM_V1,
    user: (text: string) => `News item:\n${text}`,
  },
};

/** The prompt version used when none is named. */
export const DEFAULT_PROMPT_VERSION = "sent-v1";

/** The prompt of a version; throws an ArgumentError naming the known versions if it does not exist. */
export function getPrompt(version: string = DEFAULT_PROMPT_VERSION): PromptSpec {
  const p = Object.prototype.hasOwnProperty.call(PROMPTS, version) ? PROMPTS[version] : undefined;
  if (!p) throw new ArgumentError(`unknown prompt version "${version}"; known: ${Object.keys(PROMPTS).join(", ")}`, { field: "promptVersion" });
  return p;
}

/** The chat messages (system + user) of prompt `version` for one text. */
export function buildMessages(text: string, version: string = DEFAULT_PROMPT_VERSION): ChatMessage[] {
  const p = getPrompt(version);
  return [
    { role: "system", content: p.system },
    { role: "user", content: p.user(text) },
  ];
}

/** sha256 (hex, first 16 chars) of a prompt's wording (system text + the user template applied to a marker). */
export function promptHash(version: string = DEFAULT_PROMPT_VERSION): string {
  const p = getPrompt(version);
  return createHash("sha256").update(p.system).update("\u0000").update(p.user("\u0001")).digest("hex").slice(0, 16);
}

/** The message sent back after an invalid reply, asking for corrected JSON (one repair attempt). */
export function repairMessage(problem: string): string {
  return (
    `Your previous reply could not be used: ${problem}\n` +
    "Reply again with ONLY the corrected JSON object with keys score, confidence, horizon, rationale, assets, " +
    "following the rules above. No prose, no code fences."
  );
}
