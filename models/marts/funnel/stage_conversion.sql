/*
description: >
  Opportunities by month of creation, seller, segment and product line, with the stages of the
  funnel they reached (qualified → proposal → negotiation → won) and the conversion from each stage
  to the next.
grain: "mois de création de l'affaire × commercial × segment × gamme"
unique: [month, seller_id, segment, product_line]
not_null: [opportunities, reached_proposal, won]
kpis:
  - name: Stage conversion qualified → proposal
    needs: []  # opportunities alone suffice: lead dates and stage history refine the figure
    label: Conversion qualifié → proposition
    formula: >
      Affaires ayant atteint l'étape proposition / affaires créées (qualifiées), par mois de
      création.
    columns: [qualified_to_proposal_rate]
    numerator: reached_proposal
    denominator: opportunities
    numerator_label: Affaires arrivées en proposition
    denominator_label: Affaires créées
    unit: rate
    seeds: ['002', '003', '004']
    audiences: [A, E]
  - name: Stage conversion proposal → won
    requires: [closed_deal]
    needs: []  # opportunities alone suffice: lead dates and stage history refine the figure
    label: Conversion proposition → gagné
    formula: >
      Affaires gagnées / affaires ayant atteint l'étape proposition, par mois de création.
    columns: [proposal_to_won_rate]
    numerator: won
    denominator: reached_proposal
    numerator_label: Affaires gagnées
    denominator_label: Affaires arrivées en proposition
    unit: rate
    seeds: ['002', '003', '004']
    audiences: [A, E]
*/
SELECT
  created_month AS month,
  owner_seller_id AS seller_id,
  team,
  segment,
  product_line,
  count(*) AS opportunities,
  count(*) FILTER (WHERE reached_proposal) AS reached_proposal,
  count(*) FILTER (WHERE reached_negotiation) AS reached_negotiation,
  count(*) FILTER (WHERE is_won) AS won,
  count(*) FILTER (WHERE is_lost) AS lost,
  count(*) FILTER (WHERE is_open) AS open,
  safe_divide(count(*) FILTER (WHERE reached_proposal), count(*)) AS qualified_to_proposal_rate,
  -- While no deal at all is closed, no proposal has had the chance to be won: no rate, not 0 %.
  CASE WHEN EXISTS (SELECT 1 FROM staging.stg_opportunities WHERE is_won OR is_lost)
    THEN safe_divide(count(*) FILTER (WHERE is_won), count(*) FILTER (WHERE reached_proposal)) END AS proposal_to_won_rate
FROM intermediate.int_opportunity_journey
GROUP BY ALL
