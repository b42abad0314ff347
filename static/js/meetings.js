// Meeting pages: small enhancements; every page works without them.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    // "Use this start": a free time both people share fills the first empty time of the form.
    document.querySelectorAll("[data-use-time]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var inputs = document.querySelectorAll('#propose input[type="datetime-local"]');
        var target = Array.prototype.find.call(inputs, function (input) { return !input.value; }) || inputs[0];
        if (!target) { return; }
        target.value = button.getAttribute("data-use-time");
        target.focus();
      });
    });

    // "Copy the address": the calendar address goes to the clipboard.
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-copy"));
      if (!input || !navigator.clipboard) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(input.value).then(function () {
          var note = document.querySelector("[data-copied]");
          if (note) { note.hidden = false; }
        }, function () { input.select(); });
      });
    });
  });
})();
