/**
 * How to read a folder of extracts: CSV dialect (delimiter, decimal mark, encoding, date formats),
 * file names that differ from the contract's, and extracts the company does not have.
 * Lives in `extracts.yaml` inside the extracts folder; every key is optional.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { EXTRACTS } from '../contract/index.js';

const extractNames = EXTRACTS.map((e) => e.name) as [string, ...string[]];

export const csvDialectSchema = z.object({
  delimiter: z.enum(['auto', ',', ';', '\t', '|']).default('auto')
    .describe('Field separator; auto lets DuckDB sniff it'),
  decimal: z.enum(['auto', '.', ',']).default('auto')
    .describe('Decimal mark of numbers; auto picks "," when numeric columns use it'),
  encoding: z.enum(['auto', 'utf-8', 'windows-1252', 'utf-16']).default('auto')
    .describe('Text encoding; auto decides per file: UTF-16 with a BOM, else UTF-8 unless invalid bytes outnumber UTF-8 characters, else Windows-1252'),
  dateFormats: z.array(z.string()).default(['%d/%m/%Y'])
    .describe('strptime formats tried after ISO 8601 (YYYY-MM-DD) for dates'),
  timestampFormats: z.array(z.string()).default(['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y'])
    .describe('strptime formats tried after ISO 8601 for timestamps'),
});

export type CsvDialect = z.infer<typeof csvDialectSchema>;

const fileSchema = csvDialectSchema.partial().extend({
  path: z.string().min(1).optional().describe('File (relative to the folder) or glob; default <extract>.csv|.parquet'),
});

export const extractsConfigSchema = z.strictObject({
  csv: csvDialectSchema.default(csvDialectSchema.parse({})),
  files: z.partialRecord(z.enum(extractNames), fileSchema).default({}),
  notProvided: z.array(z.enum(extractNames)).default([])
    .describe('Extracts this company does not have: loaded empty, and KPIs needing them are marked unavailable'),
});

export type ExtractsConfig = z.infer<typeof extractsConfigSchema>;

export const CONFIG_FILE = 'extracts.yaml';

/** Reads `extracts.yaml` from the folder (or an explicit file); absent means all defaults. */
export const readExtractsConfig = (dir: string, explicitFile?: string): ExtractsConfig => {
  const file = explicitFile ?? path.join(dir, CONFIG_FILE);
  if (!fs.existsSync(file)) {
    if (explicitFile) throw new Error(`Extracts config ${file} does not exist.`);
    return extractsConfigSchema.parse({});
  }
  let raw: unknown;
  try {
    raw = YAML.parse(fs.readFileSync(file, 'utf8')) ?? {};
  } catch (error) {
    throw new Error(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = extractsConfigSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file} is invalid:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
};

/** The dialect for one extract: folder defaults overridden by the extract's own entry. */
export const dialectFor = (config: ExtractsConfig, extract: string): CsvDialect => {
  const { path: _path, ...own } = config.files[extract as keyof ExtractsConfig['files']] ?? {};
  return { ...config.csv, ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)) };
};
