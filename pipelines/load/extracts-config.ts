/**
 * How to read a folder of extracts: CSV dialect (delimiter, decimal mark, encoding, date formats),
 * file names that differ from the contract's, and extracts the company does not have.
 * Lives in `extracts.yaml` inside the extracts folder; every key is optional.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EXTRACTS } from '../contract/index.js';
import { ConfigError, parseYamlFile, problemAt, validateYaml } from '../config-files.js';

const extractNames = EXTRACTS.map((e) => e.name) as [string, ...string[]];

/**
 * A strptime format DuckDB can use: every `%` followed by one of its specifiers, and a day, a month
 * and a year (a bad format would otherwise be blamed on the data file).
 */
const STRPTIME_SPECIFIERS = /%(-?[dmHIMSjy]|[aAwbBYpfgnzZUWcxX%])/g;
const formatString = (kind: 'date' | 'timestamp') => z.string().superRefine((format, ctx) => {
  const rest = format.replace(STRPTIME_SPECIFIERS, '');
  if (rest.includes('%')) {
    ctx.addIssue({ code: 'custom', message: `"${format}" is not a ${kind} format: % must be followed by a strptime specifier (%d day, %m month, %Y year, %H:%M:%S time…), e.g. "${kind === 'date' ? '%d/%m/%Y' : '%d/%m/%Y %H:%M'}"` });
  } else if (!/%-?d|%j/.test(format) || !/%-?m|%[bB]|%j/.test(format) || !/%[Yy]/.test(format)) {
    ctx.addIssue({ code: 'custom', message: `"${format}" is not a ${kind} format: it needs a day (%d), a month (%m) and a year (%Y), e.g. "${kind === 'date' ? '%d/%m/%Y' : '%d/%m/%Y %H:%M'}"` });
  }
});

export const csvDialectSchema = z.object({
  delimiter: z.enum(['auto', ',', ';', '\t', '|']).default('auto')
    .describe('Field separator; auto lets DuckDB sniff it'),
  decimal: z.enum(['auto', '.', ',']).default('auto')
    .describe('Decimal mark of numbers; auto picks "," when numeric columns use it'),
  encoding: z.enum(['auto', 'utf-8', 'windows-1252', 'utf-16']).default('auto')
    .describe('Text encoding; auto decides per file: UTF-16 with a BOM, else UTF-8 unless invalid bytes outnumber UTF-8 characters, else Windows-1252'),
  dateFormats: z.array(formatString('date')).default(['%d/%m/%Y'])
    .describe('strptime formats tried after ISO 8601 (YYYY-MM-DD) for dates'),
  timestampFormats: z.array(formatString('timestamp')).default(['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y'])
    .describe('strptime formats tried after ISO 8601 for timestamps'),
  padShortRecords: z.boolean().default(false)
    .describe('A record with fewer fields than the header is rejected as malformed (a value left out shifts the next ones into the wrong columns); true reads its missing fields as the last ones, loaded as unknown and flagged'),
});

export type CsvDialect = z.infer<typeof csvDialectSchema>;

const fileSchema = csvDialectSchema.partial().extend({
  path: z.string().min(1).optional().describe('File (relative to the folder) or glob; default <extract>.csv|.parquet'),
});

const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code in capitals, like EUR or USD');
const positiveRate = z.number().positive('a rate must be above 0');

export const currencySchema = z.strictObject({
  reporting: currencyCode.default('EUR')
    .describe('The company\'s reporting currency: what an empty or absent currency means, and what every figure is shown in'),
  rates: z.record(currencyCode, z.union([
    positiveRate,
    z.record(z.string().regex(/^\d{4}-\d{2}$/, 'a month like 2025-03'), positiveRate),
  ])).default({})
    .describe('Value of one unit of a currency in the reporting currency: one rate for every month (USD: 0.92), or by month (USD: { 2025-03: 0.92 }). The fx_rates extract, when provided, wins for its months'),
});

export const heldOutSchema = z.strictObject({
  maxShare: z.number().min(0).max(1).default(0.005)
    .describe('Money held out (rows that could not be loaded) above this share of the revenue read (or of the deals read, without billing) stops the run before publishing, unless --accept-held-out is given'),
});

export const extractsConfigSchema = z.strictObject({
  csv: csvDialectSchema.default(csvDialectSchema.parse({})),
  currency: currencySchema.default(currencySchema.parse({})),
  heldOut: heldOutSchema.default(heldOutSchema.parse({})),
  reject: z.partialRecord(z.enum(extractNames), z.array(z.string().min(1))).default({})
    .describe('Tightened rules: descriptive columns whose missing or invalid value rejects the row instead of flagging it, e.g. accounts: [segment]'),
  files: z.partialRecord(z.enum(extractNames), fileSchema).default({}),
  notProvided: z.array(z.enum(extractNames)).default([])
    .describe('Extracts this company does not have: loaded empty, and KPIs needing them are marked unavailable'),
});

export type ExtractsConfig = z.infer<typeof extractsConfigSchema> & {
  /** Date formats the user wrote down (csv or the extract's entry), rather than the defaults. */
  explicitDateFormats: ReadonlySet<string> | 'all';
};

export const CONFIG_FILE = 'extracts.yaml';

/** Reads `extracts.yaml` from the folder (or an explicit file); absent means all defaults. */
export const readExtractsConfig = (dir: string, explicitFile?: string): ExtractsConfig => {
  const file = explicitFile ?? path.join(dir, CONFIG_FILE);
  if (!fs.existsSync(file)) {
    if (explicitFile) throw new ConfigError(`Extracts configuration ${file} does not exist: give the path of an extracts.yaml, or leave --extracts-config out.`);
    return { ...extractsConfigSchema.parse({}), explicitDateFormats: new Set() };
  }
  const yaml = parseYamlFile(file, 'Extracts configuration');
  const { data, raw } = validateYaml(yaml, extractsConfigSchema, 'Extracts configuration');
  // Which extracts read dates in an order the user chose: an ambiguous date column stops the run
  // only where the order was left to the defaults.
  const written = raw as { csv?: Record<string, unknown>; files?: Record<string, Record<string, unknown>> };
  const chosen = (entry?: Record<string, unknown>) => entry !== undefined && ('dateFormats' in entry || 'timestampFormats' in entry);
  const explicitDateFormats = chosen(written.csv)
    ? 'all' as const
    : new Set(Object.entries(written.files ?? {}).filter(([, entry]) => chosen(entry)).map(([name]) => name));
  for (const [extract, columns] of Object.entries(data.reject)) {
    const definition = EXTRACTS.find((e) => e.name === extract)!;
    const unknown = columns!.filter((c) => !(c in definition.schema.shape));
    if (unknown.length) {
      throw new ConfigError(`Extracts configuration ${file} is invalid:\n  ${problemAt(yaml, ['reject', extract], `names ${unknown.map((c) => `"${c}"`).join(', ')}, not columns of ${extract} (its columns: ${Object.keys(definition.schema.shape).join(', ')})`)}`);
    }
  }
  return { ...data, explicitDateFormats };
};

/** The dialect for one extract: folder defaults overridden by the extract's own entry. */
export const dialectFor = (config: ExtractsConfig, extract: string): CsvDialect => {
  const { path: _path, ...own } = config.files[extract as keyof ExtractsConfig['files']] ?? {};
  return { ...config.csv, ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)) };
};
