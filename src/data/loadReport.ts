/**
 * What a loader did to its input: rows read, rows kept, and every repair or drop, counted by kind,
 * with the first few examples located by file and line. Nothing is dropped or repaired silently.
 */
import { Frame, type Columns } from "../frame/frame";

/** One kind of repair or drop, with a count and up to `MAX_EXAMPLES` located examples. */
export interface LoadIssue {
  /** Short machine-readable kind, e.g. "duplicate-trade-id", "stale-depth-diff". */
  kind: string;
  /** "dropped" rows are not in the frame; "repaired" rows are, changed as `message` says; "note" changes nothing. */
  action: "dropped" | "repaired" | "note";
  /** What happened, in words. */
  message: string;
  /** How many rows it affected. */
  count: number;
  /** First few locations (file:line). */
  examples: string[];
}

export const MAX_EXAMPLES = 5;

/** Summary attached to every loaded frame. */
export interface LoadReport {
  /** Source path(s). */
  files: string[];
  /** Data rows read from the source (header excluded). */
  rowsRead: number;
  /** Rows in the returned frame. */
  rowsKept: number;
  issues: LoadIssue[];
  /** Symbol / exchange where the source names them. */
  symbol?: string;
  exchange?: string;
  /** Loader wall time, ms. */
  elapsedMs?: number;
}

/** Accumulates issues while a loader runs. */
export class IssueLog {
  private readonly byKind = new Map<string, LoadIssue>();
  /** Records one affected row. */
  add(kind: string, action: LoadIssue["action"], message: string, where?: string): void {
    let it = this.byKind.get(kind);
    if (!it) {
      it = { kind, action, message, count: 0, examples: [] };
      this.byKind.set(kind, it);
    }
    it.count++;
    if (where !== undefined && it.examples.length < MAX_EXAMPLES) it.examples.push(where);
  }
  /** Records `count` affected rows at once. */
  addMany(kind: string, action: LoadIssue["action"], message: string, count: number, examples: string[] = []): void {
    if (count <= 0) return;
    let it = this.byKind.get(kind);
    if (!it) {
      it = { kind, action, message, count: 0, examples: [] };
      this.byKind.set(kind, it);
    }
    it.count += count;
    for (const e of examples) if (it.examples.length < MAX_EXAMPLES) it.examples.push(e);
  }
  get issues(): LoadIssue[] {
    return [...this.byKind.values()];
  }
  get dropped(): number {
    let n = 0;
    for (const it of this.byKind.values()) if (it.action === "dropped") n += it.count;
    return n;
  }
}

/** A Frame returned by a loader, carrying its LoadReport. */
export class LoadedFrame<C extends Columns = Columns> extends Frame<C> {
  readonly report: LoadReport;
  constructor(columns: C, report: LoadReport) {
    super(columns);
    this.report = report;
  }
}

/** One line per issue, e.g. `dropped 2 rows: stale-depth-diff (diff older than snapshot) e.g. f.gz:12`. */
export function formatReport(r: LoadReport): string {
  const head = `${r.files.join(", ")}: ${r.rowsKept} of ${r.rowsRead} rows kept`;
  const lines = r.issues.map(
    (i) => `  ${i.action} ${i.count} row${i.count === 1 ? "" : "s"}: ${i.kind} (${i.message})${i.examples.length ? " e.g. " + i.examples.join(", ") : ""}`,
  );
  return [head, ...lines].join("\n");
}
