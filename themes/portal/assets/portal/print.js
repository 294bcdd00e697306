/* portal-gen: the notice-board print sheet of a document page.
 *
 * The QR code that leads back to the page is drawn only when someone prints: the
 * "In để niêm yết" button loads a small QR library (vendor/qrcode-generator, MIT) on
 * demand, draws the code as SVG from the page's public URL (data-url), then prints.
 * Readers who never print download nothing more. Printing with Ctrl+P after the library
 * was loaded draws the code too; otherwise the sheet still shows the address as text.
 */
(function () {
  "use strict";

  var here = document.currentScript && document.currentScript.src;
  var LIBRARY = here ? new URL("vendor/qrcode-generator-2.0.4.min.js", here).href : null;
  var loading = null;

  function draw() {
    if (typeof window.qrcode !== "function") return false;
    var targets = document.querySelectorAll("[data-portal-qr]");
    for (var i = 0; i < targets.length; i++) {
      var target = targets[i];
      if (target.getAttribute("data-drawn") === "true") continue;
      var qr = window.qrcode(0, "M");
      qr.addData(target.getAttribute("data-url"));
      qr.make();
      target.innerHTML = qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
      target.setAttribute("data-drawn", "true");
    }
    return true;
  }

  function load() {
    if (draw()) return Promise.resolve();
    if (!loading && LIBRARY) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = LIBRARY;
        script.onload = function () { draw(); resolve(); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading || Promise.reject(new Error("no QR library"));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-portal-print]");
    if (!button) return;
    load().then(function () { window.print(); }, function () { window.print(); });
  });
  window.addEventListener("beforeprint", draw);
})();
