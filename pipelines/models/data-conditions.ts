/**
 * What a KPI needs in the data, beyond its extracts being provided: a win rate needs decided deals,
 * revenue needs a won deal or an invoice line, a growth rate needs a previous period. A model's
 * header lists them under a KPI's `requires`; when one does not hold, the glossary marks the KPI
 * unavailable with the reason in French (the site shows it to readers) instead of letting an empty
 * or all-NULL mart pass for a figure. Each condition is one SQL expression over the built models.
 */

export interface DataCondition {
  /** TRUE when the KPI can be computed; evaluated after every model is built. */
  holds: string;
  /** Why not, for the reader: a French noun phrase shown after "indicateur indisponible —". */
  reason: string;
}

/** Months between the first and last month with revenue (won deals or invoice lines). */
const revenueMonthsSpan = `(SELECT coalesce(datediff('month', min(month), max(month)), -1) FROM intermediate.int_revenue_lines)`;

/** Revenue comes from billing when provided, else from won deals (see int_revenue_lines). */
const noRevenue = `CASE WHEN revenue_basis() = 'booked'
  THEN 'aucune affaire gagnée (sans facturation, le chiffre d''affaires vient des affaires gagnées)'
  ELSE 'aucune ligne de facture' END`;

export const DATA_CONDITIONS = {
  won_deal: {
    holds: `EXISTS (SELECT 1 FROM staging.stg_opportunities WHERE is_won)`,
    reason: `'aucune affaire gagnée'`,
  },
  closed_deal: {
    holds: `EXISTS (SELECT 1 FROM staging.stg_opportunities WHERE is_won OR is_lost)`,
    reason: `'aucune affaire clôturée (gagnée ou perdue) : toutes les affaires sont encore ouvertes'`,
  },
  revenue: {
    holds: `EXISTS (SELECT 1 FROM intermediate.int_revenue_lines)`,
    reason: noRevenue,
  },
  revenue_two_months: {
    holds: `${revenueMonthsSpan} >= 1`,
    reason: `CASE WHEN ${revenueMonthsSpan} < 0 THEN ${noRevenue} ELSE 'chiffre d''affaires sur un seul mois : pas de période précédente à comparer' END`,
  },
  revenue_year_ago: {
    holds: `${revenueMonthsSpan} >= 12`,
    reason: `CASE WHEN ${revenueMonthsSpan} < 0 THEN ${noRevenue} ELSE 'moins d''un an de chiffre d''affaires : pas de même période l''an passé à comparer' END`,
  },
} as const satisfies Record<string, DataCondition>;

export type DataConditionName = keyof typeof DATA_CONDITIONS;
export const DATA_CONDITION_NAMES = Object.keys(DATA_CONDITIONS) as [DataConditionName, ...DataConditionName[]];
