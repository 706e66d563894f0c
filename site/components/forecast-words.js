// How the pages quote a forecast's measured error and its method, in French: one wording for the
// front page and the forecast page. The figures come from marts.forecast_landing (the error the
// backtest measured at this forecast's horizon, for the method chosen as it is chosen today).
import { fr, pctfr } from './fr-format.js';

const plural = (n, word) => `${fr(n)} ${word}${Number(n) > 1 ? 's' : ''}`;

/** "erreur mesurée à 12 mois de la fin de la période : 11,3 % (1 prévision du backtest, 1 exercice)", or why there is none. */
export const horizonError = (l) =>
  l.horizon_mape != null
    ? `erreur mesurée à ${fr(l.horizon_months)} mois de la fin de la période : ${pctfr(l.horizon_mape)} (${plural(l.horizon_forecasts, 'prévision')} du backtest, ${plural(l.horizon_years, 'exercice')})`
    : l.horizon_note;

export const METHOD_LABELS = { pipeline: 'pipeline pondéré', run_rate: 'rythme récent', blend: 'mélange' };

/** How the method shown was chosen, said plainly. */
export const methodChoice = (l) =>
  `Méthode affichée : ${METHOD_LABELS[l.method] ?? l.method}, choisie avec les seules erreurs connues à la date de la prévision ` +
  `(${plural(l.choice_errors, 'prévision')} passée${Number(l.choice_errors) > 1 ? 's' : ''} dont le réalisé était connu) ; ` +
  `la même règle a été appliquée à chaque date du backtest dont l'erreur est publiée`;

/** Why there is no probability of reaching the objective, or the probability. */
export const objectiveChance = (l) =>
  l.prob_reach_objective != null ? `probabilité d'atteindre l'objectif : ${pctfr(l.prob_reach_objective)}` : `probabilité d'atteindre l'objectif non calculée : ${l.prob_note}`;
