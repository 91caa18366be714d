/**
 * Loaders for the news files of the data set, into HeadlineColumns (schemas.ts):
 * - `loadNews`: the cryptonews CSV (`date;sentiment;source;subject;text;title;url`, semicolon-separated,
 *   RFC 4180 quoting, `D-M-YYYY HH:MM` UTC, sentiment a Python-dict string);
 * - `loadEvents`: the dykstranet list of dated events (`date,url,headline`, no header).
 * Both are small (thousands of rows) and irregular, so they are parsed with csv.ts, not DuckDB.
 */
import { Frame } from "../frame/frame";
import { DataError } from "../errors";
import { IssueLog, LoadedFrame } from "./loadReport";
import type { HeadlineColumns } from "./schemas";
import { assertReadableFile, checkHeader, forEachLine, forEachRecord } from "./csv";

const NEWS_COLUMNS = ["date", "sentiment", "source", "subject", "text", "title", "url"] as const;

/**
 * Parses `D-M-YYYY HH:MM` (day and month not zero-padded, UTC) to epoch µs; NaN if malformed or not a
 * real calendar date (e.g. 31-2-2022).
 */
export function parseDmyMinute(s: string): number {
  const m = /^(\d{1,2})-(\d{1,2})-(\d{4}) (\d{1,2}):(\d{2})$/.exec(s.trim());
  if (!m) return NaN;
  const d = +m[1], mo = +m[2], y = +m[3], h = +m[4], mi = +m[5];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59) return NaN;
  const ms = Date.UTC(y, mo - 1, d, h, mi);
  if (new Date(ms).getUTCDate() !== d) return NaN;
  return ms * 1000;
}

/** Parses `YYYY-MM-DD` (UTC midnight) to epoch µs; NaN if malformed or not a calendar date. */
export function parseIsoDay(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
  if (!m) return NaN;
  const y = +m[1], mo = +m[2], d = +m[3];
  if (mo < 1 || mo > 12 || d < 1) return NaN;
  const ms = Date.UTC(y, mo - 1, d);
  if (new Date(ms).getUTCDate() !== d) return NaN;
  return ms * 1000;
}

/**
 * Reads `class` and `polarity` out of a Python-dict string such as
 * `{'class': 'negative', 'polarity': -0.1, 'subjectivity': 0.6}`. Returns null if either is missing.
 */
export function parseSentimentDict(s: string): { sentimentClass: string; polarity: number } | null {
  const c = /['"]class['"]\s*:\s*['"]([^'"]*)['"]/.exec(s);
  const p = /['"]polarity['"]\s*:\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(s);
  if (!c || !p) return null;
  return { sentimentClass: c[1], polarity: Number(p[1]) };
}

/** Stable order by time; `null` when already ascending. */
function timeOrder(ts: Float64Array): Int32Array | null {
  for (let i = 1; i < ts.length; i++) if (ts[i] < ts[i - 1]) return new Frame({ k: ts }).argsort("k");
  return null;
}

/** Counts rows whose `key` appeared on an earlier row (first occurrence in file order kept). */
function countRepeats(keys: string[], lines: Int32Array, path: string): { count: number; examples: string[] } {
  const seen = new Set<string>();
  let count = 0;
  const examples: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k === "") continue;
    if (seen.has(k)) {
      count++;
      if (examples.length < 5) examples.push(`${path}:${lines[i]}`);
    } else seen.add(k);
  }
  return { count, examples };
}

/**
 * Loads the cryptonews CSV(.gz) into HeadlineColumns, sorted by time ascending (stable; the file is
 * newest first, and the report says so as the note "sorted-by-time"). `timestamp` is the minute of
 * publication in epoch µs (UTC); `sentimentClass` and `sentimentPolarity` come from the sentiment dict
 * (an automatic lexicon score shipped with the data, not a human label). Rows with a repeated URL are
 * kept and counted as the note "duplicate-url" (rows beyond the first per non-empty URL); empty URLs
 * are counted as "missing-url" and repeated titles as "duplicate-title". (In the data set the only
 * repeated URL is the empty one: 60 rows, i.e. the "59 repeated URLs" of SOURCES.md.)
 * A malformed line (field count, date, sentiment dict) → DataError naming file, line and field.
 */
export async function loadNews(path: string): Promise<LoadedFrame<HeadlineColumns>> {
  const started = performance.now();
  assertReadableFile(path);
  const ts: number[] = [];
  const lines: number[] = [];
  const source: string[] = [];
  const subject: string[] = [];
  const title: string[] = [];
  const text: string[] = [];
  const url: string[] = [];
  const cls: string[] = [];
  const pol: number[] = [];
  let idx: number[] = [];
  let names: string[] = [];
  await forEachRecord(
    path,
    (f, lineNo) => {
      if (lineNo === 1) {
        names = f.map((s) => s.trim());
        checkHeader(path, names, NEWS_COLUMNS, "cryptonews");
        idx = NEWS_COLUMNS.map((c) => names.indexOf(c));
        return;
      }
      if (f.length === 1 && f[0] === "") return; // empty line
      if (f.length !== NEWS_COLUMNS.length) {
        throw new DataError(
          `expected ${NEWS_COLUMNS.length} fields separated by ";", found ${f.length}`,
          { file: path, line: lineNo, field: f.length < names.length ? names[f.length] : undefined },
          'a field holding ";" must be quoted',
        );
      }
      const [iDate, iSent, iSrc, iSubj, iText, iTitle, iUrl] = idx;
      const t = parseDmyMinute(f[iDate]);
      if (t !== t) {
        throw new DataError(`${JSON.stringify(f[iDate])} is not a date D-M-YYYY HH:MM`, { file: path, line: lineNo, field: "date" });
      }
      const s = parseSentimentDict(f[iSent]);
      if (!s) {
        throw new DataError(
          `${JSON.stringify(f[iSent].slice(0, 80))} is not a sentiment dict with 'class' and 'polarity'`,
          { file: path, line: lineNo, field: "sentiment" },
          "expected e.g. {'class': 'negative', 'polarity': -0.1, 'subjectivity': 0.6}",
        );
      }
      ts.push(t);
      lines.push(lineNo);
      source.push(f[iSrc]);
      subject.push(f[iSubj]);
      text.push(f[iText]);
      title.push(f[iTitle]);
      url.push(f[iUrl]);
      cls.push(s.sentimentClass);
      pol.push(s.polarity);
    },
    { delimiter: ";" },
  );
  if (names.length === 0) throw new DataError("file is empty", { file: path, line: 1 }, `expected a header: ${NEWS_COLUMNS.join(";")}`);
  const cols: HeadlineColumns = {
    timestamp: Float64Array.from(ts),
    source,
    subject,
    title,
    text,
    url,
    sentimentClass: cls,
    sentimentPolarity: Float64Array.from(pol),
  };
  return finishHeadlines(cols, Int32Array.from(lines), path, started, "the file is newest first");
}

function finishHeadlines(cols: HeadlineColumns, lines: Int32Array, path: string, started: number, why: string): LoadedFrame<HeadlineColumns> {
  const log = new IssueLog();
  const n = cols.timestamp.length;
  const rep = countRepeats(cols.url, lines, path);
  log.addMany("duplicate-url", "note", "URL seen on an earlier row (kept)", rep.count, rep.examples);
  let noUrl = 0;
  const noUrlEx: string[] = [];
  for (let i = 0; i < n; i++) {
    if (cols.url[i] === "") {
      noUrl++;
      if (noUrlEx.length < 5) noUrlEx.push(`${path}:${lines[i]}`);
    }
  }
  log.addMany("missing-url", "note", "empty URL (kept)", noUrl, noUrlEx);
  const repT = countRepeats(cols.title, lines, path);
  log.addMany("duplicate-title", "note", "title seen on an earlier row (kept)", repT.count, repT.examples);
  const order = timeOrder(cols.timestamp);
  let f = new Frame(cols);
  if (order) {
    let moved = 0;
    for (let i = 0; i < n; i++) if (order[i] !== i) moved++;
    log.addMany("sorted-by-time", "note", `rows sorted by time ascending (stable): ${why}`, moved);
    f = f.take(order);
  }
  return new LoadedFrame<HeadlineColumns>(f.columns as HeadlineColumns, {
    files: [path],
    rowsRead: n,
    rowsKept: f.length,
    issues: log.issues,
    elapsedMs: performance.now() - started,
  });
}

/**
 * Loads the dykstranet event list (`date,url,headline`, no header; each line split on its first two
 * commas only, since headlines hold unquoted commas) into HeadlineColumns: `timestamp` the event day
 * at 00:00 UTC in epoch µs (day resolution, not a publication time), `title` the headline with
 * surrounding spaces trimmed, `url`; `source`, `subject`, `text`, `sentimentClass` are "" and
 * `sentimentPolarity` NaN. Sorted by time ascending (stable; a note if the file was not).
 */
export async function loadEvents(path: string): Promise<LoadedFrame<HeadlineColumns>> {
  const started = performance.now();
  assertReadableFile(path);
  const ts: number[] = [];
  const lines: number[] = [];
  const url: string[] = [];
  const title: string[] = [];
  await forEachLine(path, (line, lineNo) => {
    if (line.trim() === "") return;
    const a = line.indexOf(",");
    const b = a < 0 ? -1 : line.indexOf(",", a + 1);
    if (b < 0) {
      throw new DataError(
        `expected date,url,headline, found ${a < 0 ? 1 : 2} field${a < 0 ? "" : "s"}: ${line.slice(0, 120)}`,
        { file: path, line: lineNo, field: a < 0 ? "url" : "headline" },
      );
    }
    const d = line.slice(0, a).trim();
    const t = parseIsoDay(d);
    if (t !== t) {
      throw new DataError(
        `${JSON.stringify(d)} is not a date YYYY-MM-DD`,
        { file: path, line: lineNo, field: "date" },
        lineNo === 1 ? "this file has no header line; is it the dykstranet news.csv?" : undefined,
      );
    }
    ts.push(t);
    lines.push(lineNo);
    url.push(line.slice(a + 1, b).trim());
    title.push(unquote(line.slice(b + 1).trim()));
  });
  const n = ts.length;
  const empty = () => new Array<string>(n).fill("");
  const cols: HeadlineColumns = {
    timestamp: Float64Array.from(ts),
    source: empty(),
    subject: empty(),
    title,
    text: empty(),
    url,
    sentimentClass: empty(),
    sentimentPolarity: new Float64Array(n).fill(NaN),
  };
  return finishHeadlines(cols, Int32Array.from(lines), path, started, "the file was not in date order");
}

/** Removes one pair of surrounding double quotes (with "" → "), if the headline is quoted. */
function unquote(s: string): string {
  return s.length >= 2 && s[0] === '"' && s[s.length - 1] === '"' ? s.slice(1, -1).replace(/""/g, '"') : s;
}
