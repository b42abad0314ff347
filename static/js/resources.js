// The resource form shows the fields of the chosen kind only (a web address for a link, a
// file for a file, times for a webinar or event). Without script every field shows.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-resource-form]").forEach(function (form) {
      var kind = form.querySelector('select[name="kind"]');
      if (!kind) { return; }
      function show() {
        form.querySelectorAll("[data-kinds]").forEach(function (group) {
          var kinds = group.getAttribute("data-kinds").split(" ");
          group.hidden = kinds.indexOf(kind.value) === -1;
        });
      }
      kind.addEventListener("change", show);
      show();
    });
  });
})();
