/**
 * The audiences the shared sample build publishes (`test/helpers/shared-build.ts`) and
 * `test/e2e-audiences.test.ts` checks: defined once here, because the build that makes their sites
 * is shared by the tests and must not depend on which test asked for it first.
 *
 * The shipped example's direction, finance and managers, two seller packs (an account executive, a
 * manager), and a pseudonymised audience over the pages that name sellers (their list and pages,
 * the team page, the alerts): no seller's id or name in it, only pseudonyms.
 */
export const AUDIENCES: { name: string; pages: string[]; team?: string; seller?: string; pseudonymise?: boolean }[] = [
  { name: 'direction', pages: ['/', '/revenue', '/forecast', '/alerts', '/segments', '/segments/*'] },
  { name: 'finance', pages: ['/revenue', '/customers', '/acquisition', '/data-quality', '/glossary'] },
  ...[['ile-de-france', 'Île-de-France'], ['nord-est', 'Nord & Est'], ['sud-ouest', 'Sud & Ouest']].map(([slug, team]) => ({
    name: `managers-${slug}`, pages: ['/', '/team', '/funnel', '/activity', '/alerts', '/sellers', '/sellers/*'], team,
  })),
  { name: 'seller-s005', pages: ['/sellers/S005', '/team'], seller: 'S005' },
  { name: 'seller-s003', pages: ['/sellers/S003', '/team'], seller: 'S003' },
  { name: 'direction-pseudo', pages: ['/sellers', '/sellers/*', '/team', '/alerts'], pseudonymise: true },
];

/** The publish configuration (publish.yaml) of AUDIENCES: the managers as one `each: team` entry. */
export const AUDIENCES_CONFIG = `audiences:
${AUDIENCES.filter((a) => !a.team).map((a) => `  - name: ${a.name}\n    pages: ${JSON.stringify(a.pages)}${a.seller ? `\n    filter: { seller: ${a.seller} }` : ''}${a.pseudonymise ? '\n    pseudonymise: true' : ''}`).join('\n')}
  - name: managers-{team}
    each: team
    pages: ${JSON.stringify(AUDIENCES[2]!.pages)}
`;
