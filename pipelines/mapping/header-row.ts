/**
 * Where a report's header row is. Reports downloaded from CRM and ad tools open with a preamble —
 * a title, the date range, the filters, blank lines (padded with delimiters once Excel saved
 * them: "Campaign report;;;;;;;") — before the header row. The header is the first line as wide
 * as the table below it with every cell named; the lines above are the preamble. Pure functions
 * over the file's first lines (decoding them is the caller's job).
 */
import { splitHeader } from '../load/csv-input.js';
import { readHead, utf16Of } from '../text/encoding.js';

const DELIMITERS = [',', ';', '\t', '|'];

/** The most frequent of the values (the largest on a tie). */
const mode = (values: number[]) => {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? 0;
};

export interface HeaderRow {
  /** Physical lines above the header (blank ones included): a source's `skipLines:`. */
  skipLines: number;
  delimiter: string;
  header: string[];
}

/**
 * The header row among `lines` (the file's first lines, the last one possibly cut): for the
 * delimiter giving the widest usual row, the first line of that width whose cells all hold a
 * name. Undefined when no line is one (a file of one column, an empty file).
 */
export const findHeaderRow = (lines: readonly string[]): HeaderRow | undefined => {
  const filled = lines.map((l, i) => ({ l, i })).filter(({ l }) => l.trim() !== '');
  let best: { delimiter: string; width: number } | undefined;
  for (const delimiter of DELIMITERS) {
    const widths = filled.map(({ l }) => splitHeader(l, delimiter).length).filter((w) => w > 1);
    const width = mode(widths);
    if (width > 1 && (!best || width > best.width)) best = { delimiter, width };
  }
  if (!best) return undefined;
  for (const { l, i } of filled) {
    const cells = splitHeader(l, best.delimiter).map((c) => c.trim());
    if (cells.length >= best.width && cells.every((c) => c !== '')) return { skipLines: i, delimiter: best.delimiter, header: cells };
  }
  return undefined;
};

/** The header row of a CSV file from its first 64 KiB (UTF-16 recognised, else UTF-8, else Windows-1252). */
export const findFileHeaderRow = (file: string): HeaderRow | undefined => {
  const bytes = readHead(file, 64 * 1024);
  const label = utf16Of(bytes) ?? 'utf-8';
  let text = new TextDecoder(label).decode(bytes);
  if (label === 'utf-8' && text.includes('\uFFFD')) text = new TextDecoder('windows-1252').decode(bytes);
  const lines = text.replace(/^\uFEFF/, '').replace(/\0/g, '').split(/\r?\n/);
  // The last line may be cut by the 64 KiB: it only counts when the file is no longer.
  return findHeaderRow(bytes.length === 64 * 1024 ? lines.slice(0, -1) : lines);
};
