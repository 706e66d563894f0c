// The one way a page puts a value it does not write itself (a page parameter, an input's value) into
// its SQL: `sql(value)` returns a SQL literal, a string with its quotes doubled. A seller id "Anne
// D'Arcy" or a team "Provence-Alpes-Côte d'Azur" then reads as the text it is, and no value can end
// the string and run SQL of its own in the browser's or the build's DuckDB.
//
// Two forms, and only these (test/page-sql-quoting.test.ts fails on any other):
//   where seller_id = ${sql(params.seller)}
//   where team = ${inputs.team, sql(inputs.team.value)}
// Why the `inputs.team,` in front: Evidence (preprocess/process-queries.cjs) counts a query as an
// input query, the ones it re-runs while prerendering when a dropdown sets its default, only when its
// text has an interpolation starting `${inputs.`. `sql(inputs.…)` alone would lose that, and the
// prerendered pages would ship those sections empty. The comma operator evaluates `inputs.team`,
// drops it and returns what `sql()` returns: nothing of `inputs.team` reaches the SQL text.
//
// Why not keys that cannot carry a quote (slugs, ids in dropdowns): a slug still has to be spliced,
// and no scan of the pages can tell a slug from a name; the helper holds whatever the data calls
// things, and one rule (every value through sql()) is checked on every page.
//
// An input not set yet is Evidence's tracking proxy; it is returned untouched, so that Evidence's
// `hasUnsetValues` still sees it and holds the query back until the input has a value.
import { Unset } from '@evidence-dev/sdk/usql';

/** A SQL literal for `value`: a quoted string (quotes doubled), a number, a boolean or NULL. */
export const sql = (value) => {
  if (value != null && (typeof value === 'object' || typeof value === 'function') && value[Unset]) return value;
  if (value == null) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return `'${String(value).replaceAll("'", "''")}'`;
};
