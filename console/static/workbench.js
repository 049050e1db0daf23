// The workbench's keyboard shortcuts (no inline scripts: the console's CSP allows only its own files).
// Moderation queue: j / k next and previous finding, x select it, h hide the selected, r restore them.
(function () {
  "use strict";
  var form = document.querySelector("form[data-shortcuts=moderation]");
  if (!form) return;
  var rows = Array.prototype.slice.call(form.querySelectorAll("tr.finding"));
  var current = -1;
  function focusRow(i) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows[current].focus();
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target && (target.tagName === "INPUT" && target.type !== "checkbox" || target.tagName === "SELECT" || target.tagName === "TEXTAREA")) return;
    if (event.key === "j") { focusRow(current + 1); event.preventDefault(); }
    else if (event.key === "k") { focusRow(current - 1); event.preventDefault(); }
    else if (event.key === "x" && current >= 0) {
      var box = rows[current].querySelector("input[type=checkbox]");
      box.checked = !box.checked; event.preventDefault();
    }
    else if (event.key === "h") {
      var reason = document.getElementById("reason");
      if (!reason.value) { reason.focus(); event.preventDefault(); return; }
      document.getElementById("hide").click(); event.preventDefault();
    }
    else if (event.key === "r") { document.getElementById("restore").click(); event.preventDefault(); }
  });
})();
