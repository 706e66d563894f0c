-- The KPI glossary as published: definition, grain, where the figure comes from, and whether the
-- company's extracts allow it (with the reason when they do not), and for revenue figures whether
-- they are invoiced or booked from won deals (billing not provided). Reader words (label, formula,
-- grain, numerator_label, denominator_label, source_labels) are French; kpi, model, numerator,
-- denominator and source_extracts are technical ids pages do not display.
select kpi, label, formula, grain, model, unit,
       coalesce(numerator, '') as numerator, coalesce(denominator, '') as denominator,
       coalesce(numerator_label, '') as numerator_label, coalesce(denominator_label, '') as denominator_label,
       array_to_string(source_extracts, ', ') as source_extracts,
       array_to_string(source_labels, ', ') as source_labels,
       array_to_string(seeds, ', ') as seeds,
       array_to_string(audiences, ', ') as audiences,
       available,
       coalesce(unavailable_reason, '') as unavailable_reason,
       coalesce(revenue_basis, '') as revenue_basis,
       coalesce(basis_note, '') as basis_note
from marts.kpi_glossary
order by model, kpi
