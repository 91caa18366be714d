/**
 * A client for any OpenAI-compatible chat-completions endpoint (OpenAI, DeepSeek, relays, local vLLM /
 * llama.cpp / Ollama servers), built for batch scoring: structured JSON replies validated with zod and one
 * repair retry, exponential backoff with full jitter on 429 / 5xx / timeouts / network errors honouring
 * Retry-After, a concurrency limit, token-bucket rate limits (requests and tokens per minute), and token and
 * cost accounting per model.
 *
 * The API key is read from `process.env[apiKeyEnv]` at each request and only ever placed in the
 * Authorization header: it is never an option, never stored on the client, never logged, cached or put in an
 * error message (server bodies echoed in errors are redacted).
 */
import type { z } from "zod";
import { ArgumentError, MakerlabError } from "../errors";
import { buildMessages, DEFAULT_PROMPT_VERSION, getPrompt, promptHash, repairMessage, sentimentReplySchema } from "./prompts";
import type { ChatMessage } from "./prompts";
import {
  abortError,
  createLimiter,
  isAbortError,
  retryDelay,
  parseRetryAfter,
  runPool,
  systemClock,
  TokenBucket,
} from "./rateLimit";
import type { BackoffOptions, Clock, Limiter } from "./rateLimit";
import type { ScoreBatchOptions, ScoreRecord, Scorer } from "./types";

/** Price of a model, US dollars per 1 million tokens. */
export interface ModelPrice {
  inputPerM: number;
  outputPerM: number;
}

/**
 * Indicative list prices (USD per 1M tokens, standard tier, mid-2025; check your provider's page and edit
 * with the `priceTable` option or `client.setPrice`). A model is matched exactly, else by the longest
 * listed prefix ("gpt-4o-mini-2024-07-18" → "gpt-4o-mini"). Unlisted models cost NaN (unknown), not 0.
 */
export const DEFAULT_PRICE_TABLE: Readonly<Record<string, ModelPrice>> = {
  "gpt-4o-mini": { inputPerM: 0.15, outputPerM: 0.6 },
  "gpt-4o": { inputPerM: 2.5, outputPerM: 10 },
  "gpt-4.1-nano": { inputPerM: 0.1, outputPerM: 0.4 },
  "gpt-4.1-mini": { inputPerM: 0.4, outputPerM: 1.6 },
  "gpt-4.1": { inputPerM: 2, outputPerM: 8 },
  "deepseek-chat": { inputPerM: 0.27, outputPerM: 1.1 },
};

/** Structural type of the fetch the client needs (the global fetch fits). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

/** Why a request or a score failed. */
export type LlmFailureReason =
  | "auth" // 401 / 403
  | "bad-request" // other 4xx
  | "rate-limit" // 429 after all retries
  | "server" // 5xx after all retries
  | "timeout"
  | "network"
  | "bad-response" // 200 whose body is not a chat completion
  | "invalid-json" // reply not JSON, after the repair retry
  | "schema"; // reply JSON violates the schema, after the repair retry

/** An error from the LLM client; the message never contains the API key. */
export class LlmError extends MakerlabError {
  readonly reason: LlmFailureReason;
  readonly status?: number;
  readonly attempts: number;
  /**
   * Usage already paid for before this failure within the same logical call (set by `chatJson` when its repair
   * call fails: the first, successful call's tokens and cost), so per-row cost is not lost; undefined otherwise.
   */
  usage?: CallUsage;
  constructor(message: string, reason: LlmFailureReason, attempts: number, status?: number, hint?: string) {
    super(message, {}, hint);
    this.reason = reason;
    this.status = status;
    this.attempts = attempts;
  }
}

/** Options of {@link createLlmClient}. */
export interface LlmClientOptions {
  /** API base, e.g. "https://api.openai.com/v1" or "http://127.0.0.1:8000/v1"; default env MAKERLAB_LLM_BASE_URL, OPENAI_BASE_URL, then OpenAI. */
  baseUrl?: string;
  /** Model name; default env MAKERLAB_LLM_MODEL. Required one way or the other. */
  model?: string;
  /** Name of the environment variable holding the key (default "OPENAI_API_KEY"). Without a key no Authorization header is sent (fine for local servers). */
  apiKeyEnv?: string;
  /** Per-attempt timeout, ms, real time (default 60000). */
  timeoutMs?: number;
  /** Retries after the first attempt on 429 / 5xx / timeout / network errors (default 4). */
  maxRetries?: number;
  backoff?: BackoffOptions;
  /** Client-side rate limits; each defaults to unlimited. Bucket size: `burstSeconds` of refill (default 1 s). */
  rateLimit?: { requestsPerMinute?: number; tokensPerMinute?: number; burstSeconds?: number };
  /** Requests in flight at most (default 4). */
  concurrency?: number;
  /** Prices merged over DEFAULT_PRICE_TABLE. */
  priceTable?: Record<string, ModelPrice>;
  /** "auto" (default): ask for response_format json_object and drop it if the server rejects it with a 400; "json_object": always; "off": never. */
  jsonMode?: "auto" | "json_object" | "off";
  /** Sampling temperature (default 0) and reply token cap (default 300). */
  temperature?: number;
  maxTokens?: number;
  /** Injectable fetch (default the global fetch, looked up at call time). */
  fetch?: FetchLike;
  /** Clock for backoff and rate-limit waits (default the system clock). Timeouts always use real timers. */
  clock?: Clock;
  /** Uniform [0, 1) source for jitter (default Math.random). */
  random?: () => number;
  /** Receives one line per retry / fallback (redacted). Default: silent. */
  log?: (line: string) => void;
}

/** Tokens and cost of one call (or of a call plus its repair retry). */
export interface CallUsage {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** True when some token count was estimated (the server sent no `usage`). */
  estimated: boolean;
  /** US dollars; NaN when the model has no price. */
  costUsd: number;
}

/** Accumulated usage of one model. */
export interface ModelUsage {
  model: string;
  /** Answered (billable) requests. */
  requests: number;
  /** Retries made (after 429 / 5xx / timeout / network). */
  retries: number;
  /** Requests that ended in an error after all retries. */
  failedRequests: number;
  promptTokens: number;
  completionTokens: number;
  /** Answered requests whose token counts were estimated (chars / 4) because the reply had no `usage`. */
  estimatedRequests: number;
  /** US dollars; NaN when the model has no price in the table. */
  costUsd: number;
  priced: boolean;
}

/** Usage report of a client. */
export interface UsageReport {
  byModel: Record<string, ModelUsage>;
  total: { requests: number; retries: number; failedRequests: number; promptTokens: number; completionTokens: number; costUsd: number };
}

/** Result of {@link LlmClient.chat}. */
export interface ChatResult {
  content: string;
  usage: CallUsage;
  /** HTTP attempts made (1 = no retry). */
  attempts: number;
}

/** Result of {@link LlmClient.chatJson}: a validated value, or a recorded failure after one repair retry. */
export type ChatJsonResult<T> =
  | { ok: true; value: T; raw: string; repaired: boolean; usage: CallUsage }
  | { ok: false; reason: "invalid-json" | "schema"; detail: string; raw: string; usage: CallUsage };

/** The client. */
export interface LlmClient {
  /** `{baseUrl}/chat/completions`, without credentials or query string. */
  readonly endpoint: string;
  readonly model: string;
  /** Name of the environment variable the key is read from. */
  readonly apiKeyEnv: string;
  readonly limiter: Limiter;
  /** One chat completion with retries; throws LlmError on failure. */
  chat(messages: readonly ChatMessage[], opts?: { signal?: AbortSignal }): Promise<ChatResult>;
  /**
   * A chat completion parsed as JSON and validated by `schema`, with one repair retry. HTTP failures throw LlmError
   * (when the repair call fails, the error's `usage` carries the first call's usage). `raw` is redacted (no key).
   */
  chatJson<T>(messages: readonly ChatMessage[], schema: z.ZodType<T>, opts?: { signal?: AbortSignal }): Promise<ChatJsonResult<T>>;
  /** Tokens and cost so far, per model. */
  usage(): UsageReport;
  resetUsage(): void;
  /** Sets or replaces the price of a model. */
  setPrice(model: string, price: ModelPrice): void;
  /** The price used for a model (exact, else longest prefix), or undefined. */
  priceOf(model: string): ModelPrice | undefined;
  /** True when the key variable is set (the value is not exposed). */
  hasKey(): boolean;
}

/** Crude token estimate: ⌈characters / 4⌉ (OpenAI's rule of thumb for English). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Token estimate of a chat prompt: Σ ⌈chars/4⌉ + 4 per message + 2 (the chat-format overhead). */
export function estimatePromptTokens(messages: readonly ChatMessage[]): number {
  let n = 2;
  for (const m of messages) n += 4 + estimateTokens(m.content);
  return n;
}

/** Cost in USD of a call: (prompt · inputPerM + completion · outputPerM) / 10⁶; NaN without a price. */
export function callCost(price: ModelPrice | undefined, promptTokens: number, completionTokens: number): number {
  if (!price) return NaN;
  return (promptTokens * price.inputPerM + completionTokens * price.outputPerM) / 1e6;
}

/** A URL without user:password@, query string or fragment (what is safe to print and to key a cache on). */
export function sanitizeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    u.search = "";
    u.hash = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return url.replace(/\/\/[^/@]*@/, "//").replace(/[?#].*$/, "");
  }
}

/**
 * Removes secrets from a string: every occurrence of the given secret values (≥ 4 chars), anything after
 * "Bearer ", and sk-… style keys become "***".
 */
export function redact(s: string, secrets: readonly (string | undefined)[] = []): string {
  let out = s;
  for (const k of secrets) if (k && k.length >= 4) out = out.split(k).join("***");
  out = out.replace(/(Bearer\s+)[^\s"',}]+/gi, "$1***");
  out = out.replace(/\bsk-[A-Za-z0-9_-]{8,}/g, "sk-***");
  return out;
}

/** Strips ```json fences and parses; throws an Error with a short reason when it is not JSON. */
export function parseJsonReply(raw: string): unknown {
  let s = raw.trim();
  const fence = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(s);
  if (fence) s = fence[1];
  if (s === "") throw new Error("the reply is empty");
  try {
    return JSON.parse(s);
  } catch (e) {
    throw new Error(`the reply is not valid JSON (${(e as Error).message})`);
  }
}

/** Formats zod issues as "path: message; …" (at most 5). */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}

function isLoopback(url: string): boolean {
  try {
    const h = new URL(url).hostname;
    return h === "localhost" || h === "127.0.0.1" || h === "[::1]" || h === "::1";
  } catch {
    return false;
  }
}

function emptyModelUsage(model: string, priced: boolean): ModelUsage {
  return { model, requests: 0, retries: 0, failedRequests: 0, promptTokens: 0, completionTokens: 0, estimatedRequests: 0, costUsd: priced ? 0 : NaN, priced };
}

/**
 * Creates an OpenAI-compatible chat-completions client (POST {baseUrl}/chat/completions). See the module
 * comment for the key-handling rules and {@link LlmClientOptions} for defaults. Retry policy: attempt
 * k (0-based) that fails with 429 / 408 / 5xx / timeout / network waits Retry-After (seconds or HTTP date)
 * when the server sends one, else full-jitter backoff uniform[0, min(maxMs, baseMs·2^k)), up to maxRetries;
 * 400 / 401 / 403 / other 4xx fail at once.
 */
export function createLlmClient(options: LlmClientOptions = {}): LlmClient {
  const baseUrl = (options.baseUrl ?? process.env.MAKERLAB_LLM_BASE_URL ?? process.env.OPENAI_BASE_URL ?? "https://api.openai.com/v1").replace(/\/+$/, "");
  const model = options.model ?? process.env.MAKERLAB_LLM_MODEL;
  if (!model) throw new ArgumentError("no model: pass { model } or set MAKERLAB_LLM_MODEL", { field: "model" });
  const apiKeyEnv = options.apiKeyEnv ?? "OPENAI_API_KEY";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(apiKeyEnv)) {
    throw new ArgumentError("apiKeyEnv must be the NAME of an environment variable (e.g. OPENAI_API_KEY), not a key", { field: "apiKeyEnv" });
  }
  const url = `${baseUrl}/chat/completions`;
  const endpoint = sanitizeUrl(url);
  const timeoutMs = options.timeoutMs ?? 60000;
  const maxRetries = options.maxRetries ?? 4;
  if (!(timeoutMs > 0)) throw new ArgumentError(`timeoutMs must be > 0, got ${timeoutMs}`, { field: "timeoutMs" });
  if (!(Number.isInteger(maxRetries) && maxRetries >= 0)) throw new ArgumentError(`maxRetries must be an integer ≥ 0, got ${maxRetries}`, { field: "maxRetries" });
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const log = options.log;
  const temperature = options.temperature ?? 0;
  const maxTokens = options.maxTokens ?? 300;
  const limiter = createLimiter(options.concurrency ?? 4);
  const rl = options.rateLimit ?? {};
  const burst = rl.burstSeconds ?? 1;
  const rpm = rl.requestsPerMinute ? new TokenBucket({ perMinute: rl.requestsPerMinute, capacity: Math.max(1, (rl.requestsPerMinute * burst) / 60), clock }) : null;
  const tpm = rl.tokensPerMinute ? new TokenBucket({ perMinute: rl.tokensPerMinute, capacity: Math.max(1, (rl.tokensPerMinute * burst) / 60), clock }) : null;
  const prices: Record<string, ModelPrice> = { ...DEFAULT_PRICE_TABLE, ...(options.priceTable ?? {}) };
  let jsonMode: "json_object" | "off" = options.jsonMode === "off" ? "off" : "json_object";
  const jsonModeAuto = (options.jsonMode ?? "auto") === "auto";
  let byModel: Record<string, ModelUsage> = {};

  const readKey = (): string | undefined => {
    const k = process.env[apiKeyEnv];
    return k && k.trim() !== "" ? k.trim() : undefined;
  };
  const clean = (s: string): string => redact(s, [readKey()]);
  const say = (line: string): void => {
    if (log) log(clean(line));
  };

  const priceOf = (m: string): ModelPrice | undefined => {
    if (Object.prototype.hasOwnProperty.call(prices, m)) return prices[m];
    let best: string | undefined;
    for (const k of Object.keys(prices)) if (m.startsWith(k) && (!best || k.length > best.length)) best = k;
    return best ? prices[best] : undefined;
  };
  const usageOf = (m: string): ModelUsage => {
    if (!byModel[m]) byModel[m] = emptyModelUsage(m, priceOf(m) !== undefined);
    return byModel[m];
  };

  type Attempt =
    | { kind: "response"; status: number; retryAfter: string | null; text: string }
    | { kind: "timeout" }
    | { kind: "network"; message: string };

  const attemptOnce = async (body: string, signal: AbortSignal | undefined): Promise<Attempt> => {
    const f: FetchLike = options.fetch ?? (globalThis as unknown as { fetch: FetchLike }).fetch;
    const ctl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctl.abort();
    }, timeoutMs);
    const onAbort = (): void => ctl.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
      const key = readKey();
      if (key) headers.authorization = `Bearer ${key}`;
      const res = await f(url, { method: "POST", headers, body, signal: ctl.signal });
      const text = await res.text();
      return { kind: "response", status: res.status, retryAfter: res.headers.get("retry-after"), text };
    } catch (e) {
      if (signal?.aborted) throw abortError(signal);
      if (timedOut) return { kind: "timeout" };
      return { kind: "network", message: clean(e instanceof Error ? `${e.message}${(e as { cause?: Error }).cause ? `: ${(e as { cause?: Error }).cause!.message}` : ""}` : String(e)) };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  };

  const chat = async (messages: readonly ChatMessage[], opts: { signal?: AbortSignal } = {}): Promise<ChatResult> => {
    const signal = opts.signal;
    const estPrompt = estimatePromptTokens(messages);
    const mu = usageOf(model);
    let lastProblem = "";
    let lastReason: LlmFailureReason = "network";
    let lastStatus: number | undefined;
    let fallbackUsed = false;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortError(signal);
      const payload: Record<string, unknown> = { model, messages, temperature, max_tokens: maxTokens };
      if (jsonMode === "json_object") payload.response_format = { type: "json_object" };
      const body = JSON.stringify(payload);
      const r = await limiter.run(async () => {
        if (rpm) await rpm.take(1, signal);
        if (tpm) await tpm.take(estPrompt + maxTokens, signal);
        // only a successful (2xx) reply consumes tokens: refund the estimate after a non-2xx, timeout, network
        // error or abort (a 2xx reply is settled against its reported usage below)
        let res: Attempt;
        try {
          res = await attemptOnce(body, signal);
        } catch (e) {
          if (tpm) tpm.adjust(estPrompt + maxTokens);
          throw e;
        }
        if (tpm && !(res.kind === "response" && res.status >= 200 && res.status < 300)) tpm.adjust(estPrompt + maxTokens);
        return res;
      }, signal);

      let retryAfterMs: number | null = null;
      if (r.kind === "response") {
        const st = r.status;
        if (st >= 200 && st < 300) {
          let parsed: { choices?: { message?: { content?: unknown } }[]; usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } };
          try {
            parsed = JSON.parse(r.text);
          } catch {
            mu.failedRequests++;
            throw new LlmError(`POST ${endpoint} → HTTP ${st} with a body that is not JSON: ${clean(r.text.slice(0, 200))}`, "bad-response", attempt + 1, st);
          }
          const content = parsed?.choices?.[0]?.message?.content;
          if (typeof content !== "string") {
            mu.failedRequests++;
            throw new LlmError(`POST ${endpoint} → HTTP ${st} without choices[0].message.content: ${clean(r.text.slice(0, 200))}`, "bad-response", attempt + 1, st);
          }
          const pt = parsed.usage?.prompt_tokens;
          const ct = parsed.usage?.completion_tokens;
          const haveUsage = typeof pt === "number" && typeof ct === "number";
          const promptTokens = haveUsage ? (pt as number) : estPrompt;
          const completionTokens = haveUsage ? (ct as number) : estimateTokens(content);
          const cost = callCost(priceOf(model), promptTokens, completionTokens);
          mu.requests++;
          mu.promptTokens += promptTokens;
          mu.completionTokens += completionTokens;
          if (!haveUsage) mu.estimatedRequests++;
          mu.costUsd += cost;
          if (tpm) tpm.adjust(estPrompt + maxTokens - (promptTokens + completionTokens));
          return {
            content,
            attempts: attempt + 1,
            usage: { requests: 1, promptTokens, completionTokens, estimated: !haveUsage, costUsd: cost },
          };
        }
        const snippet = clean(r.text.slice(0, 300));
        if (st === 400 && jsonModeAuto && jsonMode === "json_object" && !fallbackUsed && /response_format|json_object|json mode|json_mode/i.test(r.text)) {
          jsonMode = "off";
          fallbackUsed = true;
          say(`${endpoint}: server rejected response_format json_object (HTTP 400); continuing without it`);
          attempt--; // a protocol fallback, not a retry
          continue;
        }
        if (st === 401 || st === 403) {
          mu.failedRequests++;
          throw new LlmError(
            `POST ${endpoint} → HTTP ${st} (${st === 401 ? "unauthorized" : "forbidden"}): ${snippet}`,
            "auth",
            attempt + 1,
            st,
            `check the key in environment variable ${apiKeyEnv}${readKey() ? "" : " (it is not set)"} and the model's access`,
          );
        }
        if (st === 429 || st === 408 || st >= 500) {
          lastReason = st === 429 ? "rate-limit" : st === 408 ? "timeout" : "server";
          lastStatus = st;
          lastProblem = `HTTP ${st}: ${snippet}`;
          retryAfterMs = parseRetryAfter(r.retryAfter, clock.now());
        } else {
          mu.failedRequests++;
          throw new LlmError(`POST ${endpoint} → HTTP ${st}: ${snippet}`, "bad-request", attempt + 1, st);
        }
      } else if (r.kind === "timeout") {
        lastReason = "timeout";
        lastStatus = undefined;
        lastProblem = `no complete reply within ${timeoutMs} ms`;
      } else {
        lastReason = "network";
        lastStatus = undefined;
        lastProblem = `network error: ${r.message}`;
      }
      if (attempt >= maxRetries) {
        mu.failedRequests++;
        throw new LlmError(`POST ${endpoint} failed after ${attempt + 1} attempt(s): ${lastProblem}`, lastReason, attempt + 1, lastStatus);
      }
      const delay = retryDelay(attempt, retryAfterMs, options.backoff, random);
      mu.retries++;
      say(`${endpoint}: ${lastProblem.slice(0, 120)}; retry ${attempt + 1}/${maxRetries} in ${Math.round(delay)} ms${retryAfterMs !== null ? " (Retry-After)" : ""}`);
      await clock.sleep(delay, signal);
    }
  };

  const addUsage = (a: CallUsage, b: CallUsage): CallUsage => ({
    requests: a.requests + b.requests,
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    estimated: a.estimated || b.estimated,
    costUsd: a.costUsd + b.costUsd,
  });

  const check = <T>(raw: string, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; reason: "invalid-json" | "schema"; detail: string } => {
    let json: unknown;
    try {
      json = parseJsonReply(raw);
    } catch (e) {
      return { ok: false, reason: "invalid-json", detail: (e as Error).message };
    }
    const v = schema.safeParse(json);
    if (!v.success) return { ok: false, reason: "schema", detail: `the JSON does not match the schema: ${formatZodIssues(v.error)}` };
    return { ok: true, value: v.data };
  };

  const chatJson = async <T>(messages: readonly ChatMessage[], schema: z.ZodType<T>, opts: { signal?: AbortSignal } = {}): Promise<ChatJsonResult<T>> => {
    const first = await chat(messages, opts);
    const c1 = check(first.content, schema);
    if (c1.ok === true) return { ok: true, value: c1.value, raw: clean(first.content), repaired: false, usage: first.usage };
    say(`${endpoint}: invalid reply (${c1.detail.slice(0, 120)}); asking once for corrected JSON`);
    const repairMsgs: ChatMessage[] = [...messages, { role: "assistant", content: first.content.slice(0, 2000) }, { role: "user", content: repairMessage(c1.detail) }];
    let second: ChatResult;
    try {
      second = await chat(repairMsgs, opts);
    } catch (e) {
      // the first call was paid for: keep its usage on the error so the caller can still account for it
      if (e instanceof LlmError) e.usage = e.usage ? addUsage(first.usage, e.usage) : first.usage;
      throw e;
    }
    const usage = addUsage(first.usage, second.usage);
    const c2 = check(second.content, schema);
    if (c2.ok === true) return { ok: true, value: c2.value, raw: clean(second.content), repaired: true, usage };
    return { ok: false, reason: c2.reason, detail: clean(c2.detail), raw: clean(second.content.slice(0, 500)), usage };
  };

  const client: LlmClient = {
    endpoint,
    model,
    apiKeyEnv,
    limiter,
    chat,
    chatJson,
    usage(): UsageReport {
      const out: Record<string, ModelUsage> = {};
      const total = { requests: 0, retries: 0, failedRequests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
      for (const k of Object.keys(byModel)) {
        const u = { ...byModel[k] };
        out[k] = u;
        total.requests += u.requests;
        total.retries += u.retries;
        total.failedRequests += u.failedRequests;
        total.promptTokens += u.promptTokens;
        total.completionTokens += u.completionTokens;
        total.costUsd += u.costUsd;
      }
      return { byModel: out, total };
    },
    resetUsage(): void {
      byModel = {};
    },
    setPrice(m: string, price: ModelPrice): void {
      if (!(price.inputPerM >= 0 && price.outputPerM >= 0)) throw new ArgumentError(`prices must be ≥ 0 USD per 1M tokens`, { field: "priceTable" });
      prices[m] = { inputPerM: price.inputPerM, outputPerM: price.outputPerM };
      for (const k of Object.keys(byModel)) {
        const u = byModel[k];
        const p = priceOf(k);
        u.priced = p !== undefined;
        u.costUsd = callCost(p, u.promptTokens, u.completionTokens);
      }
    },
    priceOf,
    hasKey: () => readKey() !== undefined,
  };
  if (!readKey() && !isLoopback(baseUrl)) say(`${endpoint}: environment variable ${apiKeyEnv} is not set; requests will be sent without a key`);
  return client;
}

/** One failed score, with the reason. `text` is the first 120 characters of the input. */
export interface FailureRecord {
  text: string;
  /** An LlmFailureReason, or "not-cached" (cacheOnly run), "scorer-null" (a non-LLM scorer returned null). */
  reason: LlmFailureReason | "not-cached" | "scorer-null";
  detail: string;
  /** ISO time of the failure. */
  at: string;
}

/** Outcome of scoring one text with {@link LlmScorer.scoreOne}. */
export interface ScoreOutcome {
  record: ScoreRecord | null;
  failure?: FailureRecord;
  usage: CallUsage;
}

/** What identifies an LLM score for caching: endpoint, model, prompt version (and the prompt's hash). */
export interface ScorerIdentity {
  endpoint: string;
  model: string;
  promptVersion: string;
  promptHash: string;
}

/** The LLM scorer: a Scorer plus per-text scoring, its identity for the cache and its failure log. */
export interface LlmScorer extends Scorer {
  readonly kind: "llm";
  readonly client: LlmClient;
  readonly promptVersion: string;
  readonly identity: ScorerIdentity;
  /** Scores one text; HTTP auth errors and aborts throw, every other failure is returned as a record. */
  scoreOne(text: string, opts?: { signal?: AbortSignal }): Promise<ScoreOutcome>;
  /** Failures recorded so far (oldest first). */
  failures(): FailureRecord[];
}

const ZERO_USAGE: CallUsage = { requests: 0, promptTokens: 0, completionTokens: 0, estimated: false, costUsd: 0 };

/**
 * A Scorer over an LLM client with prompt `promptVersion` (default "sent-v1"), named
 * "llm:<model>@<promptVersion>". Each text is one chat-completions request (reply validated against
 * sentimentReplySchema, one repair retry). `scoreBatch` keeps up to the client's concurrency in flight and
 * returns null for a text that failed (recorded in `failures()`); an auth error (401/403) or an abort
 * rejects the whole batch.
 */
export function llmScorer(client: LlmClient, options: { promptVersion?: string } = {}): LlmScorer {
  const promptVersion = options.promptVersion ?? DEFAULT_PROMPT_VERSION;
  getPrompt(promptVersion);
  const failures: FailureRecord[] = [];
  const name = `llm:${client.model}@${promptVersion}`;
  const identity: ScorerIdentity = { endpoint: client.endpoint, model: client.model, promptVersion, promptHash: promptHash(promptVersion) };
  const fail = (text: string, reason: FailureRecord["reason"], detail: string): FailureRecord => {
    const f = { text: text.slice(0, 120), reason, detail, at: new Date().toISOString() };
    failures.push(f);
    return f;
  };
  const scoreOne = async (text: string, opts: { signal?: AbortSignal } = {}): Promise<ScoreOutcome> => {
    let r: ChatJsonResult<z.infer<typeof sentimentReplySchema>>;
    try {
      r = await client.chatJson(buildMessages(text, promptVersion), sentimentReplySchema, opts);
    } catch (e) {
      if (isAbortError(e)) throw e;
      if (e instanceof LlmError) {
        if (e.reason === "auth") throw e;
        return { record: null, failure: fail(text, e.reason, e.message), usage: e.usage ?? ZERO_USAGE };
      }
      throw e;
    }
    if (r.ok === false) return { record: null, failure: fail(text, r.reason, r.detail), usage: r.usage };
    const v = r.value;
    return {
      record: {
        score: v.score,
        confidence: v.confidence,
        horizon: v.horizon,
        rationale: v.rationale,
        assets: v.assets.map((a) => a.trim().toUpperCase()).filter((a) => a !== ""),
        provenance: { scorer: name, model: client.model, promptVersion, scoredAt: new Date().toISOString(), cached: false },
      },
      usage: r.usage,
    };
  };
  return {
    name,
    kind: "llm",
    client,
    promptVersion,
    identity,
    scoreOne,
    failures: () => failures.slice(),
    async scoreBatch(texts: readonly string[], opts: ScoreBatchOptions = {}): Promise<(ScoreRecord | null)[]> {
      const out: (ScoreRecord | null)[] = new Array(texts.length).fill(null);
      let done = 0;
      await runPool(texts.length, client.limiter.limit, async (i) => {
        out[i] = (await scoreOne(texts[i], { signal: opts.signal })).record;
        done++;
        opts.onProgress?.(done, texts.length);
      }, opts.signal);
      return out;
    },
  };
}
