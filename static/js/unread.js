// The unread count beside "Messages", kept live on every page of an organisation. The messages
// page runs its own chat script, which keeps the count there. An open page also counts as being
// here: nobody is emailed about messages they can see arriving.
(function () {
  "use strict";

  var badge = document.querySelector("[data-unread-live]");
  if (!badge || !window.WebSocket || document.getElementById("chat")) { return; }
  var org = badge.dataset.org;
  var me = Number(badge.dataset.user);
  var conversations = {};  // id -> {last: newest sequence, read: my read position}
  var retryDelay = 1000;
  var socket = null;

  function render() {
    var total = 0;
    Object.keys(conversations).forEach(function (id) {
      var c = conversations[id];
      total += Math.max(c.last - c.read, 0);
    });
    badge.hidden = !total;
    badge.textContent = total ? " " + total : "";
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/o/" + org + "/chat/");
    socket.addEventListener("open", function () { retryDelay = 1000; });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === "hello") {
        conversations = {};
        frame.conversations.forEach(function (c) {
          conversations[c.id] = {last: c.last_sequence, read: c.last_sequence - c.unread};
        });
      } else if (frame.type === "message" && conversations[frame.message.conversation]) {
        var c = conversations[frame.message.conversation];
        c.last = Math.max(c.last, frame.message.sequence);
        if (frame.message.sender && frame.message.sender.id === me) { c.read = c.last; }
      } else if (frame.type === "read" && frame.user === me && conversations[frame.conversation]) {
        var mine = conversations[frame.conversation];
        mine.read = Math.max(mine.read, frame.sequence);
      } else {
        return;
      }
      render();
    });
    socket.addEventListener("close", function (event) {
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
