// Whether a site holds a page: its pages manifest (Evidence's `/api/pagesManifest.json`, the tree
// the sidebar is drawn from) is a tree of path segments, each node marking whether it is a page.
// Without a manifest (not loaded yet), every page is taken to exist, as the full site has them all.

/**
 * @param {{ isPage?: boolean, children?: Record<string, any> } | undefined} manifest
 * @param {string} url a site path, like `/sellers` or `/` (a query or hash is ignored)
 */
export const hasPage = (manifest, url) => {
	if (!manifest) return true;
	const segments = url.split(/[?#]/)[0].split('/').filter(Boolean);
	let node = manifest;
	for (const segment of segments) {
		node = node.children?.[segment] ?? Object.values(node.children ?? {}).find((c) => c.isTemplated);
		if (!node) return false;
	}
	return node.isPage === true;
};
