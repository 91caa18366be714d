/**
 * lexicon-v1: an offline, deterministic sentiment **baseline** for crypto (and general market) headlines.
 * It needs no key and no network, so every notebook can run; it is a baseline to beat, not a model, and every
 * chart that uses it should say "lexicon-v1 (baseline)".
 *
 * How a text is scored (`lexiconScore`):
 * 1. URLs are removed; the text is lower-cased and split into word tokens (`[a-z0-9]+`, apostrophes dropped so
 *    "doesn't" → "doesnt") and break tokens (`. , ; : ! ?`) that end negation / intensifier scopes.
 * 2. Each word is reduced by a light suffix stemmer (`stem`: -ies/-ied → -y, -ing, -ed, -es after s/sh/ch/x/z,
 *    -s, then a final -e and a doubled final consonant), applied identically to the lexicon, so "surges",
 *    "surged" and "surging" all match "surge".
 * 3. At each position the longest matching phrase wins (negator phrases first, e.g. "fails to", then sentiment
 *    phrases such as "all time high", "sec sues", "etf approval", "sell off", then single words).
 * 4. A sentiment hit of weight w (bullish > 0, bearish < 0; 0.3 weak … 1.5 strong) contributes
 *    w · m · (NEGATION_FACTOR if negated), where m = INTENSIFIER (1.5, "massive", "sharply"…) or
 *    DIMINISHER (0.5, "slightly", "minor"…) when such a word precedes it within 2 words, else 1.
 *    A negator ("not", "no", "never", "n't" forms, "fails to", "denies", "rules out", "avoids"…) negates the hits of
 *    the next NEGATION_SCOPE (3) words, stopping at a break token.
 * 5. S = Σ contributions; score = tanh(S / SCORE_SCALE) ∈ (−1, 1) (SCORE_SCALE = 2: one strong hit ≈ ±0.64,
 *    one ordinary hit ≈ ±0.38); with M = Σ|contributions|, confidence = (|S| / M) · (1 − e^{−M}) ∈ [0, 1)
 *    (0 when nothing matched; low when bullish and bearish hits cancel).
 *
 * How it was tuned (honestly): the word list and weights were written by hand from domain knowledge of crypto
 * and market news, then extended with general market-news words (upgrade/downgrade, beats/misses, price target)
 * after reading the most class-skewed stems of the **training** split `sent_train.csv` of Twitter Financial News
 * Sentiment. The single classification parameter, the neutral band `LEXICON_NEUTRAL_BAND` (|score| below it →
 * neutral), was chosen by `tuneNeutralBand` on `sent_train.csv` only (maximizing macro-F1). `sent_valid.csv` and
 * the cryptonews labels were used only to report agreement (test/sentiment/lexicon.test.ts), never to tune.
 * Note that the cryptonews `sentimentClass` is itself an automatic TextBlob-style polarity, not a human label.
 *
 * Reference: the negation / intensifier / tanh-normalization scheme follows VADER (Hutto & Gilbert, 2014) in
 * spirit; the weights are our own.
 */
import type { Scorer, ScoreRecord, ScoreBatchOptions } from "./types";
import { ArgumentError } from "../errors";

/** Name of this scorer, as it appears in provenance and charts. */
export const LEXICON_NAME = "lexicon-v1";
/** S is divided by this before tanh. */
export const SCORE_SCALE = 2;
/** Multiplier applied to a negated hit ("denies hack" → a weak positive, "not bullish" → a weak negative). */
export const NEGATION_FACTOR = -0.5;
/** Number of following words a negator reaches (a break token ends it sooner). */
export const NEGATION_SCOPE = 3;
/** Multiplier of a hit preceded (within 2 words) by an intensifier ("very", "massive": 1.5× the word's weight). */
export const INTENSIFIER = 1.5;
/** Multiplier of a hit preceded (within 2 words) by a diminisher ("slightly", "modest": 0.5× the word's weight). */
export const DIMINISHER = 0.5;
/**
 * Neutral band for 3-class use: |score| < band → neutral. Tuned by `tuneNeutralBand` on sent_train.csv
 * (macro-F1 over the grid 0, 0.025, …, 0.5); see the real-data test, which re-runs the tuning.
 */
export const LEXICON_NEUTRAL_BAND = 0.2;

// ------------------------------------------------------------------------------------------------------------
// word lists. Keys may list variants with "|"; phrases are space-separated words (matched after stemming).
// ------------------------------------------------------------------------------------------------------------

const BULLISH: { [k: string]: number } = {
  // price action
  "surge|surges|surged|surging": 1.2, "soar|soars|soared|soaring": 1.2, "skyrocket|skyrockets|skyrocketed|skyrocketing": 1.5,
  "rally|rallies|rallied|rallying": 1.0, "jump|jumps|jumped|jumping": 0.8, "climb|climbs|climbed|climbing": 0.7,
  "gain|gains|gained|gaining": 0.7, "rise|rises|rising|rose|risen": 0.6, "rebound|rebounds|rebounded": 0.8,
  "recover|recovers|recovered|recovering|recovery": 0.7, "spike|spikes|spiked": 0.6, "moon|mooning": 1.0,
  "pump|pumps|pumped": 0.6, "breakout|breakouts": 0.9, "break out": 0.9, "breaks out": 0.9, "outperform|outperforms|outperformed|outperforming": 0.8,
  "bullish": 1.0, "bull|bulls": 0.5, "bull run": 1.2, "bull market": 1.0, "all time high|all time highs": 1.5, "ath|aths": 1.5,
  "record high|record highs": 1.5, "new high|new highs": 1.0, "higher": 0.4, "upside": 0.7, "uptrend": 0.8, "golden cross": 1.0,
  "short squeeze": 0.8, "boost|boosts|boosted": 0.8, "lift|lifts|lifted": 0.5, "upbeat": 0.7, "optimism|optimistic": 0.8,
  "positive": 0.5, "strong|stronger|strength": 0.5, "outpace|outpaces": 0.5, "top gainer|top gainers": 1.0,
  "green": 0.3, "inflow|inflows": 0.7, "accumulate|accumulates|accumulating|accumulation": 0.6, "buy the dip": 0.6,
  // adoption, business
  "adoption": 0.8, "adopt|adopts|adopted": 0.7, "legal tender": 1.0, "embrace|embraces|embraced": 0.6,
  "approve|approves|approved|approval": 0.9, "etf approval": 1.5, "green light": 1.0, "greenlight|greenlights": 1.0,
  "legalize|legalizes|legalized": 0.8, "partnership|partnerships": 0.7, "partner|partners|partnered": 0.5,
  "partners with": 0.7, "team up|teams up": 0.6, "collaborate|collaborates|collaboration": 0.5,
  "integrate|integrates|integrated|integration": 0.4, "launch|launches|launched": 0.3, "expand|expands|expanded|expansion": 0.5,
  "upgrade|upgrades|upgraded": 0.8, "invest|invests|invested|investment": 0.4, "raise|raises|raised": 0.3,
  "funding": 0.4, "growth|grow|grows|growing": 0.5, "profit|profits|profitable": 0.6, "milestone": 0.6,
  "success|successful|successfully": 0.7, "win|wins|won": 0.6, "innovation|innovative": 0.4, "support|supports": 0.3,
  "beat|beats": 0.7, "beats estimates": 1.0, "tops estimates": 1.0, "top pick": 0.8, "overweight": 0.6,
  "buy rating": 0.8, "raises price target": 1.0, "price target raised": 1.0, "raises guidance": 1.0,
  "dividend increase": 0.8, "rate cut|rate cuts": 0.6, "record": 0.3, "surpass|surpasses|surpassed": 0.6,
  "exceed|exceeds|exceeded": 0.6, "best": 0.5, "improve|improves|improved|improvement": 0.5, "rebound in": 0.3,
  "up": 0.3, "above": 0.3, "advance|advances|advanced": 0.6, "bounce|bounces|bounced": 0.7, "pop|pops|popped": 0.6,
  "gainer|gainers": 0.8, "solid": 0.5, "impressive": 0.6, "victory": 0.6, "settle|settles|settled": 0.3,
  "buy": 0.3, "buys|bought": 0.4, "acquire|acquires|acquired|acquisition": 0.3, "benefit|benefits": 0.4,
};

const BEARISH: { [k: string]: number } = {
  // security incidents, fraud
  "hack|hacks|hacked|hacking": 1.5, "hacker|hackers": 1.2, "exploit|exploits|exploited": 1.4, "breach|breaches|breached": 1.2,
  "stolen|steal|steals|stole": 1.3, "theft|thefts": 1.3, "drain|drains|drained": 1.1, "attack|attacks|attacked|attacker|attackers": 1.0,
  "scam|scams|scammer|scammers": 1.3, "fraud|fraudulent|fraudster|fraudsters": 1.4, "rug pull|rug pulls|rugpull": 1.5,
  "ponzi": 1.3, "vulnerability|vulnerabilities": 0.9, "bug|bugs": 0.7, "outage|outages": 0.8, "downtime": 0.6,
  "money laundering|laundering": 1.2, "illegal|illicit": 1.0, "criminal|criminals": 1.0, "manipulation": 0.8,
  // regulation, law
  "ban|bans|banned|banning": 1.2, "crackdown|crackdowns": 1.2, "crack down|cracks down": 1.2,
  "lawsuit|lawsuits": 1.0, "sue|sues|sued|suing": 1.0, "sec sues": 1.5, "class action": 1.0,
  "probe|probes|probed": 0.8, "investigate|investigates|investigated|investigation": 0.8, "subpoena|subpoenas|subpoenaed": 0.9,
  "charge|charges|charged": 0.5, "fine|fines|fined": 0.5, "penalty|penalties": 0.7, "sanction|sanctions|sanctioned": 0.8,
  "arrest|arrests|arrested": 1.0, "reject|rejects|rejected|rejection": 0.9, "warn|warns|warned|warning|warnings": 0.7,
  // price action
  "crash|crashes|crashed|crashing": 1.5, "plunge|plunges|plunged|plunging": 1.3, "plummet|plummets|plummeted|plummeting": 1.4,
  "tumble|tumbles|tumbled|tumbling": 1.1, "slump|slumps|slumped": 1.0, "sink|sinks|sank|sunk": 0.9, "dive|dives|dived": 0.9,
  "nosedive|nosedives": 1.2, "drop|drops|dropped|dropping": 0.8, "fall|falls|fell|falling": 0.7, "decline|declines|declined|declining": 0.7,
  "slide|slides|slid|sliding": 0.8, "dip|dips|dipped": 0.5, "lose|loses|losing|lost": 0.6, "loss|losses": 0.7,
  "selloff|selloffs": 1.1, "sell off|sells off": 1.1, "dump|dumps|dumped|dumping": 0.9, "sell|sells|selling|sold": 0.4,
  "sell rating": 0.8, "bearish": 1.0, "bear|bears": 0.5, "bear market": 1.2, "crypto winter": 1.2, "death cross": 1.0,
  "liquidation|liquidations|liquidate|liquidates|liquidated": 1.0, "capitulation|capitulate": 1.1, "bloodbath|blood bath": 1.2,
  "bleed|bleeds|bleeding": 0.9, "red": 0.3, "lower": 0.4, "lowest": 0.6, "new low|new lows": 1.0, "downside": 0.7, "downtrend": 0.8,
  "outflow|outflows": 0.7, "pressure": 0.4, "stall|stalls|stalled": 0.6, "struggle|struggles|struggled|struggling": 0.7,
  "weak|weaker|weakness|weakens": 0.6, "worst": 0.9, "underperform|underperforms|underperformed": 0.8, "underweight": 0.6,
  "downgrade|downgrades|downgraded": 0.9, "miss|misses|missed": 0.7, "misses estimates": 1.0, "cut|cuts": 0.5,
  "cuts price target": 1.0, "lowers guidance|cuts guidance": 1.0, "slash|slashes|slashed": 0.8,
  // distress
  "delist|delists|delisted|delisting": 1.3, "bankruptcy|bankrupt": 1.5, "insolvency|insolvent": 1.4, "chapter 11": 1.4,
  "collapse|collapses|collapsed|collapsing": 1.5, "depeg|depegs|depegged|depegging": 1.4, "de peg": 1.4, "lose peg|loses peg|lost peg": 1.4,
  "halt|halts|halted": 0.9, "freeze|freezes|froze|frozen": 1.0, "suspend|suspends|suspended|suspension": 0.9,
  "contagion": 1.2, "fear|fears|feared": 0.8, "panic|panics|panicked": 1.1, "turmoil": 1.0, "chaos": 1.0, "crisis": 1.0,
  "shutdown|shut down|shuts down": 1.0, "layoff|layoffs|lays off": 1.0, "recession": 0.9, "rate hike|rate hikes": 0.7,
  "hike|hikes": 0.3, "concern|concerns": 0.6, "worry|worries|worried": 0.7, "risk|risks": 0.3, "risky": 0.5,
  "uncertainty": 0.5, "bubble": 0.6, "dead": 0.8, "delay|delays|delayed": 0.6, "postpone|postpones|postponed": 0.6,
  "negative": 0.5, "trouble|troubles": 0.7, "problem|problems": 0.5, "fail|fails|failed|failure": 0.8, "default|defaults": 1.0,
  "down": 0.4, "below": 0.3, "slip|slips|slipped": 0.7, "loser|losers": 0.8, "disappoint|disappoints|disappointing|disappointed": 0.9,
  "loom|looms|looming": 0.6, "threaten|threatens|threatened": 0.7, "worse|worsen|worsens": 0.8, "protest|protests": 0.5,
  "short seller|short sellers": 0.4, "plunge in": 0.3, "volatile": 0.2,
};

/** Negators (their scope: the next NEGATION_SCOPE words). */
const NEGATORS = [
  "not", "no", "never", "without", "nor", "neither", "hardly", "barely", "cannot",
  "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "wont", "cant", "couldnt", "wouldnt", "shouldnt",
  "hasnt", "havent", "hadnt", "aint",
  "fail to|fails to|failed to|failing to", "unable to", "deny|denies|denied|denying", "refute|refutes|refuted",
  "dismiss|dismisses|dismissed", "debunk|debunks|debunked", "rule out|rules out|ruled out",
  "avoid|avoids|avoided", "prevent|prevents|prevented", "survive|survives|survived", "escape|escapes|escaped",
];

const INTENSIFIERS = [
  "massive|massively", "huge", "major", "sharp|sharply", "big|biggest", "heavily", "extremely", "very", "strongly",
  "significantly", "significant", "dramatically", "dramatic", "steep|steeply", "deep|deeply|deepest", "largest",
  "historic", "record breaking", "enormous", "severe|severely", "brutal", "double digit",
];
const DIMINISHERS = [
  "slightly", "slight", "modest|modestly", "minor", "mild|mildly", "small", "marginal|marginally", "little",
  "somewhat", "partially", "partial", "a bit",
];

// ------------------------------------------------------------------------------------------------------------
// tokenizer and stemmer
// ------------------------------------------------------------------------------------------------------------

const CONSONANT_DOUBLE = /([bcdfghjkmnpqrtvwxy])\1$/;

/**
 * Light suffix stemmer (our own, Porter-inspired, deliberately small): -ies/-ied → -y; -ing and -ed are
 * stripped (then a doubled final consonant other than l/s/z is undoubled: "banned" → "ban"); -es after
 * s/sh/ch/x/z is stripped; a final -s (not -ss/-us/-is) is stripped; then a final -e. Words of 3 letters or
 * fewer are kept. Applied to both the lexicon and the text, so it only has to be consistent, not linguistic.
 */
export function stem(w: string): string {
  const n = w.length;
  if (n <= 3) return w;
  let s = w;
  if ((s.endsWith("ies") || s.endsWith("ied")) && n > 4) s = s.slice(0, -3) + "y";
  else if (s.endsWith("ing") && n > 5) s = undouble(s.slice(0, -3));
  else if (s.endsWith("ed") && n > 4) s = undouble(s.slice(0, -2));
  else if (n > 4 && /(ss|sh|ch|x|z)es$/.test(s)) s = s.slice(0, -2);
  else if (s.endsWith("s") && !s.endsWith("ss") && !s.endsWith("us") && !s.endsWith("is")) s = s.slice(0, -1);
  if (s.length > 3 && s.endsWith("e")) s = s.slice(0, -1);
  return s;
}

function undouble(s: string): string {
  return CONSONANT_DOUBLE.test(s) ? s.slice(0, -1) : s;
}

const BREAK = "\u0000";
const URL_RE = /https?:\/\/\S+|www\.\S+/g;
const TOKEN_RE = /[a-z0-9]+(?:'[a-z]+)?|[.,;:!?]/g;

/**
 * Tokens of a text for the lexicon: lower-cased words with apostrophes removed, stemmed; each of `. , ; : ! ?`
 * becomes a break token (`"\u0000"`). URLs are dropped first.
 */
export function tokenize(text: string): string[] {
  const t = text.replace(URL_RE, " ").toLowerCase().replace(/[\u2018\u2019\u02bc`]/g, "'");
  const out: string[] = [];
  const m = t.match(TOKEN_RE);
  if (!m) return out;
  for (const tok of m) {
    if (tok.length === 1 && ".,;:!?".includes(tok)) out.push(BREAK);
    else out.push(stem(tok.replace(/'/g, "")));
  }
  return out;
}

interface PhraseEntry {
  words: string[];
  weight: number;
  term: string;
}
/** first stem → entries sorted by phrase length, longest first. */
type PhraseIndex = Map<string, PhraseEntry[]>;

function buildIndex(lists: { [k: string]: number }[], signs: number[]): PhraseIndex {
  const idx: PhraseIndex = new Map();
  lists.forEach((list, li) => {
    for (const key of Object.keys(list)) {
      for (const variant of key.split("|")) {
        const words = tokenize(variant).filter((w) => w !== BREAK);
        if (words.length === 0) continue;
        const arr = idx.get(words[0]) ?? [];
        const sig = words.join(" ");
        const existing = arr.find((e) => e.words.join(" ") === sig);
        if (existing) {
          // the same stem listed twice: keep the larger magnitude, bullish and bearish never share a stem
          if (Math.abs(list[key]) > Math.abs(existing.weight)) existing.weight = signs[li] * list[key];
          continue;
        }
        arr.push({ words, weight: signs[li] * list[key], term: variant });
        idx.set(words[0], arr);
      }
    }
  });
  for (const arr of idx.values()) arr.sort((a, b) => b.words.length - a.words.length);
  return idx;
}

function listToMap(items: string[]): { [k: string]: number } {
  const o: { [k: string]: number } = {};
  for (const k of items) o[k] = 1;
  return o;
}

const SENTIMENT_INDEX = buildIndex([BULLISH, BEARISH], [1, -1]);
const NEGATOR_INDEX = buildIndex([listToMap(NEGATORS)], [1]);
const INTENSIFIER_INDEX = buildIndex([listToMap(INTENSIFIERS), listToMap(DIMINISHERS)], [INTENSIFIER, DIMINISHER]);

function matchAt(idx: PhraseIndex, toks: string[], i: number): PhraseEntry | null {
  const arr = idx.get(toks[i]);
  if (!arr) return null;
  for (const e of arr) {
    const L = e.words.length;
    if (i + L > toks.length) continue;
    let ok = true;
    for (let k = 1; k < L && ok; k++) ok = toks[i + k] === e.words[k];
    if (ok) return e;
  }
  return null;
}

// ------------------------------------------------------------------------------------------------------------
// asset tags
// ------------------------------------------------------------------------------------------------------------

/**
 * Asset tags by name (case-insensitive) and ticker. Tickers that are also English words or common abbreviations
 * (SOL, ADA, LINK, DOT, ETC, UST) match only in upper case or after `$`.
 */
const ASSET_PATTERNS: { tag: string; re: RegExp; upper?: RegExp }[] = [
  { tag: "BTC", re: /\b(?:bitcoin|btc|xbt)\b/i },
  { tag: "ETH", re: /\b(?:ethereum|ether|eth)\b(?!\s+classic)/i },
  { tag: "ETC", re: /\bethereum\s+classic\b|\$etc\b/i, upper: /\bETC\b/ },
  { tag: "BNB", re: /\b(?:bnb|binance coin)\b/i },
  { tag: "SOL", re: /\bsolana\b|\$sol\b/i, upper: /\bSOL\b/ },
  { tag: "XRP", re: /\b(?:xrp|ripple)\b/i },
  { tag: "ADA", re: /\bcardano\b|\$ada\b/i, upper: /\bADA\b/ },
  { tag: "DOGE", re: /\b(?:dogecoin|doge)\b/i },
  { tag: "LTC", re: /\b(?:litecoin|ltc)\b/i },
  { tag: "AVAX", re: /\b(?:avalanche|avax)\b/i },
  { tag: "LINK", re: /\bchainlink\b|\$link\b/i, upper: /\bLINK\b/ },
  { tag: "DOT", re: /\bpolkadot\b|\$dot\b/i, upper: /\bDOT\b/ },
  { tag: "MATIC", re: /\b(?:polygon|matic)\b/i },
  { tag: "TRX", re: /\b(?:tron|trx)\b/i },
  { tag: "USDT", re: /\b(?:tether|usdt)\b/i },
  { tag: "USDC", re: /\busdc\b/i },
  { tag: "LUNA", re: /\b(?:terra|luna|terrausd)\b|\$ust\b/i, upper: /\bUST\b/ },
  { tag: "SHIB", re: /\b(?:shiba inu|shib)\b/i },
];

/**
 * Asset tickers mentioned in a text (in ASSET_PATTERNS order, each once), e.g. "Bitcoin and ETH rally" →
 * ["BTC", "ETH"]; "Solana and Cardano" → ["SOL", "ADA"]; "a link to the dot" → [].
 */
export function assetTags(text: string): string[] {
  const out: string[] = [];
  for (const p of ASSET_PATTERNS) if (p.re.test(text) || (p.upper !== undefined && p.upper.test(text))) out.push(p.tag);
  return out;
}

// ------------------------------------------------------------------------------------------------------------
// scoring
// ------------------------------------------------------------------------------------------------------------

/** One lexicon match. */
export interface LexiconHit {
  /** The lexicon entry as written, e.g. "all time high", "sec sues". */
  term: string;
  /** Its base weight (bullish > 0, bearish < 0). */
  weight: number;
  /** Its contribution to S after negation and intensifiers. */
  contribution: number;
  negated: boolean;
  /** Index of its first token. */
  position: number;
}

/** Result of `lexiconScore`. */
export interface LexiconResult {
  /** tanh(S / SCORE_SCALE) ∈ (−1, 1); 0 when nothing matched. */
  score: number;
  /** (|S| / M)·(1 − e^{−M}) ∈ [0, 1), M = Σ|contributions|. */
  confidence: number;
  /** S, the raw weighted sum. */
  raw: number;
  hits: LexiconHit[];
  /** Asset tickers mentioned (see `assetTags`). */
  assets: string[];
}

/**
 * Scores one text with lexicon-v1 (algorithm in the file header): score = tanh(S / 2) with S the sum of
 * negation- and intensifier-adjusted term weights, confidence = (|S| / M)(1 − e^{−M}). Deterministic and pure.
 * Example: "Exchange hacked, $100M stolen" → two bearish hits (−1.5, −1.3), score = tanh(−1.4) ≈ −0.89;
 * "Exchange denies hack" → one negated hit, tanh(0.375) ≈ +0.36.
 */
export function lexiconScore(text: string): LexiconResult {
  if (typeof text !== "string") throw new ArgumentError(`text must be a string, got ${typeof text}`, { field: "text" });
  const toks = tokenize(text);
  const hits: LexiconHit[] = [];
  let negUntil = -1; // tokens with index < negUntil are negated (scope stops at a break)
  let boost = 1;
  let boostUntil = -1;
  let i = 0;
  while (i < toks.length) {
    const t = toks[i];
    if (t === BREAK) {
      negUntil = -1;
      boostUntil = -1;
      i++;
      continue;
    }
    const neg = matchAt(NEGATOR_INDEX, toks, i);
    const sen = matchAt(SENTIMENT_INDEX, toks, i);
    // a longer sentiment phrase beats a negator ("no" vs nothing here, but e.g. "fail" vs "fails to"): prefer the longer
    if (neg && (!sen || neg.words.length >= sen.words.length)) {
      negUntil = i + neg.words.length + NEGATION_SCOPE;
      i += neg.words.length;
      continue;
    }
    if (sen) {
      const negated = i < negUntil;
      const m = i < boostUntil ? boost : 1;
      const c = sen.weight * m * (negated ? NEGATION_FACTOR : 1);
      hits.push({ term: sen.term, weight: sen.weight, contribution: c, negated, position: i });
      i += sen.words.length;
      continue;
    }
    const mod = matchAt(INTENSIFIER_INDEX, toks, i);
    if (mod) {
      boost = mod.weight;
      boostUntil = i + mod.words.length + 2;
      i += mod.words.length;
      continue;
    }
    i++;
  }
  let S = 0;
  let M = 0;
  for (const h of hits) {
    S += h.contribution;
    M += Math.abs(h.contribution);
  }
  const score = M === 0 ? 0 : Math.tanh(S / SCORE_SCALE);
  const confidence = M === 0 ? 0 : (Math.abs(S) / M) * (1 - Math.exp(-M));
  return { score, confidence, raw: S, hits, assets: assetTags(text) };
}

/** Options of `lexiconScorer`. */
export interface LexiconScorerOptions {
  /** Clock for provenance `scoredAt` (tests); default `() => new Date()`. */
  now?: () => Date;
}

/**
 * lexicon-v1 as a `Scorer` (kind "lexicon", name "lexicon-v1"): every text gets a record with the lexicon score,
 * its confidence, horizon "unknown", a rationale listing the hits (e.g. "lexicon-v1 baseline: −hack, −stolen"),
 * the asset tags, and provenance { scorer: "lexicon-v1", scoredAt, cached: false }. Never returns null.
 * Honours `signal` (rejects with its reason once aborted) and reports `onProgress` every 500 texts and at the end.
 */
export function lexiconScorer(opts: LexiconScorerOptions = {}): Scorer {
  const now = opts.now ?? (() => new Date());
  return {
    name: LEXICON_NAME,
    kind: "lexicon",
    async scoreBatch(texts: readonly string[], o: ScoreBatchOptions = {}): Promise<(ScoreRecord | null)[]> {
      const out: (ScoreRecord | null)[] = new Array(texts.length);
      const scoredAt = now().toISOString();
      for (let i = 0; i < texts.length; i++) {
        if (o.signal?.aborted) throw o.signal.reason ?? new Error("aborted");
        const r = lexiconScore(texts[i]);
        const parts = r.hits.map((h) => `${h.contribution >= 0 ? "+" : "−"}${h.term}${h.negated ? " (negated)" : ""}`);
        out[i] = {
          score: r.score,
          confidence: r.confidence,
          horizon: "unknown",
          rationale: `${LEXICON_NAME} baseline: ${parts.length ? parts.join(", ") : "no lexicon terms"}`,
          assets: r.assets,
          provenance: { scorer: LEXICON_NAME, scoredAt, cached: false },
        };
        if (o.onProgress && ((i + 1) % 500 === 0 || i + 1 === texts.length)) o.onProgress(i + 1, texts.length);
      }
      if (texts.length === 0 && o.onProgress) o.onProgress(0, 0);
      return out;
    },
  };
}

// ------------------------------------------------------------------------------------------------------------
// 3-class evaluation helpers (also used by compareScorers)
// ------------------------------------------------------------------------------------------------------------

/** 3-class label: −1 negative / bearish, 0 neutral, +1 positive / bullish. */
export type Class3 = -1 | 0 | 1;

/** A score to a class: +1 if score ≥ band, −1 if score ≤ −band, else 0 (band 0: the sign; 0 stays 0). */
export function classifyScore(score: number, band: number): Class3 {
  if (!(score === score)) return 0;
  if (band <= 0) return score > 0 ? 1 : score < 0 ? -1 : 0;
  return score >= band ? 1 : score <= -band ? -1 : 0;
}

/**
 * Maps a dataset label to a class: "positive"/"bullish"/"pos"/"+1"/"1" → +1, "negative"/"bearish"/"neg"/"-1" → −1,
 * "neutral"/"0" → 0 (case-insensitive); numbers −1/0/1 as they are. Anything else → ArgumentError naming the row.
 * (Twitter Financial News Sentiment's 0/1/2 = bearish/bullish/neutral coding must be mapped by the caller.)
 */
export function labelToClass(label: string | number, row = -1): Class3 {
  if (typeof label === "number") {
    if (label === 1 || label === -1 || label === 0) return label;
  } else {
    const s = label.trim().toLowerCase();
    if (s === "positive" || s === "bullish" || s === "pos" || s === "+1" || s === "1") return 1;
    if (s === "negative" || s === "bearish" || s === "neg" || s === "-1") return -1;
    if (s === "neutral" || s === "0") return 0;
  }
  throw new ArgumentError(`unknown sentiment label ${JSON.stringify(label)}`, { field: row >= 0 ? `labels[${row}]` : "label" }, "use positive/neutral/negative, bullish/bearish, or −1/0/1");
}

/** Agreement of predicted with true 3-class labels. */
export interface ClassAgreement {
  n: number;
  /** Fraction with prediction = truth. */
  accuracy: number;
  /** Mean over the three classes of F1 = 2PR/(P+R) (a class with no predictions and no truths is skipped). */
  macroF1: number;
  /** confusion[truth + 1][pred + 1]: rows truth −1, 0, +1; columns prediction −1, 0, +1. */
  confusion: number[][];
  /** Among rows where both truth and prediction are non-neutral, the fraction with the same sign (NaN if none). */
  signAccuracy: number;
  /** Accuracy of always predicting the most frequent true class. */
  majorityBaseline: number;
}

/** Accuracy, macro-F1, 3×3 confusion, sign accuracy and majority baseline of `pred` against `truth`. */
export function classAgreement(pred: ArrayLike<number>, truth: ArrayLike<number>): ClassAgreement {
  if (pred.length !== truth.length) throw new ArgumentError(`pred has ${pred.length} rows, truth ${truth.length}`, { field: "pred" });
  const c = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const n = pred.length;
  for (let i = 0; i < n; i++) {
    const p = pred[i], t = truth[i];
    if ((p !== -1 && p !== 0 && p !== 1) || (t !== -1 && t !== 0 && t !== 1)) {
      throw new ArgumentError(`class must be −1, 0 or 1, got pred ${p}, truth ${t}`, { field: `row ${i}` });
    }
    c[t + 1][p + 1]++;
  }
  let correct = 0;
  let f1sum = 0;
  let f1n = 0;
  for (let k = 0; k < 3; k++) {
    correct += c[k][k];
    const tp = c[k][k];
    const predK = c[0][k] + c[1][k] + c[2][k];
    const trueK = c[k][0] + c[k][1] + c[k][2];
    if (predK + trueK === 0) continue;
    f1sum += (2 * tp) / (predK + trueK);
    f1n++;
  }
  const sameSign = c[0][0] + c[2][2];
  const bothNonNeutral = sameSign + c[0][2] + c[2][0];
  const rowMax = Math.max(c[0][0] + c[0][1] + c[0][2], c[1][0] + c[1][1] + c[1][2], c[2][0] + c[2][1] + c[2][2]);
  return {
    n,
    accuracy: n ? correct / n : NaN,
    macroF1: f1n ? f1sum / f1n : NaN,
    confusion: c,
    signAccuracy: bothNonNeutral ? sameSign / bothNonNeutral : NaN,
    majorityBaseline: n ? rowMax / n : NaN,
  };
}

/**
 * The neutral band (from `grid`, default 0, 0.025, …, 0.5) that maximizes macro-F1 of `classifyScore(score, band)`
 * against `truth` (ties → the smaller band). Use it on a training split only; report on held-out data.
 */
export function tuneNeutralBand(scores: ArrayLike<number>, truth: ArrayLike<number>, grid?: readonly number[]): { band: number; macroF1: number; table: { band: number; macroF1: number; accuracy: number }[] } {
  const g = grid ?? Array.from({ length: 21 }, (_, k) => k * 0.025);
  const pred = new Int8Array(scores.length);
  let best = { band: NaN, macroF1: -Infinity };
  const table: { band: number; macroF1: number; accuracy: number }[] = [];
  for (const band of g) {
    for (let i = 0; i < scores.length; i++) pred[i] = classifyScore(scores[i], band);
    const a = classAgreement(pred, truth);
    table.push({ band, macroF1: a.macroF1, accuracy: a.accuracy });
    if (a.macroF1 > best.macroF1 + 1e-12) best = { band, macroF1: a.macroF1 };
  }
  return { ...best, table };
}
