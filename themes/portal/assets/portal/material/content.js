/* Material for MkDocs 9.x, partials/javascripts/content.html (MIT, (c) Martin Donath),
 * moved from an inline <script> into a file so that portals can send a strict
 * Content-Security-Policy (script-src 'self').  */
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
