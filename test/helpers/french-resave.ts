/**
 * A vendor export as a French analyst hands it over after opening it in Excel and saving it again
 * ("CSV (séparateur : point-virgule)"), derived from the bundled vendor fixtures rather than written
 * by hand, so every value keeps its meaning and only its writing changes:
 * - `;` between fields, CRLF line ends, the text in Windows-1252 (or UTF-8 / ISO-8859-1 on request);
 * - dates Excel recognises (ISO `2024-02-15`, `2024-02-15 10:00`, US `2/15/2024`,
 *   `11/2/2023, 9:00 AM`) written day first, times cut to minutes: `15/02/2024 10:00`; the
 *   ISO-with-Z datetimes of Salesforce's Data Export are not dates to Excel and stay as text;
 * - numbers with a decimal part written with a decimal comma, and money columns (by header) grouped
 *   by thousands with a space, a no-break space or (UTF-8 only: Windows-1252 has none) a narrow
 *   no-break space, in turn: `48 000,00`, `120 000 000`; other whole numbers (ids, counts) as they are.
 * A value no rule recognises (text, an odd date in another locale) is written unchanged.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Parses CSV text (RFC 4180: quotes, doubled quotes, line breaks inside quotes). */
export const parseCsv = (text: string, delimiter = ','): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) { row.push(cell); cell = ''; } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
};

const MONEY_HEADER = /amount|revenue|cost|price|total|subtotal|tax|value|montant|chiffre|coût/i;
const pad = (n: number | string) => String(n).padStart(2, '0');

/** The date or date-time Excel reads in a cell, written day first (undefined when it reads none). */
const frenchDate = (cell: string): string | undefined => {
  let m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::\d{2})?)?$/.exec(cell);
  if (m) return `${m[3]}/${m[2]}/${m[1]}${m[4] ? ` ${m[4]}:${m[5]}` : ''}`;
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:, (\d{1,2}):(\d{2}) (AM|PM))?$/.exec(cell);
  if (m && Number(m[1]) <= 12 && Number(m[2]) <= 31) {
    const hour = m[4] === undefined ? undefined : (Number(m[4]) % 12) + (m[6] === 'PM' ? 12 : 0);
    return `${pad(m[2]!)}/${pad(m[1]!)}/${m[3]}${hour === undefined ? '' : ` ${pad(hour)}:${m[5]}`}`;
  }
  return undefined;
};

/** A number written the French way (undefined when the cell is no number to rewrite). */
const frenchNumber = (cell: string, money: boolean, separator: string): string | undefined => {
  const m = /^(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(cell);
  if (!m || (m[3] === undefined && !money)) return undefined;
  const digits = m[2]!.replaceAll(',', '');
  const grouped = money ? digits.replace(/\B(?=(\d{3})+$)/g, separator) : digits;
  return `${m[1]}${grouped}${m[3] !== undefined ? `,${m[3]}` : ''}`;
};

export type Encoding = 'windows-1252' | 'utf-8' | 'iso-8859-1';

const CP1252_EXTRA: Record<string, number> = {
  '€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88, '‰': 0x89, 'Š': 0x8a, '‹': 0x8b, 'Œ': 0x8c,
  'Ž': 0x8e, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9a, '›': 0x9b,
  'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
};

/** Text as bytes in a single-byte encoding; a character it lacks becomes "?", as Excel writes it. */
export const encodeText = (text: string, encoding: Encoding): Buffer => {
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8');
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (encoding === 'windows-1252' && CP1252_EXTRA[ch] !== undefined) bytes.push(CP1252_EXTRA[ch]!);
    else if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) bytes.push(code);
    else bytes.push(0x3f);
  }
  return Buffer.from(bytes);
};

const quote = (cell: string, delimiter: string) => (/["\r\n]/.test(cell) || cell.includes(delimiter) ? `"${cell.replaceAll('"', '""')}"` : cell);

export interface ResaveOptions {
  encoding?: Encoding;
  /** Lines above the header (report titles) copied as they are, Excel-padded with delimiters. */
  skipLines?: number;
}

/** One CSV file's text re-saved the French way (the text, before encoding). */
export const frenchResaveText = (text: string, { encoding = 'windows-1252', skipLines = 0 }: ResaveOptions = {}): string => {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  const header = rows[skipLines] ?? [];
  const separators = encoding === 'utf-8' ? [' ', '\u00a0', '\u202f'] : [' ', '\u00a0'];
  const out = rows.map((row, r) => {
    // Excel pads the title lines above the header to the header's width.
    if (r < skipLines) return [...row, ...Array(Math.max(0, header.length - row.length)).fill('')].map((c) => quote(c, ';')).join(';');
    if (r === skipLines) return row.map((c) => quote(c, ';')).join(';');
    return row.map((cell, c) => {
      const money = MONEY_HEADER.test(header[c] ?? '');
      const value = frenchDate(cell) ?? frenchNumber(cell, money, separators[r % separators.length]!) ?? cell;
      return quote(value, ';');
    }).join(';');
  });
  return `${out.join('\r\n')}\r\n`;
};

/** Copies a fixture folder into `target`, every CSV file re-saved the French way. */
export const frenchResaveFolder = (source: string, target: string, options: ResaveOptions & { skipLinesOf?: (file: string) => number } = {}) => {
  fs.mkdirSync(target, { recursive: true });
  for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    if (entry.isDirectory()) frenchResaveFolder(from, to, options);
    else if (/\.csv$/i.test(entry.name)) {
      const encoding = options.encoding ?? 'windows-1252';
      fs.writeFileSync(to, encodeText(frenchResaveText(fs.readFileSync(from, 'utf8'), { encoding, skipLines: options.skipLinesOf?.(entry.name) ?? options.skipLines ?? 0 }), encoding));
    } else fs.copyFileSync(from, to);
  }
};
