/* portal-gen: the search page, on the index split by word (plugins/search/index.py).
 *
 * A query reads chi-muc/index.json.gz (the first word of each word file), the word file of
 * each of its words (tu/<n>.json.gz) and the excerpts of the results shown (vb/<n>.json.gz):
 * some tens of KB, however large the portal. The other files are read with ?v=<version of
 * the index>, so that a browser or a CDN never mixes two builds' files.
 *
 * Words are folded as in the index (no marks, đ as d, lower case), so "dat dai" finds
 * "đất đai"; a word typed with its marks ranks documents written with those marks first.
 * The last word also finds the words it begins ("quyet dinh 12" finds "123"), ranked lower.
 * A document must hold every word; its score sums each word's BM25 weight (in the index)
 * times the word's rarity.
 *
 * Documents are numbered unit by unit: a search within one unit (?don-vi=<unit id>, the
 * form on a unit's page) keeps the unit's range (chi-muc/don-vi/<unit id>.json).
 * Results are built with DOM methods, never innerHTML.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-portal-search]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var status = document.querySelector("[data-search-status]");
  var list = document.querySelector("[data-search-results]");
  var root = new URL(form.getAttribute("data-index"), location.href);
  var base = new URL(form.getAttribute("data-base"), location.href);
  var scopeNote = document.querySelector("[data-search-scope]");
  var hint = document.querySelector("[data-search-hint]");
  var more = document.querySelector("[data-search-more]"); // the next SHOWN results
  var current = null; // the last search's results: {query, ranked, wanted, version, count}
  var SHOWN = 30;
  var MAX_TERMS = 10;
  var MAX_PREFIXED = 50; // words the last word may begin, the most frequent first
  var MAX_PREFIX_FILES = 3;
  var EXCERPT_WORDS = 32;
  var WORD = /[\p{L}\p{N}]+/gu; // as index.py's WORD
  var MARK = /\p{M}/gu;
  var OLD_BROWSER = "no DecompressionStream"; // Safari before 16.4, Chrome before 80
  var params = new URLSearchParams(location.search);
  var unitId = params.get("don-vi") || "";
  var unit = null; // {name, first, end} once don-vi/<unit id>.json is read
  var ready = null; // the table, and the unit searched within
  var files = {}; // word files and excerpts read, by name
  if (hint && unitId) hint.hidden = true; // the scope note takes its place

  function words(text) {
    return text.normalize("NFC").toLowerCase().match(WORD) || [];
  }

  function fold(word) {
    return word.normalize("NFD").replace(MARK, "").replace(/đ/g, "d");
  }

  function read(name, version) {
    // gzip JSON, decompressed here unless the host did it already (Content-Encoding)
    var url = new URL(name, root);
    if (version) url.search = "v=" + version;
    return fetch(url, version ? {} : { cache: "no-cache" }).then(function (response) {
      if (!response.ok) throw new Error(name + ": " + response.status);
      return response.arrayBuffer();
    }).then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
        if (typeof DecompressionStream === "undefined") throw new Error(OLD_BROWSER);
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Response(stream).text();
      }
      return new TextDecoder().decode(bytes);
    }).then(JSON.parse);
  }

  function cached(name, version) {
    if (!files[name]) {
      files[name] = read(name, version).catch(function (error) {
        delete files[name]; // read again at the next search
        throw error;
      });
    }
    return files[name];
  }

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

  function load() {
    if (!ready) {
      ready = read("index.json.gz").then(function (table) {
        var own = unitId ? cached("don-vi/" + encodeURIComponent(unitId) + ".json", table.version)
          .catch(function () { return null; }) : Promise.resolve(null);
        return own.then(function (found) {
          unit = found;
          showScope();
          return table;
        });
      }).catch(function (error) {
        ready = null; // tried again at the next search
        throw error;
      });
    }
    return ready;
  }

  function fileOf(table, key) {
    // the last word file whose first word is not after key
    var low = 0, high = table.words.length - 1, found = 0;
    while (low <= high) {
      var middle = (low + high) >> 1;
      if (table.words[middle] <= key) { found = middle; low = middle + 1; } else high = middle - 1;
    }
    return found;
  }

  function terms(query) {
    var seen = Object.create(null); // no inherited "constructor" to skip a word
    var forms = words(query).filter(function (w) {
      return seen[w] ? false : (seen[w] = true);
    }).slice(0, MAX_TERMS);
    return forms.map(function (written, i) {
      var key = fold(written);
      return {
        form: written,
        key: key,
        marked: written !== key,
        prefix: i === forms.length - 1 && key.length >= 2,
      };
    });
  }

  function count(forms) {
    return forms.reduce(function (sum, form) { return sum + form[1].length; }, 0);
  }

  function scores(table, term, loaded) {
    // document number → the term's best score in it
    var found = [];
    var prefixed = [];
    loaded.forEach(function (file) {
      Object.keys(file).forEach(function (key) {
        if (key === term.key) found.push([key, file[key]]);
        else if (term.prefix && key.lastIndexOf(term.key, 0) === 0) prefixed.push([key, file[key]]);
      });
    });
    prefixed.sort(function (a, b) { return count(b[1]) - count(a[1]) || (a[0] < b[0] ? -1 : 1); });
    found = found.concat(prefixed.slice(0, MAX_PREFIXED));
    var low = unit ? unit.first : 0;
    var end = unit ? unit.end : table.documents;
    var result = new Map();
    function rarity(forms) {
      var n = Math.min(count(forms), table.documents);
      return Math.log(1 + (table.documents - n + 0.5) / (n + 0.5));
    }
    // a longer word begun by the term is no rarer than the term itself, when it is a word:
    // else "ban" (in every "Ủy ban") would rank a rare "bang" above "bán"
    var own = found.length && found[0][0] === term.key ? rarity(found[0][1]) : Infinity;
    found.forEach(function (entry) {
      var forms = entry[1];
      var whole = entry[0] === term.key ? 1 : 0.5;
      var rare = Math.min(rarity(forms), own);
      forms.forEach(function (form) {
        var same = !term.marked || form[0].lastIndexOf(term.form, 0) === 0;
        var factor = rare * whole * (same ? 1 : 0.5);
        var deltas = form[1], weights = form[2], doc = 0;
        for (var i = 0; i < deltas.length; i++) {
          doc += deltas[i];
          if (doc < low || doc >= end) continue;
          var score = weights[i] * factor;
          if (!(result.get(doc) >= score)) result.set(doc, score);
        }
      });
    });
    return result;
  }

  function rank(maps) {
    // the documents holding every term, best first (then in index order)
    maps.sort(function (a, b) { return a.size - b.size; });
    var ranked = [];
    maps[0].forEach(function (score, doc) {
      var total = score;
      for (var i = 1; i < maps.length; i++) {
        var other = maps[i].get(doc);
        if (other === undefined) return;
        total += other;
      }
      ranked.push([doc, total]);
    });
    ranked.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return ranked.map(function (pair) { return pair[0]; });
  }

  function hit(token, wanted) {
    return words(token).some(function (w) {
      var key = fold(w);
      return wanted.some(function (term) {
        return key === term.key || (term.prefix && key.lastIndexOf(term.key, 0) === 0);
      });
    });
  }

  function excerpt(text, wanted) {
    // some words around the first that matches, those matching marked
    var tokens = (text || "").split(/\s+/).filter(Boolean);
    var first = tokens.findIndex(function (token) { return hit(token, wanted); });
    var start = first > 8 ? first - 8 : 0;
    var stop = Math.min(tokens.length, start + EXCERPT_WORDS);
    var fragment = document.createDocumentFragment();
    if (start > 0) fragment.appendChild(document.createTextNode("… "));
    for (var i = start; i < stop; i++) {
      var node = document.createTextNode(tokens[i]);
      if (hit(tokens[i], wanted)) {
        var mark = document.createElement("mark");
        mark.appendChild(node);
        node = mark;
      }
      fragment.appendChild(node);
      if (i < stop - 1) fragment.appendChild(document.createTextNode(" "));
    }
    if (stop < tokens.length) fragment.appendChild(document.createTextNode(" …"));
    return fragment;
  }

  function render(found, shown) {
    // the results of found ({query, ranked, wanted, version}) from found.count on
    var query = found.query, total = found.ranked.length;
    if (!found.count) list.textContent = "";
    var of = unit ? " của " + unit.name : "";
    if (more) more.hidden = true;
    if (!total) {
      status.textContent = "Không tìm thấy văn bản nào" + of + " cho “" + query + "”.";
      return;
    }
    var first = null;
    found.count += shown.length;
    status.textContent = "Tìm thấy " + total + " văn bản" + of + " cho “" + query + "”" +
      (total > found.count ? ", hiển thị " + found.count + " kết quả đầu." : ".");
    shown.forEach(function (data) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = new URL(data.url, base).href;
      link.textContent = data.title;
      var heading = document.createElement("h2");
      heading.className = "portal-search__title";
      heading.appendChild(link);
      item.appendChild(heading);
      if (data.unit || data.date) {
        var meta = document.createElement("p");
        meta.className = "portal-search__meta";
        meta.textContent = [data.unit, data.date].filter(Boolean).join(" · ");
        item.appendChild(meta);
      }
      var text = document.createElement("p");
      text.appendChild(excerpt(data.text, found.wanted));
      item.appendChild(text);
      list.appendChild(item);
      first = first || link;
    });
    if (more && total > found.count) {
      more.textContent = "Xem thêm " + Math.min(SHOWN, total - found.count) + " kết quả";
      more.hidden = false;
    }
    return first;
  }

  function page(found) {
    // the excerpts of the next results to show
    return Promise.all(found.ranked.slice(found.count, found.count + SHOWN).map(function (doc) {
      return cached("vb/" + doc + ".json.gz", found.version);
    }));
  }

  if (more) {
    more.addEventListener("click", function () {
      if (!current) return;
      var found = current;
      more.disabled = true;
      page(found).then(function (shown) {
        if (found !== current) return; // another search meanwhile
        var first = render(found, shown);
        if (first) first.focus(); // where the reader goes on reading
      }).catch(function () {
        status.textContent = "Không tải được thêm kết quả. Hãy thử lại.";
      }).then(function () { more.disabled = false; });
    });
  }

  function search(query) {
    status.textContent = "Đang tìm…";
    if (more) more.hidden = true;
    var wanted = terms(query);
    return load().then(function (table) {
      return Promise.all(wanted.map(function (term) {
        var from = fileOf(table, term.key);
        // a short beginning ("ng") spans many files: read at most MAX_PREFIX_FILES
        var to = term.prefix ? Math.min(fileOf(table, term.key + "\uffff"), from + MAX_PREFIX_FILES - 1) : from;
        var names = [];
        for (var n = from; n <= to; n++) names.push("tu/" + n + ".json.gz");
        return Promise.all(names.map(function (name) { return cached(name, table.version); }))
          .then(function (loaded) { return scores(table, term, loaded); });
      })).then(function (maps) {
        var found = current = {
          query: query, ranked: maps.length ? rank(maps) : [], wanted: wanted,
          version: table.version, count: 0,
        };
        return page(found).then(function (shown) {
          render(found, shown);
          return found.ranked.length;
        });
      });
    }).catch(function (error) {
      status.textContent = (error && error.message === OLD_BROWSER ?
        "Trình duyệt này chưa hỗ trợ tìm kiếm (cần Chrome 80, Safari 16.4, Firefox 113 trở lên). " +
        "Hãy cập nhật trình duyệt, hoặc xem văn bản theo đơn vị, lĩnh vực, năm." :
        "Không tải được bộ tìm kiếm. Hãy thử lại, hoặc xem văn bản theo đơn vị, lĩnh vực, năm.");
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
    load().catch(function () {}); // names the unit above the box
  }
  window.portalSearch = search; // used by the tests and by readers' bookmarklets
})();
