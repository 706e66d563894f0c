/**
 * The publish configuration: which audiences get a site of their own, which pages each sees and
 * which rows of the data. Lives in `publish.yaml` beside the extracts, or at the path given by
 * `--publish-config` / `BI_PUBLISH_CONFIG`; with none, the build publishes the one site as before.
 *
 *   audiences:
 *     - name: direction
 *       pages: ["/", "/revenue", "/segments/*"]     # route globs: * one path segment, ** any
 *     - name: managers-{team}
 *       each: team                                  # one audience per team, its rows only
 *       pages: ["/team", "/sellers/*"]
 *     - name: seller-{seller}
 *       each: seller                                # one pack per seller: own rows + team aggregates
 *       pages: ["/sellers/*", "/team"]
 *     - name: lyon
 *       filter: { team: Lyon }                      # or { seller: S003 }; absent: every row
 *       pseudonymise: false
 *
 * Errors name the file, the line and what to write instead (`AudienceConfigError`).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, parseYamlFile, validateYaml } from '../config-files.js';

export const PUBLISH_FILE = 'publish.yaml';

export class AudienceConfigError extends ConfigError {
  override name = 'AudienceConfigError';
}

const NAME = /^([a-z0-9]|\{(team|seller)\})([a-z0-9-]|\{(team|seller)\})*$/;
const NAME_HINT = 'lower-case letters, digits and dashes, starting with a letter or digit (it names the site\'s folder), e.g. "direction" or "managers-{team}"';
const GLOB_HINT = 'a route glob starting with "/", e.g. "/", "/revenue", "/sellers/*" (one segment) or "/segments/**"';

export const audienceSchema = z.strictObject({
  name: z.string({ error: `name is required: ${NAME_HINT}` }).regex(NAME, NAME_HINT)
    .describe('Folder of the audience\'s site; with `each`, a template holding {team} or {seller}'),
  pages: z.array(z.string().regex(/^\/[^\s]*$/, GLOB_HINT), { error: `pages is required: a list of ${GLOB_HINT}` }).min(1, 'at least one page')
    .describe('Route globs of the pages this audience sees; {seller} in a pack stands for its seller'),
  filter: z.strictObject({
    team: z.string().min(1).optional(),
    seller: z.string().min(1).optional(),
  }).refine((f) => (f.team === undefined) !== (f.seller === undefined), 'a filter names exactly one of team or seller, e.g. { team: Lyon } or { seller: S003 }').optional()
    .describe('Rows this audience may see: one team\'s, or one seller\'s (with their team\'s and the company\'s aggregates); absent: every row'),
  each: z.enum(['team', 'seller'], { error: 'each is "team" or "seller"' }).optional()
    .describe('One audience per team (or seller) of the data, each filtered to it'),
  pseudonymise: z.boolean({ error: 'pseudonymise is true or false' }).default(false)
    .describe('Seller names replaced by stable pseudonyms (only for audiences that see every row)'),
}).superRefine((a, ctx) => {
  if (a.each && a.filter) ctx.addIssue({ code: 'custom', path: ['filter'], message: `each: ${a.each} already filters each audience to its ${a.each}: remove filter` });
  if (a.each && !a.name.includes(`{${a.each}}`)) ctx.addIssue({ code: 'custom', path: ['name'], message: `with each: ${a.each} the name must hold {${a.each}}, e.g. "${a.each === 'team' ? 'managers-{team}' : 'seller-{seller}'}"` });
  if (!a.each && /[{}]/.test(a.name)) ctx.addIssue({ code: 'custom', path: ['name'], message: `{team} and {seller} in a name need each: team or each: seller` });
  // Pseudonyms would hide a team's own sellers from its manager, and a filtered site names no other seller anyway.
  if (a.pseudonymise && (a.each || a.filter)) ctx.addIssue({ code: 'custom', path: ['pseudonymise'], message: 'a filtered audience shows its own sellers only, by name: pseudonymise applies to audiences without filter or each' });
});

export const publishConfigSchema = z.strictObject({
  audiences: z.array(audienceSchema, { error: 'audiences is required: a list of audiences (name, pages, filter, pseudonymise)' }).min(1, 'at least one audience'),
});

export type AudienceEntry = z.infer<typeof audienceSchema>;

/** One audience of the release, its template expanded: a folder name, page globs, a row filter. */
export interface Audience {
  name: string;
  pages: string[];
  filter?: { team: string } | { seller: string };
  pseudonymise: boolean;
}

export interface PublishConfig {
  file: string;
  entries: AudienceEntry[];
}

/** Letters that Unicode decomposition does not reduce to Latin letters plus accents. */
const LATIN_LETTERS: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

/**
 * `Île-de-France` → `ile-de-france`, `Nord & Est` → `nord-est`: a folder name a URL keeps as it is.
 * Latin letters are transliterated; a value with none left (`東京`, `大阪`, an emoji) gets a short
 * stable hash of the value instead (`h-5f2b9c`), so that no two such names share an empty slug.
 */
export const slug = (value: string) => {
  const latin = value.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[œæßøłđðþı]/g, (c) => LATIN_LETTERS[c] ?? c)
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return latin || `h-${shortHash(value)}`;
};

const shortHash = (value: string) => createHash('sha1').update(value).digest('hex').slice(0, 6);

/**
 * Slugs for a set of values that never collide: a slug two values share (`Nord & Est`, `Nord-Est`)
 * gets each value's short hash appended. Stable for a value as long as no other value shares it.
 */
export const distinctSlugs = (values: readonly string[]): Map<string, string> => {
  const byBase = new Map<string, string[]>();
  for (const v of new Set(values)) byBase.set(slug(v), [...(byBase.get(slug(v)) ?? []), v]);
  const out = new Map<string, string>();
  for (const [base, group] of byBase) for (const v of group) out.set(v, group.length > 1 ? `${base}-${shortHash(v)}` : base);
  return out;
};

/** Reads and validates a publish configuration; throws AudienceConfigError naming file and line. */
export const readPublishConfig = (file: string): PublishConfig => {
  if (!fs.existsSync(file)) throw new AudienceConfigError(`Publish configuration ${file} does not exist.`);
  try {
    const { data } = validateYaml(parseYamlFile(file, 'Publish configuration'), publishConfigSchema, 'Publish configuration');
    return { file, entries: data.audiences };
  } catch (error) {
    throw error instanceof ConfigError && !(error instanceof AudienceConfigError) ? new AudienceConfigError(error.message) : error;
  }
};

/**
 * The configuration to use: the explicit one (flag or env), else `publish.yaml` in the extracts
 * folder the user gave, else none (one site, as without audiences).
 */
export const findPublishConfig = (explicit: string | undefined, extractsDir: string | undefined): string | undefined => {
  if (explicit) return path.resolve(explicit);
  if (!extractsDir) return undefined;
  const beside = path.join(extractsDir, PUBLISH_FILE);
  return fs.existsSync(beside) ? beside : undefined;
};

/**
 * The audiences of a configuration for the teams and sellers of the data: `each` entries become
 * one audience per team or seller ({team} and {seller} replaced, by slug in names). Names must
 * come out distinct; a filter must name a team or seller the data has.
 */
export const expandAudiences = (config: PublishConfig, sellers: { seller_id: string; team: string }[]): Audience[] => {
  const teams = [...new Set(sellers.map((s) => s.team))].sort((a, b) => a.localeCompare(b, 'fr'));
  const ids = new Set(sellers.map((s) => s.seller_id));
  const teamSlugs = distinctSlugs(teams);
  const sellerSlugs = distinctSlugs([...ids]);
  const audiences: Audience[] = [];
  config.entries.forEach((entry, i) => {
    const where = `${config.file}: audiences[${i}] (${entry.name})`;
    if (entry.filter && 'team' in entry.filter && entry.filter.team !== undefined && !teams.includes(entry.filter.team)) {
      throw new AudienceConfigError(`${where}: filter team "${entry.filter.team}" is not a team of the data (teams: ${teams.join(', ')}).`);
    }
    if (entry.filter?.seller !== undefined && !ids.has(entry.filter.seller)) {
      throw new AudienceConfigError(`${where}: filter seller "${entry.filter.seller}" is not a seller id of the data (e.g. ${[...ids].slice(0, 3).join(', ')}).`);
    }
    // Its seller pages are named by pseudonym (/sellers/vendeur-07): a page naming a seller id would
    // take none of them, and the audience would silently go without.
    const naming = entry.pseudonymise ? entry.pages.filter((g) => g.split('/').some((s) => s !== '' && !matchesGlob(`/${s}`, '/x') && [...ids].some((id) => matchesGlob(`/${s}`, `/${id}`)))) : [];
    if (naming.length) {
      throw new AudienceConfigError(`${where}: pages ${naming.join(', ')} name(s) a seller by id, but a pseudonymised site shows no seller id: its seller pages are named by pseudonym (/sellers/vendeur-07). Take them all with a glob, e.g. "${naming[0]!.replace(/[^/]*$/, '*')}".`);
    }
    const team = entry.filter?.team;
    const seller = entry.filter?.seller;
    const filter = team !== undefined ? { team } : seller !== undefined ? { seller } : undefined;
    if (entry.each === 'team') {
      for (const team of teams) audiences.push({ name: entry.name.replaceAll('{team}', teamSlugs.get(team)!), pages: entry.pages, filter: { team }, pseudonymise: false });
    } else if (entry.each === 'seller') {
      for (const id of [...ids].sort()) {
        audiences.push({ name: entry.name.replaceAll('{seller}', sellerSlugs.get(id)!), pages: entry.pages.map((p) => p.replaceAll('{seller}', id)), filter: { seller: id }, pseudonymise: false });
      }
    } else {
      audiences.push({ name: entry.name, pages: entry.pages.map((p) => (seller !== undefined ? p.replaceAll('{seller}', seller) : p)), ...(filter ? { filter } : {}), pseudonymise: entry.pseudonymise });
    }
  });
  const seen = new Set<string>();
  for (const a of audiences) {
    if (seen.has(a.name)) throw new AudienceConfigError(`${config.file}: two audiences are named "${a.name}": each site needs its own folder name.`);
    seen.add(a.name);
  }
  return audiences;
};

/** Whether a URL path (`/sellers/S003/` or `/sellers/S003`) matches a page glob. */
export const matchesGlob = (glob: string, urlPath: string) => {
  const parts = (p: string) => p.split('/').filter(Boolean);
  const pattern = parts(glob).map((s) => (s === '**' ? '(?:/[^/]+)*' : `/${s.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}`)).join('');
  return new RegExp(`^${pattern}$`).test(parts(urlPath).map((s) => `/${s}`).join(''));
};
