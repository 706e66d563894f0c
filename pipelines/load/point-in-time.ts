/**
 * The company as it stood at the end of a day D: one reading of a full history, shared by the
 * sample generator (`--export-date`: the files as exported that day) and the build (`--as-of` over
 * a full export). Set-based SQL over contract-shaped tables, extract by extract in contract order,
 * each cut table reading the cut tables of the extracts it references.
 *
 * WHAT "AS IT STOOD ON D" MEANS (end of day D: dates <= D, timestamps < D + 1 day)
 * - Rows that did not exist yet are absent: sellers hired after D, accounts, contacts, leads and
 *   opportunities created after D, campaigns started after D with nothing booked on them by D
 *   (an event's stand paid before it starts makes it exist), stage changes, referrals, spend, campaign touches and
 *   invoices (with their lines) after D, subscriptions started after D, ownership periods starting
 *   after D, and rows whose parent is absent (a contact of an account created later).
 * - Activities scheduled after D are absent, including those already planned on D for later: the
 *   contract rejects a `scheduled_at` after the export day ("in the future"), so a real export made
 *   on D cannot carry them either. A planned or held activity of D or before keeps its status.
 * - Rows that changed later are rewound: a seller who left after D has no leave date; a
 *   subscription, campaign or ownership period ending after D is open; a deal closed after D is
 *   open at the last stage it entered at or before the end of D (`opportunity_stage_history`), with
 *   no close date nor loss reason, no expected close date nor forecast category (their values of D
 *   are not in the files). Its amount is the exported one: the contract keeps no history of
 *   amounts, so a deal whose amount changed after D shows its later amount (a known limit).
 * - A deal closed after D whose stage on D the stage history cannot tell (no history provided, or
 *   no stage entered by D) cannot be rewound: `missingStageHistorySql` counts them and the caller
 *   stops rather than guess.
 * - Optional references to a row that did not exist yet are emptied (a lead's account created
 *   later, a referral's lead, a no-show's rebooked meeting scheduled after D, an account owner or a
 *   deal owner hired after D): on D the field was empty.
 * - Leads (status "at extract time", no status history in the contract), derived from what is dated:
 *   first touch after D → `new`, first touch emptied; `qualified` whose opportunities were all
 *   created after D → `working`; `disqualified` with an activity after D → `working` (someone was
 *   still working it); otherwise as exported.
 * - Accounts (status at extract time): an account whose first sign of being a customer (a won deal
 *   closed, an invoice, a subscription started) comes after D was a `prospect`; a
 *   `former_customer` with a subscription running on D and ended later, or an invoice after D, had
 *   not left yet and was a `customer`; otherwise as exported (the files cannot date it).
 *   The owner: when `account_owners` shows a change after D, the seller of the period containing
 *   D (none: no owner that day); else the exported owner (if hired by D).
 * - Every rule changes a row only on a dated fact after D: cut at or after the last day of the data
 *   (and with no objective 12 months beyond it), the history is returned unchanged (tested).
 * - Objectives: a company's CRM holds the plan it has set, which reaches into the coming months.
 *   Kept: periods starting before D + 12 months, of sellers hired by D (so the whole current fiscal
 *   year is there whatever the company's fiscal calendar; a later year's plan was not set yet).
 * - fx_rates: months up to D's month.
 */
import { EXTRACTS, type ExtractName } from '../contract/index.js';
import { literal } from '../db/duckdb.js';

export interface PointInTimeTables {
  /** The full history's table of an extract, or undefined when the extract is not provided. */
  source: (extract: ExtractName) => string | undefined;
  /** Where the cut table of an extract is written (read back by the extracts referencing it). */
  target: (extract: ExtractName) => string;
}

export interface PointInTimeStep {
  extract: ExtractName;
  /** CREATE OR REPLACE TABLE target AS the rows as they stood on D, every column of the source kept. */
  create: string;
  /** SELECT of the source rows that did not exist yet on D (not in the cut table). */
  outOfScope: string;
}

interface Rule {
  /** Predicate over the source row `t`: the row existed on D. */
  keep: string;
  /** Columns rewound to their value of D: column → SQL over `t`. */
  rewind?: Record<string, string>;
}

/** Keeps `t.column` only when it names a row of `parent`'s cut table (else the field was empty on D). */
const nullUnlessIn = (column: string, parentTable: string, parentKey: string) =>
  `CASE WHEN t.${column} IN (SELECT ${parentKey} FROM ${parentTable}) THEN t.${column} END`;

const rulesFor = (day: string, tables: PointInTimeTables): Partial<Record<ExtractName, Rule>> => {
  const D = `DATE ${literal(day)}`;
  /** First instant after the end of D: timestamps are kept strictly before it. */
  const NEXT = `CAST(${D} + INTERVAL 1 DAY AS TIMESTAMP)`;
  const cut = tables.target;
  const src = tables.source;
  /**
   * A reference to a row of `parent` kept only when that row existed on D; when the company did
   * not provide `parent`, the reference is kept as exported (there is nothing to cut it against).
   */
  const ref = (column: string, parent: ExtractName, key: string) => (src(parent) ? nullUnlessIn(column, cut(parent), key) : `t.${column}`);
  const history = src('opportunity_stage_history');
  const opportunities = src('opportunities');
  const invoices = src('invoices');
  const subscriptions = src('subscriptions');
  const activities = src('activities');
  const nothing = (columns: string) => `(SELECT ${columns} WHERE false)`;
  const spend = src('marketing_spend');
  const touches = src('campaign_leads');
  const leads = src('leads');
  const leadDeals = opportunities ?? nothing('NULL::VARCHAR AS lead_id, NULL::DATE AS created_at');
  const leadActivities = activities ?? nothing('NULL::VARCHAR AS lead_id, NULL::TIMESTAMP AS scheduled_at');

  const stillRunning = [
    subscriptions ? `SELECT account_id FROM ${subscriptions} WHERE start_date <= ${D} AND end_date > ${D}` : undefined,
    invoices ? `SELECT account_id FROM ${invoices} WHERE document_type = 'invoice' AND invoice_date > ${D}` : undefined,
  ].filter((s): s is string => s !== undefined);
  const running = stillRunning.length ? `(${stillRunning.join(' UNION ')})` : nothing('NULL::VARCHAR AS account_id');
  // The stage a deal held at the end of D: the last one entered by then (NULL when unknown).
  const stageOnD = history
    ? `(SELECT h.stage FROM ${history} h WHERE h.opportunity_id = t.opportunity_id AND h.changed_at < ${NEXT}
        AND h.stage IN ('qualified', 'proposal', 'negotiation') ORDER BY h.changed_at DESC, CASE h.stage WHEN 'qualified' THEN 1 WHEN 'proposal' THEN 2 WHEN 'negotiation' THEN 3 ELSE 4 END DESC LIMIT 1)`
    : 'CAST(NULL AS VARCHAR)';
  const closedAfter = `(t.closed_at IS NOT NULL AND t.closed_at > ${D})`;

  return {
    fx_rates: { keep: `date_trunc('month', t.month) <= date_trunc('month', ${D})` },
    sellers: {
      keep: `t.start_date <= ${D}`,
      rewind: {
        leave_date: `CASE WHEN t.leave_date <= ${D} THEN t.leave_date END`,
        manager_id: nullUnlessIn('manager_id', `(SELECT seller_id FROM ${src('sellers')} WHERE start_date <= ${D})`, 'seller_id'),
      },
    },
    objectives: {
      keep: `t.period_start < ${D} + INTERVAL 12 MONTH AND t.seller_id IN (SELECT seller_id FROM ${cut('sellers')})`,
    },
    accounts: {
      keep: `t.created_at <= ${D}`,
      // Joined in pointInTimeSteps: f.first_day (first sign of being a customer), o.owner (owner on D).
      rewind: {
        status: `CASE
          WHEN f.first_day IS NULL THEN t.status
          WHEN f.first_day > ${D} THEN 'prospect'
          WHEN t.status = 'former_customer' AND t.account_id IN (SELECT account_id FROM ${running}) THEN 'customer'
          ELSE t.status END`,
        owner_seller_id: `CASE WHEN o.owner IN (SELECT seller_id FROM ${cut('sellers')}) THEN o.owner END`,
      },
    },
    account_owners: {
      keep: `t.valid_from <= ${D} AND t.account_id IN (SELECT account_id FROM ${cut('accounts')})
        AND t.seller_id IN (SELECT seller_id FROM ${cut('sellers')})`,
      rewind: { valid_to: `CASE WHEN t.valid_to <= ${D} THEN t.valid_to END` },
    },
    contacts: { keep: `t.created_at <= ${D} AND t.account_id IN (SELECT account_id FROM ${cut('accounts')})` },
    // A campaign exists before it starts once money or leads are booked on it (a trade show's
    // stand is paid months ahead): started by D, or with spend, a touch or a lead dated by D.
    campaigns: {
      keep: `t.start_date <= ${D} OR t.campaign_id IN (${[
        spend ? `SELECT campaign_id FROM ${spend} WHERE spend_date <= ${D}` : undefined,
        touches ? `SELECT campaign_id FROM ${touches} WHERE touched_at < ${NEXT}` : undefined,
        leads ? `SELECT campaign_id FROM ${leads} WHERE created_at < ${NEXT}` : undefined,
      ].filter(Boolean).join(' UNION ') || 'SELECT NULL'})`,
      rewind: { end_date: `CASE WHEN t.end_date <= ${D} THEN t.end_date END` },
    },
    leads: {
      keep: `t.created_at < ${NEXT}`,
      rewind: {
        account_id: ref('account_id', 'accounts', 'account_id'),
        contact_id: ref('contact_id', 'contacts', 'contact_id'),
        campaign_id: ref('campaign_id', 'campaigns', 'campaign_id'),
        owner_seller_id: ref('owner_seller_id', 'sellers', 'seller_id'),
        first_touch_at: `CASE WHEN t.first_touch_at < ${NEXT} THEN t.first_touch_at END`,
        status: `CASE
          WHEN t.first_touch_at >= ${NEXT} THEN 'new'
          WHEN t.status = 'qualified' AND EXISTS (SELECT 1 FROM ${leadDeals} p WHERE p.lead_id = t.lead_id AND p.created_at > ${D})
            AND NOT EXISTS (SELECT 1 FROM ${leadDeals} p WHERE p.lead_id = t.lead_id AND p.created_at <= ${D}) THEN 'working'
          WHEN t.status = 'disqualified' AND EXISTS (SELECT 1 FROM ${leadActivities} a
            WHERE a.lead_id = t.lead_id AND a.scheduled_at >= ${NEXT}) THEN 'working'
          ELSE t.status END`,
      },
    },
    opportunities: {
      keep: `t.created_at <= ${D} AND t.account_id IN (SELECT account_id FROM ${cut('accounts')})`,
      rewind: {
        stage: `CASE WHEN ${closedAfter} THEN ${stageOnD} ELSE t.stage END`,
        closed_at: `CASE WHEN ${closedAfter} THEN NULL ELSE t.closed_at END`,
        loss_reason: `CASE WHEN ${closedAfter} THEN NULL ELSE t.loss_reason END`,
        // The exported expected close and forecast category of a deal closed later are not what
        // they were on D (the contract keeps no history of them): emptied, the build derives both
        // from the stage history and says so, rather than read a date that knows the outcome.
        expected_close_at: `CASE WHEN ${closedAfter} THEN NULL ELSE t.expected_close_at END`,
        forecast_category: `CASE WHEN ${closedAfter} THEN NULL ELSE t.forecast_category END`,
        lead_id: ref('lead_id', 'leads', 'lead_id'),
        owner_seller_id: ref('owner_seller_id', 'sellers', 'seller_id'),
      },
    },
    opportunity_stage_history: {
      keep: `t.changed_at < ${NEXT} AND t.opportunity_id IN (SELECT opportunity_id FROM ${cut('opportunities')})`,
    },
    activities: {
      keep: `t.scheduled_at < ${NEXT} AND t.seller_id IN (SELECT seller_id FROM ${cut('sellers')})`,
      rewind: {
        account_id: ref('account_id', 'accounts', 'account_id'),
        lead_id: ref('lead_id', 'leads', 'lead_id'),
        opportunity_id: ref('opportunity_id', 'opportunities', 'opportunity_id'),
        rebooked_activity_id: `CASE WHEN t.rebooked_activity_id IN (SELECT activity_id FROM ${activities} WHERE scheduled_at < ${NEXT})
          THEN t.rebooked_activity_id END`,
      },
    },
    referrals: {
      keep: `t.referred_at <= ${D} AND t.referrer_account_id IN (SELECT account_id FROM ${cut('accounts')})`,
      rewind: {
        referred_account_id: ref('referred_account_id', 'accounts', 'account_id'),
        referred_lead_id: ref('referred_lead_id', 'leads', 'lead_id'),
      },
    },
    marketing_spend: { keep: `t.spend_date <= ${D} AND t.campaign_id IN (SELECT campaign_id FROM ${cut('campaigns')})` },
    campaign_leads: {
      keep: `t.touched_at < ${NEXT} AND t.campaign_id IN (SELECT campaign_id FROM ${cut('campaigns')})
        AND t.lead_id IN (SELECT lead_id FROM ${cut('leads')})`,
    },
    invoices: {
      keep: `t.invoice_date <= ${D} AND t.account_id IN (SELECT account_id FROM ${cut('accounts')})`,
      rewind: { opportunity_id: ref('opportunity_id', 'opportunities', 'opportunity_id') },
    },
    invoice_lines: { keep: `t.invoice_id IN (SELECT invoice_id FROM ${cut('invoices')})` },
    subscriptions: {
      keep: `t.start_date <= ${D} AND t.account_id IN (SELECT account_id FROM ${cut('accounts')})`,
      rewind: { end_date: `CASE WHEN t.end_date <= ${D} THEN t.end_date END` },
    },
  } satisfies Record<ExtractName, Rule>;
};

const isoDay = /^\d{4}-\d{2}-\d{2}$/;

/** Checks the day is a real calendar day written YYYY-MM-DD (it is quoted, never spliced raw). */
export const assertDay = (day: string) => {
  if (!isoDay.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) {
    throw new Error(`${day} is not a day written YYYY-MM-DD`);
  }
};

/**
 * The statements that write every provided extract as it stood at the end of `day`, in contract
 * order (an extract's cut reads the cut tables of those it references), and the source rows each
 * leaves out. Extracts whose `source` is undefined are skipped.
 */
export const pointInTimeSteps = (day: string, tables: PointInTimeTables): PointInTimeStep[] => {
  assertDay(day);
  const rules = rulesFor(day, tables);
  const steps: PointInTimeStep[] = [];
  for (const extract of EXTRACTS) {
    const source = tables.source(extract.name);
    if (!source) continue;
    const rule = rules[extract.name]!;
    const keep = `coalesce((${rule.keep}), false)`;
    const rewind = Object.entries(rule.rewind ?? {}).map(([column, sql]) => `${sql} AS ${column}`);
    let from = `${source} t`;
    if (extract.name === 'accounts') from += accountJoins(day, tables);
    const select = rewind.length ? `t.* REPLACE (${rewind.join(', ')})` : 't.*';
    steps.push({
      extract: extract.name,
      create: `CREATE OR REPLACE TABLE ${tables.target(extract.name)} AS SELECT ${select} FROM ${from} WHERE ${keep}`,
      outOfScope: `SELECT t.* FROM ${source} t${extract.name === 'accounts' ? accountJoins(day, tables) : ''} WHERE NOT ${keep}`,
    });
  }
  return steps;
};

/** The accounts' first sign of being a customer (f.first_day) and their owner on D (o.owner). */
const accountJoins = (day: string, tables: PointInTimeTables) => {
  const D = `DATE ${literal(day)}`;
  const opportunities = tables.source('opportunities');
  const invoices = tables.source('invoices');
  const subscriptions = tables.source('subscriptions');
  const owners = tables.source('account_owners');
  const signs = [
    opportunities ? `SELECT account_id, closed_at AS day FROM ${opportunities} WHERE stage = 'won'` : undefined,
    invoices ? `SELECT account_id, invoice_date AS day FROM ${invoices} WHERE document_type = 'invoice'` : undefined,
    subscriptions ? `SELECT account_id, start_date AS day FROM ${subscriptions}` : undefined,
  ].filter((s): s is string => s !== undefined);
  const first = signs.length
    ? `SELECT account_id, min(day) AS first_day FROM (${signs.join(' UNION ALL ')}) s WHERE day IS NOT NULL GROUP BY account_id`
    : 'SELECT NULL::VARCHAR AS account_id, NULL::DATE AS first_day WHERE false';
  // The owner changed after D (the ownership history has a period starting later): the owner of D
  // is the seller of the period containing D (none: no owner that day). Otherwise the exported one.
  const owner = owners
    ? `SELECT a.account_id, CASE WHEN NOT EXISTS (SELECT 1 FROM ${owners} h WHERE h.account_id = a.account_id AND h.valid_from > ${D}) THEN a.owner_seller_id
        ELSE (SELECT h.seller_id FROM ${owners} h WHERE h.account_id = a.account_id AND h.valid_from <= ${D}
          AND (h.valid_to IS NULL OR h.valid_to >= ${D}) ORDER BY h.valid_from DESC LIMIT 1) END AS owner
       FROM ${tables.source('accounts')} a`
    : `SELECT account_id, owner_seller_id AS owner FROM ${tables.source('accounts')}`;
  return ` LEFT JOIN (${first}) f ON f.account_id = t.account_id LEFT JOIN (${owner}) o ON o.account_id = t.account_id`;
};

/**
 * Deals that existed on `day` and closed after it, whose stage on that day the stage history
 * cannot tell: (opportunities without any history row entered by the end of D). Zero when the
 * rewind is possible. `historyProvided` false: every such deal counts.
 */
export const missingStageHistorySql = (day: string, tables: Pick<PointInTimeTables, 'source'>): string => {
  assertDay(day);
  const D = `DATE ${literal(day)}`;
  const opportunities = tables.source('opportunities');
  if (!opportunities) return 'SELECT 0 AS deals';
  const history = tables.source('opportunity_stage_history');
  const known = history
    ? `AND NOT EXISTS (SELECT 1 FROM ${history} h WHERE h.opportunity_id = t.opportunity_id
         AND h.changed_at < CAST(${D} + INTERVAL 1 DAY AS TIMESTAMP) AND h.stage IN ('qualified', 'proposal', 'negotiation'))`
    : '';
  return `SELECT count(*) AS deals FROM ${opportunities} t WHERE t.created_at <= ${D} AND t.closed_at > ${D} ${known}`;
};
