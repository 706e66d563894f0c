-- Checks tying the figures to the billing and CRM extracts.
select check_order, check_name, check_label, description, model_figure, billing_figure, difference, relative_difference,
       tolerance, tolerance_unit, status, coalesce(detail, '') as detail
from marts.reconciliation
order by check_order
