/**
 * On-disk cache of LLM sentiment scores, so that a batch is paid for once and an interrupted batch resumes
 * where it stopped.
 *
 * Layout: one JSON file per entry, `<dir>/<k0k1>/<key>.json`, where key = sha256 (hex) of the JSON array
 * ["makerlab-llm-cache-v1", endpoint, model, promptVersion, text] and the endpoint is stripped of credentials
 * and query string. The API key is never part of the key nor of an entry. Each file is written to a
 * temporary name in the same folder, fsynced and renamed into place (rename is atomic on POSIX file
 * systems), so a crash leaves either the old state or the complete new entry, never a torn one.
 * A file that does not parse, fails the entry schema, or whose content does not hash to its name is counted
 * as corrupt and ignored (a miss; rescoring overwrites it). An entry whose prompt hash differs from the
 * scorer's (a prompt edited in place) is counted as stale and ignored.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { ArgumentError } from "../errors";
import { dataRoot } from "../data/dataRoot";
import { sanitizeUrl } from "./llmClient";
import type { ScorerIdentity } from "./llmClient";
import { sentimentReplySchema } from "./prompts";
import type { SentimentScore } from "./types";

/** Format tag mixed into every key; bump it to invalidate all caches. */
export const CACHE_FORMAT = "makerlab-llm-cache-v1";

/** Tokens and cost paid for an entry when it was scored (costUsd null when the model had no price). */
export interface CacheUsage {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  estimated: boolean;
  costUsd: number | null;
}

/** One cached score with its provenance. */
export interface CacheEntry {
  format: string;
  key: string;
  endpoint: string;
  model: string;
  promptVersion: string;
  promptHash: string;
  /** The input text that was scored. */
  text: string;
  score: SentimentScore;
  provenance: { scorer: string; model: string; promptVersion: string; scoredAt: string };
  usage: CacheUsage;
}

const entrySchema = z.object({
  format: z.literal(CACHE_FORMAT),
  key: z.string().regex(/^[0-9a-f]{64}$/),
  endpoint: z.string(),
  model: z.string(),
  promptVersion: z.string(),
  promptHash: z.string(),
  text: z.string(),
  score: sentimentReplySchema,
  provenance: z.object({ scorer: z.string(), model: z.string(), promptVersion: z.string(), scoredAt: z.string() }),
  usage: z.object({
    requests: z.number(),
    promptTokens: z.number(),
    completionTokens: z.number(),
    estimated: z.boolean(),
    costUsd: z.number().nullable(),
  }),
});

/** Counters of a cache handle since it was opened. */
export interface CacheStats {
  hits: number;
  misses: number;
  writes: number;
  /** Files found unreadable, unparseable, schema-violating or not matching their name. */
  corrupt: number;
  /** Entries ignored because their prompt hash differs from the scorer's. */
  stale: number;
  /** Up to 10 paths of corrupt files. */
  corruptFiles: string[];
}

/** A handle on a cache folder. */
export interface ResponseCache {
  readonly dir: string;
  /** The cache key of a text under a scorer identity (sha256 hex; see the module comment). */
  keyOf(id: Pick<ScorerIdentity, "endpoint" | "model" | "promptVersion">, text: string): string;
  /** The entry for `key`, or undefined (missing, corrupt or — when `promptHash` is given and differs — stale). */
  get(key: string, promptHash?: string): CacheEntry | undefined;
  /** Writes an entry atomically (tmp file + fsync + rename). */
  put(entry: CacheEntry): void;
  /** Entry files on disk (walks the folder). */
  count(): number;
  /** Walks every entry: per (endpoint, model, promptVersion), how many entries; corrupt files are counted in stats. */
  scan(): { endpoint: string; model: string; promptVersion: string; entries: number }[];
  stats(): CacheStats;
}

/**
 * Cache key: sha256 hex of JSON.stringify([CACHE_FORMAT, sanitizeUrl(endpoint), model, promptVersion, text]).
 * The JSON array keeps field boundaries unambiguous.
 */
export function cacheKey(id: Pick<ScorerIdentity, "endpoint" | "model" | "promptVersion">, text: string): string {
  return createHash("sha256")
    .update(JSON.stringify([CACHE_FORMAT, sanitizeUrl(id.endpoint), id.model, id.promptVersion, text]))
    .digest("hex");
}

/** Default cache folder: env MAKERLAB_LLM_CACHE, else `<data root>/llm-sentiment-cache`. */
export function defaultLlmCacheDir(): string {
  const env = process.env.MAKERLAB_LLM_CACHE;
  if (env && env.trim() !== "") return path.resolve(env);
  return path.join(dataRoot(), "llm-sentiment-cache");
}

/**
 * Writes `data` (UTF-8) to `file` atomically: a temporary file in the same folder, written in full (writeSync is
 * looped until every byte is out, since it may write fewer than asked), fsync, rename over `file`, then fsync of
 * the folder so the rename itself is durable (skipped where the platform refuses to fsync a folder: EISDIR,
 * EINVAL, EPERM, e.g. Windows).
 */
export function writeFileAtomic(file: string, data: string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const buf = Buffer.from(data, "utf8");
  try {
    const fd = fs.openSync(tmp, "w");
    try {
      let off = 0;
      while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  fsyncDir(dir);
}

/** fsync of a folder (makes a rename in it durable); ignores platforms that refuse (EISDIR, EINVAL, EPERM; EACCES on open). */
function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EISDIR" || code === "EINVAL" || code === "EPERM" || code === "EACCES") return;
    throw e;
  }
  try {
    fs.fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EINVAL" && code !== "EPERM") throw e;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Opens (creating if needed) a response cache in `dir` (default {@link defaultLlmCacheDir}). With
 * `readOnly`, the folder is not created and `put` throws.
 */
export function createResponseCache(dir: string = defaultLlmCacheDir(), options: { readOnly?: boolean } = {}): ResponseCache {
  const root = path.resolve(dir);
  const readOnly = options.readOnly ?? false;
  if (!readOnly) fs.mkdirSync(root, { recursive: true });
  const st: CacheStats = { hits: 0, misses: 0, writes: 0, corrupt: 0, stale: 0, corruptFiles: [] };
  const fileOf = (key: string): string => path.join(root, key.slice(0, 2), `${key}.json`);
  const corrupt = (file: string): undefined => {
    st.corrupt++;
    if (st.corruptFiles.length < 10) st.corruptFiles.push(file);
    return undefined;
  };
  const readEntry = (file: string, expectKey: string | null): CacheEntry | undefined => {
    let raw: string;
    try {
      raw = fs.readFileSync(file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      return corrupt(file);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return corrupt(file);
    }
    const v = entrySchema.safeParse(json);
    if (!v.success) return corrupt(file);
    const e = v.data as CacheEntry;
    const nameKey = path.basename(file, ".json");
    if (e.key !== nameKey || (expectKey !== null && e.key !== expectKey) || cacheKey(e, e.text) !== e.key) return corrupt(file);
    return e;
  };
  const walk = (visit: (file: string) => void): void => {
    if (!fs.existsSync(root)) return;
    for (const sub of fs.readdirSync(root, { withFileTypes: true })) {
      if (!sub.isDirectory() || !/^[0-9a-f]{2}$/.test(sub.name)) continue;
      const d = path.join(root, sub.name);
      for (const f of fs.readdirSync(d)) if (/^[0-9a-f]{64}\.json$/.test(f)) visit(path.join(d, f));
    }
  };
  return {
    dir: root,
    keyOf: cacheKey,
    get(key: string, promptHash?: string): CacheEntry | undefined {
      if (!/^[0-9a-f]{64}$/.test(key)) throw new ArgumentError(`not a cache key: ${JSON.stringify(key.slice(0, 80))}`, { field: "key" });
      const e = readEntry(fileOf(key), key);
      if (e && promptHash !== undefined && e.promptHash !== promptHash) {
        st.stale++;
        st.misses++;
        return undefined;
      }
      if (e) st.hits++;
      else st.misses++;
      return e;
    },
    put(entry: CacheEntry): void {
      if (readOnly) throw new ArgumentError(`the cache at ${root} was opened read-only`, { file: root, field: "readOnly" });
      const v = entrySchema.safeParse(entry);
      if (!v.success) throw new ArgumentError(`invalid cache entry: ${v.error.issues[0]?.path.join(".")}: ${v.error.issues[0]?.message}`, { field: "entry" });
      if (cacheKey(entry, entry.text) !== entry.key) throw new ArgumentError("cache entry key does not match its endpoint, model, prompt version and text", { field: "key" });
      writeFileAtomic(fileOf(entry.key), JSON.stringify(entry) + "\n");
      st.writes++;
    },
    count(): number {
      let n = 0;
      walk(() => n++);
      return n;
    },
    scan() {
      const groups = new Map<string, { endpoint: string; model: string; promptVersion: string; entries: number }>();
      walk((file) => {
        const e = readEntry(file, null);
        if (!e) return;
        const k = JSON.stringify([e.endpoint, e.model, e.promptVersion]);
        const g = groups.get(k);
        if (g) g.entries++;
        else groups.set(k, { endpoint: e.endpoint, model: e.model, promptVersion: e.promptVersion, entries: 1 });
      });
      return [...groups.values()];
    },
    stats: () => ({ ...st, corruptFiles: st.corruptFiles.slice() }),
  };
}
