/**
 * `npm run init` on a folder of contract extracts: per extract the order of its slash dates
 * (written to extracts.yaml only where proven and the loader would read otherwise), its events'
 * first and last days, the currencies of its money, and the objectives' fiscal year.
 */
import { CORE_EXTRACTS, extractByName } from '../contract/index.js';
import { columnsOf } from '../contract/derive.js';
import type { Database } from '../db/duckdb.js';
import type { DateOrder } from '../load/date-order.js';
import type { ExtractsConfig } from '../load/extracts-config.js';
import type { LocatedExtract } from '../load/read.js';
import { readContractFacts } from './contract-facts.js';
import { evidenceOf, rangeOf } from './date-profile.js';
import {
  addCurrencies, countSpend, decideCurrency, fiscalYearOf, FORMATS, ORDER_WORDS, proofOf, provenOrder, relative, verdictWords, widen, yamlFormats, type Findings,
} from './findings.js';

export const inspectContract = async (db: Database, findings: Findings, dir: string, config: ExtractsConfig, located: LocatedExtract[], scratch: string) => {
  const facts = await readContractFacts(db, located, config, scratch);
  for (const f of facts) {
    const where = f.files.map((x) => relative(dir, x)).join(', ');
    findings.recognised.push(...f.files.map((x) => ({ file: relative(dir, x), as: `extract ${f.extract}` })));
    const withSlash = f.dates.filter((d) => d.slash > 0);
    const proven = provenOrder(withSlash);
    const loaderOrder = [...f.loaderOrder.values()].find((o) => o !== undefined);
    let readAs: DateOrder | undefined = loaderOrder;
    if (proven.kind === 'proven') {
      readAs = proven.order;
      if (loaderOrder !== proven.order) {
        if (f.explicit) {
          findings.questions.push(`${where}: extracts.yaml reads its slash dates ${loaderOrder ? ORDER_WORDS[loaderOrder] : 'not at all'}, but the data proves them ${ORDER_WORDS[proven.order]}; ` +
            `the build will stop. If the data is right, write in extracts.yaml: files: { ${f.extract}: { ${yamlFormats(proven.order)} } }`);
        } else {
          findings.extractsYaml.push({ path: ['files', f.extract], value: FORMATS[proven.order],
            because: `${where}: slash dates proven ${ORDER_WORDS[proven.order]}: ${proofOf(withSlash.map((profile) => ({ where, profile })), proven.order)}; ` +
              `the defaults read ${loaderOrder ? ORDER_WORDS[loaderOrder] : 'ISO dates only'}` });
        }
      }
    } else if (proven.kind === 'contradictory') {
      findings.questions.push(`${where}: its slash dates contradict each other (${withSlash.map((c) => `${c.column}: ${evidenceOf(c)}`).join('; ')}): ` +
        'some can only be day-first, others only month-first. Correct the export (one order per file), then run init again.');
    } else if (proven.kind === 'ambiguous' && !f.explicit) {
      readAs = undefined;
      findings.questions.push(`${where}: every slash date reads both ways (${withSlash.map((c) => `${c.column}: ${evidenceOf(c)}`).join('; ')}), so the data cannot tell day-first from month-first ` +
        `and the build will stop. Say which in extracts.yaml: files: { ${f.extract}: { ${yamlFormats('day/month')} } } for day-first, ` +
        `or files: { ${f.extract}: { ${yamlFormats('month/day')} } } for month-first.`);
    }
    for (const c of f.dates.filter((d) => d.nonEmpty > 0)) {
      const order = c.slash > 0 ? readAs : undefined;
      findings.dates.push({ where, column: c.column, profile: c, verdict: verdictWords(c), readAs: order });
      // The data's first and last days are those of its events (dates the contract says cannot be
      // in the future), not of period ends or planned dates.
      if (columnsOf(extractByName(f.extract)!).find((x) => x.name === c.column)?.notInFuture) widen(findings, `${f.extract}.${c.column}`, rangeOf(c, order));
    }
  }
  const absentCore = CORE_EXTRACTS.filter((c) => !facts.some((f) => f.extract === c));
  if (absentCore.length) findings.notes.push(`The core extract(s) ${absentCore.join(', ')} are not in the folder: every company needs them, and the build will stop without them.`);
  addCurrencies(findings, facts);
  await countSpend(findings, facts);
  const fx = facts.find((f) => f.extract === 'fx_rates');
  const fxCurrencies = fx ? (await fx.query<{ c: string }>((rel) => `SELECT DISTINCT upper(trim(CAST(currency AS VARCHAR))) AS c FROM ${rel}`)).map((r) => r.c) : [];
  decideCurrency(findings, [...fxCurrencies, ...Object.keys(config.currency.rates)], (code) => `currency: { reporting: ${code} } in extracts.yaml`);
  if (findings.provenCurrency) {
    findings.extractsYaml.push({ path: ['currency', 'reporting'], value: findings.provenCurrency,
      because: `every amount of the money columns states ${findings.provenCurrency}; with ${findings.reporting} as reporting currency they would all need rates` });
  }
  const objectives = facts.find((f) => f.extract === 'objectives');
  const order = objectives ? findings.dates.find((d) => d.where === objectives.files.map((x) => relative(dir, x)).join(', ') && d.readAs)?.readAs : undefined;
  findings.fiscalYear = objectives ? await fiscalYearOf(db, objectives, order) : { strength: 'none', because: 'no objectives in the data' };
};

