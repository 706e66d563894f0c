-- Why rows were rejected, per extract, column and reason (counts only, never the values). Every
-- extract has at least one row (rejected_rows = 0, reason NULL when nothing was rejected) so the
-- dataset is never empty.
select q.extract, q.extract_label, q.system, r.column_name, r.reason, coalesce(r.rejected_rows, 0) as rejected_rows,
       array_to_string(r.first_lines, ', ') as first_lines
from marts.data_quality q
left join marts.data_quality_rejects r on r.extract = q.extract
order by q.extract, rejected_rows desc
