// The live notifications page: history is rendered by the server; this script opens
// the event stream after the newest shown id and adds each new notification on top.
// Every value is set as text (textContent), never parsed as HTML.

(function () {
  "use strict";

  // The same form the server uses for history: "2026-11-24 13:27:42 UTC".
  function readableTime(raw) {
    var at = new Date(raw);
    return isNaN(at.getTime()) ? raw : at.toISOString().slice(0, 19).replace("T", " ") + " UTC";
  }

  var COLOURS = { live: "text-bg-success", reconnecting: "text-bg-warning" };

  var list = document.getElementById("notifications");
  var indicator = document.getElementById("connection");
  if (!list || !indicator) {
    return;
  }
  if (!window.EventSource) {
    setState("offline", "Live updates need a browser with EventSource");
    return;
  }

  var seen = {};
  Array.prototype.forEach.call(list.querySelectorAll("[data-notification-id]"), function (el) {
    seen[el.getAttribute("data-notification-id")] = true;
  });

  function setState(state, text) {
    indicator.setAttribute("data-state", state);
    indicator.className = "badge rounded-pill " + (COLOURS[state] || "text-bg-secondary");
    indicator.textContent = text;
  }

  function textSpan(className, text) {
    var span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    return span;
  }

  function render(n) {
    var item = document.createElement("li");
    item.className = "list-group-item";
    item.setAttribute("data-notification-id", String(n.id));

    var time = document.createElement("time");
    time.className = "text-body-secondary me-2";
    time.setAttribute("datetime", String(n.receivedAt));
    time.textContent = readableTime(String(n.receivedAt));
    item.appendChild(time);
    item.appendChild(textSpan("badge text-bg-secondary me-2", String(n.changeType)));

    var url = typeof n.alertUrl === "string" ? n.alertUrl : "";
    var incidentUrl = typeof n.incidentUrl === "string" ? n.incidentUrl : "";
    if (url.indexOf("/alerts/") === 0 && n.alertId) {
      var link = document.createElement("a");
      link.href = url;
      link.textContent = String(n.alertId);
      item.appendChild(link);
    } else if (incidentUrl.indexOf("/incidents/") === 0 && n.incidentId) {
      var incident = document.createElement("a");
      incident.href = incidentUrl;
      incident.className = "notification-incident";
      incident.textContent = "Incident " + String(n.incidentId);
      item.appendChild(incident);
    } else {
      item.appendChild(textSpan("font-monospace", String(n.resource)));
    }
    if (n.summary) {
      item.appendChild(renderSummary(n.summary));
    }
    return item;
  }

  // The alert's severity, status, title and what changed, as the server renders history.
  function renderSummary(s) {
    var box = document.createElement("div");
    box.className = "notification-summary mt-1";
    if (s.unreadable) {
      box.className += " notification-unreadable text-body-secondary";
      box.textContent = "The alert's details could not be read.";
      return box;
    }
    box.appendChild(textSpan("badge " + String(s.severityClass) + " me-2", String(s.severity)));
    box.appendChild(textSpan("notification-status badge text-bg-light me-2", String(s.status)));
    box.appendChild(textSpan("notification-title", String(s.title)));
    if (typeof s.by === "string" && s.by) {
      box.appendChild(textSpan("notification-by small text-body-secondary ms-2", s.by));
    }
    var changes = Array.isArray(s.changes) ? s.changes : [];
    if (changes.length) {
      var lines = document.createElement("ul");
      lines.className = "notification-changes small mb-0";
      changes.forEach(function (change) {
        var line = document.createElement("li");
        line.textContent = String(change);
        lines.appendChild(line);
      });
      box.appendChild(lines);
    }
    return box;
  }

  // A summary read after its notification was shown: replaces the row's, if any.
  function onSummary(event) {
    var update;
    try {
      update = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    var item = list.querySelector('[data-notification-id="' + CSS.escape(String(update.id)) + '"]');
    if (!item || !update.summary) {
      return;
    }
    var old = item.querySelector(".notification-summary");
    if (old) {
      old.remove();
    }
    item.appendChild(renderSummary(update.summary));
  }

  function onNotification(event) {
    var n;
    try {
      n = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    var key = String(n.id);
    if (seen[key]) {
      return;
    }
    seen[key] = true;
    var empty = document.getElementById("notifications-empty");
    if (empty) {
      empty.remove();
    }
    list.insertBefore(render(n), list.firstChild);
  }

  // A message from the server above the list, with a link to the history when it names it.
  function showNotice(text) {
    var notice = document.getElementById("stream-notice");
    if (!notice) {
      return;
    }
    notice.textContent = String(text) + " ";
    if (/history page/.test(String(text))) {
      var link = document.createElement("a");
      link.href = "/listen";
      link.textContent = "Reload the history";
      notice.appendChild(link);
    }
    notice.hidden = false;
  }

  // The browser gave up on the stream (it answered other than 200): ask once why. A session
  // that ended goes to sign-in and back here; any other refusal is shown as the server said it.
  function explainClosed(url) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/event-stream" } })
      .then(function (response) {
        if (response.status === 401) {
          window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname));
          return;
        }
        if (response.ok) {
          response.body && response.body.cancel();
          setState("offline", "Offline: reload to reconnect");
          return;
        }
        return response.text().then(function (text) {
          setState("offline", "Not live");
          showNotice(text);
        });
      })
      .catch(function () {
        setState("offline", "Offline: reload to reconnect");
      });
  }

  var eventsUrl = list.getAttribute("data-events-url");
  var source = new EventSource(eventsUrl);
  setState("connecting", "Connecting…");
  source.addEventListener("open", function () {
    setState("live", "Live");
  });
  source.addEventListener("error", function () {
    if (source.readyState === EventSource.CLOSED) {
      explainClosed(eventsUrl);
      return;
    }
    setState("reconnecting", "Reconnecting…");
  });
  source.addEventListener("gap", function (event) {
    showNotice(event.data);
  });
  source.addEventListener("notification", onNotification);
  source.addEventListener("summary", onSummary);
})();
