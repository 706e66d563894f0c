/**
 * `tsx pipelines/bench/compare-marts.ts BEFORE.duckdb AFTER.duckdb [--schemas marts,intermediate] [--ignore schema.table.column]`
 *
 * Why: a model rewritten for speed must give the same figures. This compares every table of the
 * given schemas (default `marts`) of two built databases row for row, with EXCEPT ALL both ways
 * (duplicates count). DECIMAL, integer, text and date columns are compared exactly; DOUBLE and
 * FLOAT columns to 10 significant digits (printf '%.9e'): stricter than 1e-6 relative, and than the
 * cent for any amount under 100 million, while the last bits a parallel floating-point sum moves
 * from run to run (~1e-15 relative) do not count. A value at a rounding boundary could still show
 * as a difference: such rows are printed for a reader to judge. Exit code 1 on any difference.
 * Left out of the comparison: the moment each extract was loaded (`marts.data_quality.loaded_at`),
 * a clock reading that differs between any two builds, and any column named with `--ignore`.
 */
import { parseArgs } from 'node:util';
import { ident, literal, openDatabase } from '../db/duckdb.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { schemas: { type: 'string' }, ignore: { type: 'string', multiple: true } } });
const [beforeFile, afterFile] = positionals;
if (!beforeFile || !afterFile) {
  console.error('usage: tsx pipelines/bench/compare-marts.ts BEFORE.duckdb AFTER.duckdb [--schemas marts,intermediate]');
  process.exit(2);
}
const ignored = new Set(['marts.data_quality.loaded_at', ...(values.ignore ?? [])]);
const schemas = (values.schemas ?? 'marts').split(',').map((s) => s.trim()).filter(Boolean);

const db = await openDatabase(':memory:');
await db.exec(`ATTACH ${literal(beforeFile)} AS before (READ_ONLY); ATTACH ${literal(afterFile)} AS after (READ_ONLY);`);

type Column = { table_name: string; column_name: string; data_type: string };
const columnsOf = async (catalog: string, schema: string) => db.query<Column>(`SELECT table_name, column_name, data_type FROM duckdb_columns()
  WHERE database_name = ${literal(catalog)} AND schema_name = ${literal(schema)} ORDER BY table_name, column_index`);

/** The column as compared: floating point to 10 significant digits, the rest as it is. */
const compared = (c: Column) => /^(DOUBLE|FLOAT|REAL)$/.test(c.data_type)
  ? `CASE WHEN isfinite(${ident(c.column_name)}) THEN printf('%.9e', ${ident(c.column_name)}) ELSE CAST(${ident(c.column_name)} AS VARCHAR) END AS ${ident(c.column_name)}`
  : /DOUBLE|FLOAT/.test(c.data_type) ? `CAST(${ident(c.column_name)} AS VARCHAR) AS ${ident(c.column_name)}` : ident(c.column_name);

let differences = 0;
let tables = 0;
for (const schema of schemas) {
  const [before, after] = [await columnsOf('before', schema), await columnsOf('after', schema)];
  const group = (cols: Column[]) => {
    const byTable = new Map<string, Column[]>();
    for (const c of cols) byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), c]);
    return byTable;
  };
  const [b, a] = [group(before), group(after)];
  for (const name of [...new Set([...b.keys(), ...a.keys()])].sort()) {
    const table = `${schema}.${name}`;
    const kept = (cols: Column[] | undefined) => cols?.filter((c) => !ignored.has(`${table}.${c.column_name}`));
    const bc = kept(b.get(name));
    const ac = kept(a.get(name));
    if (!bc || !ac) {
      console.log(`✗ ${table}: only in ${bc ? 'before' : 'after'}`);
      differences++;
      continue;
    }
    const shape = (cols: Column[]) => cols.map((c) => `${c.column_name} ${c.data_type}`).join(', ');
    if (shape(bc) !== shape(ac)) {
      console.log(`✗ ${table}: columns differ\n  before: ${shape(bc)}\n  after:  ${shape(ac)}`);
      differences++;
      continue;
    }
    tables++;
    const select = (catalog: string) => `SELECT ${bc.map(compared).join(', ')} FROM ${catalog}.${ident(schema)}.${ident(name)}`;
    const [counts] = await db.query<{ rows_before: number; rows_after: number; only_before: number; only_after: number }>(`SELECT
      (SELECT count(*) FROM before.${ident(schema)}.${ident(name)}) AS rows_before,
      (SELECT count(*) FROM after.${ident(schema)}.${ident(name)}) AS rows_after,
      (SELECT count(*) FROM (${select('before')} EXCEPT ALL ${select('after')})) AS only_before,
      (SELECT count(*) FROM (${select('after')} EXCEPT ALL ${select('before')})) AS only_after`);
    const c = counts!;
    if (c.only_before || c.only_after) {
      differences++;
      console.log(`✗ ${table}: ${c.rows_before} rows before, ${c.rows_after} after; ${c.only_before} only before, ${c.only_after} only after`);
      for (const [label, from, to] of [['before', 'before', 'after'], ['after', 'after', 'before']] as const) {
        const sample = await db.query(`${select(from)} EXCEPT ALL ${select(to)} LIMIT 3`);
        for (const row of sample) console.log(`    ${label}: ${JSON.stringify(row, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
      }
    } else {
      console.log(`✓ ${table}: ${c.rows_before} rows, identical`);
    }
  }
}
db.close();
console.log(`\n${tables} tables compared in ${schemas.join(', ')}: ${differences ? `${differences} with differences` : 'all identical'}.`);
process.exit(differences ? 1 : 0);
