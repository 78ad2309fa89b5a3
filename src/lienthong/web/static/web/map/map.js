/* Vessel-monitoring map: draws every <div class="vms-map"> of the page with Leaflet (web/vendor/leaflet/leaflet.js,
 * included before this file), with no tile layer: the sea is the container's background colour (map.css), the land
 * comes from data-coast, everything else from the JSON at data-source. No inline script or style anywhere (the site
 * runs under script-src 'self'; style-src 'self'): looks are CSS classes in map.css, elements are built with the DOM.
 *
 * Container attributes:
 *   data-coast              URL of the land polygons (GeoJSON), e.g. {% static 'web/map/coast.geojson' %}   (required)
 *   data-source             URL of the map's data, fetched with the page's credentials (same origin)      (required)
 *   data-coast-attribution  text shown in the map's corner for the coastline's licence (ODbL: "© OpenStreetMap ...")
 *   data-error              text shown in place of the map when the data cannot be loaded
 *
 * The JSON at data-source (every list may be empty or missing):
 *   zones    GeoJSON FeatureCollection; properties kind "allowed" | "forbidden", code, name
 *   ports    [{code, name, lat, lon, radius_km}]
 *   vessels  [{reg, name, lat, lon, time, speed, course, alert, alert_label, url}]; alert null or one of
 *            gap_over_6h, gap_over_10d, no_signal_24h (signal gaps: amber), outside_allowed_zone,
 *            inside_forbidden_zone (zones: red); course in degrees from north, null when unknown
 *   tracks   [{reg, points: [[lat, lon, "time label"], ...]}]
 *   alerts   [{id, reg, kind, label, lat, lon, start, end, url}]
 *   labels   {key: text}: every word the map shows (see LABEL KEYS below); a missing key shows nothing.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var GAP_ALERTS = { gap_over_6h: 1, gap_over_10d: 1, no_signal_24h: 1 };
  var ZONE_ALERTS = { outside_allowed_zone: 1, inside_forbidden_zone: 1 };
  var GULF = [[7.5, 102.0], [11.5, 107.0]]; // the coastline's extent: the view when there is nothing to fit

  // LABEL KEYS: zone_allowed, zone_forbidden, port, vessel, alert, last_position, track,
  // layer names zones, ports, vessels, tracks, alerts (fall back to the singular keys), legend,
  // vessel_ok, vessel_gap, vessel_zone (legend lines for the vessel colours), reg, name, time, speed, speed_unit,
  // course, radius_km, start, end, code (a zone's), land, details (the link to the record's page).
  function labeller(labels) {
    labels = labels || {};
    return function () {
      for (var i = 0; i < arguments.length; i++) {
        var text = labels[arguments[i]];
        if (text !== undefined && text !== null && text !== "") return String(text);
      }
      return ""; // never a word of this file's own: the page gives them all
    };
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svgEl(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    for (var name in attrs) node.setAttribute(name, attrs[name]);
    return node;
  }

  function number(value) {
    var n = typeof value === "number" ? value : parseFloat(value);
    return isFinite(n) ? n : null;
  }

  function hasPosition(item) {
    return item && number(item.lat) !== null && number(item.lon) !== null;
  }

  // A popup's body: a title, lines of "label: value" (empty values left out), a link.
  function card(title, rows, url, linkText) {
    var box = el("div", "vms-card");
    box.appendChild(el("strong", "vms-card__title", title));
    var list = el("dl", "vms-card__rows");
    rows.forEach(function (row) {
      if (row[1] === undefined || row[1] === null || row[1] === "") return;
      list.appendChild(el("dt", null, row[0]));
      list.appendChild(el("dd", null, row[1]));
    });
    box.appendChild(list);
    if (url) {
      var link = el("a", "vms-card__link", linkText);
      link.href = url;
      box.appendChild(link);
    }
    return box;
  }

  function vesselClass(alert) {
    if (!alert) return "vms-vessel--ok";
    if (GAP_ALERTS[alert]) return "vms-vessel--gap";
    if (ZONE_ALERTS[alert]) return "vms-vessel--zone";
    return "vms-vessel--zone"; // an alert this file does not know yet: shown as the more serious kind
  }

  // The vessel's mark: an arrow pointing along its course, or a dot when the course is unknown.
  function vesselGlyph(course) {
    var svg = svgEl("svg", { viewBox: "0 0 24 24", width: "24", height: "24", "aria-hidden": "true" });
    if (course === null) {
      svg.appendChild(svgEl("circle", { cx: "12", cy: "12", r: "5.5", class: "vms-glyph" }));
    } else {
      svg.appendChild(svgEl("path", { d: "M12 2 L19 20 L12 16 L5 20 Z", class: "vms-glyph", transform: "rotate(" + course + " 12 12)" }));
    }
    return svg;
  }

  function alertGlyph() {
    var svg = svgEl("svg", { viewBox: "0 0 24 24", width: "24", height: "24", "aria-hidden": "true" });
    svg.appendChild(svgEl("path", { d: "M12 1.5 L22.5 12 L12 22.5 L1.5 12 Z", class: "vms-glyph" }));
    svg.appendChild(svgEl("path", { d: "M12 6.5 V13.5 M12 16 V17.5", class: "vms-glyph-mark" }));
    return svg;
  }

  function portGlyph() {
    var svg = svgEl("svg", { viewBox: "0 0 16 16", width: "16", height: "16", "aria-hidden": "true" });
    svg.appendChild(svgEl("circle", { cx: "8", cy: "8", r: "5", class: "vms-glyph" }));
    return svg;
  }

  // The hatch of forbidden zones: one SVG pattern for the page (map.css fills .vms-zone--forbidden with it).
  function ensureHatch() {
    if (document.getElementById("vms-hatch")) return;
    var svg = svgEl("svg", { width: "0", height: "0", class: "vms-defs", "aria-hidden": "true", focusable: "false" });
    var defs = svgEl("defs", {});
    var pattern = svgEl("pattern", { id: "vms-hatch", width: "8", height: "8", patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
    pattern.appendChild(svgEl("rect", { width: "8", height: "8", class: "vms-hatch-ground" }));
    pattern.appendChild(svgEl("line", { x1: "0", y1: "0", x2: "0", y2: "8", class: "vms-hatch-line" }));
    defs.appendChild(pattern);
    svg.appendChild(defs);
    document.body.appendChild(svg);
  }

  function pane(map, name, zIndexClass) {
    var node = map.createPane(name);
    node.classList.add(zIndexClass);
    return name;
  }

  function legendControl(t, hasCoast) {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var details = el("details", "vms-legend leaflet-bar");
      if (!window.matchMedia || !window.matchMedia("(max-width: 600px)").matches) details.open = true;
      details.appendChild(el("summary", "vms-legend__title", t("legend") || "…"));
      var list = el("ul", "vms-legend__list");
      function item(swatchClass, text) {
        if (!text) return;
        var li = el("li", "vms-legend__item");
        var swatch = el("span", "vms-swatch " + swatchClass);
        swatch.setAttribute("aria-hidden", "true");
        li.appendChild(swatch);
        li.appendChild(el("span", null, text));
        list.appendChild(li);
      }
      item("vms-swatch--allowed", t("zone_allowed"));
      item("vms-swatch--forbidden", t("zone_forbidden"));
      item("vms-swatch--port", t("port"));
      item("vms-swatch--vessel-ok", t("vessel_ok", "vessel"));
      item("vms-swatch--vessel-gap", t("vessel_gap", "alert"));
      item("vms-swatch--vessel-zone", t("vessel_zone", "alert"));
      item("vms-swatch--track", t("track", "tracks"));
      item("vms-swatch--alert", t("alert", "alerts"));
      if (hasCoast) item("vms-swatch--land", t("land")); // shown only when the page names it
      details.appendChild(list);
      L.DomEvent.disableClickPropagation(details);
      L.DomEvent.disableScrollPropagation(details);
      return details;
    };
    return control;
  }

  function draw(container, coast, data) {
    var t = labeller(data.labels);
    ensureHatch();
    var map = L.map(container, {
      zoomSnap: 0.5,
      minZoom: 6,
      maxZoom: 15,
      maxBounds: L.latLngBounds(GULF).pad(0.5),
      attributionControl: false,
      preferCanvas: false,
    });
    var attribution = container.getAttribute("data-coast-attribution");
    if (attribution) L.control.attribution({ prefix: false }).addAttribution(attribution).addTo(map);

    var landPane = pane(map, "vms-land", "vms-pane-land");
    var zonePane = pane(map, "vms-zones", "vms-pane-zones");
    var portPane = pane(map, "vms-port-areas", "vms-pane-ports");

    if (coast) {
      L.geoJSON(coast, { pane: landPane, interactive: false, className: "vms-land" }).addTo(map);
    }

    var zones = L.geoJSON(data.zones || null, {
      pane: zonePane,
      style: function (feature) {
        var kind = feature.properties && feature.properties.kind === "forbidden" ? "forbidden" : "allowed";
        return { className: "vms-zone vms-zone--" + kind };
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties || {};
        var kind = p.kind === "forbidden" ? t("zone_forbidden") : t("zone_allowed");
        layer.bindTooltip([p.name, p.code].filter(Boolean).join(" · ") || kind, { sticky: true, className: "vms-tip" });
        layer.bindPopup(card(p.name || kind, [[t("zones", "zone_allowed"), kind], [t("code"), p.code]]));
      },
    });

    var ports = L.layerGroup();
    (data.ports || []).filter(hasPosition).forEach(function (port) {
      var at = [number(port.lat), number(port.lon)];
      var radius = number(port.radius_km);
      if (radius) {
        L.circle(at, { radius: radius * 1000, pane: portPane, interactive: false, className: "vms-port-area" }).addTo(ports);
      }
      L.marker(at, {
        icon: L.divIcon({ className: "vms-port", html: portGlyph(), iconSize: [16, 16], iconAnchor: [8, 8], popupAnchor: [0, -8] }),
        title: port.name || port.code || "",
        alt: t("port"),
      })
        .bindTooltip(port.name || port.code || "", { direction: "right", offset: [8, 0], className: "vms-tip vms-tip--port" })
        .bindPopup(card(port.name || port.code, [[t("port"), port.code], [t("radius_km"), radius === null ? null : radius + " km"]]))
        .addTo(ports);
    });

    var vessels = L.layerGroup();
    var fit = [];
    (data.vessels || []).filter(hasPosition).forEach(function (v) {
      var at = [number(v.lat), number(v.lon)];
      fit.push(at);
      var course = number(v.course);
      var speed = number(v.speed);
      var icon = L.divIcon({
        className: "vms-vessel " + vesselClass(v.alert),
        html: vesselGlyph(course),
        iconSize: [24, 24],
        iconAnchor: [12, 12],
        popupAnchor: [0, -10],
      });
      var rows = [
        [t("name"), v.name],
        [t("last_position"), v.time],
        [t("speed"), speed === null ? null : speed + (t("speed_unit") ? " " + t("speed_unit") : "")],
        [t("course"), course === null ? null : Math.round(course) + "°"],
        [t("alert"), v.alert ? v.alert_label || v.alert : null],
      ];
      L.marker(at, { icon: icon, title: [v.reg, v.name].filter(Boolean).join(" · "), alt: t("vessel"), riseOnHover: true })
        .bindPopup(card(v.reg, rows, v.url, t("details")))
        .addTo(vessels);
    });

    var tracks = L.layerGroup();
    (data.tracks || []).forEach(function (track) {
      var points = (track.points || []).filter(function (p) {
        return p && number(p[0]) !== null && number(p[1]) !== null;
      });
      if (!points.length) return;
      var line = points.map(function (p) {
        return [number(p[0]), number(p[1])];
      });
      fit.push.apply(fit, line);
      L.polyline(line, { className: "vms-track" })
        .bindTooltip(t("track") + " " + (track.reg || ""), { sticky: true, className: "vms-tip" })
        .addTo(tracks);
      points.forEach(function (p) {
        L.circleMarker([number(p[0]), number(p[1])], { radius: 3.5, className: "vms-track-dot" })
          .bindTooltip([track.reg, p[2]].filter(Boolean).join(" · "), { className: "vms-tip" })
          .addTo(tracks);
      });
    });

    var alerts = L.layerGroup();
    (data.alerts || []).filter(hasPosition).forEach(function (a) {
      var kindClass = GAP_ALERTS[a.kind] ? "vms-alert--gap" : "vms-alert--zone";
      L.marker([number(a.lat), number(a.lon)], {
        icon: L.divIcon({ className: "vms-alert " + kindClass, html: alertGlyph(), iconSize: [24, 24], iconAnchor: [12, 12], popupAnchor: [0, -10] }),
        title: [a.reg, a.label].filter(Boolean).join(" · "),
        alt: t("alert"),
        zIndexOffset: 500,
      })
        .bindPopup(card(a.label || a.kind, [[t("reg"), a.reg], [t("start"), a.start], [t("end"), a.end]], a.url, t("details")))
        .addTo(alerts);
    });

    [zones, ports, tracks, vessels, alerts].forEach(function (layer) {
      layer.addTo(map);
    });
    var overlays = {};
    overlays[t("zones", "zone_allowed")] = zones;
    overlays[t("ports", "port")] = ports;
    overlays[t("vessels", "vessel")] = vessels;
    overlays[t("tracks", "track")] = tracks;
    overlays[t("alerts", "alert")] = alerts;
    L.control.layers(null, overlays, { collapsed: true, position: "topright" }).addTo(map);
    legendControl(t, !!coast).addTo(map);
    L.control.scale({ imperial: false, position: "bottomright" }).addTo(map);

    var bounds = fit.length ? L.latLngBounds(fit) : null;
    if (!bounds && zones.getLayers().length) bounds = zones.getBounds();
    if (!bounds && ports.getLayers().length) {
      bounds = L.latLngBounds([]);
      ports.eachLayer(function (layer) {
        if (layer.getLatLng) bounds.extend(layer.getLatLng());
      });
    }
    if (bounds && bounds.isValid()) {
      map.fitBounds(bounds.pad(0.08), { maxZoom: 11 });
    } else {
      map.fitBounds(GULF);
    }
    container.vmsMap = map; // for the page's own code and for tests
    container.classList.add("vms-map--ready");
    return map;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.json();
    });
  }

  function start(container) {
    if (container.vmsStarted) return;
    container.vmsStarted = true;
    var source = container.getAttribute("data-source");
    var coastUrl = container.getAttribute("data-coast");
    var coast = coastUrl
      ? getJSON(coastUrl).catch(function (error) {
          if (window.console) console.warn("vms map: coastline not loaded", error);
          return null; // the map still works on the sea colour alone
        })
      : Promise.resolve(null);
    var data = source ? getJSON(source) : Promise.resolve({});
    Promise.all([coast, data])
      .then(function (loaded) {
        draw(container, loaded[0], loaded[1] || {});
      })
      .catch(function (error) {
        if (window.console) console.warn("vms map: data not loaded", error);
        container.classList.add("vms-map--failed");
        container.textContent = container.getAttribute("data-error") || "Không tải được dữ liệu bản đồ.";
      });
  }

  function startAll() {
    if (!window.L) return;
    Array.prototype.forEach.call(document.querySelectorAll(".vms-map"), start);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startAll);
  else startAll();
})();
