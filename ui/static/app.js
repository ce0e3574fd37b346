// photorec page script: plain JS, no build step. The server renders the first page of photos
// and people; this script takes them over: it lays the photos out in justified rows
// (justified.js), loads more as the person scrolls, acts on them (fave, dismiss, comment), opens
// them in a lightbox with "more like this", and follows refresh progress over SSE. Nothing on
// screen moves unless the person asks: photos that arrive later wait behind an "N new photos"
// pill.
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
          var msg = data && data.error ? data.error.message : "something went wrong (" + res.status + ")";
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
  var userName = page.dataset.name;
  var owner = page.dataset.owner === "true";
  var mode = page.dataset.mode;
  var algorithm = page.dataset.algorithm;
  var base = "/api/v1/users/" + enc(nsid);
  var announce = document.getElementById("grid-announce");

  function say(text) {
    if (announce) announce.textContent = text;
  }

  // ---- Photos -------------------------------------------------------------------------------
  var grid = document.getElementById("photo-grid");
  var photoTpl = document.getElementById("photo-item-tpl");
  var loadMore = document.getElementById("load-more");
  var photoEmpty = document.getElementById("photo-empty");
  var photoError = document.getElementById("photo-error");
  var pill = document.getElementById("new-pill");
  var pageSize = 36;
  var autoPages = 5; // scrolling loads up to this many pages, then only the button: the people list stays reachable

  var recOf = {};     // photo id -> its recommendation (photo, owner, reasons), for every tile
  var tileOf = {};    // photo id -> its tile
  var blocks = [];    // tiles in display order, in blocks laid out each on their own rows
  var waiting = [];   // recommendations behind the "N new photos" pill
  var nextCursor = "";
  var since = "";
  var loading = false;
  var seq = 0;        // the latest photo request; the answers of older ones are dropped
  var pagesLoaded = 0;

  function firstWhy(rec) {
    var rs = rec.reasons || [];
    for (var i = 0; i < rs.length; i++) if (rs[i].text) return rs[i].text;
    return "";
  }

  // fillTile writes rec into a tile cloned from the template (the server renders the same
  // template for the first page).
  function fillTile(li, rec) {
    var p = rec.photo;
    var title = p.title || "Untitled";
    li.dataset.photoId = p.id;
    if (p.width && p.height) {
      li.dataset.w = p.width;
      li.dataset.h = p.height;
    }
    var link = li.querySelector(".tile-link");
    link.href = p.page_url;
    var img = link.querySelector("img");
    if (p.width && p.height) {
      img.width = p.width;
      img.height = p.height;
    }
    img.loading = "lazy";
    if (p.srcset) {
      img.sizes = "320px"; // until layoutGrid knows the tile's width
      img.srcset = p.srcset;
    }
    img.src = p.image_url || p.thumb_url || "";
    img.alt = title + " by " + rec.owner.name;
    li.querySelector(".tile-title").textContent = title;
    var ownerLink = li.querySelector(".owner-link");
    ownerLink.textContent = rec.owner.name;
    ownerLink.href = rec.owner.profile_url;
    li.querySelector(".tile-why").textContent = firstWhy(rec);
    if (rec["new"]) {
      li.classList.add("is-new");
      li.querySelector(".badge-new").hidden = false;
    }
  }

  function newTile(rec) {
    var li = photoTpl.content.firstElementChild.cloneNode(true);
    fillTile(li, rec);
    return li;
  }

  // adopt takes a tile (rendered by the server or cloned) into the grid's bookkeeping and wires it.
  function adopt(li, rec) {
    recOf[rec.photo.id] = rec;
    tileOf[rec.photo.id] = li;
    li.querySelector(".tile-link").addEventListener("click", function (ev) {
      if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return; // a new tab: Flickr's page
      ev.preventDefault();
      openLightbox(rec.photo.id, gridList, true);
    });
    if (owner) {
      li.querySelector(".tile-actions").hidden = false;
      li.querySelector(".fave").addEventListener("click", function () { toggleFave(rec.photo.id); });
      li.querySelector(".dismiss").addEventListener("click", function () { toggleDismiss(rec.photo.id, true); });
      li.querySelector(".undo").addEventListener("click", function () { toggleDismiss(rec.photo.id, false); });
    }
  }

  // gridList is the order the lightbox steps through: the tiles shown, top to bottom, less the
  // photos dismissed (greyed out under their Undo).
  function gridList() {
    var out = [];
    blocks.forEach(function (b) {
      b.forEach(function (li) { if (!li.hidden && !dismissed[li.dataset.photoId]) out.push(li.dataset.photoId); });
    });
    return out;
  }

  function shownCount() {
    var n = 0;
    blocks.forEach(function (b) { b.forEach(function (li) { if (!li.hidden) n++; }); });
    return n;
  }

  // ---- Justified layout ---------------------------------------------------------------------
  var laidWidth = 0;

  function shapeOf(li) {
    var w = +li.dataset.w, h = +li.dataset.h;
    // Unknown sizes are taken as 4:3 (the image is cropped to it, never stretched).
    if (!(w > 0 && h > 0)) return { ar: 4 / 3, maxHeight: 0 };
    return { ar: w / h, maxHeight: h };
  }

  // layoutGrid places every tile. The last block holds back its unfinished last row while more
  // pages can come, so appending a page never moves a tile already placed.
  function layoutGrid() {
    var width = grid.clientWidth;
    if (width <= 0) return;
    laidWidth = width;
    var target = window.Justified.rowHeight(width);
    var spacing = width < 720 ? 4 : 6;
    var y = 0;
    blocks.forEach(function (block, bi) {
      var last = bi === blocks.length - 1;
      var res = window.Justified.layout(block.map(shapeOf), {
        width: width, spacing: spacing, targetHeight: target, maxHeight: Math.round(target * 1.6),
        holdLast: last && nextCursor !== ""
      });
      block.forEach(function (li, i) {
        var b = res.boxes[i];
        li.hidden = !b;
        if (!b) return;
        li.style.left = b.x + "px";
        li.style.top = (y + b.y) + "px";
        li.style.width = b.w + "px";
        li.style.height = b.h + "px";
        var img = li.querySelector("img");
        var sizes = b.w + "px";
        if (img.srcset && img.sizes !== sizes) img.sizes = sizes;
      });
      if (res.shown > 0) y += res.height + spacing;
    });
    grid.style.height = Math.max(0, y - spacing) + "px";
    grid.classList.add("is-laid-out");
  }

  // keepAnchor runs change (which moves tiles), then scrolls by what the first tile in view
  // moved, so what the person looks at stays where it was.
  function keepAnchor(change) {
    var anchor = null, before = 0;
    var tiles = grid.querySelectorAll(".tile");
    for (var i = 0; i < tiles.length; i++) {
      if (tiles[i].hidden) continue;
      var r = tiles[i].getBoundingClientRect();
      if (r.bottom > 0) { anchor = tiles[i]; before = r.top; break; }
    }
    change();
    if (anchor && anchor.isConnected) window.scrollBy(0, anchor.getBoundingClientRect().top - before);
  }

  // appendTiles adds tiles at the end: to the last block (continuing its rows), or as a block
  // of their own when the last block's rows are final (no more pages: its last row is shown).
  function appendTiles(recs, ownBlock) {
    var added = [];
    recs.forEach(function (rec) {
      if (tileOf[rec.photo.id]) return;
      var li = newTile(rec);
      adopt(li, rec);
      grid.appendChild(li);
      added.push(li);
    });
    if (added.length === 0) return added;
    if (ownBlock || blocks.length === 0) blocks.push(added);
    else blocks[blocks.length - 1] = blocks[blocks.length - 1].concat(added);
    return added;
  }

  // loadPhotos replaces the grid with the first page (reset), or appends the next page, then
  // calls then (optional). It is for the person's own requests (a ranking picked, Load more,
  // scrolling, a pill of many new photos); background updates go through updatePhotos.
  function loadPhotos(reset, then) {
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
        recOf = {}; tileOf = {}; blocks = []; waiting = [];
        showPill();
        pagesLoaded = 0;
        if (res.since) since = res.since;
      }
      nextCursor = res.next_cursor || "";
      // A ranking that changed since the previous page may repeat a photo already shown.
      var added = appendTiles(res.items, false);
      pagesLoaded++;
      layoutGrid();
      // The last page hides the button: keyboard focus moves on to the first photo it brought.
      if (!nextCursor && document.activeElement === loadMore && added.length > 0) added[0].querySelector(".tile-link").focus();
      loadMore.hidden = !nextCursor;
      photoEmpty.hidden = shownCount() > 0;
      photoError.hidden = true;
      if (then) then();
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

  // screenFull reports whether the grid reaches below the bottom of the screen.
  function screenFull() {
    return grid && grid.getBoundingClientRect().bottom + window.scrollY >= window.innerHeight;
  }

  // updatePhotos looks for photos that joined the first page. They never push the grid around:
  // they wait behind the pill, unless the grid is too short to fill the screen and has no
  // more pages, where they are added after the last photo.
  function updatePhotos() {
    if (!grid) return;
    if (loading) { requestUpdate(500); return; }
    var my = ++seq;
    loading = true;
    var q = "?limit=" + pageSize + "&algorithm=" + enc(algorithm);
    if (since) q += "&since=" + enc(since);
    api("GET", base + "/recommendations/photos" + q).then(function (res) {
      if (my !== seq) return;
      var fresh = res.items.filter(function (rec) { return !tileOf[rec.photo.id]; });
      if (fresh.length > 0 && !nextCursor && !screenFull()) {
        appendTiles(fresh, shownCount() > 0);
        nextCursor = res.next_cursor || "";
        layoutGrid();
        photoEmpty.hidden = shownCount() > 0;
        loadMore.hidden = !nextCursor;
        say(fresh.length + (fresh.length === 1 ? " new photo" : " new photos") + " added at the end.");
        fresh = [];
      }
      // Photos already waiting stay behind the pill even when the new ones push them off the
      // first page: the count only grows until the person takes them in.
      var seen = {};
      waiting = fresh.concat(waiting).filter(function (rec) {
        var id = rec.photo.id;
        if (seen[id] || tileOf[id]) return false;
        seen[id] = true;
        return true;
      });
      showPill();
      photoError.hidden = true;
    }).catch(function (err) {
      if (my !== seq) return;
      photoError.textContent = "Could not look for new photos: " + err.message;
      photoError.hidden = false;
    }).finally(function () {
      if (my !== seq) return;
      loading = false;
      watchEnd();
    });
  }

  function showPill() {
    if (!pill) return;
    var n = waiting.length;
    pill.hidden = n === 0;
    pill.textContent = "↑ " + n + (n === 1 ? " new photo" : " new photos");
  }

  // toPhotos scrolls the grid's title just below the sticky nav, once the grid is laid out.
  function toPhotos() {
    requestAnimationFrame(function () {
      var nav = document.querySelector(".nav");
      var title = document.getElementById("photos-title");
      window.scrollTo(0, title.getBoundingClientRect().top + window.scrollY - (nav ? nav.offsetHeight : 0) - 8);
    });
  }

  // takeWaiting brings the photos behind the pill in at the top, in rows of their own: the
  // photos already shown keep their rows, and the page jumps up to the new ones (a smooth scroll
  // is cut short by anything else that scrolls meanwhile).
  function takeWaiting() {
    var recs = waiting.filter(function (rec) { return !tileOf[rec.photo.id]; });
    waiting = [];
    showPill();
    if (recs.length === 0) return;
    if (recs.length >= pageSize / 2) {
      // The ranking moved a lot (a first pull goes on): the person gets its new first page
      // instead of a pile of "Just in" photos above the old one.
      nextCursor = "";
      loadPhotos(true, function () {
        say("The grid now shows your latest recommendations.");
        var first = grid.querySelector(".tile:not([hidden]) .tile-link");
        if (first) first.focus({ preventScroll: true });
        toPhotos();
      });
      return;
    }
    var added = [];
    keepAnchor(function () {
      var first = grid.firstElementChild;
      recs.forEach(function (rec) {
        var li = newTile(rec);
        li.dataset.arrived = "true";
        li.classList.add("arrived");
        li.querySelector(".badge-arrived").hidden = false;
        adopt(li, rec);
        grid.insertBefore(li, first);
        added.push(li);
      });
      blocks.unshift(added);
      layoutGrid();
    });
    photoEmpty.hidden = true;
    say(recs.length + (recs.length === 1 ? " new photo" : " new photos") + " at the top of the grid.");
    added[0].querySelector(".tile-link").focus({ preventScroll: true });
    toPhotos();
  }
  if (pill) pill.addEventListener("click", takeWaiting);

  // requestUpdate runs updatePhotos after delay ms, at most once every updateGap ms: a refresh
  // reports new data every second or so.
  var updateTimer = null;
  var lastUpdate = 0;
  var updateGap = 5000;
  function requestUpdate(delay) {
    if (updateTimer || !grid) return;
    var wait = Math.max(delay, lastUpdate + updateGap - Date.now());
    updateTimer = setTimeout(function () {
      updateTimer = null;
      lastUpdate = Date.now();
      updatePhotos();
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

  // ---- Actions --------------------------------------------------------------------------------
  var statusTimers = {};
  function tileStatus(id, text, kind) {
    var li = tileOf[id];
    if (!li) return;
    var el = li.querySelector(".tile-status");
    setStatus(el, text, kind);
    clearTimeout(statusTimers[id]);
    if (kind === "ok") statusTimers[id] = setTimeout(function () { setStatus(el, ""); }, 3000);
  }

  var faved = {};     // photo id -> true once faved here
  var dismissed = {}; // photo id -> true while dismissed
  var faveListeners = [];

  function showFave(id) {
    var on = !!faved[id];
    var li = tileOf[id];
    if (li) {
      var btn = li.querySelector(".fave");
      btn.setAttribute("aria-pressed", on ? "true" : "false");
      btn.setAttribute("aria-label", on ? "Faved on Flickr: remove the fave" : "Fave on Flickr");
      li.classList.toggle("faved", on);
    }
    faveListeners.forEach(function (f) { f(id); });
  }

  function toggleFave(id) {
    var on = !!faved[id];
    var li = tileOf[id];
    var btn = li ? li.querySelector(".fave") : null;
    if (btn) btn.disabled = true;
    tileStatus(id, on ? "Removing the fave…" : "Faving on Flickr…");
    return api(on ? "DELETE" : "POST", "/api/v1/photos/" + enc(id) + "/fave").then(function (res) {
      faved[id] = res.faved;
      showFave(id);
      var msg = res.faved ? "Faved on Flickr." : "Removed from your Flickr faves.";
      tileStatus(id, msg, "ok");
      say(msg);
      if (mode === "getting-started") updateCounts();
      // The graph has the fave already: new photos it brings wait behind the pill.
      requestUpdate(1000);
      return msg;
    }).catch(function (err) {
      // A failure is shown as a failure: the button keeps its previous state.
      tileStatus(id, "Not done: " + err.message, "err");
      throw err;
    }).finally(function () { if (btn) btn.disabled = false; });
  }

  function showDismissed(id) {
    var on = !!dismissed[id];
    var li = tileOf[id];
    if (li) {
      li.classList.toggle("dismissed", on);
      li.querySelector(".tile-dismissed").hidden = !on;
    }
    faveListeners.forEach(function (f) { f(id); });
  }

  // toggleDismiss dismisses (on) or brings back a photo. Its tile keeps its place, greyed out
  // with an Undo button, so nothing moves.
  function toggleDismiss(id, on) {
    var li = tileOf[id];
    return api(on ? "POST" : "DELETE", base + "/dismissed/photos/" + enc(id)).then(function () {
      dismissed[id] = on;
      showDismissed(id);
      say(on ? "Dismissed: you will not see it again." : "Back in your recommendations.");
      if (li) li.querySelector(on ? ".undo" : ".dismiss").focus({ preventScroll: true });
      if (on) requestUpdate(1000);
    }).catch(function (err) {
      tileStatus(id, "Not done: " + err.message, "err");
      throw err;
    });
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

  // ---- Lightbox -------------------------------------------------------------------------------
  var lb = document.getElementById("lightbox");
  var lbImg = document.getElementById("lb-img");
  var lbState = { id: "", list: null, opener: null, pushed: false };
  var similarCache = {}; // photo id -> promise of its "more like this" answer
  var commonCache = {};  // nsid -> promise of the photos they and the page's user both faved
  var moreRecs = {};     // photo id -> recommendation, for photos met in "more like this"

  function recFor(id) { return recOf[id] || moreRecs[id]; }

  function similar(id) {
    if (!similarCache[id]) {
      similarCache[id] = api("GET", "/api/v1/photos/" + enc(id) + "/similar?limit=12");
      similarCache[id].catch(function () { delete similarCache[id]; });
    }
    return similarCache[id];
  }

  function urlWithPhoto(id) {
    var u = new URL(window.location.href);
    if (id) u.searchParams.set("photo", id);
    else u.searchParams.delete("photo");
    return u.pathname + u.search + u.hash;
  }

  // showPhoto fills the lightbox with photo id; list() gives the order the arrows step through.
  function showPhoto(id, list) {
    var rec = recFor(id);
    if (!rec) return;
    lbState.id = id;
    lbState.list = list;
    var p = rec.photo;
    var title = p.title || "Untitled";
    document.getElementById("lb-title").textContent = title;
    var ownerLink = document.getElementById("lb-owner");
    ownerLink.textContent = rec.owner.name;
    ownerLink.href = rec.owner.profile_url;
    ownerLink.title = rec.owner.name + "'s photostream on Flickr";
    var recs = document.getElementById("lb-owner-recs");
    recs.href = "/u/" + enc(rec.owner.nsid);
    recs.title = "What photorec recommends to " + rec.owner.name;
    document.getElementById("lb-flickr").href = p.page_url;

    // The photo in a box that fits the stage, never above its own size, sized before it loads
    // so nothing moves when it does. The tile's image shows until the larger one has loaded.
    var tile = tileOf[id];
    var shown = tile ? tile.querySelector("img").currentSrc : "";
    var stage = document.getElementById("lb-stage");
    var cs = getComputedStyle(stage);
    var roomW = stage.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    var roomH = stage.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
    var ar = p.width && p.height ? p.width / p.height : 4 / 3;
    var w = Math.max(1, Math.min(roomW, roomH * ar, p.width || Infinity));
    lbImg.style.width = Math.floor(w) + "px";
    lbImg.style.height = Math.floor(w / ar) + "px";
    lbImg.removeAttribute("srcset");
    lbImg.src = shown || p.image_url || p.thumb_url || "";
    lbImg.alt = title + " by " + rec.owner.name;
    if (p.srcset) {
      lbImg.sizes = Math.ceil(w) + "px";
      lbImg.srcset = p.srcset;
    } else if (p.image_url) {
      lbImg.src = p.image_url;
    }

    var ids = list();
    var at = ids.indexOf(id);
    document.getElementById("lb-prev").disabled = at <= 0;
    document.getElementById("lb-next").disabled = at < 0 || at >= ids.length - 1;

    var fave = document.getElementById("lb-fave");
    var dismiss = document.getElementById("lb-dismiss");
    fave.hidden = dismiss.hidden = !owner;
    document.getElementById("lb-comment").hidden = !owner;
    syncLightboxActions(id);
    setStatus(document.getElementById("lb-status"), "");

    // Why: every reason's sentence, then a few photos the people it names share with the user.
    var reasons = document.getElementById("lb-reasons");
    reasons.replaceChildren();
    (rec.reasons || []).forEach(function (r) {
      if (!r.text) return;
      var li = document.createElement("li");
      li.textContent = r.text;
      reasons.appendChild(li);
    });
    if (!reasons.firstChild) {
      var none = document.createElement("li");
      none.textContent = "You opened this photo from a link; it is not among the recommendations.";
      reasons.appendChild(none);
    }
    showCommon(rec);
    showMore(id);
  }

  function syncLightboxActions(id) {
    if (!lb.open || lbState.id !== id) return;
    var fave = document.getElementById("lb-fave");
    fave.setAttribute("aria-pressed", faved[id] ? "true" : "false");
    fave.textContent = faved[id] ? "♥ Faved" : "♡ Fave";
    document.getElementById("lb-dismiss").textContent = dismissed[id] ? "Undo dismiss" : "Not for me";
  }
  faveListeners.push(syncLightboxActions);

  function thumbList(photos, label) {
    var ul = document.createElement("ul");
    ul.className = "thumbs";
    photos.forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = p.page_url;
      a.rel = "noopener";
      a.title = (p.title || "Untitled") + " (on Flickr)";
      var img = document.createElement("img");
      img.src = p.thumb_url || p.image_url || "";
      img.alt = (p.title || "Untitled") + ", " + label;
      img.width = 150; img.height = 150;
      a.appendChild(img);
      li.appendChild(a);
      ul.appendChild(li);
    });
    return ul;
  }

  function showCommon(rec) {
    var box = document.getElementById("lb-common");
    box.replaceChildren();
    var people = [];
    (rec.reasons || []).forEach(function (r) {
      // Faves in common are counted with the page's user, except for "more like this", where
      // they are counted with the member logged in: the same person only on their own page.
      if (r.kind === "also_faved" && !owner) return;
      (r.users || []).forEach(function (u) {
        if (u.common > 0 && people.length < 2 && !people.some(function (x) { return x.nsid === u.user.nsid; })) people.push(u.user);
      });
    });
    var id = lbState.id;
    people.forEach(function (u) {
      if (!commonCache[u.nsid]) {
        commonCache[u.nsid] = api("GET", base + "/common/" + enc(u.nsid) + "?limit=5");
        commonCache[u.nsid].catch(function () { delete commonCache[u.nsid]; });
      }
      var row = document.createElement("div");
      row.className = "common-row";
      box.appendChild(row);
      commonCache[u.nsid].then(function (res) {
        if (lbState.id !== id || res.photos.length === 0) { row.remove(); return; }
        var p = document.createElement("p");
        p.textContent = (owner ? "You" : userName) + " and " + u.name + " both faved:";
        row.appendChild(p);
        row.appendChild(thumbList(res.photos, "faved by " + (owner ? "you" : userName) + " and " + u.name));
      }).catch(function () { row.remove(); });
    });
  }

  function showMore(id) {
    var ul = document.getElementById("lb-more");
    var status = document.getElementById("lb-more-status");
    ul.replaceChildren();
    status.textContent = "Looking for photos like this one…";
    similar(id).then(function (res) {
      if (lbState.id !== id) return;
      var list = res.items.filter(function (r) { return !faved[r.photo.id]; });
      status.textContent = list.length === 0 ? "No photos like this one yet." : "";
      var order = list.map(function (r) { return r.photo.id; });
      list.forEach(function (r) {
        if (!recOf[r.photo.id]) moreRecs[r.photo.id] = r;
        var li = document.createElement("li");
        var b = document.createElement("button");
        b.type = "button";
        var img = document.createElement("img");
        img.src = r.photo.thumb_url || r.photo.image_url || "";
        img.alt = (r.photo.title || "Untitled") + " by " + r.owner.name;
        img.width = 150; img.height = 150;
        img.loading = "lazy";
        var cap = document.createElement("span");
        cap.textContent = firstWhy(r);
        b.title = firstWhy(r);
        b.appendChild(img);
        b.appendChild(cap);
        b.addEventListener("click", function () {
          showPhoto(r.photo.id, function () { return order; });
          history.replaceState({ photo: r.photo.id }, "", urlWithPhoto(r.photo.id));
          lb.focus();
        });
        li.appendChild(b);
        ul.appendChild(li);
      });
    }).catch(function (err) {
      if (lbState.id === id) status.textContent = "Could not load photos like this one: " + err.message;
    });
  }

  // openLightbox opens photo id over the page, with its own URL (?photo=id): Back closes it.
  function openLightbox(id, list, push) {
    if (!lb || !recFor(id)) return;
    if (!lb.open) {
      lbState.opener = document.activeElement;
      lb.showModal();
      document.documentElement.style.overflow = "hidden";
    }
    showPhoto(id, list);
    if (push) {
      history.pushState({ photo: id }, "", urlWithPhoto(id));
      lbState.pushed = true;
    }
    lb.focus(); // the dialog itself: its name is read out, and Tab goes on to its controls
  }

  function step(d) {
    var ids = lbState.list();
    var at = ids.indexOf(lbState.id);
    var next = ids[at + d];
    if (at < 0 || !next) return;
    showPhoto(next, lbState.list);
    history.replaceState({ photo: next }, "", urlWithPhoto(next));
  }

  // closeLightbox closes it: after Back, or by its button or Esc, which go Back themselves
  // when the lightbox added the history entry (popstate then closes it).
  function closeLightbox(fromHistory) {
    if (!lb || !lb.open) return;
    if (!fromHistory && lbState.pushed) { history.back(); return; }
    lb.close();
  }

  // closed tidies up after the lightbox closed, however it did: the URL loses ?photo, and focus
  // goes back to what opened it.
  function closed() {
    document.documentElement.style.overflow = "";
    if (new URL(window.location.href).searchParams.get("photo")) {
      if (lbState.pushed) history.back(); // the browser closed it without asking
      else history.replaceState(null, "", urlWithPhoto(""));
    }
    lbState.pushed = false;
    var back = lbState.opener;
    if (!back || !back.isConnected || back === document.body) {
      var tile = tileOf[lbState.id];
      back = tile ? tile.querySelector(".tile-link") : null;
    }
    if (back) back.focus({ preventScroll: true });
  }

  if (lb) {
    document.getElementById("lb-close").addEventListener("click", function () { closeLightbox(false); });
    document.getElementById("lb-prev").addEventListener("click", function () { step(-1); });
    document.getElementById("lb-next").addEventListener("click", function () { step(1); });
    lb.addEventListener("cancel", function (ev) { ev.preventDefault(); closeLightbox(false); });
    lb.addEventListener("close", closed);
    lb.addEventListener("keydown", function (ev) {
      var typing = /^(TEXTAREA|INPUT|SELECT)$/.test(ev.target.tagName);
      if (ev.key === "ArrowLeft" && !typing) { ev.preventDefault(); step(-1); }
      else if (ev.key === "ArrowRight" && !typing) { ev.preventDefault(); step(1); }
      else if (ev.key === "Tab") {
        // Focus stays inside the lightbox.
        var f = Array.prototype.filter.call(lb.querySelectorAll("a[href], button:not([disabled]), textarea, summary, [tabindex]"), function (el) {
          return el.offsetParent !== null && !el.closest("[hidden]");
        });
        if (f.length === 0) return;
        var i = f.indexOf(document.activeElement);
        if (ev.shiftKey && (i <= 0)) { ev.preventDefault(); f[f.length - 1].focus(); }
        else if (!ev.shiftKey && i === f.length - 1) { ev.preventDefault(); f[0].focus(); }
      }
    });
    // Swipe left or right on the photo for the next or previous one.
    var touch = null;
    var stage = document.getElementById("lb-stage");
    stage.addEventListener("touchstart", function (ev) {
      if (ev.touches.length === 1) touch = { x: ev.touches[0].clientX, y: ev.touches[0].clientY };
    }, { passive: true });
    stage.addEventListener("touchend", function (ev) {
      if (!touch || ev.changedTouches.length === 0) return;
      var dx = ev.changedTouches[0].clientX - touch.x, dy = ev.changedTouches[0].clientY - touch.y;
      touch = null;
      if (Math.abs(dx) > 50 && Math.abs(dx) > 2 * Math.abs(dy)) step(dx < 0 ? 1 : -1);
    });
    var lbStatus = document.getElementById("lb-status");
    document.getElementById("lb-fave").addEventListener("click", function () {
      var id = lbState.id;
      setStatus(lbStatus, faved[id] ? "Removing the fave…" : "Faving on Flickr…");
      toggleFave(id).then(function (msg) { if (lbState.id === id) setStatus(lbStatus, msg, "ok"); })
        .catch(function (err) { if (lbState.id === id) setStatus(lbStatus, "Not done: " + err.message, "err"); });
    });
    document.getElementById("lb-dismiss").addEventListener("click", function () {
      var id = lbState.id;
      toggleDismiss(id, !dismissed[id]).then(function () {
        if (lbState.id === id) setStatus(lbStatus, dismissed[id] ? "Dismissed: you will not see it again." : "Back in your recommendations.", "ok");
      }).catch(function (err) { if (lbState.id === id) setStatus(lbStatus, "Not done: " + err.message, "err"); });
    });
    var form = document.getElementById("lb-comment-form");
    var text = form.querySelector("textarea");
    var post = form.querySelector("button");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var id = lbState.id;
      var value = text.value.trim();
      if (!value) { setStatus(lbStatus, "Write something first.", "err"); text.focus(); return; }
      post.disabled = true; text.disabled = true;
      setStatus(lbStatus, "Posting your comment…");
      api("POST", "/api/v1/photos/" + enc(id) + "/comments", { text: value }).then(function () {
        text.value = "";
        setStatus(lbStatus, "Comment posted on Flickr.", "ok");
      }).catch(function (err) {
        setStatus(lbStatus, "Not posted: " + err.message, "err");
      }).finally(function () { post.disabled = false; text.disabled = false; text.focus(); });
    });
    window.addEventListener("popstate", function () {
      var id = new URL(window.location.href).searchParams.get("photo");
      if (!id) closeLightbox(true);
      else if (recFor(id)) openLightbox(id, lb.open ? lbState.list : gridList, false);
    });
    window.addEventListener("resize", function () { if (lb.open) showPhoto(lbState.id, lbState.list); });
  }

  // openFromURL opens the photo a link names (?photo=id), even one not on the first page.
  function openFromURL() {
    var id = new URL(window.location.href).searchParams.get("photo");
    if (!id || !lb) return;
    var open = function () { openLightbox(id, recOf[id] ? gridList : function () { return [id]; }, false); };
    if (recFor(id)) { open(); return; }
    similar(id).then(function (res) {
      moreRecs[id] = { photo: res.photo, owner: res.owner, reasons: [] };
      open();
    }).catch(function () { history.replaceState(null, "", urlWithPhoto("")); });
  }

  // ---- Start: take over the server's first page ------------------------------------------------
  if (grid) {
    var data = { items: [] };
    var dataEl = document.getElementById("photo-data");
    try { data = JSON.parse(dataEl.textContent) || data; } catch (e) { /* the grid stays as rendered */ }
    nextCursor = data.next_cursor || "";
    since = data.since || "";
    pagesLoaded = 1;
    var first = [];
    (data.items || []).forEach(function (rec) {
      var li = grid.querySelector('[data-photo-id="' + CSS.escape(rec.photo.id) + '"]');
      if (!li) return;
      adopt(li, rec);
      first.push(li);
    });
    if (first.length > 0) blocks.push(first);
    layoutGrid();
    loadMore.hidden = !nextCursor;
    if ("ResizeObserver" in window) {
      var resizing = 0;
      new ResizeObserver(function () {
        if (grid.clientWidth === laidWidth || resizing) return;
        resizing = requestAnimationFrame(function () { resizing = 0; keepAnchor(layoutGrid); });
      }).observe(grid);
    }

    var algorithmSelect = document.getElementById("algorithm");
    if (algorithmSelect) {
      algorithmSelect.addEventListener("change", function () {
        algorithm = algorithmSelect.value;
        var u = new URL(window.location.href);
        u.searchParams.set("algorithm", algorithm);
        history.replaceState(history.state, "", u.pathname + u.search);
        nextCursor = "";
        loadPhotos(true);
      });
    }
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
      watchEnd();
    }
    openFromURL();
  }

  // ---- People ---------------------------------------------------------------------------------
  if (owner) {
    document.querySelectorAll('[data-testid="person-item"]').forEach(function (li) {
      var btn = li.querySelector(".dismiss-person");
      var status = li.querySelector(".person-status");
      var name = li.querySelector(".person-name").textContent;
      btn.hidden = false;
      btn.setAttribute("aria-label", "Not interested in " + name);
      btn.title = "Not interested";
      btn.addEventListener("click", function () {
        var was = li.classList.contains("dismissed");
        btn.disabled = true;
        api(was ? "DELETE" : "POST", base + "/dismissed/people/" + enc(li.dataset.nsid)).then(function () {
          li.classList.toggle("dismissed", !was);
          btn.textContent = was ? "✕" : "↶";
          btn.setAttribute("aria-label", (was ? "Not interested in " : "Undo: show again ") + name);
          setStatus(status, was ? "" : "You will not see " + name + " here again.");
        }).catch(function (err) {
          setStatus(status, "Not done: " + err.message, "err");
        }).finally(function () { btn.disabled = false; });
      });
    });
  }

  // ---- Progress (SSE) -------------------------------------------------------------------------
  var progressBar = document.getElementById("progress-bar");
  var progressText = document.getElementById("progress-text");
  var progressFailed = document.getElementById("progress-failed");
  var status = document.getElementById("status");
  var statusText = document.getElementById("status-text");
  var statusBar = document.getElementById("status-bar");
  var source = null;
  var hideStatus = null;

  function fraction(p) {
    var finished = p.done + p.failed;
    return p.made > 0 ? Math.min(1, finished / p.made) : 0;
  }

  // progressWords says where a refresh is, in plain words.
  function progressWords(p) {
    if (p.state === "none") return "Waiting for Flickr…";
    if (p.state === "running") return "Read the faves of " + (p.done + p.failed) + " of " + p.made + " people so far…";
    return "Done: read the faves of " + p.done + " of " + p.made + " people.";
  }

  function failedWords(p) {
    return "Flickr did not answer for " + (p.failed === 1 ? "1 person" : p.failed + " people") + "; they are tried again on the next refresh.";
  }

  // showProgress shows a run's progress: on the progress page, in its card; over the photos, in
  // the small status in the corner, which says more only while the photos do not fill the screen.
  function showProgress(p) {
    var frac = fraction(p);
    if (mode === "progress") {
      progressBar.value = frac;
      progressBar.textContent = Math.round(frac * 100) + "%";
      progressText.textContent = progressWords(p);
      if (p.failed > 0) {
        progressFailed.textContent = failedWords(p);
        progressFailed.hidden = false;
      }
      return;
    }
    if (!status) return;
    clearTimeout(hideStatus);
    status.hidden = false;
    statusBar.value = frac;
    var full = screenFull();
    status.classList.toggle("collapsed", full);
    status.classList.toggle("warn", p.failed > 0 && p.state !== "running");
    if (p.state === "running") {
      statusText.textContent = full ? "Finding more photos · " + Math.round(frac * 100) + "%" : progressWords(p);
    } else if (p.failed > 0) {
      statusText.textContent = "Done. " + failedWords(p);
      status.title = statusText.textContent;
      hideStatus = setTimeout(function () { status.hidden = true; }, 12000);
    } else {
      statusText.textContent = "Up to date.";
      hideStatus = setTimeout(function () { status.hidden = true; }, 4000);
    }
  }

  // In progress mode the page shows no photos yet. It loads again (the server then renders
  // them) once there are enough to fill a screen, or the run is over.
  var checking = false;
  function reloadWhenReady(done) {
    if (checking) return;
    checking = true;
    api("GET", base).then(function (sum) {
      if (!sum.last_pull_at) return false;
      if (done || sum.getting_started) return true;
      return api("GET", base + "/recommendations/photos?limit=" + pageSize).then(function (res) {
        return res.items.length >= pageSize || !!res.next_cursor;
      });
    }).then(function (ready) {
      if (ready) window.location.reload();
    }).catch(function () { /* the next event asks again */ }).finally(function () { checking = false; });
  }

  function follow() {
    if (source || !("EventSource" in window)) return;
    source = new EventSource(base + "/events");
    source.addEventListener("progress", function (ev) { showProgress(JSON.parse(ev.data)); });
    source.addEventListener("recommendations", function () {
      if (mode === "progress") reloadWhenReady(false);
      else requestUpdate(1000);
    });
    source.addEventListener("done", function (ev) {
      var p = JSON.parse(ev.data);
      showProgress(p);
      source.close();
      source = null;
      if (mode === "progress") {
        reloadWhenReady(true);
        return;
      }
      requestUpdate(0);
    });
    source.addEventListener("error", function (ev) {
      if (ev.data) {
        var msg = JSON.parse(ev.data).message;
        if (mode === "progress") progressText.textContent = msg;
        else if (status) { status.hidden = false; statusText.textContent = msg; }
        source.close();
        source = null;
      }
    });
  }

  if (page.dataset.running === "true" || mode === "progress") follow();

  var refresh = document.getElementById("refresh");
  if (refresh) {
    refresh.classList.remove("needs-js");
    refresh.addEventListener("click", function () {
      refresh.disabled = true;
      api("POST", base + "/refresh").then(function (p) {
        showProgress(p);
        follow();
      }).catch(function (err) {
        if (status) {
          status.hidden = false;
          statusText.textContent = "Could not start a refresh: " + err.message;
        }
      }).finally(function () { refresh.disabled = false; });
    });
  }
})();
