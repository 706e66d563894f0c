/**
 * The check `mapping:init` runs on its own draft: the draft is applied to the export and the
 * result loaded, as a build would, and only what is left to decide is said — with the lines to
 * write: stage and role labels the values could not place (mapping-overrides.yaml), exchange rates
 * the deals need (fx_rates.csv), rows the loader would reject with their reason and money.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../db/duckdb.js';
import { loadExtracts } from '../load/load-extracts.js';
import { missingRates, missingRatesMessage } from '../load/missing-rates.js';
import { readExtractsConfig } from '../load/extracts-config.js';
import { silentReporter } from '../progress.js';
import { applyMapping } from './apply.js';
import { MappingError } from './load-mapping.js';
import { overrideLines } from './overrides.js';

const money = (n: number) => n.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Lines saying what is left to decide for the draft `mappingFile` over `inputDir`; empty when it builds as it is. */
export const checkDraft = async (inputDir: string, mappingFile: string, scratchDir: string): Promise<string[]> => {
  const outDir = path.join(scratchDir, 'mapped');
  let result;
  try {
    result = await applyMapping({ inputDir, mapping: mappingFile, outDir, scratchDir: path.join(scratchDir, 'read') });
  } catch (error) {
    if (error instanceof MappingError) return [`The draft does not run yet: ${error.message}`];
    throw error;
  }
  const lines: string[] = [];
  if (result.unknownLabels.length) {
    lines.push(`Labels the export's words do not place (${result.unknownLabels.map((u) => `"${u.value}" ${u.rows} row(s)`).join(', ')}): ` +
      `say what each means in ${result.overridesFile} (create it if needed):`, ...overrideLines(result.unknownLabels).map((l) => `  ${l}`));
  }
  if (result.rejects.length) {
    lines.push(`${result.rejects.length} row(s) rejected by the draft, e.g.:`,
      ...result.rejects.slice(0, 3).map((r) => `  ${r.extract} ${r.source_file} row ${r.row_number}, ${r.column_name}: ${r.reason}`));
  }
  const db = await openDatabase(':memory:');
  try {
    await loadExtracts(db, { extractsDir: outDir, asOf: new Date().toISOString().slice(0, 10), scratchDir: path.join(scratchDir, 'load'), reporter: silentReporter() });
    const missing = await missingRates(db);
    if (missing.length) lines.push(missingRatesMessage(missing, readExtractsConfig(outDir).currency.reporting, inputDir));
    // Rows the loader would reject for another reason (labels are said above), with their money.
    const rejected = await db.query<{ extract: string; column_name: string; reason: string; rows: number; amount: number | null; example: string | null }>(`
      SELECT extract, column_name, regexp_replace(reason, '"[^"]*"', '"…"', 'g') AS reason, count(DISTINCT row_number) AS rows, sum(amount)::DOUBLE AS amount,
             arg_min(export_file || ':' || export_line, export_line) AS example
      FROM audit.rejects WHERE NOT regexp_matches(reason, '^no exchange rate') AND NOT (column_name IN ('stage', 'role') AND regexp_matches(reason, 'not an accepted value'))
      GROUP BY ALL ORDER BY rows DESC LIMIT 8`);
    for (const r of rejected) {
      lines.push(`${r.extract}: ${Number(r.rows)} row(s) would be rejected, ${r.column_name}: ${r.reason}${r.amount ? ` (${money(r.amount)} held out)` : ''}` +
        `${r.example ? `, e.g. ${r.example}` : ''}`);
    }
  } finally {
    db.close();
    fs.rmSync(outDir, { recursive: true, force: true });
  }
  return lines;
};
