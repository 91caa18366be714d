/**
 * Loader for raw Binance combined-stream captures (hftbacktest's collector format, see
 * data/SOURCES.md §1–3): gzip (or plain) text, one message per line, `<local_time> <json>`.
 *
 * - `<local_time>` is the capture machine's receive time since the epoch: 19 digits = nanoseconds,
 *   16 digits = microseconds, detected per line. Nanoseconds become microseconds by integer division of
 *   the decimal string (dropping the last three digits = floor), never through a float.
 * - The JSON is a combined-stream envelope `{"stream": "<sym>@<kind>", "data": {...}}` for the
 *   `@trade`, `@bookTicker` and `@depth…` streams, or the REST depth snapshot
 *   `{"lastUpdateId": N, "bids": [[p, q], …], "asks": […]}` (no envelope; USDⓈ-M adds `E`, `T`).
 *
 * The depth frame is built with Binance's "manage a local order book" rules, so replaying it
 * (`replayBook` in book.ts) gives the exchange's book:
 * - spot:  drop diffs with `u <= lastUpdateId`; the first applied diff has `U <= lastUpdateId+1 <= u`;
 *          each later diff has `U = previous u + 1`.
 * - usdm:  drop diffs with `u < lastUpdateId`; the first applied diff has `U <= lastUpdateId <= u`;
 *          each later diff has `pu = previous u`.
 * Diffs that arrive before the snapshot line are buffered and put through the same rule once it arrives
 * (their `localTimestamp` is raised to the snapshot's, counted as a repair, so local time never decreases).
 * Reference: Binance API docs, "How to manage a local order book correctly" (spot and USDⓈ-M futures).
 */
import { f64Buffer, i8Buffer } from "../frame/buffer";
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import { StringDecoder } from "node:string_decoder";
import { DataError, FileNotFoundError, ArgumentError } from "../errors";
import { IssueLog, LoadedFrame, type LoadReport } from "./loadReport";
import type { BookChangeColumns, QuoteColumns, TradeColumns } from "./schemas";

/** Binance market of a capture: spot, or USDⓈ-M futures (perpetuals). */
export type BinanceMarket = "spot" | "usdm";

/** Options of `loadBinanceCapture`. */
export interface BinanceCaptureOptions {
  /** Market; default: detected (a snapshot or message carrying `E`/`T`/`pu` where spot has none → "usdm"). */
  market?: BinanceMarket;
  /** Symbol to keep (any case, e.g. "btcusdt"); default: the symbol of the first stream message. Others are counted and dropped. */
  symbol?: string;
  /**
   * What to do when the depth update-id chain breaks after sync:
   * - "throw" (default): DataError naming file:line;
   * - "resync": count a "depth-gap", drop diffs until the next snapshot line (buffering them so the next
   *   snapshot can pick them up under the sync rule);
   * - "continue": count a "depth-gap" and keep applying diffs (the book may be wrong at the missed levels).
   */
  onGap?: "throw" | "resync" | "continue";
  /** Called every 100,000 lines and at the end of each file with lines read so far (all files) and the current file. */
  onProgress?: (linesRead: number, file: string) => void;
}

/** What `loadBinanceCapture` returns: one normalized frame per stream, each with its own LoadReport. */
export interface BinanceCapture {
  /** `@trade` messages (schemas.ts TradeColumns). */
  trades: LoadedFrame<TradeColumns>;
  /** `@bookTicker` messages (QuoteColumns). */
  quotes: LoadedFrame<QuoteColumns>;
  /** Snapshot levels and synced depth-diff levels (BookChangeColumns), ready for `replayBook`. */
  depth: LoadedFrame<BookChangeColumns>;
  /** Upper-case symbol, e.g. "BTCUSDT" ("" if the capture had no stream message). */
  symbol: string;
  market: BinanceMarket;
  /** Whole-capture report: lines read, lines used, every issue (those of the three frames plus unknown streams etc.). */
  report: LoadReport;
}

const TWO53 = 9007199254740992;

/**
 * Converts a capture's local receive time (decimal string of epoch ns or µs) to epoch µs.
 * 19 digits = nanoseconds: µs = floor(ns / 1000), done by dropping the last three decimal digits
 * (exact; e.g. "1723161253937123456" → 1723161253937123). 16 digits = microseconds, taken as is.
 * Throws a DataError for anything else (other lengths, non-digits, values ≥ 2^53 µs).
 */
export function localTimeToUs(s: string, file?: string, line?: number): number {
  const n = s.length;
  if (n !== 19 && n !== 16) {
    throw new DataError(`local time "${s.slice(0, 40)}" has ${n} digits; expected 19 (ns) or 16 (µs)`, { file, line, field: "local_time" });
  }
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) throw new DataError(`local time "${s.slice(0, 40)}" is not an unsigned integer`, { file, line, field: "local_time" });
  }
  const us = Number(n === 19 ? s.slice(0, 16) : s);
  if (us >= TWO53) throw new DataError(`local time ${s} is too large to hold exactly in µs`, { file, line, field: "local_time" });
  return us;
}

/** A depth diff held back until a snapshot arrives. */
interface PendingDiff {
  U: number;
  u: number;
  pu: number;
  ts: number;
  local: number;
  b: unknown;
  a: unknown;
  file: string;
  line: number;
}

const MAX_PENDING = 100_000;

/**
 * Reads the lines of a gzip or plain text file (gzip detected by its magic bytes 1f 8b), streaming, in batches
 * (one array per decoded chunk; "\r\n" endings are accepted). A last line without "\n" is yielded too.
 */
async function* readLineBatches(file: string): AsyncGenerator<string[]> {
  if (!fs.existsSync(file)) throw new FileNotFoundError(`capture file not found`, { file });
  const fd = fs.openSync(file, "r");
  const magic = Buffer.alloc(2);
  const got = fs.readSync(fd, magic, 0, 2, 0);
  fs.closeSync(fd);
  const gz = got === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const src = gz ? raw.pipe(zlib.createGunzip({ chunkSize: 1 << 20 })) : raw;
  if (gz) raw.on("error", (e) => src.destroy(e));
  const dec = new StringDecoder("utf8");
  let rest = "";
  try {
    for await (const chunk of src) {
      const s = rest + dec.write(chunk as Buffer);
      const batch: string[] = [];
      let p = 0;
      for (;;) {
        const e = s.indexOf("\n", p);
        if (e < 0) break;
        batch.push(s.charCodeAt(e - 1) === 13 && e > p ? s.slice(p, e - 1) : s.slice(p, e));
        p = e + 1;
      }
      rest = p === 0 ? s : s.slice(p);
      if (batch.length) yield batch;
    }
    rest += dec.end();
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`cannot read ${gz ? "gzip " : ""}text: ${(e as Error).message}`, { file });
  } finally {
    raw.destroy();
    if (src !== raw) src.destroy();
  }
  if (rest.length > 0) yield [rest.charCodeAt(rest.length - 1) === 13 ? rest.slice(0, -1) : rest];
}

/**
 * Loads a raw Binance combined-stream capture into normalized trade, quote and depth frames.
 *
 * Several files (e.g. `btcusdt_20240808.gz`, `btcusdt_20240809.gz`) are read in the given order as one stream.
 * - trades (`<sym>@trade`): timestamp = `T` (trade time, ms) × 1000 µs; localTimestamp = local time;
 *   price `p`, amount `q`; side = −1 when `m` (buyer is maker: the aggressor sold), else +1; id = `t`.
 *   An id not above the previous one is dropped ("duplicate-trade-id"); missing ids are counted ("trade-id-gap", in ids);
 *   usdm trades with `X` other than "MARKET" (insurance fund, ADL) are dropped and counted ("non-market-trade").
 * - quotes (`<sym>@bookTicker`): spot has no exchange time, so timestamp = localTimestamp; usdm: `T` (else `E`) × 1000.
 *   updateId = `u`; bid `b`/`B`, ask `a`/`A`.
 * - depth (`<sym>@depth@100ms` spot, `@depth@0ms` usdm, any `@depth…` diff stream): the REST snapshot's levels
 *   (isSnapshot = 1, updateId = lastUpdateId, timestamp = the snapshot's `T`/`E` where present (usdm) else its local
 *   time) and then the levels of every applied diff (isSnapshot = 0, updateId = that message's `u`,
 *   timestamp = `T` where present (usdm) else `E`, × 1000 µs), bids before asks, in message order.
 *   See the module comment for the sync rule; dropped diffs are counted ("stale-depth-diff", "duplicate-depth-diff",
 *   "depth-diff-without-snapshot"), chain breaks are "depth-gap" (see `opts.onGap`).
 * Malformed lines (no local time, bad JSON, a missing or non-numeric field) throw a DataError naming file:line and field.
 */
export async function loadBinanceCapture(path: string | string[], opts: BinanceCaptureOptions = {}): Promise<BinanceCapture> {
  const t0 = Date.now();
  const files = Array.isArray(path) ? path.slice() : [path];
  if (files.length === 0) throw new ArgumentError("loadBinanceCapture: no file given");
  const onGap = opts.onGap ?? "throw";
  if (onGap !== "throw" && onGap !== "resync" && onGap !== "continue") throw new ArgumentError(`onGap must be "throw", "resync" or "continue", not "${onGap}"`);
  let market: BinanceMarket | undefined = opts.market;
  if (market !== undefined && market !== "spot" && market !== "usdm") throw new ArgumentError(`market must be "spot" or "usdm", not "${market}"`);
  let symbol = opts.symbol ? opts.symbol.toLowerCase() : "";

  const general = new IssueLog();
  const tradeLog = new IssueLog();
  const quoteLog = new IssueLog();
  const depthLog = new IssueLog();

  // trade columns
  const tTs = f64Buffer(), tLocal = f64Buffer(), tPrice = f64Buffer(), tAmt = f64Buffer(), tId = f64Buffer();
  const tSide = i8Buffer();
  let tradesRead = 0;
  let lastTradeId = NaN;
  // quote columns
  const qTs = f64Buffer(), qLocal = f64Buffer(), qUpd = f64Buffer(), qBp = f64Buffer(), qBa = f64Buffer(), qAp = f64Buffer(), qAa = f64Buffer();
  let quotesRead = 0;
  let lastQuoteU = NaN;
  // depth columns
  const dTs = f64Buffer(1 << 14), dLocal = f64Buffer(1 << 14), dPrice = f64Buffer(1 << 14), dAmt = f64Buffer(1 << 14), dUpd = f64Buffer(1 << 14);
  const dSnap = i8Buffer(1 << 14), dSide = i8Buffer(1 << 14);
  let depthRead = 0;
  // depth sync state
  let synced = false; // a snapshot is in force
  let snapId = NaN; // its lastUpdateId
  let prevU = NaN; // u of the last applied diff (NaN: none applied since the snapshot)
  let pending: PendingDiff[] = [];
  let lastLocal = -Infinity;

  let linesRead = 0;
  let linesUsed = 0;
  let file = files[0];
  let lineNo = 0;

  const where = (f: string, l: number) => `${f}:${l}`;
  const fail = (msg: string, field?: string, f = file, l = lineNo): never => {
    throw new DataError(msg, { file: f, line: l, field });
  };
  /** A numeric field given as a JSON number or a decimal string. */
  const num = (obj: { [k: string]: unknown }, key: string, f = file, l = lineNo): number => {
    const v = obj[key];
    const x = typeof v === "number" ? v : typeof v === "string" && v !== "" ? Number(v) : NaN;
    if (!Number.isFinite(x)) fail(`field "${key}" is ${v === undefined ? "missing" : `not a number (${JSON.stringify(v).slice(0, 40)})`}`, key, f, l);
    return x;
  };
  const optNum = (obj: { [k: string]: unknown }, key: string): number => (obj[key] === undefined ? NaN : num(obj, key));
  const setMarket = (m: BinanceMarket) => {
    if (market === undefined) market = m;
  };

  /** Appends the levels of a `[[price, qty], …]` list. */
  const pushLevels = (list: unknown, side: number, ts: number, local: number, isSnap: number, upd: number, key: string, f: string, l: number) => {
    if (!Array.isArray(list)) return fail(`field "${key}" is not a list of [price, qty]`, key, f, l);
    for (let i = 0; i < list.length; i++) {
      const lv = list[i];
      if (!Array.isArray(lv) || lv.length < 2) return fail(`field "${key}" entry ${i} is not [price, qty]`, key, f, l);
      const p = typeof lv[0] === "string" ? Number(lv[0]) : typeof lv[0] === "number" ? lv[0] : NaN;
      const q = typeof lv[1] === "string" ? Number(lv[1]) : typeof lv[1] === "number" ? lv[1] : NaN;
      if (!(p > 0) || !Number.isFinite(p)) return fail(`field "${key}" entry ${i}: bad price ${JSON.stringify(lv[0])}`, key, f, l);
      if (!(q >= 0) || !Number.isFinite(q)) return fail(`field "${key}" entry ${i}: bad quantity ${JSON.stringify(lv[1])}`, key, f, l);
      dTs.push(ts);
      dLocal.push(local);
      dSnap.push(isSnap);
      dSide.push(side);
      dPrice.push(p);
      dAmt.push(q);
      dUpd.push(upd);
    }
  };

  const applyDiff = (d: PendingDiff) => {
    pushLevels(d.b, 1, d.ts, d.local, 0, d.u, "b", d.file, d.line);
    pushLevels(d.a, -1, d.ts, d.local, 0, d.u, "a", d.file, d.line);
    prevU = d.u;
  };

  /** Puts one diff through the sync rule (a snapshot is in force). Returns true when applied. */
  const syncDiff = (d: PendingDiff): boolean => {
    const usdm = market === "usdm";
    const at = where(d.file, d.line);
    if (Number.isNaN(prevU)) {
      if (usdm ? d.u < snapId : d.u <= snapId) {
        depthLog.add("stale-depth-diff", "dropped", `diff messages older than the snapshot (${usdm ? "u < lastUpdateId" : "u <= lastUpdateId"})`, at);
        return false;
      }
      if (usdm ? d.U <= snapId : d.U <= snapId + 1) {
        applyDiff(d);
        return true;
      }
      return gap(d, `first diff after snapshot ${snapId} starts at U = ${d.U}, expected U <= ${usdm ? snapId : snapId + 1}`, "U");
    }
    if (d.u <= prevU) {
      depthLog.add("duplicate-depth-diff", "dropped", "diff messages whose u is not above the last applied u (repeats)", at);
      return false;
    }
    if (usdm) {
      if (Number.isNaN(d.pu)) fail(`usdm depth diff has no "pu"`, "pu", d.file, d.line);
      if (d.pu === prevU) {
        applyDiff(d);
        return true;
      }
      return gap(d, `depth-gap: pu = ${d.pu} but the previous diff ended at u = ${prevU}`, "pu");
    }
    if (d.U === prevU + 1) {
      applyDiff(d);
      return true;
    }
    return gap(d, `depth-gap: U = ${d.U} but the previous diff ended at u = ${prevU} (expected U = ${prevU + 1})`, "U");
  };

  const gap = (d: PendingDiff, msg: string, field: string): boolean => {
    const at = where(d.file, d.line);
    if (onGap === "throw") {
      throw new DataError(msg, { file: d.file, line: d.line, field }, `load with { onGap: "resync" } or { onGap: "continue" } to count gaps instead`);
    }
    if (onGap === "continue") {
      depthLog.add("depth-gap", "note", "breaks in the depth update-id chain; diffs applied anyway (book may be wrong until the levels change again)", at);
      applyDiff(d);
      return true;
    }
    depthLog.add("depth-gap", "note", "breaks in the depth update-id chain; diffs dropped until the next snapshot (resync)", at);
    synced = false;
    prevU = NaN;
    pending = [];
    bufferDiff(d);
    return false;
  };

  const bufferDiff = (d: PendingDiff) => {
    if (pending.length >= MAX_PENDING) {
      const old = pending.shift()!;
      depthLog.add("depth-diff-without-snapshot", "dropped", "diff messages with no snapshot to apply them to", where(old.file, old.line));
    }
    pending.push(d);
  };

  const onSnapshot = (obj: { [k: string]: unknown }, local: number) => {
    const L = num(obj, "lastUpdateId");
    const E = optNum(obj, "E");
    const T = optNum(obj, "T");
    if (!Number.isNaN(E) || !Number.isNaN(T)) setMarket("usdm");
    else setMarket("spot");
    const ts = !Number.isNaN(T) ? T * 1000 : !Number.isNaN(E) ? E * 1000 : local;
    const before = dTs.n;
    pushLevels(obj.bids, 1, ts, local, 1, L, "bids", file, lineNo);
    pushLevels(obj.asks, -1, ts, local, 1, L, "asks", file, lineNo);
    if (dTs.n === before) depthLog.add("empty-snapshot", "note", "snapshots with no levels (the book is not reset by them on replay)", where(file, lineNo));
    synced = true;
    snapId = L;
    prevU = NaN;
    const held = pending;
    pending = [];
    for (const d of held) {
      if (!synced) {
        bufferDiff(d); // a resync inside the held diffs
        continue;
      }
      const oldLocal = d.local;
      if (d.local < local) d.local = local;
      if (syncDiff(d) && oldLocal < local) {
        depthLog.add("depth-diff-before-snapshot", "repaired", "diffs received before the snapshot, applied after it with localTimestamp raised to the snapshot's", where(d.file, d.line));
      }
    }
  };

  for (const f of files) {
    file = f;
    lineNo = 0;
    for await (const batch of readLineBatches(f)) {
      for (const line of batch) {
        lineNo++;
        linesRead++;
        if (opts.onProgress && linesRead % 100_000 === 0) opts.onProgress(linesRead, f);
        if (line.length === 0) {
          general.add("blank-line", "dropped", "empty lines", where(f, lineNo));
          continue;
        }
        const sp = line.indexOf(" ");
        if (sp < 0) fail(`expected "<local_time> <json>"`, "local_time");
        const local = localTimeToUs(line.slice(0, sp), f, lineNo);
        if (local < lastLocal) general.add("local-time-decrease", "note", "lines whose local time is below the previous line's (kept as is)", where(f, lineNo));
        lastLocal = local;
        let msg: unknown;
        try {
          msg = JSON.parse(line.slice(sp + 1));
        } catch (e) {
          fail(`malformed JSON: ${(e as Error).message}`, "json");
        }
        if (msg === null || typeof msg !== "object" || Array.isArray(msg)) {
          fail(`expected a JSON object`, "json");
        }
        const m = msg as { [k: string]: unknown };
        const stream = m.stream;
        if (typeof stream !== "string") {
          if (m.lastUpdateId !== undefined) {
            depthRead++;
            linesUsed++;
            onSnapshot(m, local);
          } else {
            general.add("unknown-message", "dropped", "JSON lines that are neither a stream message nor a depth snapshot", where(f, lineNo));
          }
          continue;
        }
        const data = m.data;
        if (data === null || typeof data !== "object" || Array.isArray(data)) fail(`stream message without a "data" object`, "data");
        const d = data as { [k: string]: unknown };
        const at = stream.indexOf("@");
        const sym = (at < 0 ? stream : stream.slice(0, at)).toLowerCase();
        const kind = at < 0 ? "" : stream.slice(at + 1);
        if (symbol === "") symbol = sym;
        else if (sym !== symbol) {
          general.add("other-symbol", "dropped", `messages of another symbol than the one loaded`, where(f, lineNo));
          continue;
        }
        if (kind === "trade") {
          tradesRead++;
          linesUsed++;
          if (d.X !== undefined) setMarket("usdm");
          const id = num(d, "t");
          const T = d.T !== undefined ? num(d, "T") : num(d, "E");
          const p = num(d, "p");
          const q = num(d, "q");
          const mk = d.m;
          if (mk !== true && mk !== false) fail(`field "m" must be true or false`, "m");
          if (!Number.isNaN(lastTradeId)) {
            if (id <= lastTradeId) {
              tradeLog.add("duplicate-trade-id", "dropped", "trades whose id is not above the previous trade's (repeat or out of order)", where(f, lineNo));
              continue;
            }
            if (id > lastTradeId + 1) {
              tradeLog.addMany("trade-id-gap", "note", "trade ids missing from the stream (count = missing ids)", id - lastTradeId - 1, [where(f, lineNo)]);
            }
          }
          lastTradeId = id;
          if (d.X !== undefined && d.X !== "MARKET") {
            // USDⓈ-M also streams liquidation (INSURANCE_FUND) and ADL fills, which are not aggressor trades;
            // their ids belong to the same sequence, so they were taken into the id checks above
            tradeLog.add("non-market-trade", "dropped", `trades with X other than "MARKET" (insurance fund, ADL)`, where(f, lineNo));
            continue;
          }
          tTs.push(T * 1000);
          tLocal.push(local);
          tPrice.push(p);
          tAmt.push(q);
          tSide.push(mk ? -1 : 1);
          tId.push(id);
        } else if (kind === "bookTicker") {
          quotesRead++;
          linesUsed++;
          const T = optNum(d, "T");
          const E = optNum(d, "E");
          if (!Number.isNaN(T) || !Number.isNaN(E)) setMarket("usdm");
          const u = num(d, "u");
          if (u < lastQuoteU) quoteLog.add("quote-update-id-decrease", "note", "bookTicker messages whose u is below the previous one's (kept)", where(f, lineNo));
          lastQuoteU = u;
          const ts = !Number.isNaN(T) ? T * 1000 : !Number.isNaN(E) ? E * 1000 : local;
          qTs.push(ts);
          qLocal.push(local);
          qUpd.push(u);
          qBp.push(num(d, "b"));
          qBa.push(num(d, "B"));
          qAp.push(num(d, "a"));
          qAa.push(num(d, "A"));
        } else if (kind.startsWith("depth") && (d.e === "depthUpdate" || d.U !== undefined)) {
          depthRead++;
          linesUsed++;
          const pu = optNum(d, "pu");
          const T = optNum(d, "T");
          if (!Number.isNaN(pu)) setMarket("usdm");
          const diff: PendingDiff = {
            U: num(d, "U"),
            u: num(d, "u"),
            pu,
            ts: (!Number.isNaN(T) ? T : num(d, "E")) * 1000,
            local,
            b: d.b,
            a: d.a,
            file: f,
            line: lineNo,
          };
          if (!synced) bufferDiff(diff);
          else syncDiff(diff);
        } else {
          general.add("unknown-stream", "dropped", `messages of streams this loader does not read (e.g. ${stream})`, where(f, lineNo));
        }
      }
    }
    if (opts.onProgress) opts.onProgress(linesRead, f);
  }
  if (pending.length > 0) {
    depthLog.addMany(
      "depth-diff-without-snapshot",
      "dropped",
      "diff messages with no snapshot to apply them to",
      pending.length,
      pending.slice(0, 5).map((d) => where(d.file, d.line)),
    );
    pending = [];
  }

  const mk = market ?? "spot";
  const SYM = symbol.toUpperCase();
  const exchange = mk === "usdm" ? "binance-futures" : "binance";
  const elapsedMs = Date.now() - t0;
  const rep = (rowsRead: number, rowsKept: number, log: IssueLog): LoadReport => ({
    files: files.slice(),
    rowsRead,
    rowsKept,
    issues: log.issues,
    symbol: SYM,
    exchange,
    elapsedMs,
  });
  const trades = new LoadedFrame<TradeColumns>(
    { timestamp: tTs.done(), localTimestamp: tLocal.done(), price: tPrice.done(), amount: tAmt.done(), side: tSide.done(), id: tId.done() },
    rep(tradesRead, tTs.n, tradeLog),
  );
  const quotes = new LoadedFrame<QuoteColumns>(
    {
      timestamp: qTs.done(),
      localTimestamp: qLocal.done(),
      updateId: qUpd.done(),
      bidPrice: qBp.done(),
      bidAmount: qBa.done(),
      askPrice: qAp.done(),
      askAmount: qAa.done(),
    },
    rep(quotesRead, qTs.n, quoteLog),
  );
  const depth = new LoadedFrame<BookChangeColumns>(
    {
      timestamp: dTs.done(),
      localTimestamp: dLocal.done(),
      isSnapshot: dSnap.done(),
      side: dSide.done(),
      price: dPrice.done(),
      amount: dAmt.done(),
      updateId: dUpd.done(),
    },
    // depth: rowsRead counts depth lines (diff messages and snapshots); rowsKept counts level rows.
    rep(depthRead, dTs.n, depthLog),
  );
  const report: LoadReport = {
    files: files.slice(),
    rowsRead: linesRead,
    rowsKept: linesUsed,
    issues: [...general.issues, ...tradeLog.issues, ...quoteLog.issues, ...depthLog.issues],
    symbol: SYM,
    exchange,
    elapsedMs,
  };
  return { trades, quotes, depth, symbol: SYM, market: mk, report };
}
