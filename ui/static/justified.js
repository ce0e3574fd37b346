// Justified rows, after Flickr's justified-layout (github.com/flickr/justified-layout): photos keep
// their order and their shape, each row fills the width at about the target height. Plain JS,
// no build step; it only computes boxes (app.js places the tiles).
//
// Justified.layout(items, opts) lays out items [{ar, maxHeight}] (ar: width/height; maxHeight:
// the tallest the photo may be shown without upscaling, 0 when unknown) into rows of width
// opts.width, with opts.spacing between photos and rows, rows close to opts.targetHeight (within
// opts.tolerance, a fraction) and never taller than opts.maxHeight. It returns
// {boxes: [{x, y, w, h}], height, shown}: the first `shown` items have boxes; the others form an
// unfinished last row, left out when opts.holdLast is set (more photos are coming that will
// finish it); otherwise it joins the row before if it is short and that row stays tall enough,
// or else is laid out at the target height, left-aligned. Rows only depend on the
// items before them, so appending items never moves a finished row.
(function (global) {
  "use strict";

  function layout(items, opts) {
    var width = Math.max(1, opts.width);
    var spacing = opts.spacing || 0;
    var target = opts.targetHeight;
    var tolerance = opts.tolerance === undefined ? 0.25 : opts.tolerance;
    var maxRow = opts.maxHeight || target * 2;
    var boxes = [];
    var rows = [];  // the rows placed so far
    var prevY = 0;  // where the last of them starts
    var y = 0;
    var row = [];
    var arSum = 0;

    // place lays out row at height h from y, filling the width when fill is set.
    function place(row, h, fill) {
      rows.push(row);
      prevY = y;
      var free = width - spacing * (row.length - 1);
      var total = 0;
      row.forEach(function (it) { total += it.ar; });
      // Exact positions, rounded once each: every photo is within a pixel of its shape, and a
      // filled row ends exactly at the edge.
      var at = 0, x = 0;
      row.forEach(function (it) {
        var w = fill ? free * it.ar / total : it.ar * h;
        var end = Math.round(at + w);
        boxes.push({ x: x, y: y, w: end - x, h: Math.round(h) });
        x = end + spacing;
        at += w + spacing;
      });
      y += Math.round(h) + spacing;
    }

    // cap is the tallest row may be: the layout's maximum, and no photo shown above its size.
    function cap(row) {
      var h = maxRow;
      row.forEach(function (it) { if (it.maxHeight > 0 && it.maxHeight < h) h = it.maxHeight; });
      return h;
    }

    // finish lays out a complete row: the height that fills the width, unless that is above cap.
    function finish(row, sum) {
      var h = (width - spacing * (row.length - 1)) / sum;
      var c = cap(row);
      if (h > c) place(row, c, false);
      else place(row, h, true);
    }

    var i = 0;
    for (; i < items.length; i++) {
      var it = items[i];
      var room = width - spacing * row.length; // the row's width without spacing, with it added
      var minAR = room / target * (1 - tolerance);
      var maxAR = room / target * (1 + tolerance);
      var targetAR = room / target;
      var next = arSum + it.ar;
      if (next < minAR) {
        row.push(it);
        arSum = next;
        continue;
      }
      if (next > maxAR && row.length > 0) {
        // Too wide with it: keep whichever of the row with or without it is closer to the target.
        var without = Math.abs((width - spacing * (row.length - 1)) / target - arSum);
        if (Math.abs(next - targetAR) > without) {
          finish(row, arSum);
          row = [it];
          arSum = it.ar;
          continue;
        }
      }
      row.push(it);
      finish(row, next);
      row = [];
      arSum = 0;
    }
    var shown = items.length - row.length;
    if (row.length > 0 && !opts.holdLast) {
      // A short last row joins the row before it, when that row stays tall enough; else it
      // stays at the target height, left-aligned.
      var prev = rows.length > 0 ? rows[rows.length - 1] : null;
      var prevSum = 0;
      if (prev) prev.forEach(function (it) { prevSum += it.ar; });
      var merged = prev ? (width - spacing * (prev.length + row.length - 1)) / (prevSum + arSum) : 0;
      if (prev && arSum * target < width / 2 && merged >= target * (1 - 2 * tolerance)) {
        boxes.length -= prev.length;
        rows.pop();
        y = prevY;
        finish(prev.concat(row), prevSum + arSum);
      } else {
        place(row, Math.min(target, cap(row)), false);
      }
      shown = items.length;
    }
    return { boxes: boxes, height: Math.max(0, y - spacing), shown: shown };
  }

  // rowHeight is the target row height for a grid width: about 5 photos a row on a desktop
  // (rows come out taller than the target when the photos do not fill one, so 200 gives three
  // rows, 12 or more photos, in a 1366x900 screen), 2 to 3 on a phone.
  function rowHeight(width) {
    if (width < 480) return 150;
    if (width < 900) return 180;
    return 200;
  }

  global.Justified = { layout: layout, rowHeight: rowHeight };
})(window);
