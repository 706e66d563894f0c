/** The forecast fixture: the fixture company plus the deals and invoices test/kpi-forecast.test.ts works out by hand. */
import { company, type Company } from './models.js';

export const deal = (id: string, amount: number, created: string, stages: [string, string][], closed: string | null, stage: string) => ({
  opportunity: { opportunity_id: id, account_id: 'A1', lead_id: null, owner_seller_id: 'S2', product_line: 'Logiciel', amount, origin: 'sales', created_at: created, closed_at: closed, stage, loss_reason: stage === 'lost' ? 'prix' : null },
  history: stages.map(([s, at]) => ({ opportunity_id: id, stage: s, changed_at: at })),
});

export const invoice = (c: Company, id: string, date: string, amount: number, opportunityId: string | null) => {
  c.invoices!.push({ invoice_id: id, account_id: 'A1', opportunity_id: opportunityId, invoice_date: date, document_type: 'invoice', currency: 'EUR' });
  c.invoice_lines!.push({ invoice_id: id, line_number: 1, product_line: 'Logiciel', product_code: 'LOG-PRO', quantity: 1, unit_price: amount, discount_rate: 0, net_amount: amount, unit_cost: 0 });
};

export const addDeal = (c: Company, d: ReturnType<typeof deal>) => {
  c.opportunities!.push(d.opportunity);
  c.opportunity_stage_history!.push(...d.history);
};

export const forecastCompany = (): Company => {
  const c = company();
  addDeal(c, deal('O2', 5000, '2023-09-20', [['qualified', '2023-09-20 09:00:00'], ['proposal', '2023-10-01 09:00:00'], ['lost', '2023-11-20 09:00:00']], '2023-11-20', 'lost'));
  addDeal(c, deal('O3', 8000, '2023-12-01', [['qualified', '2023-12-01 09:00:00'], ['proposal', '2024-01-10 09:00:00'], ['won', '2024-03-10 09:00:00']], '2024-03-10', 'won'));
  addDeal(c, deal('O4', 10000, '2024-02-01', [['qualified', '2024-02-01 09:00:00'], ['proposal', '2024-02-20 09:00:00']], null, 'proposal'));
  for (const [id, date] of [['M1', '2024-01-01'], ['M2', '2024-02-01'], ['M3', '2024-03-01']] as const) invoice(c, id, date, 450, null);
  invoice(c, 'F3', '2024-03-15', 8000, 'O3');
  return c;
};

