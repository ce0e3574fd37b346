// photorec page script: plain JS, no build step. It renders the photo grid and the people list
// from the JSON API, acts on them (fave, comment, dismiss), and follows refresh progress over SSE.
(function () {
  "use strict";

  // reasonLine says one reason in plain words; you is true on the member's own page.
  function reasonLine(r, ownerName, you) {
    var n = r.count || 0;
    var your = you ? "you" : "they";
    switch (r.kind) {
      case "owner_faved": return (you ? "You" : "They") + " faved " + n + " photo" + (n === 1 ? "" : "s") + " by " + ownerName + ".";
      case "owner_followed": return "By " + ownerName + ", whom " + your + " follow" + (you ? "" : "") + ".";
      case "contacts_faved": return "Faved by " + n + " " + (n === 1 ? "person" : "people") + " " + your + " follow:";
      case "neighbors": return "Faved by " + n + " photographer" + (n === 1 ? "" : "s") + " whose photos " + your + " faved:";
      case "co_favers": return "Faved by " + n + " " + (n === 1 ? "person" : "people") + " who faved the same photos as " + your + ":";
      case "popular": return "Popular: faved by " + n + " " + (n === 1 ? "person" : "people") + ".";
      default: return "Faved by " + n + " " + (n === 1 ? "person" : "people") + ":";
    }
  }

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
  var announce = document.getElementById("grid-announce");
  var nextCursor = "";
  var since = "";
  var loading = false;
  var seq = 0; // the latest photo request; the answers of older ones are dropped
  var pagesLoaded = 0;
  var autoPages = 5; // scrolling loads up to this many pages, then only the button: the people list stays reachable
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
    var whyList = li.querySelector(".why-list");
    var why = li.querySelector(".why");
    var reasons = rec.reasons || [];
    if (reasons.length === 0) {
      why.hidden = true;
    } else {
      li.querySelector(".why .meta").textContent = "";
      reasons.forEach(function (r) {
        var item = document.createElement("li");
        var line = document.createElement("p");
        line.textContent = reasonLine(r, rec.owner.name, owner);
        item.appendChild(line);
        (r.users || []).forEach(function (c) {
          var icon = document.createElement("img");
          icon.src = c.user.icon_url;
          icon.alt = "";
          icon.width = 24; icon.height = 24;
          icon.className = "avatar-small";
          fallbackIcon(icon);
          var a = document.createElement("a");
          a.href = "/u/" + enc(c.user.nsid);
          a.textContent = c.user.name;
          item.appendChild(icon);
          item.appendChild(a);
          item.appendChild(document.createTextNode(" "));
        });
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
        // The graph has the fave already: the recommendations it changes show up in place.
        requestUpdate(1000);
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

  function shownIds() {
    var ids = {};
    Array.prototype.forEach.call(grid.children, function (li) { ids[li.dataset.photoId] = true; });
    return ids;
  }

  // loadPhotos replaces the grid with the first page (reset), or appends the next page. It is
  // for the person's own requests (first load, algorithm, Load more, scrolling); background
  // updates go through updatePhotos.
  function loadPhotos(reset) {
    if (!grid) return;
    if (!reset && (loading || !nextCursor)) return;
    var my = ++seq;
    loading = true;
    var q = "?limit=" + pageSize + "&algorithm=" + enc(algorithm);
    if (!reset) q += "&cursor=" + enc(nextCursor);
    else if (since) q += "&since=" + enc(since);
    api("GET", base + "/recommendations/photos" + q).then(function (res) {
      if (my !== seq) return;
      if (reset) {
        grid.replaceChildren();
        pagesLoaded = 0;
        if (res.since) since = res.since;
      }
      // A ranking that changed since the previous page may repeat a photo already shown.
      var ids = shownIds();
      var firstNew = null;
      res.items.forEach(function (rec) {
        if (ids[rec.photo.id]) return;
        var li = photoItem(rec);
        if (!firstNew) firstNew = li;
        grid.appendChild(li);
      });
      pagesLoaded++;
      nextCursor = res.next_cursor || "";
      // The last page hides the button: keyboard focus moves on to the first photo it brought.
      if (!nextCursor && document.activeElement === loadMore && firstNew) firstNew.querySelector(".photo-link").focus();
      loadMore.hidden = !nextCursor;
      photoEmpty.hidden = grid.children.length > 0;
      photoError.hidden = true;
    }).catch(function (err) {
      if (my !== seq) return;
      photoError.textContent = "Could not load photos: " + err.message;
      photoError.hidden = false;
    }).finally(function () {
      if (my !== seq) return;
      loading = false;
      watchEnd();
    });
  }

  // pristine: nothing in the grid the person may be using, so it can be replaced wholesale.
  function pristine() {
    if (pagesLoaded > 1) return false;
    if (grid.contains(document.activeElement)) return false;
    if (grid.querySelector("details[open], li.dismissed")) return false;
    var busy = Array.prototype.some.call(grid.querySelectorAll("textarea"), function (t) { return t.value.trim() !== ""; });
    if (busy) return false;
    return !Array.prototype.some.call(grid.querySelectorAll(".item-status"), function (p) { return p.textContent !== ""; });
  }

  // updatePhotos brings the grid up to date without taking anything away: a pristine grid is
  // replaced in place (scroll position kept); otherwise the photos of the new first page not
  // shown yet are added at the top, marked as just arrived, and announced.
  function updatePhotos() {
    if (!grid) return;
    if (loading) { requestUpdate(500); return; }
    var my = ++seq;
    loading = true;
    var q = "?limit=" + pageSize + "&algorithm=" + enc(algorithm);
    if (since) q += "&since=" + enc(since);
    api("GET", base + "/recommendations/photos" + q).then(function (res) {
      if (my !== seq) return;
      if (pristine()) {
        var y = window.scrollY;
        grid.replaceChildren.apply(grid, res.items.map(photoItem));
        pagesLoaded = 1;
        nextCursor = res.next_cursor || "";
        loadMore.hidden = !nextCursor;
        window.scrollTo(window.scrollX, y);
      } else {
        var ids = shownIds();
        var fresh = res.items.filter(function (rec) { return !ids[rec.photo.id]; });
        var first = grid.firstElementChild;
        fresh.forEach(function (rec) {
          var li = photoItem(rec);
          li.dataset.arrived = "true";
          li.classList.add("arrived");
          li.querySelector(".arrived-badge").hidden = false;
          grid.insertBefore(li, first);
        });
        if (fresh.length > 0 && announce) {
          announce.textContent = fresh.length + (fresh.length === 1 ? " new recommendation" : " new recommendations") + " at the top of the grid.";
        }
      }
      photoEmpty.hidden = grid.children.length > 0;
      photoError.hidden = true;
    }).catch(function (err) {
      if (my !== seq) return;
      photoError.textContent = "Could not update photos: " + err.message;
      photoError.hidden = false;
    }).finally(function () {
      if (my !== seq) return;
      loading = false;
      watchEnd();
    });
  }

  // requestUpdate runs updatePhotos and updatePeople after delay ms, at most once every
  // updateGap ms: a refresh reports new data every second or so.
  var updateTimer = null;
  var lastUpdate = 0;
  var updateGap = 5000;
  function requestUpdate(delay) {
    if (updateTimer) return;
    var wait = Math.max(delay, lastUpdate + updateGap - Date.now());
    updateTimer = setTimeout(function () {
      updateTimer = null;
      lastUpdate = Date.now();
      updatePhotos();
      updatePeople();
    }, wait);
  }

  // Scrolling near the end loads the next page, one request at a time, like the button does.
  var endObserver = null;
  function watchEnd() {
    if (!endObserver) return;
    // Observing again reports the button's current state, so a page that did not fill the
    // screen is followed by the next one.
    endObserver.unobserve(loadMore);
    if (nextCursor && pagesLoaded < autoPages) endObserver.observe(loadMore);
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
    loadMore.addEventListener("click", function () { loadPhotos(false); });
    if ("IntersectionObserver" in window) {
      // Someone already looking at the people to follow below the grid is not scrolling
      // through photos: the grid does not grow under them.
      var peopleSection = document.querySelector(".people-section");
      endObserver = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) {
          if (!e.isIntersecting || !nextCursor || pagesLoaded >= autoPages) return;
          if (peopleSection && peopleSection.getBoundingClientRect().top < window.innerHeight) return;
          loadPhotos(false);
        });
      }, { rootMargin: "0px 0px 600px 0px" });
    }
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
          setStatus(li.querySelector(".person-status"), "");
        }).catch(function (err) {
          setStatus(li.querySelector(".person-status"), "Not done: " + err.message, "err");
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

  // updatePeople replaces the people list only when nobody is using it.
  function updatePeople() {
    if (!people) return;
    if (people.contains(document.activeElement) || people.querySelector("li.dismissed")) return;
    var busy = Array.prototype.some.call(people.querySelectorAll(".person-status"), function (p) { return p.textContent !== ""; });
    if (!busy) loadPeople();
  }
  loadPeople();

  // ---- Progress (SSE) -----------------------------------------------------------------------
  var progressBox = document.getElementById("progress");
  var bar = document.getElementById("progress-bar");
  var progressText = document.getElementById("progress-text");
  var progressFailed = document.getElementById("progress-failed");
  var source = null;

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

  // In progress mode the page shows no lists yet: once the member's own favorites are in the
  // graph, the server renders recommendations (or getting started), and the refresh goes on.
  var reloading = false;
  function reloadWhenPulled() {
    if (reloading) return;
    reloading = true;
    api("GET", base).then(function (sum) {
      if (sum.last_pull_at) {
        window.location.reload();
        return;
      }
      reloading = false;
    }).catch(function () { reloading = false; });
  }

  function follow() {
    if (source || !("EventSource" in window)) return;
    progressBox.hidden = false;
    source = new EventSource(base + "/events");
    source.addEventListener("progress", function (ev) { showProgress(JSON.parse(ev.data)); });
    source.addEventListener("recommendations", function () {
      if (mode === "progress") reloadWhenPulled();
      else requestUpdate(1000);
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
      requestUpdate(0);
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
