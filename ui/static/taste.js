// Taste picture: the user in the middle, their strongest neighbors around (closer and thicker
// means a stronger match). Hover, focus or tap a person to see the photos you both faved and
// their links; nothing in the picture leaves the page. On phones the page shows the list the
// server rendered instead (app.css hides the picture).
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var root = document.getElementById("taste-page");
  var svg = document.getElementById("taste-graph");
  if (!root || !svg) return;
  var nsid = root.dataset.nsid;
  var status = document.getElementById("taste-status");
  var title = document.getElementById("taste-detail-title");
  var meta = document.getElementById("taste-detail-meta");
  var photos = document.getElementById("taste-detail-photos");
  var links = document.getElementById("taste-detail-links");
  var owner = root.dataset.owner === "true";
  var name = root.dataset.name;

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(e);
    return e;
  }

  function avatar(parent, defs, id, cx, cy, r, href) {
    var clip = el("clipPath", { id: id }, defs);
    el("circle", { cx: cx, cy: cy, r: r - 3 }, clip);
    el("circle", { cx: cx, cy: cy, r: r }, parent);
    var img = el("image", { href: href, x: cx - r + 3, y: cy - r + 3, width: 2 * (r - 3), height: 2 * (r - 3), "clip-path": "url(#" + id + ")", preserveAspectRatio: "xMidYMid slice" }, parent);
    img.addEventListener("error", function () {
      // Flickr's icon host is unreachable: a neutral local icon instead.
      if (img.getAttribute("href") !== "/static/avatar.svg") img.setAttribute("href", "/static/avatar.svg");
    });
  }

  function short(s, n) { return s.length > n ? s.slice(0, n - 1) + "…" : s; }

  function showDetail(n) {
    title.textContent = n.user.name;
    meta.textContent = n.common + (n.common === 1 ? " photo" : " photos") + " faved by " + (owner ? "you both" : name + " and " + n.user.name) +
      " · " + n.total + " faves in all";
    links.hidden = false;
    document.getElementById("taste-detail-flickr").href = n.user.profile_url;
    document.getElementById("taste-detail-recs").href = "/u/" + encodeURIComponent(n.user.nsid);
    photos.replaceChildren();
    n.photos.forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = p.page_url;
      a.rel = "noopener";
      var img = document.createElement("img");
      img.src = p.thumb_url || p.image_url || "";
      img.alt = (p.title || "Untitled") + " (on Flickr)";
      img.loading = "lazy";
      a.appendChild(img);
      li.appendChild(a);
      photos.appendChild(li);
    });
    if (n.photos.length === 0) meta.textContent += " · no shared photos stored yet";
  }

  function draw(data) {
    svg.replaceChildren();
    var defs = el("defs", {}, svg);
    var cx = 320, cy = 320;
    var ns = data.neighbors;
    if (ns.length === 0) {
      status.textContent = "Nobody yet: fave some photos, then refresh.";
      return;
    }
    status.textContent = "The " + ns.length + " photographers whose taste is closest to " + (owner ? "yours" : name + "'s") + ".";
    var max = ns.reduce(function (m, n) { return Math.max(m, n.score); }, 0) || 1;
    var edges = el("g", { "class": "edges" }, svg);
    var nodes = el("g", { "class": "nodes" }, svg);
    var edgeOf = [];
    ns.forEach(function (n, i) {
      var angle = -Math.PI / 2 + i * 2 * Math.PI / ns.length;
      var dist = 190 + (1 - n.score / max) * 60;
      var cos = Math.cos(angle), sin = Math.sin(angle);
      var x = cx + dist * cos, y = cy + dist * sin;
      edgeOf[i] = el("line", { x1: cx, y1: cy, x2: x, y2: y, "class": "edge", "stroke-width": (1.5 + 6 * n.score / max).toFixed(1) }, edges);
      var a = el("g", { role: "button", tabindex: "0", "class": "node", "data-testid": "taste-node", "aria-label": n.user.name + ": " + n.common + " faves in common" }, nodes);
      el("title", {}, a).textContent = n.user.name + " (" + n.common + " in common)";
      avatar(a, defs, "clip-" + i, x, y, 24, n.user.icon_url);
      // Labels sit outside the ring, away from the edges and the other nodes.
      var anchor = Math.abs(cos) < 0.35 ? "middle" : (cos > 0 ? "start" : "end");
      var lx = x + cos * 34, ly = y + sin * 34 + (Math.abs(cos) < 0.35 ? (sin > 0 ? 10 : -14) : 0);
      var label = el("text", { x: lx, y: ly, "text-anchor": anchor }, a);
      label.textContent = short(n.user.name, 18);
      var score = el("text", { x: lx, y: ly + 15, "text-anchor": anchor, "class": "score" }, a);
      score.textContent = n.common + " in common";
      function activate() {
        nodes.querySelectorAll(".node.active").forEach(function (e) { e.classList.remove("active"); });
        edges.querySelectorAll(".edge.active").forEach(function (e) { e.classList.remove("active"); });
        a.classList.add("active");
        edgeOf[i].classList.add("active");
        showDetail(n);
      }
      a.addEventListener("mouseenter", activate);
      a.addEventListener("focus", activate);
      a.addEventListener("click", activate);
      a.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); activate(); links.querySelector("a").focus(); }
      });
    });
    var me = el("g", { "class": "node center", "data-testid": "taste-center" }, svg);
    el("title", {}, me).textContent = data.user.name;
    avatar(me, defs, "clip-me", cx, cy, 40, data.user.icon_url);
    var name = el("text", { x: cx, y: cy + 60, "text-anchor": "middle", "class": "center-name" }, me);
    name.textContent = short(data.user.name, 24);
    showDetail(ns[0]);
    nodes.firstElementChild.classList.add("active");
    edgeOf[0].classList.add("active");
  }

  fetch("/api/v1/users/" + encodeURIComponent(nsid) + "/taste?limit=12", { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (res) {
      return res.json().then(function (data) {
        if (!res.ok) throw new Error(data && data.error ? data.error.message : "HTTP " + res.status);
        return data;
      });
    })
    .then(draw)
    .catch(function (err) { status.textContent = "Could not draw the picture: " + err.message; });
})();
