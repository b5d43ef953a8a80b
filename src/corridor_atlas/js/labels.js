/* Corridor Atlas: names on the live map.
 *
 * L.AtlasLabels places the scene's label candidates (corridor_atlas.labels) for the
 * zoom and extent on screen, again after every move, zoom or resize, by the rules of
 * corridor_atlas.labels: the selected route's name, the routes' ends and the capitals,
 * one label for every other route, the other places in priority order, each route's
 * name again along long lines, then the countries at low zoom. A label that would overlap one already
 * placed, leave the map or cover a control (legend, title, zoom buttons) is not drawn.
 * Overlaps are tested on the rotated boxes, found through an R-tree (rbush, vendored).
 *
 * Text is set with textContent, never as HTML. The white halo around each name is
 * painted on a canvas under the text, so a name is one piece of text (one in a PDF).
 */
(function (L) {
  'use strict';
  var RBush = window.RBush;
  var canvas = document.createElement('canvas');
  var ctx = canvas.getContext('2d');

  function fontOf(l) {
    return (l.bold ? 'bold ' : '') + l.size + 'px ' + L.AtlasLabels.FONT;
  }

  function textWidth(l) {
    ctx.font = fontOf(l);
    var width = ctx.measureText(l.text).width;
    if (l.spaced) { width += (l.text.length - 1) * l.size * L.AtlasLabels.SPACING; }
    return width;
  }

  // A rectangle of width w and height h centred at (cx, cy), turned by angle a (radians).
  function box(cx, cy, w, h, a) {
    var c = Math.cos(a), s = Math.sin(a), dx = w / 2, dy = h / 2;
    var pts = [[-dx, -dy], [dx, -dy], [dx, dy], [-dx, dy]].map(function (p) {
      return [cx + p[0] * c - p[1] * s, cy + p[0] * s + p[1] * c];
    });
    var xs = pts.map(function (p) { return p[0]; }), ys = pts.map(function (p) { return p[1]; });
    return {minX: Math.min.apply(null, xs), minY: Math.min.apply(null, ys),
            maxX: Math.max.apply(null, xs), maxY: Math.max.apply(null, ys), pts: pts};
  }

  // Separating-axis test of two convex quadrilaterals.
  function overlap(a, b) {
    var polys = [a.pts, b.pts];
    for (var i = 0; i < 2; i++) {
      var p = polys[i];
      for (var j = 0; j < 4; j++) {
        var k = (j + 1) % 4, nx = p[k][1] - p[j][1], ny = p[j][0] - p[k][0];
        var amin = Infinity, amax = -Infinity, bmin = Infinity, bmax = -Infinity;
        a.pts.forEach(function (q) { var d = q[0] * nx + q[1] * ny; amin = Math.min(amin, d); amax = Math.max(amax, d); });
        b.pts.forEach(function (q) { var d = q[0] * nx + q[1] * ny; bmin = Math.min(bmin, d); bmax = Math.max(bmax, d); });
        if (amax <= bmin || bmax <= amin) { return false; }
      }
    }
    return true;
  }

  function Placer(size, margin) {
    this.tree = new RBush();
    this.size = size;
    this.margin = margin;
  }
  Placer.prototype.inside = function (b) {
    return b.minX >= this.margin && b.minY >= this.margin &&
      b.maxX <= this.size.x - this.margin && b.maxY <= this.size.y - this.margin;
  };
  Placer.prototype.free = function (b) {
    if (!this.inside(b)) { return false; }
    var hits = this.tree.search(b);
    for (var i = 0; i < hits.length; i++) {
      if (overlap(hits[i], b)) { return false; }
    }
    return true;
  };
  Placer.prototype.take = function (b) { this.tree.insert(b); };

  // Arc-length walk of a projected line: cumulative lengths, and the point at distance
  // s given the index of a vertex at or before it (walks forward from there).
  function measureLine(pts) {
    var cum = [0];
    for (var i = 1; i < pts.length; i++) {
      cum.push(cum[i - 1] + Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y));
    }
    return cum;
  }
  function advance(cum, i, s) {
    while (i < cum.length - 1 && cum[i] < s) { i++; }
    return i;
  }
  function pointAt(pts, cum, s, from) {
    var i = advance(cum, Math.max(1, from || 1), s);
    var seg = cum[i] - cum[i - 1] || 1, t = (s - cum[i - 1]) / seg;
    return {x: pts[i - 1].x + (pts[i].x - pts[i - 1].x) * t,
            y: pts[i - 1].y + (pts[i].y - pts[i - 1].y) * t, i: i};
  }

  // Candidate spots for a route label along one projected part, on the map or near it:
  // where the line is straight enough over the label's length for straight text to sit
  // on it. One forward walk: the three points move along the line together.
  function candidates(pts, width, height, step, size) {
    var cum = measureLine(pts), total = cum[cum.length - 1], out = [];
    var half = width / 2 + 2, ia = 1, ib = 1, ic = 1;
    for (var s = half; s <= total - half; s += step) {
      var c = pointAt(pts, cum, s, ic);
      ic = c.i;
      if (c.x < -half || c.y < -half || c.x > size.x + half || c.y > size.y + half) { continue; }
      var a = pointAt(pts, cum, s - half, ia), b = pointAt(pts, cum, s + half, ib);
      ia = a.i; ib = b.i;
      var dx = b.x - a.x, dy = b.y - a.y, len = Math.hypot(dx, dy);
      if (len < width * 0.9) { continue; }
      var worst = 0;
      for (var k = a.i; k < b.i; k++) {
        var d = Math.abs((pts[k].x - a.x) * dy - (pts[k].y - a.y) * dx) / len;
        worst = Math.max(worst, d);
      }
      if (worst > height * 0.45) { continue; }
      var angle = Math.atan2(dy, dx);
      if (angle > Math.PI / 2) { angle -= Math.PI; } else if (angle < -Math.PI / 2) { angle += Math.PI; }
      out.push({s: s, x: c.x, y: c.y, angle: angle});
    }
    return {spots: out, total: total, pts: pts, cum: cum};
  }

  // Points along a route's visible stretches (the middle first), for a name beside a
  // line too short or too crowded to carry it.
  var ANCHORS = [0.5, 0.35, 0.65, 0.2, 0.8, 0.08, 0.92];
  function visibleAnchors(parts, placer) {
    var best = null;
    parts.forEach(function (part) {
      var first = null, last = null;
      part.pts.forEach(function (p, i) {
        if (placer.inside({minX: p.x, minY: p.y, maxX: p.x, maxY: p.y})) {
          if (first === null) { first = part.cum[i]; }
          last = part.cum[i];
        }
      });
      if (first !== null && (best === null || last - first > best.length)) {
        best = {length: last - first, part: part, first: first};
      }
    });
    if (!best) { return []; }
    return ANCHORS.map(function (f) {
      return pointAt(best.part.pts, best.part.cum, best.first + best.length * f);
    });
  }

  // Where a name may go around an anchor on its line: on it, then beside it, further
  // and further out (a leader line then joins the name to its line).
  var RINGS = [0, 10, 22, 38, 58];
  function around(w, h) {
    var out = [];
    RINGS.forEach(function (r) {
      var dx = w / 2 + 4 + r, dy = h / 2 + 4 + r;
      if (r === 0) { out.push([0, 0]); }
      [[dx, 0], [-dx, 0], [0, -dy], [0, dy], [dx, -dy], [-dx, -dy], [dx, dy], [-dx, dy]]
        .forEach(function (o) { out.push(o); });
    });
    return out;
  }

  // Where a leader line meets a name's box: the point of its edge nearest the anchor.
  function leaderEnd(item) {
    var hw = item.w / 2 - 2, hh = item.h / 2;
    return {x: Math.max(item.x - hw, Math.min(item.anchor.x, item.x + hw)),
            y: Math.max(item.y - hh, Math.min(item.anchor.y, item.y + hh))};
  }

  L.AtlasLabels = L.Layer.extend({
    options: {pane: 'atlasLabels', margin: 4, step: 6, gap: 2},

    initialize: function (data, options) {
      L.setOptions(this, options);
      this._data = data || {routes: [], places: []};
    },

    onAdd: function (map) {
      if (!map.getPane(this.options.pane)) {
        var pane = map.createPane(this.options.pane);
        pane.style.zIndex = 450;
        pane.style.pointerEvents = 'none';
      }
      this._container = L.DomUtil.create('div', 'atlas-labels leaflet-zoom-hide',
                                         map.getPane(this.options.pane));
      map.on('moveend resize atlaslayout', this._update, this);
      this._update();
    },

    onRemove: function (map) {
      map.off('moveend resize atlaslayout', this._update, this);
      L.DomUtil.remove(this._container);
    },

    // The boxes of the map's controls (legend, title, credits, buttons): labels keep off.
    _obstacles: function (placer) {
      var root = this._map.getContainer().getBoundingClientRect();
      // and the marks of disputed statuses, which must stay in sight
      var controls = this._map.getContainer().querySelectorAll(
        '.leaflet-control, .atlas-dispute');
      for (var i = 0; i < controls.length; i++) {
        var r = controls[i].getBoundingClientRect();
        if (r.width > 0 && r.height > 0) {
          var x0 = r.left - root.left - 2, y0 = r.top - root.top - 2;
          var x1 = r.right - root.left + 2, y1 = r.bottom - root.top + 2;
          placer.take({minX: x0, minY: y0, maxX: x1, maxY: y1,
                       pts: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]});
        }
      }
    },

    _update: function () {
      var map = this._map;
      if (!map) { return; }
      var placer = new Placer(map.getSize(), this.options.margin);
      var zoom = map.getZoom(), placed = [], opts = this.options;
      this._obstacles(placer);

      var routes = (this._data.routes || []).map(function (r) {
        var w = textWidth(r) + 2 * opts.gap, h = r.size * 1.25;
        var parts = r.parts.map(function (part) {
          var pts = part.map(function (c) { return map.latLngToContainerPoint([c[1], c[0]]); });
          return candidates(pts, w, h, opts.step, map.getSize());
        });
        return {label: r, w: w, h: h, parts: parts, taken: []};
      });
      var places = (this._data.places || []).filter(function (p) {
        return zoom >= p.min_zoom && zoom < p.max_zoom;
      });

      function tryRoute(route, spot) {
        var b = box(spot.x, spot.y, route.w, route.h, spot.angle);
        if (!placer.free(b)) { return false; }
        placer.take(b);
        route.taken.push(spot);
        placed.push({label: route.label, x: spot.x, y: spot.y, angle: spot.angle, box: b,
                     anchor: spot.anchor || null, w: route.w, h: route.h});
        return true;
      }

      // A route's first label: as near the middle of its visible stretch as it fits on
      // the line; else beside it, joined by a leader.
      function firstLabel(route) {
        var spots = [];
        route.parts.forEach(function (part) {
          var visible = part.spots.filter(function (p) { return placer.inside(box(p.x, p.y, route.w, route.h, p.angle)); });
          if (!visible.length) { return; }
          var mid = (visible[0].s + visible[visible.length - 1].s) / 2;
          visible.forEach(function (p) { spots.push({spot: p, rank: Math.abs(p.s - mid)}); });
        });
        spots.sort(function (a, b) { return a.rank - b.rank; });
        for (var i = 0; i < spots.length; i++) {
          if (tryRoute(route, spots[i].spot)) { return; }
        }
        var anchors = visibleAnchors(route.parts, placer), offsets = around(route.w, route.h);
        for (var k = 0; k < offsets.length; k++) {
          for (var a = 0; a < anchors.length; a++) {
            var o = offsets[k], at = anchors[a];
            if (tryRoute(route, {s: -1, x: at.x + o[0], y: at.y + o[1], angle: 0,
                                 anchor: (o[0] || o[1]) ? at : null})) {
              return;
            }
          }
        }
      }

      // A place: its dot, and its name on the first free side of it.
      function place(p) {
        var pt = map.latLngToContainerPoint([p.lat, p.lon]);
        var w = textWidth(p), h = p.size * 1.2;
        if (p.kind === 'country') {
          var c = box(pt.x, pt.y, w + 2 * opts.gap, h, 0);
          if (placer.free(c)) { placer.take(c); placed.push({label: p, x: pt.x, y: pt.y, angle: 0, box: c}); }
          return;
        }
        var r = p.dot ? L.AtlasLabels.DOT / 2 + 3 : 7;
        var sides = [[r + w / 2, 0], [-(r + w / 2), 0], [0, -(h / 2 + r)], [0, h / 2 + r]];
        var dot = p.dot ? box(pt.x, pt.y, L.AtlasLabels.DOT + 2, L.AtlasLabels.DOT + 2, 0) : null;
        if (dot && !placer.free(dot)) { return; }
        for (var i = 0; i < sides.length; i++) {
          var b = box(pt.x + sides[i][0], pt.y + sides[i][1], w + 2 * opts.gap, h, 0);
          if (placer.free(b)) {
            placer.take(b);
            if (dot) { placer.take(dot); }
            placed.push({label: p, x: pt.x + sides[i][0], y: pt.y + sides[i][1], angle: 0,
                         box: b, dot: p.dot ? pt : null});
            return;
          }
        }
      }

      var key = function (p) { return p.kind === 'end' || p.kind === 'capital'; };
      // 1. the selected route; 2. the routes' ends and the capitals; 3. every other route
      routes.filter(function (r) { return r.label.priority === 0; }).forEach(firstLabel);
      places.filter(key).forEach(place);
      routes.filter(function (r) { return r.label.priority !== 0; }).forEach(firstLabel);
      // 4. the other places, in priority order
      places.filter(function (p) { return !key(p) && p.kind !== 'country'; }).forEach(place);
      // 5. each route again along long lines, every repeat_px along it
      routes.forEach(function (route) {
        route.parts.forEach(function (part) {
          part.spots.forEach(function (spot) {
            var far = route.taken.every(function (t) {
              return Math.hypot(t.x - spot.x, t.y - spot.y) >= route.label.repeat_px;
            });
            if (far) { tryRoute(route, spot); }
          });
        });
      });
      // 6. the countries
      places.filter(function (p) { return p.kind === 'country'; }).forEach(place);

      this._render(placed);
      this.placed = placed;
      map.fire('atlaslabels', {count: placed.length});
    },

    _render: function (placed) {
      var map = this._map, container = this._container, size = map.getSize();
      container.textContent = '';
      var ratio = window.devicePixelRatio || 1;
      var halo = L.DomUtil.create('canvas', 'atlas-label-halo', container);
      var origin = map.containerPointToLayerPoint([0, 0]);
      halo.width = Math.round(size.x * ratio);
      halo.height = Math.round(size.y * ratio);
      halo.style.width = size.x + 'px';
      halo.style.height = size.y + 'px';
      halo.style.left = origin.x + 'px';
      halo.style.top = origin.y + 'px';
      var g = halo.getContext('2d');
      g.scale(ratio, ratio);
      g.lineJoin = 'round';
      g.strokeStyle = L.AtlasLabels.HALO;
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      placed.forEach(function (item) {
        if (!item.anchor) { return; }
        var end = leaderEnd(item);
        [[L.AtlasLabels.HALO, 3], [item.label.colour, 1.2]].forEach(function (pen) {
          g.strokeStyle = pen[0];
          g.lineWidth = pen[1];
          g.beginPath();
          g.moveTo(item.anchor.x, item.anchor.y);
          g.lineTo(end.x, end.y);
          g.stroke();
        });
        g.fillStyle = item.label.colour;
        g.beginPath();
        g.arc(item.anchor.x, item.anchor.y, 2, 0, 2 * Math.PI);
        g.fill();
      });
      g.strokeStyle = L.AtlasLabels.HALO;
      placed.forEach(function (item) {
        var l = item.label;
        g.save();
        g.translate(item.x, item.y);
        g.rotate(item.angle);
        g.font = fontOf(l);
        if (l.spaced && 'letterSpacing' in g) { g.letterSpacing = (l.size * L.AtlasLabels.SPACING) + 'px'; }
        g.lineWidth = 2 * L.AtlasLabels.HALO_PX;
        g.strokeText(l.text, 0, 0);
        g.restore();
      });
      placed.forEach(function (item) {
        var l = item.label, at = map.containerPointToLayerPoint([item.x, item.y]);
        var el = L.DomUtil.create('div', 'atlas-label atlas-label-' + (l.kind || 'route'), container);
        el.textContent = l.text;
        el.style.font = fontOf(l);
        el.style.color = l.colour;
        el.style.left = at.x + 'px';
        el.style.top = at.y + 'px';
        el.style.transform = 'translate(-50%, -50%) rotate(' + (item.angle * 180 / Math.PI).toFixed(2) + 'deg)';
        if (l.spaced) { el.style.letterSpacing = (l.size * L.AtlasLabels.SPACING) + 'px'; }
        el.setAttribute('data-label', l.kind || 'route');
        if (item.dot) {
          var d = map.containerPointToLayerPoint([item.dot.x, item.dot.y]);
          var dot = L.DomUtil.create('div', 'atlas-label-dot', container);
          dot.style.left = d.x + 'px';
          dot.style.top = d.y + 'px';
        }
      });
    }
  });

  // set from the style table (corridor_atlas.styles) where the engine is loaded
  L.AtlasLabels.FONT = 'sans-serif';
  L.AtlasLabels.DOT = 5;
  L.AtlasLabels.HALO = '#FFFFFF';
  L.AtlasLabels.HALO_PX = 2.5;
  L.AtlasLabels.SPACING = 0.15;  // letter spacing of spaced names, in font sizes
  L.atlasLabels = function (data, options) { return new L.AtlasLabels(data, options); };
})(window.L);
