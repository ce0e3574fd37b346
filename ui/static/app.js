// photorec page script: plain JS, no build step. It renders the photo grid and the people list
// from the JSON API, acts on them (fave, comment, dismiss), and follows refresh progress over SSE.
(function () {
  "use strict";

  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.content : "";

  // api calls the JSON API; it resolves with the parsed body and rejects with an Error whose
  // message is the server's safe message.
  function api(method, url, body) {
    var opts = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (method !== "GET") opts.headers["X-CSRF-Token"] = csrf;
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    return fetch(url, opts).then(function (res) {
      if (res.status === 204) return null;
      return res.json().catch(function () { return null; }).then(function (data) {
        if (!res.ok) {
          var msg = data && data.error ? data.error.message : "Something went wrong (" + res.status + ")";
          var err = new Error(msg);
          err.code = data && data.error ? data.error.code : "";
          err.status = res.status;
          throw err;
        }
        return data;
      });
    });
  }

  function enc(s) { return encodeURIComponent(s); }

  function setStatus(el, text, kind) {
    el.textContent = text;
    el.classList.remove("ok", "err");
    if (kind) el.classList.add(kind);
  }

  // Buddy icons come from Flickr's hosts; when one cannot load, show a neutral local icon.
  function fallbackIcon(img) {
    function swap() {
      if (img.dataset.fallback) return;
      img.dataset.fallback = "1";
      img.src = "/static/avatar.svg";
    }
    img.addEventListener("error", swap);
    if (img.complete && img.naturalWidth === 0 && img.getAttribute("src")) swap();
  }
  document.querySelectorAll("img.avatar, img.avatar-small").forEach(fallbackIcon);

  var page = document.getElementById("user-page");
  if (!page) return;

  var nsid = page.dataset.nsid;
  var owner = page.dataset.owner === "true";
  var mode = page.dataset.mode;
  var algorithm = page.dataset.algorithm;
  var base = "/api/v1/users/" + enc(nsid);

  // ---- Photos -------------------------------------------------------------------------------
  var grid = document.getElementById("photo-grid");
  var photoTpl = document.getElementById("photo-item-tpl");
  var loadMore = document.getElementById("load-more");
  var photoEmpty = document.getElementById("photo-empty");
  var photoError = document.getElementById("photo-error");
  var newLegend = document.getElementById("new-legend");
  var nextCursor = "";
  var since = "";
  var loading = false;
  var pageSize = 36; // fills whole rows of 2, 3, 4 or 6 columns

  function photoItem(rec) {
    var li = photoTpl.content.firstElementChild.cloneNode(true);
    var p = rec.photo;
    li.dataset.photoId = p.id;
    var link = li.querySelector(".photo-link");
    link.href = p.page_url;
    var title = p.title || "Untitled";
    link.setAttribute("aria-label", title + " by " + rec.owner.name + " on Flickr");
    var img = link.querySelector("img");
    img.src = p.thumb_url || p.image_url || "";
    img.alt = title + " by " + rec.owner.name;
    li.querySelector(".photo-title").textContent = title;
    var ownerLink = li.querySelector(".owner-link");
    ownerLink.textContent = rec.owner.name;
    ownerLink.href = "/u/" + enc(rec.owner.nsid);
    if (rec["new"]) {
      li.classList.add("is-new");
      li.querySelector(".new-badge").hidden = false;
      if (newLegend) newLegend.hidden = false;
    }
    if (!owner) li.querySelector(".why .meta").textContent = "Faved by photographers whose taste overlaps theirs:";
    var whyList = li.querySelector(".why-list");
    var why = li.querySelector(".why");
    if (!rec.why || rec.why.length === 0) {
      why.hidden = true;
    } else {
      rec.why.forEach(function (w) {
        var item = document.createElement("li");
        var icon = document.createElement("img");
        icon.src = w.user.icon_url;
        icon.alt = "";
        icon.width = 24; icon.height = 24;
        icon.className = "avatar-small";
        fallbackIcon(icon);
        var a = document.createElement("a");
        a.href = "/u/" + enc(w.user.nsid);
        a.textContent = w.user.name;
        item.appendChild(icon);
        item.appendChild(a);
        whyList.appendChild(item);
      });
    }
    var status = li.querySelector(".item-status");
    if (owner) {
      li.querySelector(".photo-actions").hidden = false;
      li.querySelector(".comment-box").hidden = false;
      wireFave(li, p.id, status);
      wireDismissPhoto(li, p.id, status);
      wireComment(li, p.id, status);
    }
    return li;
  }

  function wireFave(li, id, status) {
    var btn = li.querySelector(".fave");
    btn.addEventListener("click", function () {
      var faved = btn.getAttribute("aria-pressed") === "true";
      btn.disabled = true;
      setStatus(status, faved ? "Removing from your faves…" : "Faving on Flickr…");
      api(faved ? "DELETE" : "POST", "/api/v1/photos/" + enc(id) + "/fave").then(function (res) {
        btn.setAttribute("aria-pressed", res.faved ? "true" : "false");
        btn.textContent = res.faved ? "♥ Faved" : "♡ Fave";
        setStatus(status, res.faved ? "Faved on Flickr." : "Removed from your Flickr faves.", "ok");
        if (mode === "getting-started") updateCounts();
      }).catch(function (err) {
        // A failure is shown as a failure: the button keeps its previous state.
        setStatus(status, "Not done: " + err.message, "err");
      }).finally(function () { btn.disabled = false; });
    });
  }

  function wireDismissPhoto(li, id, status) {
    var btn = li.querySelector(".dismiss");
    btn.addEventListener("click", function () {
      var dismissed = li.classList.contains("dismissed");
      btn.disabled = true;
      api(dismissed ? "DELETE" : "POST", base + "/dismissed/photos/" + enc(id)).then(function () {
        li.classList.toggle("dismissed", !dismissed);
        btn.textContent = dismissed ? "Dismiss" : "Undo dismiss";
        setStatus(status, dismissed ? "Back in your recommendations." : "Dismissed: you will not see it again.", "ok");
        btn.focus();
      }).catch(function (err) {
        setStatus(status, "Not done: " + err.message, "err");
      }).finally(function () { btn.disabled = false; });
    });
  }

  function wireComment(li, id, status) {
    var form = li.querySelector(".comment");
    var text = form.querySelector("textarea");
    var btn = form.querySelector("button");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var value = text.value.trim();
      if (!value) { setStatus(status, "Write something first.", "err"); text.focus(); return; }
      btn.disabled = true; text.disabled = true;
      setStatus(status, "Posting your comment…");
      api("POST", "/api/v1/photos/" + enc(id) + "/comments", { text: value }).then(function () {
        text.value = "";
        setStatus(status, "Comment posted on Flickr.", "ok");
      }).catch(function (err) {
        setStatus(status, "Not posted: " + err.message, "err");
      }).finally(function () { btn.disabled = false; text.disabled = false; });
    });
  }

  function loadPhotos(reset) {
    if (!grid || loading) return;
    if (!reset && !nextCursor) return;
    loading = true;
    var q = "?limit=" + pageSize + "&algorithm=" + enc(algorithm);
    if (!reset) q += "&cursor=" + enc(nextCursor);
    else if (since) q += "&since=" + enc(since);
    api("GET", base + "/recommendations/photos" + q).then(function (res) {
      if (reset) {
        grid.replaceChildren();
        if (res.since) since = res.since;
      }
      res.items.forEach(function (rec) { grid.appendChild(photoItem(rec)); });
      nextCursor = res.next_cursor || "";
      loadMore.hidden = !nextCursor;
      photoEmpty.hidden = grid.children.length > 0;
      photoError.hidden = true;
    }).catch(function (err) {
      photoError.textContent = "Could not load photos: " + err.message;
      photoError.hidden = false;
    }).finally(function () { loading = false; });
  }

  var algorithmSelect = document.getElementById("algorithm");
  if (algorithmSelect) {
    algorithmSelect.addEventListener("change", function () {
      algorithm = algorithmSelect.value;
      nextCursor = "";
      loadPhotos(true);
    });
  }

  if (grid) {
    // More photos only on request: an endless grid would keep the people list below it out of
    // reach.
    loadMore.addEventListener("click", function () { loadPhotos(false); });
    loadPhotos(true);
  }

  // In getting-started mode, each fave may be the one that unlocks recommendations.
  function updateCounts() {
    api("GET", base).then(function (sum) {
      var faves = document.querySelector('[data-testid="fave-count"]');
      var neighbors = document.querySelector('[data-testid="neighbor-count"]');
      if (faves) faves.textContent = sum.faves;
      if (neighbors) neighbors.textContent = sum.neighbors;
      var ready = document.getElementById("recs-ready");
      if (ready && !sum.getting_started) ready.hidden = false;
    }).catch(function () { /* the counts refresh on the next fave */ });
  }

  // ---- People -------------------------------------------------------------------------------
  var people = document.getElementById("people-list");
  var personTpl = document.getElementById("person-item-tpl");

  function personItem(rec) {
    var li = personTpl.content.firstElementChild.cloneNode(true);
    li.dataset.nsid = rec.user.nsid;
    var img = li.querySelector("img");
    fallbackIcon(img);
    img.src = rec.user.icon_url;
    img.alt = "Buddy icon of " + rec.user.name;
    var a = li.querySelector(".person-name");
    a.textContent = rec.user.name;
    a.href = rec.user.profile_url;
    li.querySelector(".person-common").textContent = rec.common + " faves in common";
    if (owner) {
      var btn = li.querySelector(".dismiss-person");
      btn.hidden = false;
      btn.setAttribute("aria-label", "Dismiss " + rec.user.name);
      btn.addEventListener("click", function () {
        var dismissed = li.classList.contains("dismissed");
        btn.disabled = true;
        api(dismissed ? "DELETE" : "POST", base + "/dismissed/people/" + enc(rec.user.nsid)).then(function () {
          li.classList.toggle("dismissed", !dismissed);
          btn.textContent = dismissed ? "Dismiss" : "Undo";
        }).catch(function (err) {
          li.querySelector(".person-common").textContent = "Not done: " + err.message;
        }).finally(function () { btn.disabled = false; });
      });
    }
    return li;
  }

  function loadPeople() {
    if (!people) return;
    api("GET", base + "/recommendations/people?limit=12").then(function (res) {
      people.replaceChildren();
      res.items.forEach(function (rec) { people.appendChild(personItem(rec)); });
      document.getElementById("people-empty").hidden = res.items.length > 0;
    }).catch(function () {
      document.getElementById("people-empty").hidden = false;
    });
  }
  loadPeople();

  // ---- Progress (SSE) -----------------------------------------------------------------------
  var progressBox = document.getElementById("progress");
  var bar = document.getElementById("progress-bar");
  var progressText = document.getElementById("progress-text");
  var progressFailed = document.getElementById("progress-failed");
  var source = null;
  var reloadTimer = null;

  function showProgress(p) {
    progressBox.hidden = false;
    var finished = p.done + p.failed;
    var frac = p.made > 0 ? finished / p.made : 0;
    bar.value = Math.min(1, frac);
    bar.textContent = Math.round(frac * 100) + "%";
    if (p.state === "none") {
      progressText.textContent = "Waiting for the refresh to start…";
    } else if (p.state === "running") {
      progressText.textContent = "Pulled " + finished + " of " + p.made + " favorite lists from Flickr…";
    } else {
      progressText.textContent = "Done: pulled " + p.done + " of " + p.made + " favorite lists.";
    }
    if (p.failed > 0) {
      progressFailed.textContent = p.failed + (p.failed === 1 ? " pull" : " pulls") +
        " failed (Flickr did not answer). Recommendations may be incomplete; they will be retried on the next refresh.";
      progressFailed.hidden = false;
    }
  }

  function scheduleReload() {
    if (reloadTimer) return;
    reloadTimer = setTimeout(function () {
      reloadTimer = null;
      loadPhotos(true);
      loadPeople();
    }, 1500);
  }

  function follow() {
    if (source || !("EventSource" in window)) return;
    progressBox.hidden = false;
    source = new EventSource(base + "/events");
    source.addEventListener("progress", function (ev) { showProgress(JSON.parse(ev.data)); });
    source.addEventListener("recommendations", function () {
      if (mode !== "progress") scheduleReload();
    });
    source.addEventListener("done", function (ev) {
      var p = JSON.parse(ev.data);
      showProgress(p);
      source.close();
      source = null;
      if (mode === "progress") {
        // The first pull finished: the page now shows recommendations (or getting started).
        window.location.reload();
        return;
      }
      loadPhotos(true);
      loadPeople();
      if (p.failed === 0) setTimeout(function () { progressBox.hidden = true; }, 4000);
    });
    source.addEventListener("error", function (ev) {
      if (ev.data) {
        progressText.textContent = JSON.parse(ev.data).message;
        source.close();
        source = null;
      }
    });
  }

  if (page.dataset.running === "true" || mode === "progress") follow();

  var refresh = document.getElementById("refresh");
  if (refresh) {
    refresh.addEventListener("click", function () {
      refresh.disabled = true;
      api("POST", base + "/refresh").then(function (p) {
        showProgress(p);
        follow();
      }).catch(function (err) {
        progressBox.hidden = false;
        progressText.textContent = "Could not start a refresh: " + err.message;
      }).finally(function () { refresh.disabled = false; });
    });
  }
})();
