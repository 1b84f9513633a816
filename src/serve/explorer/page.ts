/**
 * The explorer page: one self-contained HTML document (its style and script inline, allowed by hash),
 * served at `/` with a Content-Security-Policy that lets it load nothing and talk to nothing but the
 * server that served it (`connect-src 'self'`). It draws paths with the HTML report's picture code and
 * stylesheet, so the two look and read alike. Its data comes from `/jcgraph/v1/` (./explorer.js).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PATH_PICTURE_SCRIPT, REPORT_STYLESHEET, escapeHtml } from '../../report/index.ts';

const CSS = `${REPORT_STYLESHEET}\n${readFileSync(new URL('./explorer.css', import.meta.url), 'utf8')}`;
const SCRIPT = `${PATH_PICTURE_SCRIPT}\n${readFileSync(new URL('./explorer.js', import.meta.url), 'utf8')}`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The page's policy: its own style and script only, requests to its own origin only, no forms. */
const PAGE_POLICY = `default-src 'none'; style-src ${sha256(CSS)}; script-src ${sha256(SCRIPT)}; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'`;
/** The policy of the page that asks for the link (no script at all). */
const MESSAGE_POLICY = `default-src 'none'; style-src ${sha256(CSS)}; img-src data:; base-uri 'none'; form-action 'none'`;

// The page carries its policy in a meta element too (it stays in force if the page is saved), but
// frame-ancestors works only in the header: no other page may frame this one.
export const EXPLORER_CSP = `${PAGE_POLICY}; frame-ancestors 'none'`;
export const MESSAGE_CSP = `${MESSAGE_POLICY}; frame-ancestors 'none'`;

const HEAD = (title: string, csp: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>`;

export const EXPLORER_PAGE = `${HEAD('jcgraph explorer', PAGE_POLICY)}
<body>
<header>
<h1>jcgraph explorer</h1>
<p id="org" class="note">Loading…</p>
<div class="search" role="search">
<input id="search" type="search" role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="search-results" aria-label="Find an object by name or id" placeholder="Find a user, group, system, application… by name or id (press /)" autocomplete="off" spellcheck="false">
<ul id="search-results" role="listbox" aria-label="Matching objects" hidden></ul>
</div>
</header>
<nav><a href="#/">Home</a><a href="#/findings">Findings</a><a href="#/campaign" id="campaign-link" hidden>Campaign</a></nav>
<main id="view" tabindex="-1" aria-live="polite"></main>
<footer>Read-only: nothing on this page can change a tenant. Plans are dry runs that name the API calls to make.</footer>
<script>${SCRIPT}</script>
</body>
</html>
`;

/** A page with one message and no script (a missing or spent link). */
export function messagePage(title: string, message: string): string {
  return `${HEAD(title, MESSAGE_POLICY)}
<body>
<header><h1>${escapeHtml(title)}</h1></header>
<main><p>${escapeHtml(message)}</p></main>
</body>
</html>
`;
}
