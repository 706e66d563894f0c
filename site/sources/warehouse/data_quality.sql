-- Rows read, loaded and rejected per extract, and freshness of each source.
select extract, extract_label, system, load_status, quality_status, files, coalesce(format, '—') as format, rows_read, rows_loaded, rows_rejected,
       reject_rate, rejected_columns, extra_columns, is_transactional, coalesce(latest_date_column, '—') as latest_date_column, coalesce(latest_date_label, '—') as latest_date_label,
       latest_date, days_behind, latest_transactional_date, loaded_at
from marts.data_quality
order by system, extract
