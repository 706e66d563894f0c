/**
 * What a model says about itself, in the YAML block comment that opens its SQL file: grain,
 * meaning, the KPIs it serves and the data tests its rows must pass. The KPI glossary and the data
 * tests are generated from this; nothing about a model is written down twice.
 */
import YAML from 'yaml';
import { z } from 'zod';
import { EXTRACTS } from '../contract/index.js';
import { DATA_CONDITION_NAMES } from './data-conditions.js';

const extractName = z.enum(EXTRACTS.map((e) => e.name) as [string, ...string[]]);
const column = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case column name');

export const kpiSchema = z.strictObject({
  name: z.string().min(1).describe('KPI name as the catalogue gives it'),
  label: z.string().min(1).optional().describe('French label shown on the pages'),
  formula: z.string().min(1).describe('The definition in French reader words, shown in the glossary: no column names or setting keys'),
  columns: z.array(column).min(1).describe('Columns of the model holding the figure'),
  numerator: column.optional().describe('For a rate: the column holding its numerator'),
  denominator: column.optional().describe('For a rate: the column holding its denominator'),
  numerator_label: z.string().min(1).optional().describe('The numerator in French reader words, shown in the glossary (the column stays in `numerator`)'),
  denominator_label: z.string().min(1).optional().describe('The denominator in French reader words, shown in the glossary'),
  unit: z.enum(['EUR', 'rate', 'count', 'days', 'hours', 'months', 'index', 'ratio']),
  seeds: z.array(z.enum(['000', '001', '002', '003', '004'])).default([]).describe('Seed articles the KPI comes from'),
  audiences: z.array(z.enum(['A', 'E', 'F'])).default(['A']),
  needs: z.array(extractName).optional().describe('Extracts without which the KPI is unavailable; default: every non-core extract the model reads'),
  requires: z.array(z.enum(DATA_CONDITION_NAMES)).default([]).describe(
    'What the data must hold for the KPI to be computed (pipelines/models/data-conditions.ts), e.g. won_deal: unavailable, with the reason, when it does not',
  ),
  on_bookings: z.boolean().default(false).describe(
    'Without billing (invoices, invoice_lines), computed from won deals at their close date (bookings) instead of unavailable: for revenue figures, never for margin or units',
  ),
}).refine((k) => k.unit !== 'rate' || (k.numerator && k.denominator), { message: 'a rate needs its numerator and denominator columns' })
  .refine((k) => !k.numerator === !k.numerator_label && !k.denominator === !k.denominator_label,
    { message: 'a numerator or denominator column comes with its numerator_label or denominator_label in French (and only then)' });

export const modelMetadataSchema = z.strictObject({
  description: z.string().min(1),
  grain: z.string().min(1).describe('What one row is, in French reader words (the glossary shows it), e.g. "mois × commercial × segment"'),
  unique: z.array(column).min(1).optional().describe('Columns identifying a row: tested unique and not null'),
  not_null: z.array(column).default([]),
  accepted_values: z.record(column, z.array(z.union([z.string(), z.number(), z.boolean()])).min(1)).default({}),
  relationships: z.record(column, z.string().regex(/^\w+\.\w+\.\w+$/, 'schema.table.column')).default({}),
  kpis: z.array(kpiSchema).default([]),
});

export type KpiMetadata = z.infer<typeof kpiSchema>;
export type ModelMetadata = z.infer<typeof modelMetadataSchema>;

const HEADER = /^\s*\/\*([\s\S]*?)\*\//;

/** Parses the header comment of a model file; `where` names the file in error messages. */
export const parseModelHeader = (sql: string, where: string): ModelMetadata => {
  const match = HEADER.exec(sql);
  if (!match) throw new Error(`${where}: a model starts with a /* … */ header comment in YAML (description, grain, …).`);
  let raw: unknown;
  try {
    raw = YAML.parse(match[1]!);
  } catch (error) {
    throw new Error(`${where}: header comment is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = modelMetadataSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${where}: invalid header:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
};
