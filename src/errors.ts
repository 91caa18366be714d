/**
 * Error types. Every error makerlab throws on bad input names where it happened:
 * the file, the 1-based line and the field, whenever those are known.
 */

/** Where in an input a problem was found. */
export interface SourceLocation {
  /** Path of the file (or a label such as `<memory>`). */
  readonly file?: string;
  /** 1-based line number in that file (header = line 1). */
  readonly line?: number;
  /** Column / field name. */
  readonly field?: string;
}

/** Formats a location as `file:line [field]`, skipping what is unknown. */
export function formatLocation(loc: SourceLocation): string {
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file);
  else if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.field !== undefined) parts.push(`field "${loc.field}"`);
  return parts.join(" ");
}

/** Base class of every error makerlab throws on purpose. */
export class MakerlabError extends Error {
  readonly location: SourceLocation;
  readonly hint?: string;
  constructor(message: string, location: SourceLocation = {}, hint?: string) {
    const where = formatLocation(location);
    super((where ? `${where}: ` : "") + message + (hint ? `\n  hint: ${hint}` : ""));
    this.name = new.target.name;
    this.location = location;
    this.hint = hint;
  }
}

/** Malformed or inconsistent input data (a CSV line, a JSON message, a column). */
export class DataError extends MakerlabError {}

/** A file that does not exist or cannot be read. */
export class FileNotFoundError extends MakerlabError {}

/** Invalid arguments to an analytics function (wrong lengths, bad options). */
export class ArgumentError extends MakerlabError {}
