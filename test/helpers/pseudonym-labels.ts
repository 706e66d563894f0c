/**
 * The minimum-group rule, read back from a pseudonymised site's data files: the sellers list
 * (`sellers.parquet`, one row per seller) gives each seller's team × role label; every label must
 * be held by at least k sellers, and every other data file showing a seller's team or role must
 * show that seller's label, never a finer one. Shared by the pseudonymised full site and the
 * pseudonymised audience (test/e2e-site-pseudonymised, test/e2e-audiences).
 */
import path from 'node:path';
import { literal, openDatabase } from '../../pipelines/db/duckdb.js';

export interface LabelCheck {
  /** Team × role labels of the sellers list, smallest first. */
  groups: { team: string; role: string; n: number }[];
  /** Labels under k sellers, and rows showing a seller with another team or role than their label. */
  problems: string[];
  /** Seller-level data files (other than the list) whose team or role was compared. */
  checked: number;
}

export const checkPseudonymLabels = async (siteDir: string, files: string[], k: number): Promise<LabelCheck> => {
  const list = files.find((f) => path.basename(f) === 'sellers.parquet');
  if (!list) throw new Error(`${siteDir}: no sellers.parquet (the sellers list) to read the labels from`);
  const db = await openDatabase(':memory:');
  const problems: string[] = [];
  let checked = 0;
  try {
    await db.exec(`CREATE TABLE labels AS SELECT seller_id, team, role FROM read_parquet(${literal(list)})`);
    const groups = await db.query<{ team: string; role: string; n: number }>('SELECT team, role, CAST(count(*) AS INTEGER) AS n FROM labels GROUP BY ALL ORDER BY n, team, role');
    for (const g of groups) if (g.n < k) problems.push(`sellers: ${g.team} × ${g.role} has ${g.n} seller(s)`);
    for (const file of files.filter((f) => f.endsWith('.parquet') && f !== list)) {
      const columns = (await db.query<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(${literal(file)}))`)).map((c) => c.column_name);
      const shown = ['team', 'role'].filter((c) => columns.includes(c));
      if (!columns.includes('seller_id') || shown.length === 0) continue;
      checked++;
      const rows = await db.query<{ seller_id: string; shown: string; label: string }>(
        `SELECT DISTINCT d.seller_id, concat_ws(' × ', ${shown.map((c) => `d.${c}`).join(', ')}) AS shown, concat_ws(' × ', ${shown.map((c) => `l.${c}`).join(', ')}) AS label
         FROM read_parquet(${literal(file)}) d JOIN labels l USING (seller_id)
         WHERE ${shown.map((c) => `d.${c} IS DISTINCT FROM l.${c}`).join(' OR ')}`);
      for (const r of rows) problems.push(`${path.relative(siteDir, file)}: ${r.seller_id} shown as ${r.shown}, label ${r.label}`);
    }
    return { groups, problems, checked };
  } finally {
    db.close();
  }
};
