import path from 'node:path';
const pageFile = new RegExp(`^src\\${path.sep}pages\\${path.sep}(.*)\\+page\\.md$`);
const routes=['/', '/team', '/sellers/[seller]'];
const otherPage = (rel: string) => {
    const m = pageFile.exec(rel);
    return m !== null && !m[1]!.split(path.sep).join('/').startsWith('api/') && !routes.includes(`/${m[1]!.split(path.sep).join('/').replace(/\/$/, '')}`);
};
for (const r of ['src/pages/+page.md','src/pages/team/+page.md','src/pages/revenue/+page.md','src/pages/sellers/[seller]/+page.md','src/pages/sellers/+page.md','src/pages/+layout.svelte']) console.log(r, otherPage(r));
