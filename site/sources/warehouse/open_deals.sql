-- Open deals one by one (marts.open_deals): deal and account names (business data; no contact),
-- the seller's label, and French words for the stage, the forecast category and where the expected
-- close and the category come from.
select d.opportunity_id, coalesce(d.opportunity_name, 'Affaire ' || d.opportunity_id) as deal_label, d.account_name,
       d.owner_seller_id as seller_id, l.seller_label, d.team, d.segment, d.product_line,
       d.stage, case d.stage when 'qualified' then 1 when 'proposal' then 2 else 3 end as stage_order,
       case d.stage when 'qualified' then 'Qualifiée' when 'proposal' then 'Proposition' else 'Négociation' end as stage_label,
       cast(d.amount as double) as amount, d.probability, d.weighted_amount,
       d.expected_close_at, d.expected_close_source,
       case d.expected_close_source when 'crm' then 'CRM' else 'déduite (étape)' end as expected_close_source_label,
       d.expected_close_quarter_start, coalesce(d.expected_close_quarter, '(date inconnue)') as expected_close_quarter, d.is_close_overdue,
       d.forecast_category,
       case d.forecast_category when 'commit' then 'Engagé' when 'best_case' then 'Probable' when 'pipeline' then 'Pipeline' else 'Exclu' end as forecast_category_label,
       case d.forecast_category when 'commit' then 1 when 'best_case' then 2 when 'pipeline' then 3 else 4 end as forecast_category_order,
       d.forecast_category_source,
       case d.forecast_category_source when 'crm' then 'CRM' else 'déduite (taux de l''étape)' end as forecast_category_source_label,
       d.days_in_stage, d.last_activity_at, d.days_without_activity, d.is_quiet, d.quiet_after_days,
       d.current_quarter, d.is_current_quarter, d.is_next_quarter, d.amount_rank, d.reference_day
from marts.open_deals d
join marts.seller_labels l on l.seller_id = d.owner_seller_id
order by d.expected_close_quarter_start nulls last, d.amount desc, d.opportunity_id
