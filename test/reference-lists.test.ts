/**
 * A descriptive value checked against a list the export carries (a deal's product against the
 * products file): a value the list lacks never costs the row or its money, and is never silent.
 * The deal loads with its product as written and is flagged in audit.flags, the table the
 * data-quality page reads, with the export's file and line.
 *
 * The export is hand-made in the public CRM sample's documented layout (the maven-crm mapping's
 * four files, their columns as the sample publishes them); every figure is counted from it below.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMapping } from '../pipelines/mapping/apply.js';
import { runModels } from '../pipelines/models/run-models.js';
import { silentReporter } from '../pipelines/progress.js';
import { loadFolder, tempDir, type Loaded } from './helpers/load.js';
import { MODELS_DIR } from './helpers/models.js';

let loaded: Loaded | undefined;
afterEach(() => { loaded?.db.close(); loaded = undefined; });

const FILES: Record<string, string[]> = {
  'products.csv': ['product,series,sales_price', 'GTX Basic,GTX,550', 'GTX Pro,GTX,4821', 'MG Special,MG,55'],
  'sales_teams.csv': ['sales_agent,manager,regional_office', 'Anna Snelling,Dustin Brinkmann,Central', 'Cecily Lampkin,Dustin Brinkmann,Central'],
  'accounts.csv': [
    'account,sector,year_established,revenue,employees,office_location,subsidiary_of',
    'Acme Corporation,technolgy,1996,1100.04,2822,United States,',
    'Betatech,medical,1986,647.18,1185,Kenya,',
  ],
  'sales_pipeline.csv': [
    'opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value',
    'D1,Anna Snelling,GTX Basic,Acme Corporation,Won,2017-01-05,2017-02-10,560', // line 2
    'D2,Anna Snelling,GTX Ultra,Acme Corporation,Won,2017-01-06,2017-02-11,7000', // line 3: not in products.csv
    'D3,Cecily Lampkin,MG Special,Betatech,Lost,2017-01-07,2017-02-12,0', // lost: valued at MG Special's list price, 55
    'D4,Cecily Lampkin,GTX Ultra,Betatech,Won,2017-01-08,2017-03-01,6500', // line 5: not in products.csv
    'D5,Cecily Lampkin,GTXPro,Betatech,Won,2017-02-01,2017-03-05,4500', // the sample's own spelling of GTX Pro: in the list
    'D6,Anna Snelling,MG Special,,Engaging,2017-03-01,,', // open, no account: list price 55
  ],
};

const exportFolder = () => {
  const dir = tempDir('bi-reflist-');
  for (const [name, lines] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
  return dir;
};

describe('a product not in the export\'s products list', () => {
  it('6 deals, 2 with an unknown product: the 2 are flagged on their line, the money of all 6 is loaded', async () => {
    const result = await applyMapping({ inputDir: exportFolder(), mapping: 'maven-crm', outDir: path.join(tempDir('bi-mapped-'), 'out') });
    loaded = await loadFolder(result.outDir);
    expect(loaded.summary('opportunities')).toMatchObject({ rowsRead: 6, rowsLoaded: 6, rowsRejected: 0, rowsFlagged: 2 });
    const flags = await loaded.db.query(`SELECT record_key, column_name, value, reason, regexp_extract(export_file, '[^/]+$') AS export_file, export_line,
        CAST(amount AS DOUBLE) AS amount FROM audit.flags WHERE extract = 'opportunities' ORDER BY export_line`);
    const reason = 'not in the reference list: product_line "GTX Ultra" matches no row of products (loaded as written)';
    expect(flags).toEqual([
      { record_key: 'opportunity_id=D2', column_name: 'product_line', value: 'GTX Ultra', reason, export_file: 'sales_pipeline.csv', export_line: 3, amount: 7000 },
      { record_key: 'opportunity_id=D4', column_name: 'product_line', value: 'GTX Ultra', reason, export_file: 'sales_pipeline.csv', export_line: 5, amount: 6500 },
    ]);
    // Loaded as written, not replaced by an unknown: the product is known by name, only not listed.
    expect(await loaded.db.query(`SELECT opportunity_id, product_line FROM raw.opportunities WHERE opportunity_id IN ('D2', 'D4', 'D5') ORDER BY 1`)).toEqual([
      { opportunity_id: 'D2', product_line: 'GTX Ultra' }, { opportunity_id: 'D4', product_line: 'GTX Ultra' }, { opportunity_id: 'D5', product_line: 'GTX Pro' },
    ]);
    // 560 + 7000 + 55 + 6500 + 4500 + 55 = 18,670 read and loaded; 7000 + 6500 = 13,500 flagged.
    expect(await loaded.db.query(`SELECT rows_read, CAST(amount_read AS DOUBLE) AS amount_read, rows_loaded, CAST(amount_loaded AS DOUBLE) AS amount_loaded,
        rows_flagged, CAST(amount_flagged AS DOUBLE) AS amount_flagged, rows_held_out FROM audit.money WHERE extract = 'opportunities'`)).toEqual([
      { rows_read: 6, amount_read: 18670, rows_loaded: 6, amount_loaded: 18670, rows_flagged: 2, amount_flagged: 13500, rows_held_out: 0 },
    ]);

    // What the data-quality page shows: the two records, flagged, with the reason in French.
    await runModels(loaded.db, { modelsDir: MODELS_DIR, reporter: silentReporter() });
    expect(await loaded.db.query(`SELECT record_key, severity, reasons, export_line FROM marts.data_quality_records WHERE extract = 'opportunities' ORDER BY export_line`)).toEqual([
      { record_key: 'opportunity_id=D2', severity: 'flagged', reasons: ['valeur absente de la liste de référence de l\'export (chargée telle quelle)'], export_line: 3 },
      { record_key: 'opportunity_id=D4', severity: 'flagged', reasons: ['valeur absente de la liste de référence de l\'export (chargée telle quelle)'], export_line: 5 },
    ]);
    expect(await loaded.db.query(`SELECT rows_flagged FROM marts.data_quality WHERE extract = 'opportunities'`)).toEqual([{ rows_flagged: 2 }]);
  });

  it('a flag: naming no column of the extract is a mapping error naming the key', async () => {
    const dir = exportFolder();
    const yaml = fs.readFileSync(path.resolve('pipelines/mapping/builtin/maven-crm.yaml'), 'utf8').replace('flag: product_line', 'flag: product');
    fs.writeFileSync(path.join(dir, 'maven.yaml'), yaml.replace('name: maven-crm', 'name: maven-test'));
    await expect(applyMapping({ inputDir: dir, mapping: path.join(dir, 'maven.yaml'), outDir: path.join(tempDir('bi-mapped-'), 'out') }))
      .rejects.toThrow(/extracts\.opportunities\.join\.0\.flag: "product" is not a column of opportunities/);
  });
});
