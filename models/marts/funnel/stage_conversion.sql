/*
description: >
  Opportunities by month of creation, seller, segment and product line, with the stages of the
  funnel they reached (qualified → proposal → negotiation → won) and the conversion from each stage
  to the next.
grain: opportunity creation month × seller × segment × product line
unique: [month, seller_id, segment, product_line]
not_null: [opportunities, reached_proposal, won]
kpis:
  - name: Stage conversion qualified → proposal
    needs: []  # opportunities alone suffice: lead dates and stage history refine the figure
    label: Conversion qualifié → proposition
    formula: Opportunities that reached the proposal stage / opportunities created (qualified), by month of creation.
    columns: [qualified_to_proposal_rate]
    numerator: reached_proposal
    denominator: opportunities
    unit: rate
    seeds: ['002', '003', '004']
    audiences: [A, E]
  - name: Stage conversion proposal → won
    requires: [closed_deal]
    needs: []  # opportunities alone suffice: lead dates and stage history refine the figure
    label: Conversion proposition → gagné
    formula: Won opportunities / opportunities that reached the proposal stage, by month of creation.
    columns: [proposal_to_won_rate]
    numerator: won
    denominator: reached_proposal
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
