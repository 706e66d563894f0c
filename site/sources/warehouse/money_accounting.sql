-- Money read from the files per extract and currency: loaded, flagged, held out, and (--as-of) after
-- the as-of day (marts.money_accounting).
select extract, extract_label, currency, is_reporting_currency, rows_read, amount_read, rows_loaded, amount_loaded,
       amount_loaded_reporting, rows_flagged, amount_flagged, rows_held_out, amount_held_out, amount_held_out_reporting,
       rows_unreadable, rows_unconverted, rows_after_as_of, amount_after_as_of, amount_after_as_of_reporting,
       amount_read_reporting, held_out_share
from marts.money_accounting
order by extract, currency
