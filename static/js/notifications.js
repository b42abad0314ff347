// The bell's unread count, kept live on every page of an organisation, and a short note (a
// "toast") when a notification arrives. The live channel is the per-user socket
// /ws/o/<org>/notifications/; after a reconnect the count is read again from the API, since
// frames sent while the socket was closed are lost.
(function () {
  "use strict";

  var bell = document.querySelector("[data-notification-bell]");
  var toasts = document.querySelector("[data-notification-toasts]");
  if (!bell || !window.WebSocket) { return; }
  var badge = bell.querySelector("[data-notification-count]");
  var label = bell.querySelector("[data-notification-label]");
  var org = bell.dataset.org;
  var count = Number(badge.textContent.trim()) || 0;
  var retryDelay = 1000;
  var connectedBefore = false;
  var socket = null;
  var TOAST_SECONDS = 12;
  var MAX_TOASTS = 3;

  function render() {
    badge.hidden = !count;
    badge.textContent = count ? String(count) : "";
    label.textContent = "Notifications" + (count ? ", " + count + " unread" : "");
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // Opening a notification from its toast marks it read (a POST, as in the centre).
  function openForm(notification) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = bell.dataset.readUrl.replace(/\/0\/read\/$/, "/" + Number(notification.id) + "/read/");
    var token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrfmiddlewaretoken";
    token.value = csrfToken();
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "toast__title";
    button.textContent = notification.title || "New notification";
    form.append(token, button);
    return form;
  }

  function removeToast(toast) {
    if (toast.parentNode) { toast.parentNode.removeChild(toast); }
  }

  function showToast(notification) {
    if (!toasts) { return; }
    var toast = document.createElement("div");
    toast.className = "toast";
    var heading = document.createElement("p");
    heading.className = "toast__label";
    heading.textContent = "New notification";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast__close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    close.addEventListener("click", function () { removeToast(toast); });
    toast.append(heading, openForm(notification), close);
    toasts.append(toast);
    while (toasts.children.length > MAX_TOASTS) { removeToast(toasts.firstElementChild); }
    // It goes away on its own, but not while the pointer or the keyboard is on it.
    var timer = null;
    function later() { timer = setTimeout(function () { removeToast(toast); }, TOAST_SECONDS * 1000); }
    function hold() { clearTimeout(timer); }
    toast.addEventListener("mouseenter", hold);
    toast.addEventListener("focusin", hold);
    toast.addEventListener("mouseleave", later);
    toast.addEventListener("focusout", later);
    later();
  }

  function resync() {
    fetch(bell.dataset.countUrl, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && typeof data.unread === "number") { count = data.unread; render(); }
      })
      .catch(function () {});
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/o/" + org + "/notifications/");
    socket.addEventListener("open", function () { retryDelay = 1000; });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === "hello") {
        bell.dataset.live = "connected";  // the server said hello: frames will arrive
        if (connectedBefore) { resync(); }
        connectedBefore = true;
      } else if (frame.type === "notification" && frame.notification) {
        count += 1;
        render();
        showToast(frame.notification);
      }
    });
    socket.addEventListener("close", function (event) {
      delete bell.dataset.live;
      if (event.code === 4401 || event.code === 4404) { return; }  // signed out or removed
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    });
  }

  setInterval(function () {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send('{"type": "ping"}'); }
  }, 30000);
  connect();
})();
