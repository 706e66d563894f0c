/** The deals fixture: the fixture company plus the deals test/kpi-deals.test.ts works out by hand (see there). */
import { company, type Company } from './models.js';

type Row = Record<string, unknown>;

export const opp = (id: string, account: string, seller: string, amount: number, created: string, closed: string | null, stage: string, extra: Row = {}): Row => ({
  opportunity_id: id, account_id: account, lead_id: null, owner_seller_id: seller, product_line: 'Logiciel', amount, origin: 'sales',
  created_at: created, closed_at: closed, stage, loss_reason: null, opportunity_name: null, expected_close_at: null, forecast_category: null, ...extra,
});

const activity = (id: string, deal: string, at: string, status: string): Row => ({
  activity_id: id, seller_id: 'S2', type: 'meeting', counterpart: 'prospect', purpose: 'follow_up', direction: 'outbound', account_id: 'A1',
  lead_id: null, opportunity_id: deal, scheduled_at: at, status, duration_minutes: status === 'held' ? 30 : 0, outcome: null, rebooked_activity_id: null,
});

export const dealsCompany = (): Company => {
  const c = company();
  for (const o of c.opportunities!) Object.assign(o, { opportunity_name: 'Acier du Nord — licences', expected_close_at: null, forecast_category: null });
  const history = (id: string, entries: [string, string][]) => c.opportunity_stage_history!.push(...entries.map(([stage, day]) => ({ opportunity_id: id, stage, changed_at: `${day} 09:00:00` })));
  const won = (id: string, account: string, amount: number, created: string, closed: string, entries: [string, string][]) => {
    c.opportunities!.push(opp(id, account, 'S2', amount, created, closed, 'won'));
    history(id, [['qualified', created], ...entries, ['won', closed]]);
    // Won deals are invoiced in full on their close day: the won-deals reconciliation holds.
    c.invoices!.push({ invoice_id: `F-${id}`, account_id: account, opportunity_id: id, invoice_date: closed, document_type: 'invoice', currency: 'EUR' });
    c.invoice_lines!.push({ invoice_id: `F-${id}`, line_number: 1, product_line: 'Logiciel', product_code: 'LOG-PRO', quantity: 1, unit_price: amount, discount_rate: 0, net_amount: amount, unit_cost: 0 });
  };
  won('W2', 'A1', 8000, '2023-10-02', '2023-11-06', [['proposal', '2023-10-16']]);
  won('W3', 'A2', 6000, '2023-11-01', '2024-01-15', [['proposal', '2023-11-06'], ['negotiation', '2023-12-11']]);
  won('W4', 'A1', 15000, '2023-12-01', '2024-02-05', [['proposal', '2023-12-04'], ['negotiation', '2024-01-15']]);
  c.opportunities!.push(opp('L5', 'A2', 'S2', 9000, '2023-10-05', '2023-12-20', 'lost', { loss_reason: 'Prix trop élevé' }));
  history('L5', [['qualified', '2023-10-05'], ['proposal', '2023-10-20'], ['negotiation', '2023-11-20'], ['lost', '2023-12-20']]);
  c.opportunities!.push(opp('L6', 'A1', 'S2', 4000, '2024-01-08', '2024-02-20', 'lost'));
  history('L6', [['qualified', '2024-01-08'], ['lost', '2024-02-20']]);
  c.opportunities!.push(opp('L7', 'A1', 'S2', 7000, '2023-11-10', '2024-01-10', 'lost', { loss_reason: 'Prix trop élevé' }));
  history('L7', [['qualified', '2023-11-10'], ['proposal', '2023-11-20'], ['lost', '2024-01-10']]);

  c.opportunities!.push(opp('P1', 'A1', 'S2', 10000, '2024-02-01', null, 'proposal', { opportunity_name: 'Acier du Nord — extension' }));
  history('P1', [['qualified', '2024-02-01'], ['proposal', '2024-03-11']]);
  c.opportunities!.push(opp('P2', 'A1', 'S2', 20000, '2024-01-02', null, 'proposal'));
  history('P2', [['qualified', '2024-01-02'], ['proposal', '2024-01-22']]);
  c.opportunities!.push(opp('P3', 'A2', 'S2', 5000, '2024-03-25', null, 'qualified'));
  c.opportunities!.push(opp('P4', 'A1', 'S2', 30000, '2023-12-10', null, 'negotiation', { expected_close_at: '2024-03-28', forecast_category: 'commit' }));
  history('P4', [['qualified', '2023-12-10'], ['proposal', '2024-01-05'], ['negotiation', '2024-02-12']]);
  c.opportunities!.push(opp('P5', 'A1', 'S1', 40000, '2024-02-15', null, 'negotiation', { expected_close_at: '2024-07-15' }));
  history('P5', [['qualified', '2024-02-15'], ['negotiation', '2024-03-01']]);
  c.opportunities!.push(opp('P6', 'A2', 'S2', 2000, '2024-01-20', null, 'qualified', { expected_close_at: '2024-02-15', forecast_category: 'omitted' }));
  history('P6', [['qualified', '2024-01-20']]);

  c.activities!.push(
    activity('D1', 'P1', '2024-03-31 10:00:00', 'held'),
    activity('D2', 'P2', '2024-02-20 10:00:00', 'held'),
    activity('D3', 'P2', '2024-03-29 10:00:00', 'planned'),
    activity('D4', 'P4', '2024-03-01 10:00:00', 'held'),
    activity('D5', 'P6', '2024-03-20 10:00:00', 'cancelled'),
  );
  c.objectives!.push({ seller_id: 'S1', period_start: '2024-07-01', period_end: '2024-09-30', revenue_target: 80000, new_customers_target: null, meetings_target: null });
  return c;
};
