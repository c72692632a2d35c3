/* territorial interactive maps: decodes the compact topology and draws the page.
 *
 * The territories are painted on one Leaflet canvas straight from the decoded
 * arcs (one filled path per class colour, every shared border stroked once),
 * so a page of 35,000 communes opens in a second or two. Hovering and clicking
 * use a point-in-polygon test on the same arcs.
 *
 * Every text coming from the data is inserted with textContent (never
 * innerHTML), except the layer switcher labels, which Leaflet writes as HTML:
 * they are escaped first.
 *
 * The page tells what it shows through attributes of <body>, set once the
 * change is on screen, so tests (and other scripts) wait on them rather than
 * on time: data-tw-ready (first paint), data-tw-layer (layer shown),
 * data-tw-tip (code of the territory whose tooltip is shown), data-tw-popup
 * (code of the territory whose popup is open), data-tw-selected (territory
 * chosen in the search box), data-tw-tiles="loaded" (every basemap tile of the
 * view loaded or failed).
 */
(function (global) {
  "use strict";

  function varints(text) {
    var bin = atob(text), n = bin.length, out = new Float64Array(n), m = 0, cur = 0, mult = 1;
    for (var i = 0; i < n; i++) {
      var b = bin.charCodeAt(i);
      cur += (b & 127) * mult;
      if (b & 128) {
        mult *= 128;
      } else {
        out[m++] = cur % 2 ? -(cur + 1) / 2 : cur / 2;
        cur = 0;
        mult = 1;
      }
    }
    return out.subarray(0, m);
  }

  function cumulative(lengths) {
    var out = new Int32Array(lengths.length + 1);
    for (var i = 0; i < lengths.length; i++) out[i + 1] = out[i] + lengths[i];
    return out;
  }

  /* Decoded topology: arcs as lon/lat and Web Mercator unit coordinates. */
  function Topo(t) {
    var lens = varints(t.arcLengths), d = varints(t.arcs), n = d.length / 2;
    var ox = t.origin[0], oy = t.origin[1], s = t.step, x = 0, y = 0;
    this.arcStart = cumulative(lens);
    this.lon = new Float64Array(n);
    this.lat = new Float64Array(n);
    this.mx = new Float64Array(n);
    this.my = new Float64Array(n);
    var rad = Math.PI / 180, maxLat = 85.0511287798;
    for (var i = 0; i < n; i++) {
      x += d[2 * i];
      y += d[2 * i + 1];
      var lon = ox + x * s, lat = oy + y * s;
      this.lon[i] = lon;
      this.lat[i] = lat;
      var phi = Math.max(Math.min(lat, maxLat), -maxLat) * rad;
      this.mx[i] = (lon + 180) / 360;
      this.my[i] = (1 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / Math.PI) / 2;
    }
    this.featRing = cumulative(varints(t.featureRings));
    this.ringRef = cumulative(varints(t.ringArcs));
    var dr = varints(t.refs), refs = new Int32Array(dr.length), ref = 0;
    for (var j = 0; j < dr.length; j++) {
      ref += dr[j];
      refs[j] = ref;
    }
    this.refs = refs;
    this.nFeatures = this.featRing.length - 1;
    this.px = new Float64Array(n);
    this.py = new Float64Array(n);
    this.bbox = new Float64Array(4 * this.nFeatures); // mercator units: minx, miny, maxx, maxy
    for (var f = 0; f < this.nFeatures; f++) {
      var b0 = Infinity, b1 = Infinity, b2 = -Infinity, b3 = -Infinity;
      for (var r = this.featRing[f]; r < this.featRing[f + 1]; r++) {
        for (var q = this.ringRef[r]; q < this.ringRef[r + 1]; q++) {
          var a = refs[q] < 0 ? ~refs[q] : refs[q];
          for (var p = this.arcStart[a]; p < this.arcStart[a + 1]; p++) {
            var mx = this.mx[p], my = this.my[p];
            if (mx < b0) b0 = mx;
            if (mx > b2) b2 = mx;
            if (my < b1) b1 = my;
            if (my > b3) b3 = my;
          }
        }
      }
      this.bbox.set([b0, b1, b2, b3], 4 * f);
    }
  }

  Topo.prototype.drawn = function (f) {
    return this.featRing[f + 1] > this.featRing[f];
  };

  /* Add the rings of feature f to the current canvas path (projected px, py). */
  Topo.prototype.trace = function (ctx, f) {
    var px = this.px, py = this.py, refs = this.refs, as = this.arcStart;
    for (var r = this.featRing[f]; r < this.featRing[f + 1]; r++) {
      var first = true, lx = 0, ly = 0;
      for (var q = this.ringRef[r]; q < this.ringRef[r + 1]; q++) {
        var ref = refs[q], rev = ref < 0, a = rev ? ~ref : ref, lo = as[a], hi = as[a + 1] - 1;
        for (var k = 0; k <= hi - lo; k++) {
          var p = rev ? hi - k : lo + k, x = px[p], y = py[p];
          if (first) {
            ctx.moveTo(x, y);
            first = false;
            lx = x;
            ly = y;
          } else if (Math.abs(x - lx) > 0.4 || Math.abs(y - ly) > 0.4 || k === hi - lo) {
            ctx.lineTo(x, y);
            lx = x;
            ly = y;
          }
        }
      }
      ctx.closePath();
    }
  };

  Topo.prototype.traceArc = function (ctx, a) {
    var px = this.px, py = this.py, lo = this.arcStart[a], hi = this.arcStart[a + 1] - 1;
    var lx = px[lo], ly = py[lo];
    ctx.moveTo(lx, ly);
    for (var p = lo + 1; p <= hi; p++) {
      var x = px[p], y = py[p];
      if (Math.abs(x - lx) > 0.4 || Math.abs(y - ly) > 0.4 || p === hi) {
        ctx.lineTo(x, y);
        lx = x;
        ly = y;
      }
    }
  };

  /* Even-odd point-in-polygon test in mercator units. */
  Topo.prototype.contains = function (f, x, y) {
    var b = this.bbox, i4 = 4 * f;
    if (x < b[i4] || x > b[i4 + 2] || y < b[i4 + 1] || y > b[i4 + 3]) return false;
    var inside = false, mx = this.mx, my = this.my, refs = this.refs, as = this.arcStart;
    for (var r = this.featRing[f]; r < this.featRing[f + 1]; r++) {
      for (var q = this.ringRef[r]; q < this.ringRef[r + 1]; q++) {
        var a = refs[q] < 0 ? ~refs[q] : refs[q];
        for (var p = as[a]; p < as[a + 1] - 1; p++) {
          var x1 = mx[p], y1 = my[p], x2 = mx[p + 1], y2 = my[p + 1];
          if (y1 > y !== y2 > y && x < ((x2 - x1) * (y - y1)) / (y2 - y1) + x1) inside = !inside;
        }
      }
    }
    return inside;
  };

  Topo.prototype.latlngs = function (f) {
    var rings = [], refs = this.refs, as = this.arcStart;
    for (var r = this.featRing[f]; r < this.featRing[f + 1]; r++) {
      var ring = [];
      for (var q = this.ringRef[r]; q < this.ringRef[r + 1]; q++) {
        var ref = refs[q], rev = ref < 0, a = rev ? ~ref : ref, lo = as[a], hi = as[a + 1] - 1;
        for (var k = q === this.ringRef[r] ? 0 : 1; k <= hi - lo; k++) {
          var p = rev ? hi - k : lo + k;
          ring.push([this.lat[p], this.lon[p]]);
        }
      }
      rings.push(ring);
    }
    return rings;
  };

  Topo.prototype.bounds = function (f) {
    var b = this.bbox, i4 = 4 * f;
    function lat(my) {
      return (Math.atan(Math.sinh(Math.PI * (1 - 2 * my))) * 180) / Math.PI;
    }
    return L.latLngBounds([lat(b[i4 + 3]), b[i4] * 360 - 180], [lat(b[i4 + 1]), b[i4 + 2] * 360 - 180]);
  };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"'`]/g, function (c) {
      return "&#" + c.charCodeAt(0) + ";";
    });
  }

  function normalize(s) {
    return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[\u2019']/g, " ").replace(/-/g, " ").replace(/\s+/g, " ").trim();
  }

  function formatNumber(v, dec, lang, unit, missing) {
    if (v === null || v === undefined || !isFinite(v)) return missing;
    var s = Math.abs(v).toFixed(dec), parts = s.split("."), int = parts[0], out = "";
    var sep = lang === "fr" ? "\u202f" : ",";
    while (int.length > 3) {
      out = sep + int.slice(-3) + out;
      int = int.slice(0, -3);
    }
    out = int + out;
    if (parts.length > 1) out += (lang === "fr" ? "," : ".") + parts[1];
    if (v < 0 && /[1-9]/.test(s)) out = "-" + out;
    if (unit) out += "\u00a0" + unit;
    return out;
  }

  // pages with more territories than this hide their borders at national zoom
  var DENSE_FEATURES = 3000;

  function Page(map, data) {
    this.map = map;
    L.control.scale({ metric: true, imperial: false }).addTo(map);
    this.data = data;
    this.t = data.texts;
    this.current = 0;
    this.hovered = -1;
    this.ranks = {};
    this.byClass = {};
    this.parentOn = (data.parents || []).map(function () { return true; });
    this.timings = {};
    data.layers.forEach(function (layer) {
      // values travel as integers: value x 10**decimals
      var scale = Math.pow(10, layer.decimals);
      layer.values = layer.values.map(function (v) { return v === null ? null : v / scale; });
    });
  }

  Page.prototype.classOf = function (li, f) {
    var layer = this.data.layers[li], c = layer.classes.charCodeAt(f) - 48;
    return c >= 0 && c < layer.colors.length ? c : -1;
  };

  /* Features of each class (last list: missing values), computed once per layer. */
  Page.prototype.classLists = function (li) {
    if (!this.byClass[li]) {
      var layer = this.data.layers[li], lists = [];
      for (var c = 0; c <= layer.colors.length; c++) lists.push([]);
      for (var f = 0; f < this.topo.nFeatures; f++) {
        if (!this.topo.drawn(f)) continue;
        var k = this.classOf(li, f);
        lists[k < 0 ? layer.colors.length : k].push(f);
      }
      this.byClass[li] = lists;
    }
    return this.byClass[li];
  };

  Page.prototype.paint = function () {
    var t0 = performance.now(), R = this.renderer, ctx = R._ctx, map = this.map, topo = this.topo;
    if (!ctx || !R._bounds) return;
    var st = this.data.style, layer = this.data.layers[this.current];
    var s = 256 * Math.pow(2, map.getZoom()), o = map.getPixelOrigin();
    var n = topo.mx.length, px = topo.px, py = topo.py, mx = topo.mx, my = topo.my;
    for (var i = 0; i < n; i++) {
      px[i] = mx[i] * s - o.x;
      py[i] = my[i] * s - o.y;
    }
    var b = R._bounds, minx = (b.min.x + o.x) / s, maxx = (b.max.x + o.x) / s;
    var miny = (b.min.y + o.y) / s, maxy = (b.max.y + o.y) / s, bb = topo.bbox;
    var lists = this.classLists(this.current);
    // borders between territories fade out at small scales, where they would grey the map;
    // dense maps (communes) hide them at national zoom, where they would mix with the fills
    var dense = this.data.codes.length > DENSE_FEATURES;
    var fade = (map.getZoom() - (dense ? 6 : 5)) / (dense ? 3 : 4);
    var lineAlpha = st.lineOpacity * Math.min(1, Math.max(dense ? 0 : 0.3, fade));
    ctx.globalAlpha = st.fillOpacity;
    for (var c = 0; c < lists.length; c++) {
      var list = lists[c];
      if (!list.length) continue;
      // one path per territory: a single huge path with many closed rings is far slower
      ctx.fillStyle = c < layer.colors.length ? layer.colors[c] : layer.missingColor;
      for (var j = 0; j < list.length; j++) {
        var f = list[j], i4 = 4 * f;
        if (bb[i4] > maxx || bb[i4 + 2] < minx || bb[i4 + 1] > maxy || bb[i4 + 3] < miny) continue;
        ctx.beginPath();
        topo.trace(ctx, f);
        ctx.fill("evenodd");
      }
    }
    if (lineAlpha > 0) {
      ctx.globalAlpha = lineAlpha;
      ctx.beginPath();
      var nArcs = topo.arcStart.length - 1;
      for (var a = 0; a < nArcs; a++) topo.traceArc(ctx, a);
      ctx.strokeStyle = st.line;
      ctx.lineWidth = st.weight;
      ctx.lineJoin = "round";
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    var self = this;
    (this.parentArcs || []).forEach(function (ids, pi) {
      if (!self.parentOn[pi]) return;
      var p = self.data.parents[pi];
      ctx.beginPath();
      for (var k = 0; k < ids.length; k++) topo.traceArc(ctx, ids[k]);
      ctx.strokeStyle = p.color;
      ctx.lineWidth = p.weight;
      ctx.stroke();
    });
    this.timings.paint = performance.now() - t0;
    this.painted = (this.painted || 0) + 1;
  };

  Page.prototype.draw = function () {
    var self = this, data = this.data, map = this.map, t0 = performance.now();
    this.topo = new Topo(data.topology);
    this.timings.decode = performance.now() - t0;
    this.parentArcs = (data.parents || []).map(function (p) {
      var ids = varints(p.arcs), id = 0, out = new Int32Array(ids.length);
      for (var i = 0; i < ids.length; i++) {
        id += ids[i];
        out[i] = id;
      }
      return out;
    });
    this.renderer = L.canvas({ padding: 0.3 });
    // the canvas renderer clears then calls _draw on every update: paint there
    this.renderer._draw = function () { self.paint(); };
    this.highlightRenderer = L.svg({ padding: 0.3 });
    this.tip = L.tooltip({ direction: "top", offset: [0, -6], className: "tw-tip" });
    // Leaflet's map "mousemove" comes through its canvas renderer, which keeps one event
    // per 32 ms and drops the others: a pointer that stops within 32 ms of its previous
    // move would leave the tooltip on the territory it has left. Every move is handled.
    var box = map.getContainer();
    this.pointer = null;
    L.DomEvent.on(box, "mousemove", function (e) { self.move(e); });
    L.DomEvent.on(box, "mouseleave", function () {
      self.pointer = null;
      self.unhover();
    });
    // after a pan or a zoom, another territory may sit under a pointer that did not move
    map.on("moveend", function () {
      if (self.pointer) self.hover(map.containerPointToLatLng(self.pointer));
    });
    map.on("click", function (e) {
      var f = self.featureAt(e.latlng);
      if (f >= 0) self.popup(f, e.latlng);
    });
    map.on("popupclose", function () { document.body.removeAttribute("data-tw-popup"); });
  };

  Page.prototype.move = function (e) {
    var map = this.map, target = e.target;
    // the controls (switcher, legend, search) and popups sit on the map: no tooltip under them
    if (target && target.closest && target.closest(".leaflet-control, .leaflet-popup")) {
      this.pointer = null;
      return this.unhover();
    }
    this.pointer = map.mouseEventToContainerPoint(e);
    if ((map.dragging && map.dragging.moving()) || map._animatingZoom) return; // see moveend
    this.hover(map.containerPointToLatLng(this.pointer));
  };

  Page.prototype.featureAt = function (latlng) {
    var topo = this.topo, rad = Math.PI / 180;
    var phi = Math.max(Math.min(latlng.lat, 85.0511287798), -85.0511287798) * rad;
    var x = (latlng.lng + 180) / 360, y = (1 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / Math.PI) / 2;
    if (this.hovered >= 0 && topo.contains(this.hovered, x, y)) return this.hovered;
    for (var f = 0; f < topo.nFeatures; f++) if (topo.contains(f, x, y)) return f;
    return -1;
  };

  Page.prototype.rankOf = function (li, f) {
    var layer = this.data.layers[li], peers = this.data.peers;
    if (!this.ranks[li]) {
      var vals = layer.values, idx = [], rank = new Array(vals.length), size = new Array(vals.length);
      for (var i = 0; i < vals.length; i++) if (vals[i] !== null) idx.push(i);
      idx.sort(function (a, b) {
        if (peers) {
          var ga = peers.keys[a], gb = peers.keys[b];
          if (ga !== gb) return ga - gb;
        }
        return vals[b] - vals[a];
      });
      var start = 0;
      while (start < idx.length) {
        var end = start, g = peers ? peers.keys[idx[start]] : null;
        while (end < idx.length && (!peers || peers.keys[idx[end]] === g)) end++;
        var r = 1;
        for (var j = start; j < end; j++) {
          if (j > start && vals[idx[j]] !== vals[idx[j - 1]]) r = j - start + 1;
          rank[idx[j]] = r;
          size[idx[j]] = end - start;
        }
        start = end;
      }
      this.ranks[li] = { rank: rank, size: size };
    }
    var R = this.ranks[li];
    return R.rank[f] ? [R.rank[f], R.size[f]] : null;
  };

  Page.prototype.valueText = function (li, f) {
    var layer = this.data.layers[li];
    return formatNumber(layer.values[f], layer.decimals, this.data.lang, layer.unit, this.t.missing);
  };

  Page.prototype.tipContent = function (f) {
    var d = this.data, t = this.t, li = this.current, layer = d.layers[li];
    var box = el("div", "tw-tipbox");
    var head = el("div");
    head.appendChild(el("span", "tw-name", d.names[f]));
    head.appendChild(el("span", "tw-code", " (" + d.codes[f] + ")"));
    box.appendChild(head);
    box.appendChild(el("div", "tw-value", layer.label + t.colon + this.valueText(li, f)));
    var rk = this.rankOf(li, f);
    if (rk) {
      var text = t.rank + " " + rk[0] + " " + t.of + " " + rk[1];
      if (d.peers) text += " " + t.peersIn + " " + d.peers.labels[d.peers.keys[f]];
      box.appendChild(el("div", "tw-rank", text + " " + t.rankNote));
    }
    return box;
  };

  Page.prototype.highlight = function (f) {
    if (this.outline) this.map.removeLayer(this.outline);
    this.outline = null;
    this.hovered = f;
    if (f < 0) return;
    this.outline = L.polygon(this.topo.latlngs(f), {
      renderer: this.highlightRenderer, interactive: false, fill: false, color: "#111111", weight: 2.5,
    }).addTo(this.map);
  };

  Page.prototype.hover = function (latlng) {
    var f = this.featureAt(latlng);
    if (f < 0) return this.unhover();
    if (f !== this.hovered) {
      this.highlight(f);
      this.tip.setContent(this.tipContent(f));
    }
    this.map.getContainer().style.cursor = "pointer";
    this.tip.setLatLng(latlng);
    if (!this.map.hasLayer(this.tip)) this.tip.addTo(this.map);
    document.body.setAttribute("data-tw-tip", this.data.codes[f]);
  };

  Page.prototype.unhover = function () {
    this.highlight(-1);
    this.map.getContainer().style.cursor = "";
    if (this.map.hasLayer(this.tip)) this.map.removeLayer(this.tip);
    document.body.removeAttribute("data-tw-tip");
  };

  Page.prototype.popup = function (f, latlng) {
    var d = this.data, t = this.t, box = el("div", "tw-popup");
    box.appendChild(el("h4", null, d.names[f] + " (" + d.codes[f] + ")"));
    for (var li = 0; li < d.layers.length; li++) {
      box.appendChild(el("div", "tw-popvalue", d.layers[li].label + t.colon + this.valueText(li, f)));
    }
    var diag = d.diagnosis && d.diagnosis[d.codes[f]];
    if (diag) {
      [["strengths", t.strengths], ["weaknesses", t.weaknesses]].forEach(function (kind) {
        var items = diag[kind[0]] || [];
        if (!items.length) return;
        box.appendChild(el("div", "tw-" + kind[0], kind[1]));
        var ul = el("ul", "tw-" + kind[0]);
        items.forEach(function (s) { ul.appendChild(el("li", null, s)); });
        box.appendChild(ul);
      });
    }
    L.popup({ maxWidth: 340 }).setLatLng(latlng).setContent(box).openOn(this.map);
    document.body.setAttribute("data-tw-popup", d.codes[f]);
  };

  Page.prototype.legend = function () {
    var self = this;
    var ctl = L.control({ position: "bottomright" });
    ctl.onAdd = function () {
      self.legendDiv = el("div", "tw-box tw-legend");
      L.DomEvent.disableClickPropagation(self.legendDiv);
      self.fillLegend();
      return self.legendDiv;
    };
    ctl.addTo(this.map);
  };

  Page.prototype.fillLegend = function () {
    var layer = this.data.layers[this.current], div = this.legendDiv;
    while (div.firstChild) div.removeChild(div.firstChild);
    div.appendChild(el("h4", null, layer.label + (layer.unit ? " (" + layer.unit + ")" : "")));
    layer.legend.forEach(function (item) {
      var row = el("div", "tw-row");
      var sw = el("span", "tw-swatch");
      sw.style.background = item[1];
      row.appendChild(sw);
      row.appendChild(el("span", "tw-label", item[0]));
      div.appendChild(row);
    });
    if (layer.source) div.appendChild(el("div", "tw-source", layer.source));
  };

  Page.prototype.switchTo = function (li) {
    this.current = li;
    this.fillLegend();
    this.renderer._redraw();
    if (this.hovered >= 0) this.tip.setContent(this.tipContent(this.hovered));
    document.body.setAttribute("data-tw-layer", this.data.layers[li].id);
  };

  Page.prototype.controls = function () {
    var self = this, d = this.data, map = this.map;
    if (d.title) {
      var title = L.control({ position: "topright" });
      title.onAdd = function () { return el("div", "tw-box tw-title", d.title); };
      title.addTo(map);
    }
    // entries are added one by one, not through objects keyed by label, where a label
    // such as "__proto__" would be lost (labels are distinct: the page builder checks)
    var switcher = L.control.layers(null, null, { collapsed: false, position: "topright" });
    d.layers.forEach(function (layer, li) {
      var g = L.layerGroup();
      g._twLayer = li;
      switcher.addBaseLayer(g, escapeHtml(layer.label));
      if (li === 0) g.addTo(map);
    });
    (d.parents || []).forEach(function (p, pi) {
      var g = L.layerGroup().addTo(map);
      g._twParent = pi;
      switcher.addOverlay(g, escapeHtml(p.label));
    });
    if (d.basemap) {
      var tiles = L.tileLayer(d.basemap.url, { attribution: d.basemap.attribution, maxZoom: 19 });
      tiles.on("loading", function () { document.body.removeAttribute("data-tw-tiles"); });
      tiles.on("load", function () { document.body.setAttribute("data-tw-tiles", "loaded"); });
      tiles.addTo(map);
      switcher.addOverlay(tiles, escapeHtml(d.basemap.label));
    }
    if (d.layers.length > 1 || (d.parents || []).length || d.basemap) switcher.addTo(map);
    map.on("baselayerchange", function (e) {
      if (e.layer && e.layer._twLayer !== undefined) self.switchTo(e.layer._twLayer);
    });
    function toggle(on) {
      return function (e) {
        if (e.layer && e.layer._twParent !== undefined) {
          self.parentOn[e.layer._twParent] = on;
          self.renderer._redraw();
        }
      };
    }
    map.on("overlayadd", toggle(true));
    map.on("overlayremove", toggle(false));
    this.legend();
    this.search();
  };

  Page.prototype.search = function () {
    var self = this, d = this.data, map = this.map, norm = null;
    var ctl = L.control({ position: "topleft" });
    ctl.onAdd = function () {
      var box = el("div", "tw-box tw-search");
      var input = el("input");
      input.type = "search";
      input.placeholder = d.texts.search;
      input.setAttribute("aria-label", d.texts.search);
      var list = el("ul");
      box.appendChild(input);
      box.appendChild(list);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var found = [];
      input.addEventListener("input", function () {
        if (!norm) norm = d.names.map(normalize);
        var q = normalize(input.value);
        while (list.firstChild) list.removeChild(list.firstChild);
        found = [];
        if (q.length < 2) return;
        var exact = [], starts = [], contains = [];
        for (var f = 0; f < norm.length; f++) {
          if (!self.topo.drawn(f)) continue;
          var i = norm[f].indexOf(q);
          if (i === 0 && norm[f].length === q.length) exact.push(f);
          else if (i === 0 && starts.length < 50) starts.push(f);
          else if (i > 0 && contains.length < 10) contains.push(f);
        }
        starts.sort(function (a, b) { return norm[a].length - norm[b].length; });
        found = exact.concat(starts, contains).slice(0, 10);
        found.forEach(function (f) {
          var li = el("li", null, d.names[f] + " (" + d.codes[f] + ")");
          li.addEventListener("click", function () { choose(f); });
          list.appendChild(li);
        });
      });
      function choose(f) {
        self.select(f);
        input.value = d.names[f];
        while (list.firstChild) list.removeChild(list.firstChild);
        found = [];
      }
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && found.length) choose(found[0]);
      });
      return box;
    };
    ctl.addTo(map);
  };

  Page.prototype.select = function (f) {
    if (!this.topo.drawn(f)) return;
    var b = this.topo.bounds(f);
    this.map.fitBounds(b, { maxZoom: 12, animate: false });
    this.highlight(f);
    this.tip.setContent(this.tipContent(f));
    this.tip.setLatLng(b.getCenter());
    if (!this.map.hasLayer(this.tip)) this.tip.addTo(this.map);
    document.body.setAttribute("data-tw-tip", this.data.codes[f]);
    document.body.setAttribute("data-tw-selected", this.data.codes[f]);
  };

  function init(map, data) {
    var t0 = performance.now(), b = data.view;
    var page = new Page(map, data);
    page.draw();
    page.controls();
    // fit the view beside the legend and the switcher, then paint once
    var legend = page.legendDiv ? page.legendDiv.offsetWidth : 0;
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]], {
      animate: false,
      paddingTopLeft: [10, 10],
      paddingBottomRight: [Math.min(legend, map.getSize().x / 3) + 10, 10],
    });
    page.renderer.addTo(map);
    page.timings.init = performance.now() - t0;
    global.territorialPage = page;
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        global.territorialReady = performance.now();
        document.body.setAttribute("data-tw-ready", "1");
      });
    });
    return page;
  }

  global.territorialWeb = { init: init, varints: varints, formatNumber: formatNumber };
})(window);
