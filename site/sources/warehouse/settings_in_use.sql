-- The conventions the figures follow (fiscal year, allocations, plans), in reader words, and
-- whether they are the company's own settings or the neutral defaults.
select setting_order, label, value_label, is_default, source, source_label
from marts.settings_in_use
order by setting_order
