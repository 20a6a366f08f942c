// The phone page's service worker, served at /r/sw.js so its scope (/r/) covers every run's
// phone page. It keeps the last copy of the page, its questions fragment and its scripts and
// styles, so a reload while the wifi is down still shows the questions and the answers that
// wait to be sent (offline.js keeps those in localStorage; it works without this worker).
//
// Network first for everything: online the page is always fresh, and a deploy never mixes a
// new page with old scripts; the cached copy is used only when the network fails (or is too
// slow to wait for). Service workers need a secure context: https, or http://127.0.0.1 and
// localhost; on a venue's http://<laptop-ip> the browser does not start this at all.
"use strict";

var CACHE = "workshop-phone-v1";
var NETWORK_WAIT_MS = 4000;  // a venue's flaky wifi: after this, the cached copy if there is one

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function kept(url) {
  if (url.origin !== self.location.origin) { return false; }
  var path = url.pathname;
  if (path === "/r/sw.js") { return false; }
  return path.indexOf("/r/") === 0 || path.indexOf("/static/") === 0 || path === "/vendor/socket.io.min.js";
}

function store(request, response) {
  // Only a page as it was meant: not an error, nor the join page a redirect led to.
  if (!response || !response.ok || response.redirected || response.type !== "basic") { return; }
  var copy = response.clone();
  caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
}

function networkFirst(request) {
  var fromNetwork = fetch(request).then(function (response) { store(request, response); return response; });
  var fromCache = caches.match(request, { ignoreVary: true });
  return new Promise(function (resolve, reject) {
    var settled = false;
    function answer(response) { if (!settled) { settled = true; resolve(response); } }
    var timer = setTimeout(function () {
      fromCache.then(function (cached) { if (cached) { answer(cached); } });
    }, NETWORK_WAIT_MS);
    fromNetwork.then(function (response) { clearTimeout(timer); answer(response); }, function (error) {
      clearTimeout(timer);
      fromCache.then(function (cached) {
        if (cached) { answer(cached); } else if (!settled) { settled = true; reject(error); }
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }  // answers go through the outbox, not this cache
  var url = new URL(request.url);
  if (!kept(url)) { return; }
  event.respondWith(networkFirst(request));
});

// The page lists what it is made of (offline.js), so the first visit, which this worker did
// not see, is cached too.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.urls)) { return; }
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(data.urls.filter(function (href) { return kept(new URL(href, self.location.href)); })
      .map(function (href) {
        return fetch(href, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) { return cache.put(href, response); }
        }).catch(function () { /* offline now: kept at the next visit */ });
      }));
  }));
});
