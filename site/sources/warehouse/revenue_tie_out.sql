-- Finance's tie-out by fiscal year, quarter and month, and all time: the marts' revenue against the
-- invoice lines read from the files (marts.revenue_tie_out).
select period_type, period_start, period_end, fiscal_year, fiscal_quarter, period_label, is_complete, is_current,
       mart_revenue, lines_loaded, held_out_dated, held_out_undated, after_as_of, lines_read, difference, explained_held_out,
       unexplained, credit_notes, won_to_invoice, status, status_label, explanation
from marts.revenue_tie_out
order by period_type, period_start
