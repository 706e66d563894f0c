/*
description: >
  Open deals with no activity held on them for more than `funnel.quietAfterDays` days at the
  reference day (counted from the creation when no activity was ever held on the deal), the longest
  silence first: the deals a manager should call about before counting on them.
grain: affaire ouverte sans activité récente
unique: [opportunity_id]
not_null: [owner_seller_id, team, account_name, stage, amount, days_without_activity, quiet_after_days, reference_day]
relationships: { owner_seller_id: staging.stg_sellers.seller_id }
kpis:
  - name: Deals gone quiet
    label: Affaires sans activité
    formula: >
      Affaires ouvertes sur lesquelles aucune activité (appel, rendez-vous, e-mail…) n'a été tenue
      depuis plus de N jours au dernier jour des données (réglage, 30 jours par défaut ; depuis la
      création de l'affaire quand elle n'en a jamais eu), en nombre et en montant.
    columns: [amount]
    unit: EUR
    audiences: [A, E]
    needs: [activities]
*/
SELECT
  d.opportunity_id, d.opportunity_name, d.account_id, d.account_name, d.owner_seller_id, d.team, d.segment,
  d.stage, d.amount, d.weighted_amount, d.expected_close_at, d.expected_close_quarter, d.last_activity_at,
  d.days_without_activity, k.quiet_after_days, d.reference_day
FROM intermediate.int_open_deals d
CROSS JOIN settings.kpi k
WHERE d.is_quiet
