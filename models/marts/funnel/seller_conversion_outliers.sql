/*
description: >
  Per year of close, product line and seller: the seller's win rate on decided proposals against
  the rest of the team on the same product line, with a two-proportion z-test
  (z = (p_seller − p_rest) / √(p̂(1−p̂)(1/n_seller + 1/n_rest)), p̂ pooled). A seller is an outlier
  when |z| ≥ funnel.outlierZ (1.96) and they decided at least funnel.outlierMinDecided proposals.
grain: année × gamme × commercial
unique: [year, product_line, seller_id]
not_null: [decided, won, is_outlier]
kpis:
  - name: Seller conversion outliers
    requires: [closed_deal]
    needs: []  # opportunities alone suffice: lead dates and stage history refine the figure
    label: Vendeurs atypiques en conversion
    formula: >
      Test z de comparaison de deux proportions : taux de gain sur propositions du commercial contre
      celui du reste de l'équipe, même gamme et même année ; écart significatif quand |z| ≥ 1,96
      avec au moins 10 propositions décidées.
    columns: [z_score, is_outlier, seller_win_rate, rest_win_rate]
    numerator: won
    denominator: decided
    numerator_label: Propositions gagnées
    denominator_label: Propositions décidées
    unit: rate
    seeds: ['004']
    audiences: [A]
*/
WITH seller AS (
  SELECT fiscal_year(closed_at) AS year, product_line, owner_seller_id AS seller_id,
         count(*) AS decided, count(*) FILTER (WHERE is_won) AS won
  FROM intermediate.int_opportunity_journey
  WHERE reached_proposal AND NOT is_open
  GROUP BY ALL
),
totals AS (
  SELECT year, product_line, sum(decided) AS all_decided, sum(won) AS all_won FROM seller GROUP BY ALL
),
compared AS (
  SELECT s.*, t.all_decided - s.decided AS rest_decided, t.all_won - s.won AS rest_won, t.all_won / t.all_decided AS pooled
  FROM seller s JOIN totals t USING (year, product_line)
)
SELECT
  c.year, c.product_line, c.seller_id, c.decided, c.won, c.rest_decided, c.rest_won,
  c.won / c.decided AS seller_win_rate,
  safe_divide(c.rest_won, c.rest_decided) AS rest_win_rate,
  CASE WHEN c.rest_decided > 0 AND c.pooled > 0 AND c.pooled < 1
       THEN (c.won / c.decided - c.rest_won / c.rest_decided)
            / sqrt(c.pooled * (1 - c.pooled) * (1.0 / c.decided + 1.0 / c.rest_decided)) END AS z_score,
  coalesce(c.decided >= k.outlier_min_decided AND c.rest_decided > 0 AND c.pooled > 0 AND c.pooled < 1
    AND abs((c.won / c.decided - c.rest_won / c.rest_decided)
            / sqrt(c.pooled * (1 - c.pooled) * (1.0 / c.decided + 1.0 / c.rest_decided))) >= k.outlier_z, false) AS is_outlier
FROM compared c CROSS JOIN settings.kpi k
