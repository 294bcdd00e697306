/* Material for MkDocs 9.x, partials/javascripts/outdated.html (MIT, (c) Martin Donath),
 * moved from an inline <script> into a file so that portals can send a strict
 * Content-Security-Policy (script-src 'self'). The base URL comes from data-base. */
var el=document.querySelector("[data-md-component=outdated]"),base=new URL(document.currentScript.dataset.base),outdated=__md_get("__outdated",sessionStorage,base);!0===outdated&&el&&(el.hidden=!1)
