/**
 * A core extract (sellers, accounts, opportunities) with no loaded row leaves nothing to build any
 * KPI from. Without this check the run went on and failed much later, in a reconciliation data test
 * that said nothing about the cause. The run checks it between the load and the models, and stops
 * in one line naming the file, the count and the main reject reasons: the candidate database that
 * holds the rejects is discarded, so the message must say enough on its own.
 *
 * It reads what the load recorded (audit.load_summary, audit.rejects) rather than hooking into the
 * loader, so a test can still load a company whose every deal is rejected and look at the rejects.
 */
import { CORE_EXTRACTS } from '../contract/index.js';
import { literal, type Database } from '../db/duckdb.js';
import { ExtractError } from './read.js';

/** How many reasons the message quotes; the rest are counted. */
const TOP_REASONS = 3;


type EmptyCore = { extract: string; files: string[]; rows_read: number };
type ReasonCount = { rows: number; column_name: string; example: string; first_line: number; kinds: number };

/**
 * The main reasons the rows of an extract were rejected. Reasons differing only by the quoted value
 * (`unknown reference: owner_seller_id "S9"…`) are one kind; the message quotes one example of each.
 */
const topReasons = (db: Database, extract: string) => db.query<ReasonCount>(`
  WITH kinds AS (
    SELECT column_name, regexp_replace(reason, '"[^"]*"', '"…"', 'g') AS kind,
           count(DISTINCT (source_file, row_number)) AS rows, min(reason) AS example,
           min(coalesce(export_line, line_number, row_number)) AS first_line
      FROM audit.rejects WHERE extract = ${literal(extract)}
     GROUP BY ALL
  )
  SELECT rows, column_name, example, first_line, count(*) OVER () AS kinds
    FROM kinds ORDER BY rows DESC, column_name, kind LIMIT ${TOP_REASONS}`);

/** Stops the run at the first core extract (in contract order) that was read but has no loaded row. */
export const assertCoreExtractsLoaded = async (db: Database): Promise<void> => {
  const empty = await db.query<EmptyCore>(`SELECT extract, files, rows_read FROM audit.load_summary
    WHERE status = 'loaded' AND rows_loaded = 0 AND list_contains([${CORE_EXTRACTS.map(literal).join(', ')}], extract)
    ORDER BY list_position([${CORE_EXTRACTS.map(literal).join(', ')}], extract)`);
  const first = empty[0];
  if (!first) return;
  const { extract, files, rows_read: read } = first;
  // Through a mapping, the rows come from the user's export: name it, never the mapped copy.
  const exported = (await db.query<{ file: string }>(`SELECT DISTINCT export_file AS file FROM audit.rejects
    WHERE extract = ${literal(extract)} AND export_file IS NOT NULL ORDER BY 1`)).map((r) => r.file);
  const named = exported.length ? exported : files;
  const file = named.length === 1 ? named[0]! : `${named.length} files of "${extract}" (${named[0]}, …)`;
  if (read === 0) {
    throw new ExtractError(
      `${file}: core extract "${extract}" is empty (0 rows after the header) and every KPI needs it. ` +
        `Export it again with its rows, or point files.${extract}.path in extracts.yaml at the right file.`,
    );
  }
  const reasons = await topReasons(db, extract);
  const others = (reasons[0]?.kinds ?? 0) - reasons.length;
  const quoted = reasons.map((r) => `${r.rows} × ${r.column_name}: ${r.example} (first at line ${r.first_line})`).join('; ') +
    (others > 0 ? `; and ${others} other reason(s)` : '');
  throw new ExtractError(
    `${file}: all ${read} rows of core extract "${extract}" were rejected — ${quoted}. ` +
      `Nothing can be built without them: fix these rows in the export (or the rows they refer to) and run again.`,
  );
};
