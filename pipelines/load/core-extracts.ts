/**
 * A core extract (sellers, accounts, opportunities) with no loaded row leaves nothing to build any
 * KPI from. Without this check the run went on and failed much later, in a reconciliation data test
 * that said nothing about the cause; here it stops at the load, in one line naming the file, the
 * count and the main reject reasons, since the candidate database holding the rejects is discarded.
 */
import type { Extract } from '../contract/index.js';
import { literal, type Database } from '../db/duckdb.js';
import type { LoadSummary } from './load-extracts.js';
import { ExtractError } from './read.js';

/** How many reasons the message quotes; the rest are counted. */
const TOP_REASONS = 3;

type ReasonCount = {
  rows: number;
  column_name: string;
  example: string;
  first_line: number;
  kinds: number;
};

/**
 * The main reasons the rows of an extract were rejected. Reasons differing only by the quoted value
 * (`unknown reference: owner_seller_id "S9"…`) are one kind; the message quotes one example of each.
 */
const topReasons = (db: Database, extract: string) => db.query<ReasonCount>(`
  WITH kinds AS (
    SELECT column_name, regexp_replace(reason, '"[^"]*"', '"…"', 'g') AS kind,
           count(DISTINCT (source_file, row_number)) AS rows, min(reason) AS example,
           min(coalesce(line_number, row_number)) AS first_line
      FROM audit.rejects WHERE extract = ${literal(extract)}
     GROUP BY ALL
  )
  SELECT rows, column_name, example, first_line, count(*) OVER () AS kinds
    FROM kinds ORDER BY rows DESC, column_name, kind LIMIT ${TOP_REASONS}`);

/** Stops the run when a core extract was read but none of its rows could be loaded. */
export const assertCoreExtractLoaded = async (db: Database, extract: Extract, summary: LoadSummary): Promise<void> => {
  if (!('core' in extract && extract.core) || summary.status !== 'loaded' || summary.rowsLoaded > 0) return;
  const file = summary.files.length === 1 ? summary.files[0]! : `${summary.files.length} files of "${extract.name}" (${summary.files[0]}, …)`;
  if (summary.rowsRead === 0) {
    throw new ExtractError(
      `${file}: core extract "${extract.name}" is empty (0 rows after the header) and every KPI needs it. ` +
        `Export it again with its rows, or point files.${extract.name}.path in extracts.yaml at the right file.`,
    );
  }
  const reasons = await topReasons(db, extract.name);
  const others = (reasons[0]?.kinds ?? 0) - reasons.length;
  const quoted = reasons.map((r) => `${r.rows} × ${r.column_name}: ${r.example} (first at line ${r.first_line})`).join('; ') +
    (others > 0 ? `; and ${others} other reason(s)` : '');
  throw new ExtractError(
    `${file}: all ${summary.rowsRead} rows of core extract "${extract.name}" were rejected — ${quoted}. ` +
      `Nothing can be built without them: fix these rows in the export (or the rows they refer to) and run again.`,
  );
};
