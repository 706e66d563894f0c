/**
 * The engine's header aliases and recognition by columns on a small mapping of its own: a French
 * file read through aliases (where:, sql: and plain references use the canonical names), files
 * under arbitrary names matched to sources by their headers, a file fitting two sources refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { applyMapping } from '../pipelines/mapping/apply.js';
import { readMappingFile } from '../pipelines/mapping/load-mapping.js';
import { tempDir } from './helpers/load.js';

const write = (dir: string, files: Record<string, string>) => {
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
};

const mapping = (dir: string, extra: Record<string, unknown> = {}) => {
  const file = path.join(dir, 'my-crm.yaml');
  fs.writeFileSync(file, YAML.stringify({
    sources: {
      reps: { files: '**/*.csv', requires: ['Rep', 'Team'], aliases: { Rep: ['Commercial'], Team: ['Équipe'] } },
      deals: { files: '**/*.csv', requires: ['Deal', 'Amount'], aliases: { Deal: ['Affaire'], Amount: ['Montant'], Rep: ['Commercial'], Stage: ['Étape'] } },
      ...extra,
    },
    extracts: {
      sellers: { from: 'reps', columns: { seller_id: 'Rep', seller_name: 'Rep', team: 'Team', role: { value: 'account_executive' }, hourly_cost: { value: 50 }, start_date: { value: '2023-01-01' } } },
      accounts: { from: 'deals', distinct: true, columns: { account_id: { value: 'A' }, account_name: { value: 'A' }, segment: { value: 'Or' }, industry: { value: 'x' }, employees: { value: 10 }, size_band: { value: 'PME' }, region: { value: 'FR' }, status: { value: 'customer' }, owner_seller_id: { sql: 'min(Rep) OVER ()' }, created_at: { value: '2023-01-01' } } },
      opportunities: {
        from: 'deals', where: "Stage <> 'brouillon'",
        columns: { opportunity_id: 'Deal', account_id: { value: 'A' }, owner_seller_id: 'Rep', product_line: { value: 'p' }, amount: 'Amount', origin: { value: 'sales' },
          created_at: { value: '2024-01-01' }, closed_at: { sql: "CASE WHEN Stage = 'gagné' THEN '2024-02-01' END" }, stage: { column: 'Stage', values: { gagné: 'won', ouvert: 'qualified' } } },
      },
    },
  }));
  return readMappingFile(file);
};

describe('aliases and recognition by columns', () => {
  it('reads French headers under download names through aliases; where: and sql: use the canonical names', async () => {
    const dir = tempDir('bi-alias-');
    write(dir, {
      'export (3).csv': 'Affaire;Commercial;Montant;Étape\nD1;Ines;100;gagné\nD2;Ines;50;ouvert\nD3;Ines;70;brouillon\n',
      'report1716812345678.csv': 'Commercial,Équipe\nInes,Paris\n',
    });
    const result = await applyMapping({ inputDir: dir, mapping: [mapping(dir)], outDir: path.join(tempDir('bi-alias-out-'), 'out') });
    expect(result.sources.filter((s) => s.kind === 'files').map((s) => [s.source, s.files.map((f) => f.file), s.columns])).toEqual([
      ['reps', ['report1716812345678.csv'], ['Rep', 'Team']],
      ['deals', ['export (3).csv'], ['Deal', 'Rep', 'Amount', 'Stage']],
    ]);
    // D3 is a draft: filtered by where: on the canonical Stage.
    expect(result.extracts.find((e) => e.extract === 'opportunities')).toMatchObject({ rowsIn: 3, rowsFiltered: 1, rowsWritten: 2 });
  });

  it('a file holding the columns of two sources is refused, naming both', async () => {
    const dir = tempDir('bi-alias-');
    write(dir, { 'a.csv': 'Commercial,Équipe,Affaire,Montant\nInes,Paris,D1,100\n' });
    await expect(applyMapping({ inputDir: dir, mapping: [mapping(dir)], outDir: path.join(tempDir('bi-alias-out-'), 'out') }))
      .rejects.toThrow(/a\.csv holds the columns of several sources \(sources\.reps, sources\.deals\)/);
  });
});
