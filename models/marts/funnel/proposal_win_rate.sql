/*
description: >
  Proposals decided (deals that reached the proposal stage and were won or lost) by month of close,
  seller (with the seller's team and manager), segment and product line, the win rate on them against the benchmark line
  (funnel.proposalWinRateBenchmark, 30 %) and the B2B market average (10 %), and the proposals
  that never closed (lost or still open).
grain: mois de clôture × commercial × segment × gamme
unique: [month, seller_id, segment, product_line]
not_null: [proposals_decided, proposals_won, benchmark_win_rate]
kpis:
  - name: Win rate on proposals
    requires: [closed_deal]
    needs: []  # opportunities alone suffice: lead dates and stage history refine the figure
    label: Taux de gain des propositions
    formula: >
      Gagnées / propositions décidées (gagnées + perdues parmi les affaires ayant atteint l'étape
      proposition), par mois de clôture ; ligne de référence à 30 %.
    columns: [win_rate, benchmark_win_rate, b2b_average_win_rate]
    numerator: proposals_won
    denominator: proposals_decided
    numerator_label: Propositions gagnées
    denominator_label: Propositions décidées
    unit: rate
    seeds: ['002', '004']
    audiences: [A, E]
  - name: Proposals that never close
    needs: []  # opportunities alone suffice: lead dates and stage history refine the figure
    label: Propositions jamais conclues
    formula: >
      Propositions perdues / propositions décidées, par mois de clôture (tendance des propositions
      qui n'aboutissent pas à une vente).
    columns: [never_closed_rate]
    numerator: proposals_lost
    denominator: proposals_decided
    numerator_label: Propositions perdues
    denominator_label: Propositions décidées
    unit: rate
    seeds: ['002']
    audiences: [A, E]
*/
SELECT
  j.closed_month AS month,
  j.owner_seller_id AS seller_id,
  j.team,
  j.manager_id,
  j.segment,
  j.product_line,
  count(*) AS proposals_decided,
  count(*) FILTER (WHERE j.is_won) AS proposals_won,
  count(*) FILTER (WHERE j.is_lost) AS proposals_lost,
  sum(j.amount) FILTER (WHERE j.is_won) AS won_amount,
  safe_divide(count(*) FILTER (WHERE j.is_won), count(*)) AS win_rate,
  safe_divide(count(*) FILTER (WHERE j.is_lost), count(*)) AS never_closed_rate,
  any_value(k.proposal_win_rate_benchmark) AS benchmark_win_rate,
  any_value(k.b2b_average_win_rate) AS b2b_average_win_rate
FROM intermediate.int_opportunity_journey j
CROSS JOIN settings.kpi k
WHERE j.reached_proposal AND NOT j.is_open
GROUP BY ALL
