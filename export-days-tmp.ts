// Throwaway check (not committed): the sample exported on many days, five seeds, each built without a site.
import path from 'node:path';
import { settingsSchema } from './pipelines/config.js';
import { runPipeline } from './pipelines/pipeline.js';
import { silentReporter } from './pipelines/progress.js';
import { openDatabase } from './pipelines/db/duckdb.js';
const days = (process.env.DAYS ?? '2024-03-29,2025-02-14,2026-06-30').split(',');
const seeds = (process.env.SEEDS ?? '1,2,3,4,5').split(',').map(Number);
for (const seed of seeds) for (const day of days) {
  const dataDir = path.join('/tmp/ed', `s${seed}-${day}`);
  const t0 = Date.now();
  try {
    const r = await runPipeline({ settings: settingsSchema.parse({ dataDir, siteDir: path.join(dataDir, 'site'), threads: 2 }), reporter: silentReporter(), site: false, scale: 0.5, seed, exportDate: day });
    const db = await openDatabase(r.databasePath, { readOnly: true });
    const [w] = await db.query<Record<string, unknown>>(`SELECT status, relative_difference FROM marts.reconciliation WHERE check_name = 'won_deals_vs_invoices'`);
    const [t] = await db.query<Record<string, unknown>>(`SELECT status, model_figure, detail FROM marts.reconciliation WHERE check_name = 'won_deals_to_invoice'`);
    const [raw] = await db.query<Record<string, unknown>>(`SELECT round(abs(sum(invoiced) - sum(amount)) / sum(amount), 4) AS raw_gap FROM intermediate.int_won_deal_invoicing WHERE invoices > 0`);
    db.close();
    console.log(JSON.stringify({ seed, day, ok: true, s: Math.round((Date.now() - t0) / 1000), rawGap: raw?.raw_gap, won: w, toInvoice: t }));
  } catch (e) {
    console.log(JSON.stringify({ seed, day, ok: false, error: String((e as Error).message).slice(0, 300) }));
  }
}
