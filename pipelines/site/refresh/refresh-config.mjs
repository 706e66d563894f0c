/**
 * The SvelteKit configuration the data-only refresh runs with (`refresh.mjs`, through the kit
 * patch's BI_SVELTE_CONFIG): the values Evidence's svelte.config.js resolved to, read as plain JSON
 * (BI_REFRESH_CONFIG) instead of loading that file again, whose Svelte preprocessors take a second
 * or more to load in every thread and are not used once the app is compiled. In a prerender worker
 * (BI_PRERENDER_PLAN, written by then: `prerender-hook.mjs`), the paths of its share of the plan are
 * the entries, no crawling; with every page to prerender, the first worker crawls as a full build.
 */
import fs from 'node:fs';
import { planShare } from './prerender-hook.mjs';

const { extensions, kit } = JSON.parse(fs.readFileSync(process.env.BI_REFRESH_CONFIG, 'utf8'));
if (process.env.BI_PRERENDER_PLAN) {
  const share = planShare(JSON.parse(fs.readFileSync(process.env.BI_PRERENDER_PLAN, 'utf8')));
  if (share !== 'all') Object.assign(kit.prerender, { entries: share.paths, crawl: false });
}

export default { extensions, kit };
