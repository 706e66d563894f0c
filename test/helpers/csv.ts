/** Writing fixture rows as CSV files the way users' tools export them. */
import fs from 'node:fs';
import path from 'node:path';
import { EXTRACTS } from '../../pipelines/contract/index.js';
import { columnsOf } from '../../pipelines/contract/derive.js';

export interface CsvStyle {
  delimiter?: string;
  decimal?: '.' | ',';
  bom?: boolean;
  encoding?: 'utf-8' | 'windows-1252';
  lineEnding?: '\n' | '\r\n';
}

const cell = (value: unknown, style: CsvStyle): string => {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' && style.decimal === ',' ? String(value).replace('.', ',') : String(value);
  if (text.includes(style.delimiter ?? ',') || /["\n\r]/.test(text)) text = `"${text.replaceAll('"', '""')}"`;
  return text;
};

export const toCsv = (header: string[], rows: Record<string, unknown>[], style: CsvStyle = {}): string => {
  const delimiter = style.delimiter ?? ',';
  const eol = style.lineEnding ?? '\n';
  const lines = [header.join(delimiter), ...rows.map((row) => header.map((h) => cell(row[h], style)).join(delimiter))];
  return (style.bom ? '\uFEFF' : '') + lines.join(eol) + eol;
};

/** Encodes text as Windows-1252 (the characters French exports use all exist in it). */
const windows1252 = (text: string): Buffer => {
  const special: Record<string, number> = { '€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, 'œ': 0x9c, 'Œ': 0x8c, '’': 0x92, '‘': 0x91, '“': 0x93, '”': 0x94, '–': 0x96, '—': 0x97 };
  return Buffer.from([...text].map((ch) => special[ch] ?? (ch.charCodeAt(0) <= 0xff ? ch.charCodeAt(0) : 0x3f)));
};

export const writeCsv = (file: string, header: string[], rows: Record<string, unknown>[], style: CsvStyle = {}) => {
  const text = toCsv(header, rows, style);
  fs.writeFileSync(file, style.encoding === 'windows-1252' ? windows1252(text) : text);
};

/** Writes every extract of `company` into `dir` as <extract>.csv with the contract's columns. */
export const writeCompany = (dir: string, company: Record<string, Record<string, unknown>[]>, style: CsvStyle = {}) => {
  fs.mkdirSync(dir, { recursive: true });
  for (const extract of EXTRACTS) {
    const rows = company[extract.name];
    if (!rows) continue;
    writeCsv(path.join(dir, `${extract.name}.csv`), columnsOf(extract).map((c) => c.name), rows, style);
  }
};
