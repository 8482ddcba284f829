// The person filter: shows one person's shifts, leave, load and findings.
// `#person=ID` in the address selects someone, so a link can share the view.
(function () {
  "use strict";
  var form = document.getElementById("filter");
  var select = document.getElementById("person");
  if (!form || !select) return;
  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });

  function apply() {
    var who = select.value;
    var tagged = document.querySelectorAll("[data-person]");
    for (var i = 0; i < tagged.length; i++) {
      tagged[i].hidden = who !== "" && tagged[i].getAttribute("data-person") !== who;
    }
    var days = document.querySelectorAll("td.day");
    for (var j = 0; j < days.length; j++) {
      var shown = days[j].querySelector(".who:not([hidden])");
      days[j].classList.toggle("dim", who !== "" && !shown);
    }
    var hash = who === "" ? "" : "#person=" + encodeURIComponent(who);
    if (location.hash !== hash) {
      try {
        history.replaceState(null, "", hash === "" ? location.pathname + location.search : hash);
      } catch (e) {
        // Some browsers refuse history changes on file:// pages: the filter still works.
      }
    }
  }

  select.addEventListener("change", apply);
  var match = /^#person=(.*)$/.exec(location.hash);
  if (match) {
    var wanted;
    try { wanted = decodeURIComponent(match[1]); } catch (e) { wanted = ""; }
    for (var k = 0; k < select.options.length; k++) {
      if (select.options[k].value === wanted) {
        select.value = wanted;
        apply();
        break;
      }
    }
  }
})();
