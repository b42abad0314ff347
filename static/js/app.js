// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Sign-up: pre-fill the hidden timezone field with the browser's time zone.
  document.addEventListener("DOMContentLoaded", function () {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { zone = null; }
    if (zone) {
      document.querySelectorAll('input[type="hidden"][name="timezone"]').forEach(function (input) {
        if (!input.value || input.value === "UTC") { input.value = zone; }
      });
    }

    // Forms with data-confirm ask before destructive actions.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });

    // Close an open menu when clicking elsewhere or pressing Escape.
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details.menu[open]").forEach(function (menu) {
        if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      document.querySelectorAll("details.menu[open]").forEach(function (menu) {
        menu.removeAttribute("open");
        var summary = menu.querySelector("summary");
        if (summary) { summary.focus(); }
      });
    });
  });

  // HTMX requests carry the CSRF token from the cookie.
  document.addEventListener("htmx:configRequest", function (event) {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) { event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]); }
  });
})();
