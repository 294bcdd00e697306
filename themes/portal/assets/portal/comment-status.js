/* portal-gen: keeps comment statuses right in the reader's browser.
 *
 * Every element with data-portal-comment carries data-opens and data-closes (ISO 8601
 * with offset) and data-status as computed at build time. This script recomputes the
 * status for the browser's clock, sets data-status (CSS shows the matching wording) and
 * fills the day counts; it re-checks every minute. No dependency, no inline script.
 */
(function () {
  "use strict";

  var DAY = 86400000;
  var VN_OFFSET = 7 * 3600000; // Asia/Ho_Chi_Minh, no daylight saving

  function vnDay(ms) {
    // The calendar day in Vietnam of an instant, as YYYY-MM-DD.
    return new Date(ms + VN_OFFSET).toISOString().slice(0, 10);
  }

  function deadlineDay(ms) {
    // A deadline at midnight belongs to the day before (it is shown as 23:59 of that day).
    var local = new Date(ms + VN_OFFSET);
    if (local.getUTCHours() === 0 && local.getUTCMinutes() === 0 && local.getUTCSeconds() === 0) {
      return vnDay(ms - 1000);
    }
    return vnDay(ms);
  }

  function dayNumber(isoDay) {
    return Math.round(Date.parse(isoDay + "T00:00:00Z") / DAY);
  }

  function update(el, now) {
    var opens = Date.parse(el.getAttribute("data-opens"));
    var closes = Date.parse(el.getAttribute("data-closes"));
    if (isNaN(opens) || isNaN(closes)) return;
    var status = el.getAttribute("data-status");
    if (status !== "concluded") {
      status = now < opens ? "upcoming" : now <= closes ? "open" : "closed";
      el.setAttribute("data-status", status);
    }
    var due = Date.parse(el.getAttribute("data-result-due") || "");
    if (!isNaN(due)) {
      el.setAttribute("data-overdue", status === "closed" && now > due ? "true" : "false");
    }
    if (status === "open") {
      var today = dayNumber(vnDay(now));
      var last = dayNumber(deadlineDay(closes));
      var daysLeft = Math.max(0, last - today);
      var nonWorking = (el.getAttribute("data-non-working") || "").split(" ");
      var working = 0;
      for (var d = today + 1; d <= last; d++) {
        if (nonWorking.indexOf(new Date(d * DAY).toISOString().slice(0, 10)) === -1) working++;
      }
      var soonDays = parseInt(el.getAttribute("data-closing-soon-days") || "3", 10);
      el.setAttribute("data-days-left", String(daysLeft));
      el.setAttribute("data-closing-soon", daysLeft <= soonDays ? "true" : "false");
      el.setAttribute("data-working-same", working === daysLeft ? "true" : "false");
      fill(el, "days-left", daysLeft);
      fill(el, "working-days-left", working);
    } else {
      el.setAttribute("data-days-left", "");
      el.setAttribute("data-closing-soon", "false");
    }
    el.setAttribute("data-live", "true");
  }

  function fill(el, name, value) {
    var targets = el.querySelectorAll('[data-fill="' + name + '"]');
    for (var i = 0; i < targets.length; i++) targets[i].textContent = String(value);
  }

  function run() {
    var now = Date.now();
    var all = document.querySelectorAll("[data-portal-comment]");
    for (var i = 0; i < all.length; i++) update(all[i], now);
    // The announcement names open drafts only: hide it when none is open any more.
    var bars = document.querySelectorAll(".portal-announce");
    for (var j = 0; j < bars.length; j++) {
      var open = bars[j].querySelector('[data-portal-comment][data-status="open"]');
      var banner = bars[j].closest("[data-md-component=announce]") || bars[j];
      banner.hidden = !open;
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
  setInterval(run, 60000);
})();
