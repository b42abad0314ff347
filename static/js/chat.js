// Live chat on the messages page. Without it the page still works: the form posts and the page
// reloads. With it, messages arrive live, sends show sending / sent / failed (retry keeps the
// same client key, so a retry never duplicates), reconnects catch up from the first message this
// page has not shown: a broadcast lost while later ones arrived is fetched too, and put in order.
(function () {
  "use strict";

  var root = document.getElementById("chat");
  if (!root || !window.WebSocket) { return; }
  var org = root.dataset.org;
  var me = Number(root.dataset.user);
  var current = root.dataset.conversation ? Number(root.dataset.conversation) : null;
  var lastSequence = Number(root.dataset.lastSequence || 0);
  // Each message of a conversation takes the next sequence number, without gaps. `shownThrough`
  // is the highest number up to which this page has shown every message; `shownAbove` holds the
  // numbers shown beyond it. A sync asks for everything after shownThrough.
  var shownThrough = lastSequence;
  var shownAbove = {};
  var gapTimer = null;
  var GAP_WAIT_MS = 2000;
  var canWrite = root.dataset.canWrite === "true";
  var list = document.getElementById("chat-messages");
  var fileInput = document.getElementById("chat-files");
  var form = document.getElementById("chat-form");
  var textarea = document.getElementById("chat-body");
  var typingLine = document.getElementById("chat-typing");
  var seenLine = document.getElementById("chat-seen");
  var readersNode = document.getElementById("chat-readers");
  var readers = {};
  if (readersNode) {
    JSON.parse(readersNode.textContent).forEach(function (r) { readers[r.user] = r; });
  }
  var socket = null;
  var retryDelay = 1000;
  var pending = {};  // client key -> {body, node, timer}
  var typingTimer = null;
  var lastTypingSent = 0;

  function clientKey() {
    if (window.crypto && window.crypto.randomUUID) { return "c-" + window.crypto.randomUUID(); }
    return "c-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  // Text becomes text nodes; only http(s) addresses become links.
  function renderBody(container, text) {
    container.textContent = "";
    var lines = String(text).split("\n");
    lines.forEach(function (line, index) {
      var pattern = /(https?:\/\/[^\s<>"]+|www\.[^\s<>"]+)/g;
      var last = 0;
      var match;
      while ((match = pattern.exec(line)) !== null) {
        if (match.index > last) { container.appendChild(document.createTextNode(line.slice(last, match.index))); }
        var link = document.createElement("a");
        var address = match[0];
        link.href = address.indexOf("www.") === 0 ? "http://" + address : address;
        link.rel = "nofollow noopener noreferrer";
        link.target = "_blank";
        link.textContent = address;
        container.appendChild(link);
        last = match.index + address.length;
      }
      if (last < line.length) { container.appendChild(document.createTextNode(line.slice(last))); }
      if (index < lines.length - 1) { container.appendChild(document.createElement("br")); }
    });
  }

  function messageNode(message) {
    var item = document.createElement("li");
    item.className = "chat__message" + (message.sender && message.sender.id === me ? " chat__message--mine" : "");
    if (message.sequence) { item.dataset.sequence = message.sequence; }
    if (message.id) { item.dataset.message = message.id; }
    var sender = document.createElement("span");
    sender.className = "chat__sender";
    sender.textContent = message.sender ? message.sender.name : "A former member";
    var time = document.createElement("time");
    var when = message.created_at ? new Date(message.created_at) : new Date();
    time.dateTime = when.toISOString();
    time.textContent = when.toLocaleString([], {day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"});
    var body = document.createElement("div");
    body.className = "chat__body";
    if (message.deleted) {
      var em = document.createElement("em");
      em.textContent = "Message deleted";
      body.appendChild(em);
    } else {
      renderBody(body, message.body);
    }
    item.appendChild(sender);
    item.appendChild(time);
    item.appendChild(body);
    if (!message.deleted && message.attachments && message.attachments.length) {
      item.appendChild(filesNode(message.attachments));
    }
    if (message.id && !message.deleted) { addActions(item, message); }
    return item;
  }

  function sizeText(bytes) {
    if (bytes < 1024) { return bytes + " bytes"; }
    if (bytes < 1024 * 1024) { return (bytes / 1024).toFixed(1) + " KB"; }
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  function filesNode(attachments) {
    var files = document.createElement("ul");
    files.className = "chat__files";
    attachments.forEach(function (file) {
      var entry = document.createElement("li");
      if (file.is_image) {
        var preview = document.createElement("a");
        preview.href = file.url;
        preview.target = "_blank";
        preview.rel = "noopener";
        var image = document.createElement("img");
        image.src = file.url;
        image.alt = file.name;
        image.loading = "lazy";
        preview.appendChild(image);
        entry.appendChild(preview);
      }
      var link = document.createElement("a");
      link.className = "chat__file";
      link.href = file.url;
      if (!file.is_image) { link.setAttribute("download", ""); }
      var clip = document.createElement("img");
      clip.className = "chat__clip";
      clip.src = root.dataset.clipIcon;
      clip.alt = "";
      link.appendChild(clip);
      link.appendChild(document.createTextNode(file.name));
      var size = document.createElement("span");
      size.className = "muted";
      size.textContent = sizeText(file.size);
      entry.appendChild(link);
      entry.appendChild(document.createTextNode(" "));
      entry.appendChild(size);
      files.appendChild(entry);
    });
    return files;
  }

  // The edit / delete (own messages) or report (others') menu of a message that arrived live.
  function addActions(item, message) {
    var mine = message.sender && message.sender.id === me;
    if (mine && !canWrite) { return; }
    var template = document.getElementById(mine ? "chat-actions-mine" : "chat-actions-theirs");
    if (!template || item.querySelector(".chat__actions")) { return; }
    var actions = template.content.firstElementChild.cloneNode(true);
    actions.querySelectorAll("form").forEach(function (actionForm) {
      actionForm.action = actionForm.getAttribute("action").replace("/m/0/", "/m/" + message.id + "/");
      actionForm.dataset.live = "true";
    });
    var editBox = actions.querySelector("textarea[name=body]");
    if (editBox) { editBox.value = message.body; }
    item.appendChild(actions);
  }

  function setStatus(node, text, retry) {
    var status = node.querySelector(".chat__status");
    if (!status) {
      status = document.createElement("span");
      status.className = "chat__status";
      node.appendChild(status);
    }
    status.textContent = text;
    if (retry) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--small button--ghost";
      button.textContent = "Retry";
      button.addEventListener("click", retry);
      status.appendChild(document.createTextNode(" "));
      status.appendChild(button);
    }
  }

  function scrollDown() { if (list) { list.scrollTop = list.scrollHeight; } }

  function noteShown(sequence) {
    if (!sequence || sequence <= shownThrough) { return; }
    shownAbove[sequence] = true;
    while (shownAbove[shownThrough + 1]) {
      delete shownAbove[shownThrough + 1];
      shownThrough += 1;
    }
    // A gap: one before it may still be on its way (two people's messages can cross). If it is
    // still missing in a moment, it was lost: fetch it.
    if (Object.keys(shownAbove).length && !gapTimer) {
      gapTimer = setTimeout(function () {
        gapTimer = null;
        if (Object.keys(shownAbove).length) { syncFromGap(); }
      }, GAP_WAIT_MS);
    }
  }

  function syncFromGap() {
    if (current !== null) {
      send({type: "sync", conversation: current, after: shownThrough});
    }
  }

  // Where a message goes: before the first one with a higher number (a late one goes in its
  // place), else at the end.
  function insertInOrder(node, sequence) {
    var later = null;
    if (sequence) {
      var numbered = list.querySelectorAll(".chat__message[data-sequence]");
      for (var i = numbered.length - 1; i >= 0; i--) {
        if (Number(numbered[i].dataset.sequence) > sequence) { later = numbered[i]; } else { break; }
      }
    }
    if (later) { list.insertBefore(node, later); } else { list.appendChild(node); }
  }

  function removeEmptyHint() {
    var empty = list && list.querySelector(".chat__empty");
    if (empty) { empty.remove(); }
  }

  function showMessage(message) {
    if (!list || message.conversation !== current) { return; }
    if (list.querySelector('[data-message="' + message.id + '"]')) { return; }
    var waiting = message.client_key && pending[message.client_key];
    if (waiting) {
      // Our own message, echoed by the server: it was saved.
      waiting.node.dataset.sequence = message.sequence;
      waiting.node.dataset.message = message.id;
      setStatus(waiting.node, "Sent");
      if (message.attachments && message.attachments.length && !waiting.node.querySelector(".chat__files")) {
        waiting.node.insertBefore(filesNode(message.attachments), waiting.node.querySelector(".chat__status"));
      }
      addActions(waiting.node, message);
      clearTimeout(waiting.timer);
      delete pending[message.client_key];
    } else {
      removeEmptyHint();
      insertInOrder(messageNode(message), message.sequence);
      if (typingLine) { typingLine.textContent = ""; }  // they stopped typing: it arrived
    }
    lastSequence = Math.max(lastSequence, message.sequence);
    noteShown(message.sequence);
    scrollDown();
    updateSeen();
    if (message.sender && message.sender.id !== me && document.visibilityState === "visible") {
      send({type: "read", conversation: current, sequence: message.sequence});
    }
  }

  function replaceMessage(message) {
    if (!list || message.conversation !== current) { return; }
    var old = list.querySelector('[data-message="' + message.id + '"]');
    if (!old) { return; }
    var fresh = messageNode(message);
    if (message.edited_at && !message.deleted) { setStatus(fresh, "edited"); }
    old.replaceWith(fresh);
  }

  function updateSeen() {
    if (!seenLine || !list) { return; }
    var mine = list.querySelectorAll(".chat__message--mine[data-sequence]");
    if (!mine.length) { seenLine.textContent = ""; return; }
    var newest = Number(mine[mine.length - 1].dataset.sequence);
    var names = Object.keys(readers).map(function (id) { return readers[id]; })
      .filter(function (r) { return r.sequence >= newest; })
      .map(function (r) { return r.name; });
    seenLine.textContent = names.length ? "Seen by " + names.join(", ") : "";
  }

  function setUnread(conversation, count) {
    var badge = document.querySelector('[data-unread="' + conversation + '"]');
    if (!badge) { return; }
    badge.hidden = !count;
    badge.firstChild.textContent = String(count);
  }

  function setUnreadTotal(total) {
    document.querySelectorAll("[data-unread-total]").forEach(function (node) {
      node.hidden = !total;
      node.textContent = total ? " " + total : "";
    });
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  // Files go over HTTP (the socket carries text only); the answer is the saved message, and
  // the broadcast that follows finds it already shown. Retrying reuses the client key.
  function upload(formData, key, node) {
    var entry = pending[key] || {node: node, formData: formData};
    pending[key] = entry;
    setStatus(node, "Sending…");
    clearTimeout(entry.timer);
    fetch(form.action, {
      method: "POST",
      body: formData,
      credentials: "same-origin",
      headers: {"Accept": "application/json"},
    }).then(function (response) {
      return response.json().then(function (answer) { return {ok: response.ok, answer: answer}; });
    }).then(function (result) {
      if (result.ok) {
        showMessage(result.answer);
        return;
      }
      delete pending[key];
      var errors = result.answer.errors || {};
      var reasons = Object.keys(errors).map(function (field) { return errors[field].join(" "); });
      var reason = "Not sent: " + (reasons.join(" ") || "the server refused it.");
      if (result.answer.code === "rate_limited") {
        // Nothing was stored: the message stays, and Retry sends it again (same key).
        setStatus(node, reason, function () { upload(formData, key, node); });
      } else {
        setStatus(node, reason);
      }
      scrollDown();
    }).catch(function () {
      setStatus(node, "Not sent.", function () { upload(formData, key, node); });
    });
  }

  function submit(body, key, node) {
    var entry = pending[key] || {body: body, node: node};
    pending[key] = entry;
    if (entry.formData) { upload(entry.formData, key, node); return; }
    setStatus(node, "Sending…");
    clearTimeout(entry.timer);
    var sent = send({type: "send", conversation: current, body: body, client_key: key});
    entry.timer = setTimeout(function () {
      if (pending[key]) { setStatus(node, "Not sent.", function () { submit(body, key, node); }); }
    }, sent ? 10000 : 0);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/o/" + org + "/chat/");
    socket.addEventListener("open", function () {
      retryDelay = 1000;
      syncFromGap();
      Object.keys(pending).forEach(function (key) {
        submit(pending[key].body, key, pending[key].node);
      });
    });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === "hello") {
        var total = 0;
        frame.conversations.forEach(function (c) {
          if (c.id === current && !c.can_write && form && form.isConnected) {
            // Closed meanwhile (the mentorship ended): say why instead of offering to write.
            canWrite = false;
            var closed = document.createElement("p");
            closed.className = "alert alert--warning";
            closed.textContent = c.closed_because;
            form.replaceWith(closed);
          }
          var unread = c.id === current ? 0 : c.unread;
          total += unread;
          setUnread(c.id, unread);
        });
        setUnreadTotal(total);
      } else if (frame.type === "message") {
        if (frame.message.conversation === current) {
          showMessage(frame.message);
        } else {
          var badge = document.querySelector('[data-unread="' + frame.message.conversation + '"]');
          if (badge && !(frame.message.sender && frame.message.sender.id === me)) {
            setUnread(frame.message.conversation, Number(badge.firstChild.textContent || 0) + 1);
          }
        }
      } else if (frame.type === "sent") {
        showMessage(frame.message);
      } else if (frame.type === "history") {
        var before = shownThrough;
        frame.messages.forEach(showMessage);
        // A page of history at a time: ask for the next while it fills the gap.
        if (!frame.complete && frame.conversation === current && shownThrough > before) {
          syncFromGap();
        }
      } else if (frame.type === "edited" || frame.type === "deleted") {
        replaceMessage(frame.message);
      } else if (frame.type === "read" && frame.conversation === current && frame.user !== me) {
        var reader = readers[frame.user] || {user: frame.user, name: frame.name, sequence: 0};
        reader.sequence = Math.max(reader.sequence, frame.sequence);
        reader.name = frame.name || reader.name;
        readers[frame.user] = reader;
        updateSeen();
      } else if (frame.type === "typing" && frame.conversation === current && typingLine) {
        typingLine.textContent = frame.name + " is typing…";
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () { typingLine.textContent = ""; }, 4000);
      } else if (frame.type === "error" && !(frame.client_key && pending[frame.client_key])) {
        var errorLine = document.getElementById("chat-error");
        if (errorLine) {
          errorLine.textContent = frame.reason;
          errorLine.hidden = false;
          setTimeout(function () { errorLine.hidden = true; }, 8000);
        }
      } else if (frame.type === "error") {
        var failedKey = frame.client_key;
        var failed = pending[failedKey];
        clearTimeout(failed.timer);
        delete pending[failedKey];
        if (frame.code === "rate_limited") {
          // Sent too fast: nothing was stored. The message stays, marked, with a Retry that
          // sends it again under the same key.
          setStatus(failed.node, "Not sent: " + frame.reason, function () {
            submit(failed.body, failedKey, failed.node);
          });
        } else {
          setStatus(failed.node, "Not sent: " + frame.reason);
        }
        scrollDown();
      }
    });
    socket.addEventListener("close", function (event) {
      Object.keys(pending).forEach(function (key) {
        setStatus(pending[key].node, "Waiting for the connection…");
      });
      if (event.code === 4401 || event.code === 4404) { return; }  // signed out or removed
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    });
  }

  if (form && textarea) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = textarea.value.trim();
      var files = fileInput ? Array.prototype.slice.call(fileInput.files) : [];
      if (!body && !files.length) { textarea.focus(); return; }
      var problem = filesProblem(files);
      if (problem) { window.alert(problem); return; }
      var key = clientKey();
      removeEmptyHint();
      var node = messageNode({body: body, sender: {id: me, name: "You"}, conversation: current});
      if (files.length) {
        var names = document.createElement("p");
        names.className = "chat__status";
        names.textContent = "Attached: " + files.map(function (f) { return f.name; }).join(", ");
        node.appendChild(names);
      }
      list.appendChild(node);
      scrollDown();
      textarea.value = "";
      if (files.length) {
        var formData = new FormData(form);
        formData.set("body", body);
        formData.set("client_key", key);
        fileInput.value = "";
        upload(formData, key, node);
      } else {
        submit(body, key, node);
      }
    });
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    textarea.addEventListener("input", function () {
      var now = Date.now();
      if (now - lastTypingSent > 3000) {
        lastTypingSent = now;
        send({type: "typing", conversation: current});
      }
    });
  }

  function filesProblem(files) {
    var maxBytes = Number(form.dataset.maxBytes || 0);
    var maxFiles = Number(form.dataset.maxFiles || 0);
    if (maxFiles && files.length > maxFiles) { return "Attach at most " + maxFiles + " files to a message."; }
    for (var i = 0; i < files.length; i++) {
      if (maxBytes && files[i].size > maxBytes) {
        return "“" + files[i].name + "” is " + sizeText(files[i].size) + "; files can be at most " + sizeText(maxBytes) + ".";
      }
    }
    return "";
  }

  // Edit and delete go over the socket when it is open; reports over HTTP. Without the script
  // the forms post and the page comes back.
  if (list) {
    list.addEventListener("submit", function (event) {
      var actionForm = event.target;
      if (event.defaultPrevented || !actionForm.closest(".chat__actions")) { return; }
      var item = actionForm.closest("[data-message]");
      var messageId = item ? Number(item.dataset.message) : 0;
      if (actionForm.hasAttribute("data-chat-delete")) {
        if (actionForm.dataset.live && !window.confirm(actionForm.dataset.confirm)) { event.preventDefault(); return; }
        if (send({type: "delete", message: messageId})) { event.preventDefault(); }
      } else if (actionForm.hasAttribute("data-chat-edit")) {
        var text = actionForm.querySelector("textarea").value.trim();
        if (text && send({type: "edit", message: messageId, body: text})) { event.preventDefault(); }
      } else if (actionForm.hasAttribute("data-chat-report")) {
        event.preventDefault();
        fetch(actionForm.action, {
          method: "POST",
          body: new FormData(actionForm),
          credentials: "same-origin",
          headers: {"Accept": "application/json"},
        }).then(function (response) {
          return response.json().then(function (answer) { return {ok: response.ok, answer: answer}; });
        }).then(function (result) {
          var note = document.createElement("p");
          note.className = "help";
          note.setAttribute("role", "status");
          note.textContent = result.ok
            ? "Reported. The program's managers will look at this message."
            : (result.answer.errors.__all__ || ["Not reported."]).join(" ");
          actionForm.replaceWith(note);
        });
        return;
      }
      var details = actionForm.closest("details");
      if (event.defaultPrevented && details) { details.removeAttribute("open"); }
    });
  }

  // Say which files are attached before sending.
  if (fileInput) {
    var filesHelp = document.getElementById("chat-files-help");
    var helpText = filesHelp ? filesHelp.textContent : "";
    fileInput.addEventListener("change", function () {
      if (!filesHelp) { return; }
      var chosen = Array.prototype.map.call(fileInput.files, function (f) { return f.name; });
      filesHelp.textContent = chosen.length ? "Attached: " + chosen.join(", ") + " (sent with your message)" : helpText;
    });
    form.addEventListener("submit", function () {
      if (filesHelp) { setTimeout(function () { filesHelp.textContent = helpText; }, 0); }
    });
  }

  // A heartbeat keeps the connection (and the "connected" mark that holds back emails) alive.
  setInterval(function () { send({type: "ping"}); }, 30000);

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && current !== null && lastSequence) {
      send({type: "read", conversation: current, sequence: lastSequence});
    }
  });

  updateSeen();
  scrollDown();
  connect();
})();
