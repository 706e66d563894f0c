-- One row per seller: the label the pages show (real name, or a pseudonym in a pseudonymised
-- build), the latest team and role the marts know. The templated pages /sellers/<seller_id> are
-- built from this list.
with latest as (
  select seller_id, team, role,
         row_number() over (partition by seller_id order by year desc) as rn
  from marts.performance_distribution
)
select l.seller_id, l.seller_label, coalesce(latest.team, '—') as team, coalesce(latest.role, '—') as role,
       case latest.role when 'account_executive' then 'Commercial terrain' when 'manager' then 'Manager'
                        when 'sdr' then 'Développement (SDR)' else coalesce(latest.role, '—') end as role_label
from marts.seller_labels l
left join latest on latest.seller_id = l.seller_id and latest.rn = 1
order by l.seller_id
