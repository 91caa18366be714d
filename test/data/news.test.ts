import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { loadEvents, loadNews, parseDmyMinute, parseIsoDay, parseSentimentDict } from "../../src/data/news";
import { DataError } from "../../src/errors";
import { needData } from "../helpers";

const FIX = path.join(__dirname, "..", "fixtures", "news");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "makerlab-news-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const us = (...a: [number, number, number, number?, number?]) => Date.UTC(a[0], a[1] - 1, a[2], a[3] ?? 0, a[4] ?? 0) * 1000;

test("parseDmyMinute: D-M-YYYY HH:MM in UTC, no zero padding; impossible dates are NaN", () => {
  assert.equal(parseDmyMinute("5-7-2022 04:24"), us(2022, 7, 5, 4, 24));
  assert.equal(parseDmyMinute("12-10-2021 20:00"), us(2021, 10, 12, 20, 0));
  assert.equal(parseDmyMinute("29-2-2024 00:00"), us(2024, 2, 29));
  for (const bad of ["29-2-2022 00:00", "31-4-2022 10:00", "5-13-2022 01:00", "5-7-2022 24:00", "2022-07-05 04:24", ""]) {
    assert.ok(Number.isNaN(parseDmyMinute(bad)), bad);
  }
});

test("parseIsoDay and parseSentimentDict", () => {
  assert.equal(parseIsoDay("2010-05-22"), us(2010, 5, 22));
  assert.ok(Number.isNaN(parseIsoDay("2010-02-30")));
  assert.deepEqual(parseSentimentDict("{'class': 'negative', 'polarity': -0.1, 'subjectivity': 0.6}"), { sentimentClass: "negative", polarity: -0.1 });
  assert.deepEqual(parseSentimentDict("{'polarity': 0.0, 'class': 'neutral'}"), { sentimentClass: "neutral", polarity: 0 });
  assert.equal(parseSentimentDict("{'class': 'neutral'}"), null);
});

test("loadNews: quoted fields with ; and \"\", a field spanning lines, sorted ascending, duplicate URL noted", async () => {
  const p = path.join(FIX, "cryptonews_small.csv");
  const f = await loadNews(p);
  assert.equal(f.length, 3);
  assert.deepEqual(Array.from(f.f64("timestamp")), [us(2021, 10, 12, 20, 0), us(2022, 6, 29, 22, 1), us(2022, 7, 5, 4, 24)]);
  assert.deepEqual(f.str("text"), ['He said "wow"; then left.', "Two\nlines", "A coin moved; then it stopped."]);
  assert.deepEqual(f.str("title"), ["A title, with comma", "Third", "Coin Moves Then Stops"]);
  assert.deepEqual(f.str("sentimentClass"), ["positive", "negative", "neutral"]);
  assert.deepEqual(Array.from(f.f64("sentimentPolarity")), [0.16, -0.25, 0]);
  assert.deepEqual(f.str("source"), ["NewsB", "NewsC", "NewsA"]);
  assert.deepEqual(f.str("subject"), ["blockchain", "altcoin", "bitcoin"]);
  const dup = f.report.issues.find((i) => i.kind === "duplicate-url");
  assert.ok(dup);
  assert.deepEqual([dup.action, dup.count, dup.examples], ["note", 1, [`${p}:4`]]);
  const sorted = f.report.issues.find((i) => i.kind === "sorted-by-time");
  assert.ok(sorted && sorted.action === "note" && /newest first/.test(sorted.message));
  assert.equal(f.report.rowsRead, 3);
  assert.equal(f.report.rowsKept, 3);
});

test("loadNews: gzip gives the same frame; a bad date or sentiment names line and field", async () => {
  const src = fs.readFileSync(path.join(FIX, "cryptonews_small.csv"));
  const gz = path.join(tmp, "news.csv.gz");
  fs.writeFileSync(gz, zlib.gzipSync(src));
  const a = await loadNews(path.join(FIX, "cryptonews_small.csv"));
  const b = await loadNews(gz);
  assert.deepEqual(b.str("url"), a.str("url"));
  assert.deepEqual(Array.from(b.f64("timestamp")), Array.from(a.f64("timestamp")));

  const head = "date;sentiment;source;subject;text;title;url\n";
  const good = "5-7-2022 04:24;{'class': 'neutral', 'polarity': 0.0};S;bitcoin;t;T;u\n";
  const badDate = path.join(tmp, "bad-date.csv");
  fs.writeFileSync(badDate, head + good + "2022-07-05 04:24;{'class': 'neutral', 'polarity': 0.0};S;bitcoin;t;T;u\n");
  await assert.rejects(loadNews(badDate), (e: unknown) => e instanceof DataError && e.location.line === 3 && e.location.field === "date");
  const badSent = path.join(tmp, "bad-sent.csv");
  fs.writeFileSync(badSent, head + "5-7-2022 04:24;positive;S;bitcoin;t;T;u\n");
  await assert.rejects(loadNews(badSent), (e: unknown) => e instanceof DataError && e.location.line === 2 && e.location.field === "sentiment");
  const badCount = path.join(tmp, "bad-count.csv");
  fs.writeFileSync(badCount, head + good + "5-7-2022 04:24;{'class': 'neutral', 'polarity': 0.0};S;bitcoin;t;with;semicolon;u\n");
  await assert.rejects(loadNews(badCount), (e: unknown) => e instanceof DataError && e.location.line === 3 && /expected 7 fields/.test(e.message));
  const badHead = path.join(tmp, "bad-head.csv");
  fs.writeFileSync(badHead, "date;sentiment;source;text;title;url\n");
  await assert.rejects(loadNews(badHead), (e: unknown) => e instanceof DataError && /missing: subject/.test(e.message));
});

test("loadEvents: split on the first two commas only, CRLF, trimmed titles, sorted ascending", async () => {
  const p = path.join(FIX, "events_small.csv");
  const f = await loadEvents(p);
  assert.deepEqual(Array.from(f.f64("timestamp")), [us(2010, 5, 22), us(2011, 6, 11), us(2022, 1, 13)]);
  assert.deepEqual(f.str("title"), ["First Made-Up Event", "An Event With A Leading Space", "Someone Did Something, Then Something Else in 2021"]);
  assert.deepEqual(f.str("url"), ["https://example.org/first", "https://example.org/w", "https://example.org/x"]);
  assert.deepEqual(f.str("source"), ["", "", ""]);
  assert.deepEqual(f.str("text"), ["", "", ""]);
  assert.ok(Array.from(f.f64("sentimentPolarity")).every(Number.isNaN));
  const sorted = f.report.issues.find((i) => i.kind === "sorted-by-time");
  assert.ok(sorted && sorted.count === 2);
  const bad = path.join(tmp, "events-bad.csv");
  fs.writeFileSync(bad, "2010-05-22,https://x/,ok\n22-05-2010,https://y/,bad\n");
  await assert.rejects(loadEvents(bad), (e: unknown) => e instanceof DataError && e.location.line === 2 && e.location.field === "date");
  const short = path.join(tmp, "events-short.csv");
  fs.writeFileSync(short, "2010-05-22,https://x/\n");
  await assert.rejects(loadEvents(short), (e: unknown) => e instanceof DataError && e.location.line === 1 && e.location.field === "headline");
});

test("real data: cryptonews has 7,524 rows, 2021-10-12 20:00Z → 2022-07-05 04:24Z, class counts", async (t) => {
  const p = needData(t, "cryptonews-2021-10-to-2022-07/cryptonews.csv.gz");
  if (!p) return;
  const f = await loadNews(p);
  assert.equal(f.length, 7524);
  const ts = f.f64("timestamp");
  assert.equal(ts[0], us(2021, 10, 12, 20, 0));
  assert.equal(ts[f.length - 1], us(2022, 7, 5, 4, 24));
  for (let i = 1; i < ts.length; i++) assert.ok(ts[i] >= ts[i - 1]);
  const counts: { [k: string]: number } = {};
  for (const c of f.str("sentimentClass")) counts[c] = (counts[c] ?? 0) + 1;
  assert.deepEqual(counts, { positive: 3431, neutral: 2741, negative: 1352 });
  const src: { [k: string]: number } = {};
  for (const c of f.str("source")) src[c] = (src[c] ?? 0) + 1;
  assert.deepEqual(src, { CoinTelegraph: 3586, CryptoNews: 2006, CryptoPotato: 1932 });
  const pol = f.f64("sentimentPolarity");
  for (let i = 0; i < pol.length; i++) assert.ok(pol[i] >= -1 && pol[i] <= 1);
  // the only repeated URL in this file is the empty one (60 rows)
  assert.equal(f.report.issues.find((i) => i.kind === "missing-url")?.count, 60);
  assert.ok(f.report.issues.some((i) => i.kind === "sorted-by-time"));
});

test("real data: the dykstranet events file has 123 rows from 2010-05-22 to 2022-05-12", async (t) => {
  const p = needData(t, "btc-price-moving-events-dykstranet/news.csv");
  if (!p) return;
  const f = await loadEvents(p);
  assert.equal(f.length, 123);
  const ts = f.f64("timestamp");
  assert.equal(ts[0], us(2010, 5, 22));
  assert.equal(ts[f.length - 1], us(2022, 5, 12));
  assert.ok(f.str("title").includes("Hacker Steals Customer Data From Circle, BlockFi, Other Big Crypto Firms"));
});
