package uiprobe

import "strconv"

// InstallLayoutShift is a script to run in every new document (before the page's own scripts,
// with Page.addScriptToEvaluateOnNewDocument). It records every layout-shift entry of the Layout
// Instability API in window.__photorecLS.entries as {value, recent, time, nodes}: recent is
// hadRecentInput (shifts within 500 ms of a click or key press, which CLS leaves out), nodes
// names what moved.
const InstallLayoutShift = `(() => {
  const s = window.__photorecLS = { entries: [] };
  const name = (n) => !n ? "?" : n.dataset && n.dataset.photoId ? "photo " + n.dataset.photoId : n.id ? "#" + n.id : n.className ? n.nodeName + "." + String(n.className).split(" ")[0] : n.nodeName;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        s.entries.push({ value: e.value, recent: e.hadRecentInput, time: e.startTime, nodes: (e.sources || []).map((x) => name(x.node)).join(", ") });
      }
    }).observe({ type: "layout-shift", buffered: true });
  } catch (e) { s.error = String(e); }
})();`

// ShiftCount is an expression: how many layout shifts were recorded so far (-1 when the
// observer is missing), a mark for ShiftTotal and CLS.
const ShiftCount = `(window.__photorecLS ? window.__photorecLS.entries.length : -1)`

// ShiftTotal is an expression: the sum of the layout shifts without recent input recorded
// since mark (a ShiftCount). It is at least the CLS of the same time.
func ShiftTotal(mark int) string {
	return `window.__photorecLS.entries.slice(` + strconv.Itoa(mark) + `).filter(e => !e.recent).reduce((a, e) => a + e.value, 0)`
}

// CLS is an expression: the cumulative layout shift since mark (a ShiftCount) as Chrome's
// metric defines it, the largest session window (shifts less than 1 s apart, at most 5 s in
// all) of shifts without recent input.
func CLS(mark int) string {
	return `(() => {
  let best = 0, sum = 0, first = -1, last = -1;
  for (const e of window.__photorecLS.entries.slice(` + strconv.Itoa(mark) + `)) {
    if (e.recent) continue;
    if (first < 0 || e.time - last >= 1000 || e.time - first >= 5000) { sum = 0; first = e.time; }
    sum += e.value; last = e.time; best = Math.max(best, sum);
  }
  return best;
})()`
}

// Shifts is an expression: a line per layout shift without recent input since mark, for a
// failure message.
func Shifts(mark int) string {
	return `window.__photorecLS.entries.slice(` + strconv.Itoa(mark) + `).filter(e => !e.recent).map(e => e.value.toFixed(4) + " at " + Math.round(e.time) + "ms: " + e.nodes).join("\n")`
}

// PhotosInView is an expression: how many photos of the grid are at least half in the
// viewport.
const PhotosInView = `Array.from(document.querySelectorAll('[data-testid="photo-item"]')).filter((li) => {
  if (li.hidden) return false;
  const r = li.getBoundingClientRect();
  const w = Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0));
  const h = Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0));
  return r.width > 0 && r.height > 0 && w * h >= r.width * r.height / 2;
}).length`

// Shapes is an expression: the first n photos shown as [{id, tile, photo}], tile the shown
// tile's width/height and photo the photo's own (its data-w/data-h; 0 when unknown).
func Shapes(n int) string {
	return `Array.from(document.querySelectorAll('[data-testid="photo-item"]')).filter((li) => !li.hidden).slice(0, ` + strconv.Itoa(n) + `).map((li) => {
  const r = li.getBoundingClientRect();
  return { id: li.dataset.photoId, tile: r.width / r.height, photo: li.dataset.w ? li.dataset.w / li.dataset.h : 0 };
})`
}

// Upscaled is an expression (a promise: evaluate it awaiting promises): the photos in the
// viewport shown wider than the image file the browser picked, as "id: shown px > file px"
// lines. It loads each picked file again to read its own pixel width.
const Upscaled = `Promise.all(Array.from(document.querySelectorAll('[data-testid="photo-item"] img')).filter((img) => {
  const r = img.getBoundingClientRect();
  return !img.closest("li").hidden && r.bottom > 0 && r.top < innerHeight && img.currentSrc;
}).map((img) => new Promise((done) => {
  const file = new Image();
  file.onload = () => done(file.naturalWidth + 1 < img.getBoundingClientRect().width ? img.closest("li").dataset.photoId + ": shown " + Math.round(img.getBoundingClientRect().width) + "px > file " + file.naturalWidth + "px (" + img.currentSrc + ")" : "");
  file.onerror = () => done(img.closest("li").dataset.photoId + ": " + img.currentSrc + " did not load");
  file.src = img.currentSrc;
}))).then((lines) => lines.filter(Boolean).join("\n"))`
