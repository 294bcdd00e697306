/* Material for MkDocs 9.x, partials/javascripts/announce.html (MIT, (c) Martin Donath),
 * moved from an inline <script> into a file so that portals can send a strict
 * Content-Security-Policy (script-src 'self').  */
var el=document.querySelector("[data-md-component=announce]");if(el){var content=el.querySelector(".md-typeset");__md_hash(content.innerHTML)===__md_get("__announce")&&(el.hidden=!0)}
