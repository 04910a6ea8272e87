// Behaviour that used to sit in inline handlers (a Content-Security-Policy without
// 'unsafe-inline' refuses those): loaded on every page by base.html.
(function () {
  "use strict";
  // <select data-autosubmit>: submit its form on change (the language switch).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
  // <input type="checkbox" data-select-all="NAME">: tick or untick every input[name=NAME].
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.matches && target.matches("input[type=checkbox][data-select-all]")) {
      var name = target.getAttribute("data-select-all");
      document.querySelectorAll("input[name='" + CSS.escape(name) + "']").forEach(function (box) {
        box.checked = target.checked;
      });
    }
  });
  // A table wider than the screen scrolls inside its .table-responsive frame: that frame
  // takes keyboard focus so it can be scrolled without a mouse (WCAG 2.1.1, axe-core's
  // scrollable-region-focusable), and only while it scrolls.
  function focusableScrollers() {
    document.querySelectorAll(".table-responsive").forEach(function (frame) {
      if (frame.scrollWidth > frame.clientWidth + 1) {
        frame.setAttribute("tabindex", "0");
      } else if (frame.getAttribute("tabindex") === "0") {
        frame.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", focusableScrollers);
  document.addEventListener("htmx:afterSettle", focusableScrollers);
  window.addEventListener("resize", focusableScrollers);
})();
