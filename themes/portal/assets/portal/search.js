/* portal-gen: the search page, on top of Pagefind's JavaScript API.
 *
 * The index comes in shards (pagefind/shards.json lists them): the first is loaded, the
 * others merged into it with Pagefind's mergeIndex. A query downloads a part of every
 * shard it searches, so a search within one unit (?don-vi=<unit id>, the form on a unit's
 * page) loads only the shards holding that unit (pagefind/don-vi/<unit id>.json) and adds
 * to the query the word that the unit's records alone carry (not a Pagefind filter: those are
 * written in a different order at each run, and the index must stay the same bytes).
 *
 * Pagefind ignores tone marks but not "đ" (it has no Unicode decomposition), so readers
 * typing without diacritics ("dat dai") would miss "đất đai". Each query is therefore run
 * for every d/đ variant of its words (up to 16) and the results are merged by score.
 * Results are built with DOM methods; excerpts keep only Pagefind's <mark> highlighting.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-portal-search]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var status = document.querySelector("[data-search-status]");
  var list = document.querySelector("[data-search-results]");
  var bundle = new URL(form.getAttribute("data-bundle"), location.href);
  var base = new URL(form.getAttribute("data-base"), location.href);
  var scopeNote = document.querySelector("[data-search-scope]");
  var shardList = null;
  var pagefind = null;
  var MAX_VARIANTS = 16;
  var SHOWN = 30;
  // a record's unit word (plugins/search unit_word), marked or not: never shown
  var UNIT_WORD = /\s*(<mark>)?\bzdv[0-9a-f]{10}\b(<\/mark>)?/g;
  var params = new URLSearchParams(location.search);
  var unitId = params.get("don-vi") || "";
  var unit = null; // {name, word, bundles} once don-vi/<unit id>.json is read
  var hint = document.querySelector("[data-search-hint]");
  if (hint && unitId) hint.hidden = true; // the scope note takes its place

  function showScope() {
    if (!scopeNote || !unitId) return;
    if (!unit) {
      // a unit without published documents, or a link to one since renamed
      scopeNote.textContent = "Chưa có văn bản nào của đơn vị “" + unitId +
        "” để tìm: kết quả dưới đây là của toàn cổng.";
      scopeNote.hidden = false;
      return;
    }
    scopeNote.textContent = "Chỉ tìm trong văn bản của " + unit.name + ". ";
    var all = document.createElement("a");
    var query = input.value.trim();
    all.href = "?" + (query ? "q=" + encodeURIComponent(query) : "");
    all.textContent = "Tìm trong toàn cổng";
    scopeNote.appendChild(all);
    scopeNote.hidden = false;
  }

  function fetchJSON(name) {
    return fetch(new URL(name, bundle)).then(function (response) {
      if (!response.ok) throw new Error("no search index");
      return response.json();
    });
  }

  function listing() {
    // the shards to search: those of the unit searched within, else all of them
    if (!shardList) {
      var own = unitId ? fetchJSON("don-vi/" + encodeURIComponent(unitId) + ".json")
        .catch(function () { return null; }) : Promise.resolve(null);
      shardList = own.then(function (found) {
        unit = found;
        showScope();
        return unit ? unit.bundles : fetchJSON("shards.json").then(function (all) {
          return all.bundles;
        });
      });
    }
    return shardList;
  }

  function load() {
    if (!pagefind) {
      pagefind = listing().then(function (names) {
        var shards = names.map(function (name) { return new URL(name, bundle).href; });
        if (!shards.length) throw new Error("empty search index");
        return import(new URL("pagefind.js", shards[0]).href).then(function (module) {
          return module.options({ baseUrl: base.pathname }).then(function () {
            return shards.slice(1).reduce(function (done, shard) {
              return done.then(function () { return module.mergeIndex(shard); });
            }, Promise.resolve());
          }).then(function () { return module; });
        });
      });
    }
    return pagefind;
  }

  function variants(query) {
    // every combination of d/đ where the reader typed a d (the first MAX_VARIANTS)
    var out = [""];
    for (var i = 0; i < query.length; i++) {
      var c = query[i];
      var options = c === "d" ? ["d", "đ"] : c === "D" ? ["D", "Đ"] : [c];
      var next = [];
      for (var j = 0; j < out.length; j++) {
        for (var k = 0; k < options.length; k++) {
          if (next.length < MAX_VARIANTS) next.push(out[j] + options[k]);
        }
      }
      out = next;
    }
    return out;
  }

  function excerpt(html) {
    // Pagefind escapes the text and adds <mark>; rebuild it without innerHTML.
    var fragment = document.createDocumentFragment();
    var parts = html.replace(UNIT_WORD, "").split(/(<mark>|<\/mark>)/);
    var marked = false;
    for (var i = 0; i < parts.length; i++) {
      if (parts[i] === "<mark>") { marked = true; continue; }
      if (parts[i] === "</mark>") { marked = false; continue; }
      var text = document.createElement("textarea");
      text.innerHTML = parts[i];
      var node = document.createTextNode(text.value);
      if (marked) {
        var mark = document.createElement("mark");
        mark.appendChild(node);
        fragment.appendChild(mark);
      } else {
        fragment.appendChild(node);
      }
    }
    return fragment;
  }

  function render(query, results, total) {
    list.textContent = "";
    if (!total) {
      status.textContent = "Không tìm thấy văn bản nào" + (unit ? " của " + unit.name : "") +
        " cho “" + query + "”.";
      return;
    }
    status.textContent = "Tìm thấy " + total + " văn bản" + (unit ? " của " + unit.name : "") +
      " cho “" + query + "”" +
      (total > results.length ? ", hiển thị " + results.length + " kết quả đầu." : ".");
    results.forEach(function (data) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      // records carry the page's site-relative URL (search index records are not pages)
      link.href = new URL(data.meta.url || data.url, base).href;
      link.textContent = data.meta.title || data.url;
      var heading = document.createElement("h2");
      heading.className = "portal-search__title";
      heading.appendChild(link);
      item.appendChild(heading);
      if (data.meta.don_vi || data.meta.ngay) {
        var meta = document.createElement("p");
        meta.className = "portal-search__meta";
        meta.textContent = [data.meta.don_vi, data.meta.ngay].filter(Boolean).join(" · ");
        item.appendChild(meta);
      }
      var text = document.createElement("p");
      text.appendChild(excerpt(data.excerpt || ""));
      item.appendChild(text);
      list.appendChild(item);
    });
  }

  function search(query) {
    status.textContent = "Đang tìm…";
    return load().then(function (pf) {
      return Promise.all(variants(query).map(function (q) {
        // after the d/đ variants. Pagefind ignores a word an index lacks, so the word
        // narrows the results only because the shards loaded are the unit's own.
        return pf.search(unit ? q + " " + unit.word : q);
      }));
    }).then(function (searches) {
      var best = {};
      searches.forEach(function (s) {
        s.results.forEach(function (r) {
          if (!best[r.id] || best[r.id].score < r.score) best[r.id] = r;
        });
      });
      var merged = Object.keys(best).map(function (id) { return best[id]; });
      merged.sort(function (a, b) { return b.score - a.score; });
      return Promise.all(merged.slice(0, SHOWN).map(function (r) { return r.data(); }))
        .then(function (data) {
          render(query, data, merged.length);
          return merged.length;
        });
    }).catch(function () {
      status.textContent = "Không tải được bộ tìm kiếm. Hãy thử lại, hoặc xem văn bản theo đơn vị, lĩnh vực, năm.";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = input.value.trim();
    if (!query) return;
    history.replaceState(null, "", "?q=" + encodeURIComponent(query) +
      (unitId ? "&don-vi=" + encodeURIComponent(unitId) : ""));
    search(query).then(showScope);
  });

  var initial = params.get("q");
  if (initial) {
    input.value = initial;
    search(initial.trim());
  } else if (unitId) {
    listing().catch(function () {}); // names the unit above the box
  }
  window.portalSearch = search; // used by the tests and by readers' bookmarklets
})();
