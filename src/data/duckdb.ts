/**
 * DuckDB access: one lazily created in-memory DuckDB instance (`@duckdb/node-api`), SQL results as
 * Frames, typed bulk CSV reads for the loaders, and Parquet read / write.
 *
 * Result columns become Frame columns by DuckDB type:
 * - DOUBLE, FLOAT, BIGINT, HUGEINT, DECIMAL, UBIGINT, UINTEGER, SMALLINT, USMALLINT, UTINYINT → Float64Array
 *   (NULL → NaN; integers beyond 2^53 lose exactness, as any float64 does);
 * - TIMESTAMP (and _S/_MS/_NS/_TZ) and DATE → Float64Array of epoch **microseconds** UTC (NULL → NaN;
 *   nanoseconds are truncated to µs by DuckDB's `epoch_us`);
 * - INTEGER → Int32Array, TINYINT and BOOLEAN → Int8Array (true 1, false 0); a column of these kinds that
 *   holds a NULL comes back as a Float64Array with NaN instead, so no NULL is silently turned into 0;
 * - VARCHAR → string[] (NULL → ""); any other type is cast to VARCHAR.
 * The conversion is done by DuckDB itself (the query is wrapped in a SELECT that casts each column),
 * so no JS object is created per value except for strings.
 */
import {
  DuckDBInstance,
  DuckDBDataChunk,
  DuckDBTypeId,
  type DuckDBConnection,
  type DuckDBMaterializedResult,
  type DuckDBValue,
  type DuckDBVector,
} from "@duckdb/node-api";
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { Frame, type Column, type Columns } from "../frame/frame";
import type { IssueLog } from "./loadReport";
import { ArgumentError, DataError, FileNotFoundError, MakerlabError } from "../errors";
import {
  assertReadableFile,
  checkHeader,
  diagnoseCsv,
  headLines,
  isGzipFile,
  rowToLineMapper,
  scanLines,
  splitFields,
  type FieldKind,
  type FieldSpec,
  type LineScan,
} from "./csv";

let instancePromise: Promise<DuckDBInstance> | null = null;

/** The shared in-memory DuckDB instance, created on first use. */
export function getDuckDB(): Promise<DuckDBInstance> {
  if (!instancePromise) {
    instancePromise = DuckDBInstance.create(":memory:").catch((e) => {
      instancePromise = null;
      throw e;
    });
  }
  return instancePromise;
}

/** Runs `fn` with a fresh connection to the shared instance and closes the connection afterwards. */
export async function withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const inst = await getDuckDB();
  const conn = await inst.connect();
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
  }
}

/** Closes the shared instance (a later call creates a new one). Call at the end of a script so Node can exit promptly. */
export async function closeDuckDB(): Promise<void> {
  const p = instancePromise;
  instancePromise = null;
  if (p) {
    try {
      (await p).closeSync();
    } catch {
      /* already closed or never opened */
    }
  }
}

/** A SQL string literal: `s` in single quotes, inner quotes doubled. */
export function sqlString(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}

/** A SQL identifier: `s` in double quotes, inner quotes doubled. */
export function sqlIdent(s: string): string {
  return '"' + s.replace(/"/g, '""') + '"';
}

/** SQL parameters: positional (`?`, `$1`) or named (`$name`). */
export type SqlParams = DuckDBValue[] | Record<string, DuckDBValue>;

const FLOAT_TYPES = new Set<number>([
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.DECIMAL,
]);
const TIME_TYPES = new Set<number>([
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
  DuckDBTypeId.TIMESTAMP_TZ,
  DuckDBTypeId.DATE,
]);

/** The SQL expression that converts positional column `#k` (1-based) of type `t` into one of our four result kinds. */
function castExpr(k: number, t: number): string {
  const c = `#${k}`;
  if (t === DuckDBTypeId.DOUBLE) return `coalesce(${c}, 'NaN'::DOUBLE)`;
  if (FLOAT_TYPES.has(t)) return `coalesce(${c}::DOUBLE, 'NaN'::DOUBLE)`;
  if (t === DuckDBTypeId.DATE) return `coalesce(epoch_us(${c}::TIMESTAMP)::DOUBLE, 'NaN'::DOUBLE)`;
  if (TIME_TYPES.has(t)) return `coalesce(epoch_us(${c})::DOUBLE, 'NaN'::DOUBLE)`;
  if (t === DuckDBTypeId.INTEGER || t === DuckDBTypeId.TINYINT) return c;
  if (t === DuckDBTypeId.BOOLEAN) return `${c}::TINYINT`;
  if (t === DuckDBTypeId.VARCHAR) return `coalesce(${c}, '')`;
  return `coalesce(${c}::VARCHAR, '')`;
}

/** Converts a value read by the generic (unwrapped) path to a number. */
function toNumber(v: DuckDBValue): number {
  if (v === null) return NaN;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  const o = v as unknown as { micros?: bigint; days?: number; millis?: bigint; seconds?: bigint; nanos?: bigint };
  if (typeof o.micros === "bigint") return Number(o.micros);
  if (typeof o.millis === "bigint") return Number(o.millis) * 1000;
  if (typeof o.seconds === "bigint") return Number(o.seconds) * 1e6;
  if (typeof o.nanos === "bigint") return Number(o.nanos / BigInt(1000));
  if (typeof o.days === "number") return o.days * 86400e6;
  return Number(String(v));
}

type Kind = "f64" | "i32" | "i8" | "str";

function kindOf(t: number): Kind {
  if (t === DuckDBTypeId.INTEGER) return "i32";
  if (t === DuckDBTypeId.TINYINT || t === DuckDBTypeId.BOOLEAN) return "i8";
  if (FLOAT_TYPES.has(t) || TIME_TYPES.has(t)) return "f64";
  return "str";
}

/** The shape of `@duckdb/node-api` 1.5.5 vectors that the fast copy relies on (private fields; checked at run time). */
interface VectorInternals {
  items?: unknown;
  validity?: { data?: BigUint64Array | null; offset?: number };
}

/**
 * The vector's backing typed array when every one of its `m` values is valid (no NULL), else null.
 * Reads private fields of the pinned @duckdb/node-api version; any other shape falls back to null,
 * so the caller takes the public (per-value `getItem`) path.
 */
function validItems(vec: DuckDBVector, m: number): ArrayBufferView | null {
  const v = vec as unknown as VectorInternals;
  const items = v.items;
  if (!ArrayBuffer.isView(items) || (items as unknown as { length: number }).length !== m) return null;
  const val = v.validity;
  if (!val || typeof val !== "object" || !("data" in val)) return null;
  const d = val.data;
  if (d === null) return items;
  if (!(d instanceof BigUint64Array) || (val.offset ?? 0) !== 0) return null;
  const words = new Uint32Array(d.buffer, d.byteOffset, d.length * 2);
  const full = m >>> 5;
  for (let w = 0; w < full; w++) if (words[w] !== 0xffffffff) return null;
  const rest = m & 31;
  if (rest && (words[full] & ((1 << rest) - 1)) >>> 0 !== ((1 << rest) - 1) >>> 0) return null;
  return items;
}

/**
 * Copies a materialized result into Frame columns, chunk by chunk (DuckDB chunks hold 2048 rows).
 * Int8/Int32 columns that meet a NULL are widened to Float64Array with NaN.
 */
export function resultToFrame(r: DuckDBMaterializedResult): Frame<Columns> {
  const n = r.rowCount;
  const nc = r.columnCount;
  const names = r.deduplicatedColumnNames();
  const kinds: Kind[] = [];
  const cols: Column[] = [];
  for (let c = 0; c < nc; c++) {
    const k = kindOf(r.columnTypeId(c));
    kinds.push(k);
    cols.push(k === "f64" ? new Float64Array(n) : k === "i32" ? new Int32Array(n) : k === "i8" ? new Int8Array(n) : new Array<string>(n));
  }
  let off = 0;
  const chunks = r.chunkCount;
  for (let ci = 0; ci < chunks; ci++) {
    const chunk = r.getChunk(ci);
    const m = chunk.rowCount;
    for (let c = 0; c < nc; c++) {
      const vec = chunk.getColumnVector(c) as DuckDBVector;
      const k = kinds[c];
      if (k === "str") {
        const o = cols[c] as string[];
        for (let i = 0; i < m; i++) {
          const v = vec.getItem(i);
          o[off + i] = v === null ? "" : typeof v === "string" ? v : String(v);
        }
      } else if (k === "f64") {
        const o = cols[c] as Float64Array;
        const fast = validItems(vec, m);
        if (fast instanceof Float64Array) {
          o.set(fast, off);
          continue;
        }
        for (let i = 0; i < m; i++) {
          const v = vec.getItem(i);
          o[off + i] = typeof v === "number" ? v : toNumber(v);
        }
      } else {
        let o = cols[c] as Float64Array | Int32Array | Int8Array;
        const fast = validItems(vec, m);
        if (fast !== null && fast.constructor === o.constructor) {
          o.set(fast as Int8Array, off);
          continue;
        }
        for (let i = 0; i < m; i++) {
          const v = vec.getItem(i);
          if (v === null && !(o instanceof Float64Array)) {
            const w = new Float64Array(n);
            w.set(o.subarray(0, off + i));
            cols[c] = o = w;
            kinds[c] = "f64";
          }
          o[off + i] = typeof v === "number" ? v : toNumber(v);
        }
      }
    }
    off += m;
  }
  const out: Columns = {};
  for (let c = 0; c < nc; c++) out[names[c]] = cols[c];
  return new Frame(out);
}

/**
 * Runs one SQL statement on the shared in-memory DuckDB and returns its result as a Frame
 * (types converted as described at the top of this file). `params` bind `?`/`$1`/`$name` placeholders.
 * A statement that returns no rows (CREATE, COPY…) gives DuckDB's own result (e.g. a `Count` column).
 * DuckDB errors are raised as DataError carrying DuckDB's message.
 */
export async function sql(query: string, params?: SqlParams): Promise<Frame<Columns>> {
  return withConnection((conn) => sqlOn(conn, query, params));
}

async function sqlOn(conn: DuckDBConnection, query: string, params?: SqlParams): Promise<Frame<Columns>> {
  let wrapped: string | null = null;
  try {
    const p = await conn.prepare(query);
    try {
      const nc = p.columnCount;
      const exprs: string[] = [];
      let ok = p.statementType === 1 && nc > 0; // SELECT
      for (let c = 0; ok && c < nc; c++) {
        const t = p.columnTypeId(c);
        if (t === DuckDBTypeId.INVALID || t === DuckDBTypeId.ANY || t === DuckDBTypeId.SQLNULL) ok = false;
        else exprs.push(`${castExpr(c + 1, t)} AS ${sqlIdent(p.columnName(c))}`);
      }
      if (ok) wrapped = `SELECT ${exprs.join(", ")} FROM (${stripSemicolon(query)}) AS __makerlab_q`;
    } finally {
      p.destroySync();
    }
  } catch {
    wrapped = null; // fall through: run as is, and let DuckDB report the error
  }
  try {
    if (wrapped !== null) {
      try {
        return resultToFrame(await conn.run(wrapped, params));
      } catch {
        /* the wrapper failed where the query alone may not: run it as is */
      }
    }
    return resultToFrame(await conn.run(query, params));
  } catch (e) {
    throw duckError(e);
  }
}

function stripSemicolon(q: string): string {
  return q.replace(/;\s*$/, "");
}

/** A DuckDB error as a MakerlabError (DataError, or FileNotFoundError for a missing file), keeping DuckDB's message. */
export function duckError(e: unknown, file?: string): MakerlabError {
  if (e instanceof MakerlabError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const m = /No files found that match the pattern "([^"]*)"/.exec(msg);
  if (m) return new FileNotFoundError("file not found", { file: file ?? m[1] });
  const first = msg.split("\n")[0];
  const lineM = /CSV Error on Line: (\d+)/.exec(msg);
  const orig = /Original Line: (.*)/.exec(msg);
  return new DataError(
    `DuckDB: ${first}${orig ? ` (line: ${orig[1].slice(0, 120)})` : ""}`,
    { file, line: lineM ? Number(lineM[1]) : undefined },
  );
}

/** The read_csv buffer size used by `readCsvColumns`, bytes (see the note there). */
export const CSV_BUFFER_SIZE = 2_097_152;

/** Options of `readCsvColumns`. */
export interface CsvColumnsOptions {
  /** The first line names the columns (default true). Their order may differ from `columnTypes`. */
  header?: boolean;
  /** Field delimiter (default ","). */
  delimiter?: string;
  /**
   * SQL select list over the typed columns (named as in `columnTypes`), e.g.
   * `CASE side WHEN 'buy' THEN 1 ELSE 0 END::TINYINT AS side`. Default: every column as is.
   */
  select?: readonly string[];
  /** Columns that may be empty (read as NULL); the diagnostic pass reports an empty required field. */
  optional?: readonly string[];
  /** Stricter kinds for the diagnostic pass than the SQL type says, e.g. `{ side: { oneOf: ["buy", "sell"] } }`. */
  kinds?: Record<string, FieldKind>;
  /** What the file is, for messages ("Tardis trades"). */
  what?: string;
  /**
   * Also read the file ourselves, beside DuckDB, to check a gzip stream is complete and no line went
   * missing (DuckDB skips empty lines and reads a gzip cut at a line end silently). Default true.
   */
  verify?: boolean;
  /** The file's first two lines when the caller has already read them (saves a re-read). */
  head?: string[];
}

/** What `readCsvColumns` returns: the frame and what is needed to point back into the file. */
export interface CsvTable {
  frame: Frame<Columns>;
  /** Header fields as found (null without a header). */
  header: string[] | null;
  /** The first data record, split (null for a file with no data rows), e.g. to read a symbol column. */
  firstRecord: string[] | null;
  /** 1-based file line of 0-based frame row `row` (header = line 1). */
  lineOf: (row: number) => number;
  /** The line scan (null when `verify` is false). */
  scan: LineScan | null;
}

/**
 * Bulk-reads a CSV or CSV.gz file with DuckDB's `read_csv`, with the column types given (no type
 * auto-detection, so a wrong layout fails instead of being guessed), returning the `select` list as a
 * Frame. Before parsing, the header is checked against `columnTypes` (DataError listing expected vs
 * found). If DuckDB rejects the file, it is re-read with csv.ts to raise a DataError naming the file,
 * line, field, what was expected and a hint. With `verify` (default) a byte-level pass runs
 * concurrently to detect a truncated gzip (DataError "gzip stream ends early (truncated file?)") and
 * to map rows to lines across empty lines.
 * @param columnTypes column name → DuckDB type (DOUBLE, BIGINT, VARCHAR, TIMESTAMP, BOOLEAN…)
 */
export async function readCsvColumns(path: string, columnTypes: Record<string, string>, opts: CsvColumnsOptions = {}): Promise<CsvTable> {
  const header = opts.header ?? true;
  const delimiter = opts.delimiter ?? ",";
  const verify = opts.verify ?? true;
  const what = opts.what ?? "this file";
  assertReadableFile(path);
  const expected = Object.keys(columnTypes);
  if (expected.length === 0) throw new ArgumentError("readCsvColumns: no columns given");
  const head = opts.head ?? (await headLines(path, 2));
  if (head.length === 0 || (head.length === 1 && head[0] === "")) {
    throw new DataError("file is empty", { file: path, line: 1 }, header ? `expected a header line: ${expected.join(delimiter)}` : undefined);
  }
  let order = expected;
  let found: string[] | null = null;
  if (header) {
    found = splitFields(head[0], delimiter, { file: path, line: 1 }).map((s) => s.trim());
    checkHeader(path, found, expected, what);
    order = found;
  } else {
    const first = splitFields(head[0], delimiter, { file: path, line: 1, names: expected });
    if (first.length !== expected.length) {
      throw new DataError(
        `expected ${expected.length} fields (${expected.join(delimiter)}), found ${first.length}`,
        { file: path, line: 1 },
        `is this the right loader for ${what}?`,
      );
    }
  }
  const dataHead = header ? head[1] : head[0];
  let firstRecord: string[] | null = null;
  if (dataHead !== undefined && dataHead !== "") {
    try {
      firstRecord = splitFields(dataHead, delimiter, { file: path, line: header ? 2 : 1 });
    } catch {
      firstRecord = null; // a quoted field running onto the next line: left to DuckDB and the checks below
    }
  }

  const colSpec = order.map((c) => `${sqlString(c)}: ${sqlString(columnTypes[c])}`).join(", ");
  const selectList = opts.select && opts.select.length ? opts.select.join(",\n  ") : order.map((c) => defaultSelect(c, columnTypes[c])).join(", ");
  // buffer_size 2 MiB instead of DuckDB's larger default, for speed only: measured about a third faster on a
  // 10M-row trades .csv.gz (2 cores; smaller buffers seem to let gzip decompression and parsing overlap), and no
  // slower on the same file uncompressed (DuckDB 1.5.5). It is above DuckDB's max_line_size (2,000,000 bytes), so the longest
  // line accepted is unchanged (checked: a 1.99 MB line still reads, a 2.1 MB line is still an error).
  const query =
    `SELECT ${selectList}\nFROM read_csv(${sqlString(path)}, header=${header}, auto_detect=false, delim=${sqlString(delimiter)}, ` +
    `quote='"', escape='"', compression=${sqlString(isGzipFile(path) ? "gzip" : "none")}, buffer_size=${CSV_BUFFER_SIZE}, columns={${colSpec}})`;

  const [q, s] = await Promise.allSettled([
    withConnection(async (conn) => resultToFrame(await conn.run(query))),
    verify ? scanLines(path) : Promise.resolve(null),
  ]);
  if (s.status === "rejected") throw s.reason; // truncated / corrupt gzip: the more basic fault
  if (q.status === "rejected") {
    const fields: FieldSpec[] = order.map((name) => ({
      name,
      kind: opts.kinds?.[name] ?? sqlTypeKind(columnTypes[name]),
      optional: opts.optional?.includes(name) ?? false,
    }));
    const diag = await diagnoseCsv(path, fields, { header, delimiter });
    if (diag) throw diag;
    throw duckError(q.reason, path);
  }
  const frame = q.value;
  const scan = s.value;
  const firstDataLine = header ? 2 : 1;
  if (scan) {
    let blanks = 0;
    for (const b of scan.blankLines) if (b >= firstDataLine) blanks++;
    const dataLines = scan.lines - (firstDataLine - 1) - blanks;
    if (dataLines !== frame.length) {
      throw new DataError(
        `DuckDB read ${frame.length} rows but the file has ${dataLines} non-empty data lines`,
        { file: path },
        "a quoted field spanning lines, or a stray quote character? The loaders expect one record per line",
      );
    }
  }
  return { frame, header: found, firstRecord, lineOf: rowToLineMapper(firstDataLine, scan ? scan.blankLines : []), scan };
}

/** Default select expression of a CSV column: numbers and times as DOUBLE (times in epoch µs), NULL → NaN / "". */
function defaultSelect(name: string, type: string): string {
  const id = sqlIdent(name);
  const k = sqlTypeKind(type);
  if (k === "DOUBLE" || k === "BIGINT") return `coalesce(${id}::DOUBLE, 'NaN'::DOUBLE) AS ${id}`;
  if (k === "TIMESTAMP") return `coalesce(epoch_us(${id}::TIMESTAMP)::DOUBLE, 'NaN'::DOUBLE) AS ${id}`;
  if (k === "BOOLEAN") return `${id}::TINYINT AS ${id}`;
  return `coalesce(${id}::VARCHAR, '') AS ${id}`;
}

/** Adds the note "empty-line" (empty lines after the header, skipped; they hold no row) to `log`. */
export function noteEmptyLines(log: IssueLog, path: string, t: CsvTable): void {
  if (!t.scan) return;
  const first = t.header ? 2 : 1;
  const lines = t.scan.blankLines.filter((b) => b >= first);
  // A single empty line at the very end is the usual trailing newline of some writers: not worth a note.
  if (lines.length === 1 && lines[0] === t.scan.lines) return;
  log.addMany("empty-line", "note", "empty lines skipped (they hold no row)", lines.length, lines.slice(0, 5).map((b) => `${path}:${b}`));
}

function sqlTypeKind(t: string): FieldKind {
  const u = t.toUpperCase();
  if (u === "DOUBLE" || u === "FLOAT" || u.startsWith("DECIMAL")) return "DOUBLE";
  if (u === "BIGINT" || u === "INTEGER" || u === "SMALLINT" || u === "TINYINT" || u === "UBIGINT") return "BIGINT";
  if (u.startsWith("TIMESTAMP") || u === "DATE") return "TIMESTAMP";
  if (u === "BOOLEAN") return "BOOLEAN";
  return "VARCHAR";
}

/**
 * Reads a Parquet file into a Frame (types converted as for `sql`). Missing file → FileNotFoundError.
 */
export async function loadParquet(path: string): Promise<Frame<Columns>> {
  assertReadableFile(path);
  try {
    return await sql(`SELECT * FROM read_parquet(${sqlString(path)})`);
  } catch (e) {
    throw duckError(e, path);
  }
}

let tableCounter = 0;

/**
 * Writes a Frame to a Parquet file (zstd-compressed), column kinds kept: Float64Array → DOUBLE,
 * Int32Array → INTEGER, Int8Array → TINYINT, string[] → VARCHAR. NaN is stored as a DOUBLE NaN (not NULL),
 * so `loadParquet(writeParquet(f))` gives back the same columns, values and kinds, bit for bit.
 * The parent folder is created if needed.
 */
export async function writeParquet(frame: Frame<Columns>, path: string): Promise<void> {
  const names = frame.names;
  if (names.length === 0) throw new ArgumentError("writeParquet: the frame has no columns");
  fs.mkdirSync(nodePath.dirname(nodePath.resolve(path)), { recursive: true });
  const table = `__makerlab_write_${process.pid}_${++tableCounter}`;
  const typeName = (c: Column): string =>
    c instanceof Float64Array ? "DOUBLE" : c instanceof Int32Array ? "INTEGER" : c instanceof Int8Array ? "TINYINT" : "VARCHAR";
  await withConnection(async (conn) => {
    try {
      await conn.run(`CREATE TABLE ${sqlIdent(table)} (${names.map((n) => `${sqlIdent(n)} ${typeName(frame.columns[n])}`).join(", ")})`);
      const app = await conn.createAppender(table);
      try {
        const types = names.map((_, i) => app.columnType(i));
        const n = frame.length;
        const CH = 2048;
        for (let start = 0; start < n; start += CH) {
          const m = Math.min(CH, n - start);
          const chunk = DuckDBDataChunk.create(types, m);
          for (let c = 0; c < names.length; c++) {
            const col = frame.columns[names[c]];
            const vec = chunk.getColumnVector(c) as DuckDBVector;
            for (let i = 0; i < m; i++) vec.setItem(i, col[start + i]);
            vec.flush();
          }
          app.appendDataChunk(chunk);
        }
        app.flushSync();
      } finally {
        app.closeSync();
      }
      await conn.run(`COPY ${sqlIdent(table)} TO ${sqlString(path)} (FORMAT parquet, COMPRESSION zstd)`);
    } catch (e) {
      throw duckError(e, path);
    } finally {
      await conn.run(`DROP TABLE IF EXISTS ${sqlIdent(table)}`).catch(() => undefined);
    }
  });
}
