/**
 * The SvelteKit configuration the data-only refresh runs with (`refresh.mjs`, through the kit
 * patch's BI_SVELTE_CONFIG): the values Evidence's svelte.config.js resolved to, read as plain JSON
 * (BI_REFRESH_CONFIG) instead of loading that file again, whose Svelte preprocessors take a second
 * or more to load in every thread and are not used once the app is compiled. With
 * BI_PRERENDER_ONLY ({ shares: [{ paths }] }), the paths to visit, no crawling: all of them, or in a
 * prerender worker those of its share (BI_PRERENDER_SHARE).
 */
import fs from 'node:fs';

const { extensions, kit } = JSON.parse(fs.readFileSync(process.env.BI_REFRESH_CONFIG, 'utf8'));
if (process.env.BI_PRERENDER_ONLY) {
  const shares = JSON.parse(fs.readFileSync(process.env.BI_PRERENDER_ONLY, 'utf8')).shares.map((s) => s.paths);
  const share = process.env.BI_PRERENDER_SHARE;
  Object.assign(kit.prerender, { entries: share === undefined ? shares.flat() : shares[Number(share)], crawl: false });
}

export default { extensions, kit };
