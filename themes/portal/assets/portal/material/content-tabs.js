/* Material for MkDocs 9.x, partials/javascripts/content.html (MIT, (c) Martin Donath),
 * moved from an inline <script> into a file so that portals can send a strict
 * Content-Security-Policy (script-src 'self'). Only with content.tabs.link. */
var tabs=__md_get("__tabs");if(Array.isArray(tabs))e:for(var set of document.querySelectorAll(".tabbed-set")){var labels=set.querySelector(".tabbed-labels");for(var tab of tabs)for(var label of labels.getElementsByTagName("label"))if(label.innerText.trim()===tab){var input=document.getElementById(label.htmlFor);input.checked=!0;continue e}}
