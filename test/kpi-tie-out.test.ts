/**
 * Finance's tie-out by period (marts.revenue_tie_out): the marts' revenue against the invoice lines
 * read from the files, per fiscal year, quarter and month, with the money held out at load placed in
 * the period its invoice dates it (or, undated, on the all-time row) and credit notes given apart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModelsOn, company, FIXTURE_PLAN, type Built, type Company } from './helpers/models.js';
import { tempDir } from './helpers/load.js';

/**
 * The fixture company (F1 2023-11-20 12 000 ; credit note AV1 2023-12-05 −1 200) with a fiscal year
 * starting in October (FY2024 = 1 October 2023 → 30 September 2024) and:
 *   F2 2023-09-14, one line 3 000,50                 → FY2023, T4 FY2023 (July–September), September 2023
 *   F3 2023-10-03, line 1 800,25, and line 1 again at 500,00 (duplicate key: the second is held out,
 *      F3 stays loaded: its invoice dates the held-out 500,00 in October 2023)
 *   F5 2023-12-15, line 1 700,00 and line 2 300,00 whose unit cost "abc" cannot be read: line 2 is
 *      rejected, F5 is held out whole with line 1 → 1 000,00 held out with no date the warehouse keeps.
 * By hand:
 *   FY2023: marts 3 000,50 = loaded 3 000,50; nothing held out → difference 0, pass.
 *   FY2024: marts 12 000 − 1 200 + 800,25 = 11 600,25 = loaded; held out in October 500,00 → read 12 100,25,
 *           difference −500,00, all of it the money held out (unexplained 0), credit notes −1 200,00: held_out.
 *     T1 FY2024 (October–December 2023) = FY2024. October 2023: 800,25 vs 1 300,25, −500,00, held_out.
 *     November 2023: 12 000 vs 12 000, pass. December 2023: −1 200 vs −1 200 (credit notes −1 200), pass.
 *   All time: marts 3 000,50 + 11 600,25 = 14 600,75; read 14 600,75 + 500,00 + 1 000,00 (undated) = 16 100,75;
 *           difference −1 500,00 = −(500,00 + 1 000,00): held_out.
 */
const tieOutCompany = (): Company => {
  const c = company();
  const invoice = (invoice_id: string, invoice_date: string) =>
    ({ invoice_id, account_id: 'A1', opportunity_id: null, invoice_date, document_type: 'invoice', currency: 'EUR' });
  const line = (invoice_id: string, line_number: number, net_amount: number, unit_cost: number | string = 10) =>
    ({ invoice_id, line_number, product_line: 'Logiciel', product_code: 'LOG-PRO', quantity: 1, unit_price: net_amount, discount_rate: 0, net_amount, unit_cost });
  c.invoices!.push(invoice('F2', '2023-09-14'), invoice('F3', '2023-10-03'), invoice('F5', '2023-12-15'));
  c.invoice_lines!.push(line('F2', 1, 3000.5), line('F3', 1, 800.25), line('F3', 1, 500), line('F5', 1, 700), line('F5', 2, 300, 'abc'));
  return c;
};

const octoberSettings = () => {
  const file = path.join(tempDir('bi-settings-'), 'kpi-settings.yaml');
  fs.writeFileSync(file, `calendar:\n  fiscalYearFirstMonth: 10\n${FIXTURE_PLAN}`);
  return file;
};

describe('revenue tie-out by period', () => {
  let built: Built;
  beforeAll(async () => { built = await buildModelsOn(tieOutCompany(), { settingsFile: octoberSettings() }); });
  afterAll(() => built?.db.close());

  it('reads the money the test expects from the files (the fixture is what it says)', async () => {
    expect(await built.db.query(`SELECT amount_read, amount_loaded, amount_held_out, rows_held_out FROM marts.money_accounting WHERE extract = 'invoice_lines'`))
      .toEqual([{ amount_read: 16100.75, amount_loaded: 14600.75, amount_held_out: 1500, rows_held_out: 3 }]);
  });

  it('ties the marts to the lines read per fiscal year, quarter and month, the difference explained by the money held out', async () => {
    const rows = await built.db.query(`SELECT period_type, period_label, mart_revenue, lines_loaded, held_out_dated, held_out_undated, lines_read,
        difference, explained_held_out, unexplained, credit_notes, status
      FROM marts.revenue_tie_out ORDER BY CASE period_type WHEN 'total' THEN 0 WHEN 'year' THEN 1 WHEN 'quarter' THEN 2 ELSE 3 END, period_start`);
    const row = (period_type: string, period_label: string, mart: number, heldDated: number, heldUndated: number, credit: number, status: string) => ({
      period_type, period_label, mart_revenue: mart, lines_loaded: mart, held_out_dated: heldDated, held_out_undated: heldUndated,
      lines_read: mart + heldDated + heldUndated, difference: 0 - (heldDated + heldUndated), explained_held_out: 0 - (heldDated + heldUndated),
      unexplained: 0, credit_notes: credit, status,
    });
    expect(rows).toEqual([
      row('total', 'Toutes périodes', 14600.75, 500, 1000, -1200, 'held_out'),
      row('year', 'Exercice 2023', 3000.5, 0, 0, 0, 'pass'),
      row('year', 'Exercice 2024', 11600.25, 500, 0, -1200, 'held_out'),
      row('quarter', 'T4 de l\'exercice 2023', 3000.5, 0, 0, 0, 'pass'),
      row('quarter', 'T1 de l\'exercice 2024', 11600.25, 500, 0, -1200, 'held_out'),
      row('month', 'septembre 2023', 3000.5, 0, 0, 0, 'pass'),
      row('month', 'octobre 2023', 800.25, 500, 0, 0, 'held_out'),
      row('month', 'novembre 2023', 12000, 0, 0, 0, 'pass'),
      row('month', 'décembre 2023', -1200, 0, 0, -1200, 'pass'),
    ]);
  });

  it('the all-time row reads what the money accounting read from the files', async () => {
    expect(await built.db.query(`SELECT t.lines_read = m.read AS equal FROM marts.revenue_tie_out t,
        (SELECT sum(amount_read_reporting) AS read FROM marts.money_accounting WHERE extract = 'invoice_lines') m WHERE t.period_type = 'total'`))
      .toEqual([{ equal: true }]);
  });

  it('says in French, with French numbers, what explains each difference', async () => {
    expect(await built.db.query(`SELECT period_label, status_label, explanation FROM marts.revenue_tie_out
      WHERE period_label IN ('Toutes périodes', 'octobre 2023', 'novembre 2023', 'décembre 2023') ORDER BY period_start, period_type`)).toEqual([
      { period_label: 'Toutes périodes', status_label: 'Montants écartés', explanation: '500,00\u00a0€ de lignes écartées au chargement (leur facture est chargée et les date) ; '
        + '1\u202f000,00\u00a0€ de lignes écartées au chargement avec leur facture, dont la date n\'est pas conservée : comptées sur la ligne « Toutes périodes » seulement ; '
        + 'avoirs déduits des deux côtés : -1\u202f200,00\u00a0€' },
      { period_label: 'octobre 2023', status_label: 'Montants écartés', explanation: '500,00\u00a0€ de lignes écartées au chargement (leur facture est chargée et les date)' },
      { period_label: 'novembre 2023', status_label: 'Conforme', explanation: 'égal au centime' },
      { period_label: 'décembre 2023', status_label: 'Conforme', explanation: 'égal au centime ; avoirs déduits des deux côtés : -1\u202f200,00\u00a0€' },
    ]);
  });
});
