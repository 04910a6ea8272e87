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
})();
