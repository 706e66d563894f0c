/**
 * Finding the models: every `models/<layer>/**\/*.sql` file is one model, materialised as the
 * table `<layer>.<file name>`. Dependencies are read from the SQL by DuckDB's own parser.
 */
import fs from 'node:fs';
import path from 'node:path';
import { literal, type Database } from '../db/duckdb.js';
import { parseModelHeader, type ModelMetadata } from './metadata.js';

export const LAYERS = ['staging', 'intermediate', 'marts'] as const;
export type Layer = (typeof LAYERS)[number];

const PREFIX: Record<Layer, RegExp> = { staging: /^stg_/, intermediate: /^int_/, marts: /^(?!stg_|int_)/ };

export interface Model {
  /** Qualified table name, e.g. `marts.revenue_margin`. */
  name: string;
  layer: Layer;
  file: string;
  sql: string;
  metadata: ModelMetadata;
  /** Qualified tables the SQL reads (models, raw extracts, audit tables). */
  reads: string[];
}

const sqlFiles = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.sql'))
      .map((e) => path.join(e.parentPath, e.name))
      .sort()
    : [];

/**
 * The tables each SQL text reads, once per process: a test file builds the same models dozens of
 * times, and a build parses each model again for its data tests.
 */
const readsBySql = new Map<string, string[]>();

/** Qualified tables a query reads, from DuckDB's parse tree (CTE names are unqualified and skipped). */
export const tablesRead = async (db: Database, sql: string, where: string): Promise<string[]> => {
  const known = readsBySql.get(sql);
  if (known) return [...known];
  // json_serialize_sql takes a constant, not a parameter: the text is a model's or a source's own SQL.
  const [row] = await db.query<{ tree: string }>(`SELECT json_serialize_sql(${literal(sql)}) AS tree`);
  const tree = JSON.parse(row!.tree) as { error?: boolean; error_message?: string };
  if (tree.error) throw new Error(`${where}: DuckDB cannot parse this SQL: ${tree.error_message}`);
  const found = new Set<string>();
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'BASE_TABLE' && n.schema_name) found.add(`${n.schema_name}.${n.table_name}`);
    for (const value of Object.values(n)) walk(value);
  };
  walk(tree);
  const reads = [...found].sort();
  readsBySql.set(sql, reads);
  return [...reads];
};

export const discoverModels = async (db: Database, modelsDir: string): Promise<Model[]> => {
  const models: Model[] = [];
  for (const layer of LAYERS) {
    for (const file of sqlFiles(path.join(modelsDir, layer))) {
      const base = path.basename(file, '.sql');
      const where = path.relative(process.cwd(), file);
      if (!PREFIX[layer].test(base)) throw new Error(`${where}: ${layer} models are named ${layer === 'staging' ? 'stg_*' : layer === 'intermediate' ? 'int_*' : 'after their question (no stg_/int_ prefix)'}.`);
      const sql = fs.readFileSync(file, 'utf8').trim().replace(/;\s*$/, '');
      const metadata = parseModelHeader(sql, where);
      if (layer === 'marts' && !metadata.unique) throw new Error(`${where}: a mart declares its grain's columns under unique:.`);
      models.push({ name: `${layer}.${base}`, layer, file, sql, metadata, reads: await tablesRead(db, sql, where) });
    }
  }
  const names = models.map((m) => m.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new Error(`Two model files define ${duplicate}.`);
  return models;
};

/** Orders models so each comes after the models it reads; a cycle is an error naming it. */
export const buildOrder = (models: Model[]): Model[] => {
  const byName = new Map(models.map((m) => [m.name, m]));
  const ordered: Model[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (model: Model, trail: string[]) => {
    if (state.get(model.name) === 'done') return;
    if (state.get(model.name) === 'visiting') throw new Error(`Models depend on each other in a cycle: ${[...trail, model.name].join(' → ')}`);
    state.set(model.name, 'visiting');
    for (const read of model.reads) {
      const dependency = byName.get(read);
      if (dependency) visit(dependency, [...trail, model.name]);
    }
    state.set(model.name, 'done');
    ordered.push(model);
  };
  for (const model of [...models].sort((a, b) => a.name.localeCompare(b.name))) visit(model, []);
  return ordered;
};
