-- Records held out or flagged at load, by identifier and line of the exported file; the kind of
-- problem, never the value (marts.data_quality_records).
select extract, extract_label, severity, record_key, export_file, export_line, array_to_string(columns, ', ') as columns,
       array_to_string(reasons, ' ; ') as reasons, amount, currency, amount_reporting
from marts.data_quality_records
order by severity desc, abs(coalesce(amount_reporting, amount, 0)) desc, extract, export_file, export_line
