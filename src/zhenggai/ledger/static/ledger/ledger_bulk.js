// The ledger's bulk bar (批量操作). Without this file the rows' checkboxes and the bar post a
// plain form; with it the bar shows only while rows are ticked ("已选 N 项"), and the
// header's box ticks every row of the page. Rows appended by "more" or swapped by a filter
// are counted again after each htmx swap.
(function () {
  "use strict";

  function boxes() {
    return document.querySelectorAll('input[type=checkbox][name=ids][form="ledger-bulk"]');
  }

  function update() {
    var bar = document.getElementById("ledger-bulk");
    if (!bar) return;
    var all = boxes();
    var ticked = Array.prototype.filter.call(all, function (box) { return box.checked; }).length;
    var count = bar.querySelector("[data-bulk-count]");
    if (count) count.textContent = count.dataset.template.replace("N", String(ticked));
    bar.classList.toggle("d-none", ticked === 0);
    var head = document.querySelector("[data-bulk-all]");
    if (head) {
      head.classList.remove("d-none");
      head.checked = all.length > 0 && ticked === all.length;
      head.indeterminate = ticked > 0 && ticked < all.length;
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement)) return;
    if (target.hasAttribute("data-bulk-all")) {
      Array.prototype.forEach.call(boxes(), function (box) { box.checked = target.checked; });
      update();
    } else if (target.name === "ids" && target.getAttribute("form") === "ledger-bulk") {
      update();
    }
  });
  // Filters swapped by htmx pushed a new address: the bulk page returns to that one.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.id !== "ledger-bulk") return;
    var next = form.querySelector("input[name=next]");
    if (next) next.value = window.location.pathname + window.location.search;
  });
  document.addEventListener("htmx:afterSettle", update);
  document.addEventListener("DOMContentLoaded", update);
})();
