// The phone's outbox of answers: every answer is kept on the phone (localStorage, so it
// survives a reload) with a vote id the phone makes itself, until the server has it. It is
// sent over Socket.IO when connected, else as JSON to /r/<code>/vote; when neither works it
// waits ("Venter på å sendes") and goes when the connection returns (socket reconnect, the
// browser's `online` event, and retries with backoff). The server stores a resent vote id
// once and never lets an older answer replace a newer one, so resending is always safe. An
// answer the server refuses after it waited (the question closed meanwhile) is dropped from
// the outbox and the question says it was not counted, and why.
//
// Each question's indicator says what is true of it: saved, sending, waiting to send,
// changed and not sent, or not counted.
//
// Upvotes of the room's ideas wait and go the same way (over Socket.IO, else as a form post
// read by the script, answered in JSON): the server counts one upvote per participant and
// idea and answers a repeat with already_upvoted, so resending is safe too. The idea's
// button says waiting, sending, upvoted, or not counted and why.
//
// The service worker (/r/sw.js) only adds that a reload while offline still shows the page.
// Browsers start service workers only in a secure context (https, or http://127.0.0.1 and
// localhost): on a venue's http://<laptop-ip> there is none, and this outbox works alone —
// answers still wait and are sent, and they show again once the page is reachable.
(function () {
  "use strict";
  var phone = window.WorkshopPhone;
  var box = document.getElementById("offline-outbox");
  if (!phone || !box) { return; }
  var root = phone.root;
  var socket = phone.socket;
  var endpoint = box.getAttribute("data-endpoint");
  var storageKey = "workshop.outbox." + box.getAttribute("data-code") + "." + box.getAttribute("data-me");

  function says(name) { return box.getAttribute("data-" + name) || root.getAttribute("data-" + name) || ""; }

  // --- What is kept on the phone ---
  function load() {
    try {
      var kept = JSON.parse(window.localStorage.getItem(storageKey) || "{}");
      return kept && typeof kept === "object" ? kept : {};
    } catch (e) { return {}; }
  }
  var kept = load();
  var outbox = kept.outbox || {};    // question id -> {vote_id, fields, waited}
  var notices = kept.notices || {};  // question id -> {text: why it was not counted, sig: of the answer}
  var lastMade = kept.last || 0;
  var upvotes = kept.upvotes || {};              // JSON [question, ref] -> {question, ref, url, waited}
  var upvoteNotices = kept.upvoteNotices || {};  // the same key -> why it was not counted
  Object.keys(outbox).forEach(function (qid) { outbox[qid].waited = true; });  // from an earlier page
  Object.keys(upvotes).forEach(function (key) { upvotes[key].waited = true; });
  function save() {
    try {
      window.localStorage.setItem(storageKey, JSON.stringify({
        outbox: outbox, notices: notices, last: lastMade, upvotes: upvotes, upvoteNotices: upvoteNotices }));
    } catch (e) { /* private mode or full: the outbox still works while the page is open */ }
  }

  // When the phone made it (ms, 13 digits) and a random part: unique, and sorted as made.
  // Never earlier than the last one, should the phone's clock be set back meanwhile.
  var DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";
  function newVoteId() {
    lastMade = Math.max(Date.now(), lastMade + 1);
    var bytes = new Uint8Array(10);
    window.crypto.getRandomValues(bytes);
    var random = "";
    for (var i = 0; i < bytes.length; i++) { random += DIGITS.charAt(bytes[i] % 36); }
    return ("0000000000000" + lastMade).slice(-13) + "-" + random;
  }

  // --- A form's answer: as the person has it now, or as the server rendered it ---
  function fieldsOf(form, asServed) {
    var fields = {};
    function add(name, value) { (fields[name] = fields[name] || []).push(String(value)); }
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      var type = el.type;
      if (!el.name || el.name === "csrf_token" || el.disabled || /^(submit|button|reset|file|image|fieldset)$/.test(type)) { continue; }
      if (type === "checkbox" || type === "radio") {
        if (asServed ? el.defaultChecked : el.checked) { add(el.name, el.value); }
      } else if (el.tagName === "SELECT") {
        var chosen = false;
        for (var j = 0; j < el.options.length; j++) {
          var option = el.options[j];
          if (asServed ? option.defaultSelected : option.selected) { add(el.name, option.value); chosen = true; }
        }
        if (asServed && !chosen && !el.multiple && el.options.length) { add(el.name, el.options[0].value); }
      } else {
        add(el.name, asServed ? el.defaultValue : el.value);
      }
    }
    return fields;
  }
  // Empty boxes are no answer (the server ignores them): "" and a missing field are the same.
  function signature(fields) {
    var names = Object.keys(fields).sort();
    var parts = [];
    names.forEach(function (name) {
      var values = fields[name].filter(function (v) { return v !== ""; });
      if (values.length) { parts.push([name, values]); }
    });
    return JSON.stringify(parts);
  }
  // Boxes added as the answer needs, set as if typed: participant.js keeps the fields over a
  // refresh, the counters follow (static/js/question_types/registry.js).
  function fill(form, fields) { window.WorkshopTypes.fillForm(form, fields); }

  // --- The indicator on each question ---
  var confirmed = {};  // question id -> signature the server confirmed since the page was drawn
  var sending = {};    // question id -> vote id on its way
  var refused = {};    // question id -> {sig, text}: refused at once (the person is looking)

  function section(qid) { return root.querySelector("section.question[data-question='" + qid + "']"); }

  function onServer(form, qid) {
    if (confirmed[qid] !== undefined) { return confirmed[qid]; }
    var answered = form.closest("section.question").querySelector(".status-line .answered");
    return answered ? signature(fieldsOf(form, true)) : null;
  }

  function show(element, state, text) {
    if (element.getAttribute("data-vote-state") === state && element.textContent === text) { return; }
    element.setAttribute("data-vote-state", state);
    element.textContent = text;
    var isError = state === "not-counted" || state === "refused";
    element.setAttribute("role", isError ? "alert" : "status");
    element.classList.toggle("error", isError);
    element.classList.toggle("ok", state === "saved");
    element.classList.toggle("pending", state === "waiting" || state === "sending" || state === "changed");
  }

  function indicate(qid) {
    var where = section(qid);
    if (!where) { return; }
    var form = where.querySelector("form.answer-form");
    var notice = notices[qid] ? says("not-counted") + ": " + notices[qid].text : "";
    if (!form) {  // closed: no form, only what happened to the answer it waited with
      var line = where.querySelector(".vote-notice");
      if (!notice) { if (line) { line.parentNode.removeChild(line); } return; }
      if (!line) {
        line = document.createElement("p");
        line.className = "form-message vote-notice";
        var status = where.querySelector(".status-line");
        where.insertBefore(line, status ? status.nextSibling : where.firstChild);
      }
      show(line, "not-counted", notice);
      return;
    }
    var message = form.querySelector(".form-message");
    if (!message) { return; }
    var now = signature(fieldsOf(form, false));
    var queued = outbox[qid];
    var server = onServer(form, qid);
    if (queued) {
      if (signature(queued.fields) !== now) { show(message, "changed", says("changed")); }
      else if (sending[qid] === queued.vote_id && !queued.waited) { show(message, "sending", says("sending")); }
      else { show(message, "waiting", says("waiting")); }
    } else if (notice && (notices[qid].sig === now || (notices[qid].sig === null && server === now))) {
      show(message, "not-counted", notice);  // until the person changes the answer
    } else if (refused[qid] && refused[qid].sig === now) {
      show(message, "refused", refused[qid].text);
    } else if (server !== null && server !== now) {
      show(message, "changed", says("changed"));
    } else if (server !== null) {  // as the server has it: confirmed now, or drawn as stored
      show(message, "saved", says("saved") + " ✓");
    } else {
      show(message, "", "");
    }
  }
  function indicateAll() {
    var sections = root.querySelectorAll("section.question");
    for (var i = 0; i < sections.length; i++) { indicate(sections[i].getAttribute("data-question")); }
  }

  function markAnswered(qid) {
    var where = section(qid);
    var button = where && where.querySelector("form.answer-form button[type=submit]");
    if (!where) { return; }
    where.setAttribute("data-answered", "1");
    if (button) { button.textContent = root.getAttribute("data-change"); }
  }

  // --- Sending ---
  function csrfToken() {
    var input = document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  // The app's answer to a vote or an upvote ({ok, ...}), or null when it could not be had
  // (try again later).
  function post(body) {
    return request(endpoint, JSON.stringify(body), { "Content-Type": "application/json" });
  }
  function request(url, body, headers) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, 10000) : null;
    headers["X-CSRFToken"] = csrfToken();
    headers["Accept"] = "application/json";
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: body, headers: headers,
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json) {
        // Not the app's answer (a proxy's page, or an expired form): fresh tokens, then again.
        if (response.status < 500) { phone.refresh().catch(function () {}); }
        return null;
      }
      return response.status === 429 || response.status >= 500 ? null : response.json();
    }).catch(function () { return null; }).then(function (ack) {
      if (timer) { clearTimeout(timer); }
      return ack;
    });
  }

  // Over Socket.IO when connected, else by `overHttp` (the page's own request); null when
  // neither answered, to try again later.
  function sendLive(event, body, overHttp) {
    var viaSocket = !socket.connected ? Promise.resolve(null) : new Promise(function (resolve) {
      socket.timeout(8000).emit(event, body, function (err, ack) { resolve(err || !ack ? null : ack); });
    });
    return viaSocket.then(function (ack) {
      if (ack && ack.code === "rate_limited") { return null; }
      // A socket that is not (yet) joined: the page's own request says what is true.
      if (ack && !(ack.ok === false && ack.code === "not_joined")) { return ack; }
      return overHttp();
    });
  }

  function send(qid, vote) {
    var body = { question: qid, fields: vote.fields, vote_id: vote.vote_id };
    return sendLive("vote", body, function () { return post(body); });
  }

  var flushing = false;
  var retryTimer = null;
  var failures = 0;

  function oldestWaiting() {
    return Object.keys(outbox).sort(function (a, b) {
      return outbox[a].vote_id < outbox[b].vote_id ? -1 : 1;
    })[0];
  }

  function retryLater() {
    failures += 1;
    var delay = Math.min(30000, 1000 * Math.pow(2, failures - 1)) * (0.75 + Math.random() / 2);
    retryTimer = setTimeout(flush, delay);
  }

  // What waits, one at a time: the answers first (oldest first), then the upvotes as made.
  function nextJob() {
    var qid = oldestWaiting();
    if (qid !== undefined) { return answerJob(qid); }
    var key = Object.keys(upvotes)[0];
    return key === undefined ? null : upvoteJob(key);
  }
  function answerJob(qid) {
    var vote = outbox[qid];
    return {
      wait: function () { vote.waited = true; save(); indicate(qid); },
      start: function () { sending[qid] = vote.vote_id; indicate(qid); },
      stop: function () { delete sending[qid]; },
      send: function () { return send(qid, vote); },
      settle: function (ack) { settle(qid, vote, ack); },
    };
  }

  function flush() {
    if (flushing) { return; }
    clearTimeout(retryTimer);
    retryTimer = null;
    var job = nextJob();
    if (!job) { failures = 0; return; }
    if (navigator.onLine === false) {  // surely offline: the `online` event starts again
      job.wait();
      return;
    }
    flushing = true;
    job.start();
    job.send().then(function (ack) {
      flushing = false;
      job.stop();
      if (!ack) {
        job.wait();
        retryLater();
        return;
      }
      failures = 0;
      job.settle(ack);
      flush();
    });
  }

  function settle(qid, vote, ack) {
    if (outbox[qid] && outbox[qid].vote_id === vote.vote_id) { delete outbox[qid]; }
    var form = section(qid) && section(qid).querySelector("form.answer-form");
    if (ack.ok) {
      delete notices[qid];
      delete refused[qid];
      confirmed[qid] = signature(vote.fields);
      if (!outbox[qid]) { phone.sent(qid); }
      markAnswered(qid);
      keepFresh();
    } else if (vote.waited || ack.code === "superseded" || !form) {
      // Nobody watched it go: the question keeps saying so, also after a reload.
      var superseded = ack.code === "superseded";
      notices[qid] = { text: ack.error || "", sig: superseded ? null : signature(vote.fields) };
      if (superseded && !outbox[qid]) {
        phone.sent(qid);  // show the newer answer the server has
        phone.refresh().catch(function () {});
      }
    } else {
      refused[qid] = { sig: signature(vote.fields), text: ack.error || "" };
    }
    save();
    indicate(qid);
  }

  // --- Upvotes ---
  var upvoteSending = {};  // key -> on its way now
  var upvoted = {};        // key -> the server has it (since the page was drawn)

  function upvoteButton(key) {
    var idea = JSON.parse(key);
    var items = root.querySelectorAll(".ideas[data-question='" + idea[0] + "'] li[data-ref]");
    for (var i = 0; i < items.length; i++) {
      if (items[i].getAttribute("data-ref") === idea[1]) { return items[i].querySelector(".upvote-form button"); }
    }
    return null;
  }

  function indicateUpvote(key) {
    var button = upvoteButton(key);
    if (!button) { return; }
    var state;
    var text;
    if (upvotes[key]) {
      state = upvoteSending[key] && !upvotes[key].waited ? "sending" : "waiting";
      text = says(state);
    } else if (upvoteNotices[key] !== undefined) {
      state = "not-counted";
      text = says("not-counted") + (upvoteNotices[key] ? ": " + upvoteNotices[key] : "");
    } else if (upvoted[key]) {
      state = "saved";
      text = says("upvoted") + " ✓";
    } else {
      return;  // as the server drew it
    }
    button.disabled = true;  // one upvote an idea: nothing to press again
    button.setAttribute("data-vote-state", state);
    if (button.textContent !== text) { button.textContent = text; }
    button.classList.toggle("error", state === "not-counted");
    button.classList.toggle("pending", state === "waiting" || state === "sending");
  }

  // The ideas as the server drew them (the page, or a refresh): a button it draws enabled
  // may be pressed again, so what kept it from counting before no longer stands there.
  function upvotesDrawn() {
    Object.keys(upvoteNotices).forEach(function (key) {
      var button = upvoteButton(key);
      if (button && !button.disabled) { delete upvoteNotices[key]; }
    });
    save();
    Object.keys(upvotes).concat(Object.keys(upvoteNotices), Object.keys(upvoted)).forEach(indicateUpvote);
  }

  function sendUpvote(entry) {
    return sendLive("upvote", { question: entry.question, ref: entry.ref }, function () {
      var form = new FormData();
      form.append("ref", entry.ref);
      return request(entry.url, form, {});  // the form's own address, answered in JSON
    });
  }

  function settleUpvote(key, entry, ack) {
    if (upvotes[key] === entry) { delete upvotes[key]; }
    if (ack.ok || ack.code === "already_upvoted") {  // already: sent before, its answer lost
      delete upvoteNotices[key];
      upvoted[key] = true;
    } else {
      upvoteNotices[key] = ack.error || "";
    }
    save();
    indicateUpvote(key);
  }

  function upvoteJob(key) {
    var entry = upvotes[key];
    return {
      wait: function () { entry.waited = true; save(); indicateUpvote(key); },
      start: function () { upvoteSending[key] = true; indicateUpvote(key); },
      stop: function () { delete upvoteSending[key]; },
      send: function () { return sendUpvote(entry); },
      settle: function (ack) { settleUpvote(key, entry, ack); },
    };
  }

  // The service worker's copy of the page and its questions is what a reload while offline
  // shows: after an answer is stored it fetches them again, so that copy has the answer.
  var worker = null;  // the active service worker, once registered
  function keepFresh() {
    if (worker) { worker.postMessage({ type: "keep", urls: [location.pathname, root.getAttribute("data-fragment")] }); }
  }

  // --- Events ---
  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("answer-form")) { return; }
    event.preventDefault();  // never the browser's own post: offline it shows an error page
    var qid = form.getAttribute("data-question");
    outbox[qid] = { vote_id: newVoteId(), fields: fieldsOf(form, false), waited: false };
    delete notices[qid];
    delete refused[qid];
    save();
    indicate(qid);
    flush();
  });

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("upvote-form")) { return; }
    event.preventDefault();  // never the browser's own post: offline it shows an error page
    var question = form.closest(".ideas").getAttribute("data-question");
    var ref = form.querySelector("input[name=ref]").value;
    var key = JSON.stringify([question, ref]);
    if (upvotes[key]) { return; }  // waiting already
    upvotes[key] = { question: question, ref: ref, url: form.getAttribute("action"), waited: false };
    delete upvoteNotices[key];
    save();
    indicateUpvote(key);
    flush();
  });

  function edited(event) {
    var form = event.target.closest && event.target.closest("form.answer-form");
    if (form) { indicate(form.getAttribute("data-question")); }
  }
  root.addEventListener("input", edited);
  root.addEventListener("change", edited);

  root.addEventListener("workshop:refreshed", function () {
    // The page now shows the server's answers as they are: still "saved" where they are the
    // ones this page sent.
    Object.keys(confirmed).forEach(function (qid) {
      var form = section(qid) && section(qid).querySelector("form.answer-form");
      if (!form || signature(fieldsOf(form, true)) !== confirmed[qid]) { delete confirmed[qid]; }
    });
    indicateAll();
    upvotesDrawn();
  });

  socket.on("connect", function () { failures = 0; flush(); });
  window.addEventListener("online", function () { failures = 0; flush(); });
  window.addEventListener("offline", function () {
    // The browser knows the network is gone; the WebSocket would only notice at its next
    // ping (up to a minute). Closed now, Socket.IO reconnects as soon as it can.
    if (socket.connected && socket.io.engine) { socket.io.engine.close(); }
    indicateAll();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { flush(); }
  });

  // --- Start: the answers that wait show on their questions, and go when they can ---
  Object.keys(outbox).forEach(function (qid) {
    var form = section(qid) && section(qid).querySelector("form.answer-form");
    if (form) { fill(form, outbox[qid].fields); }
  });
  indicateAll();
  upvotesDrawn();
  flush();

  if ("serviceWorker" in navigator && window.isSecureContext) {
    var workerUrl = box.getAttribute("data-worker");
    var controlled = !!navigator.serviceWorker.controller;
    navigator.serviceWorker.register(workerUrl, { scope: workerUrl.replace(/[^/]*$/, "") }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      worker = registration.active;
      var urls = [location.pathname, root.getAttribute("data-fragment")];
      var parts = document.querySelectorAll("script[src], link[rel=stylesheet][href], link[rel=icon][href]");
      for (var i = 0; i < parts.length; i++) { urls.push(parts[i].getAttribute("src") || parts[i].getAttribute("href")); }
      // Once the worker controls the page, it keeps what the page loads by itself.
      if (registration.active && !controlled) { registration.active.postMessage({ type: "keep", urls: urls }); }
    }).catch(function () { /* no worker: the outbox works without it */ });
  }
})();
