#include "fleetlab/report/charts_page.h"

#include <algorithm>

#include "fleetlab/version.h"

namespace fleetlab {
namespace {

using nlohmann::json;

bool Usable(const json& v, bool log) { return v.is_number() && (!log || v.get<double>() > 0); }

// The page's styles and its SVG renderer. Plain ES2017, no library: it reads
// the data block, draws each chart (axes with 1-2-5 or decade ticks, every
// point, the front joined in order of x), and shows a point's fields on
// hover or focus.
constexpr const char* kStyle = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:980px;color:#222;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 2px}.sub,.cap{color:#555;margin:0 0 10px}
svg{background:#fff;border:1px solid #ddd;max-width:100%;height:auto}.axis{stroke:#444}.grid{stroke:#eee}
.tick{font-size:11px;fill:#444}.lab{font-size:12px;fill:#222}.pt{fill:#9a9a9a;fill-opacity:.55}
.fr{fill:#0072B2}.front{fill:none;stroke:#0072B2;stroke-width:2}.pt:hover,.fr:hover,.pt:focus,.fr:focus{stroke:#D55E00;stroke-width:3;outline:none}
#tip{position:fixed;pointer-events:none;background:#fffffa;border:1px solid #999;padding:6px 8px;font-size:12px;display:none;white-space:pre;box-shadow:0 2px 6px rgba(0,0,0,.2)}
table{border-collapse:collapse;margin:8px 0 0;font-size:12px}td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}th{background:#f4f4f4}
td:first-child,th:first-child{text-align:left}.wrap{overflow-x:auto}td{white-space:nowrap}.empty{color:#a00}footer{margin-top:28px;color:#777;font-size:12px}
)css";

constexpr const char* kScript = R"js(
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("fleetlab-data").textContent);
  var NS = "http://www.w3.org/2000/svg", W = 720, H = 380, L = 78, R = 20, T = 16, B = 52;
  var tip = document.getElementById("tip"), root = document.getElementById("charts");
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmt(v) {
    if (typeof v !== "number") return v === null || v === undefined ? "-" : String(v);
    var a = Math.abs(v);
    if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
    return String(Math.round(v * 1000) / 1000);
  }
  function ticks(lo, hi, log) {
    var out = [], p, s;
    if (log) {
      for (p = Math.floor(Math.log10(lo)); p <= Math.ceil(Math.log10(hi)); p++) {
        [1, 2, 5].forEach(function (m) { var v = m * Math.pow(10, p); if (v >= lo && v <= hi) out.push(v); });
      }
      return out;
    }
    var span = hi - lo || Math.abs(hi) || 1, raw = span / 6, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    s = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
    for (p = Math.ceil(lo / s) * s; p <= hi + s * 1e-9; p += s) out.push(Math.abs(p) < s * 1e-9 ? 0 : p);
    return out;
  }
  function scale(vals, log, a, b) {
    var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals);
    if (log) { lo = lo / 1.25; hi = hi * 1.25; } else { var pad = (hi - lo) * 0.06 || Math.abs(hi) * 0.1 || 1; lo -= pad; hi += pad; if (lo < 0 && Math.min.apply(null, vals) >= 0) lo = 0; }
    var f = log ? Math.log10 : function (v) { return v; }, fl = f(lo), fh = f(hi);
    return { lo: lo, hi: hi, log: log, px: function (v) { return a + (f(v) - fl) / (fh - fl || 1) * (b - a); } };
  }
  function show(ev, p) {
    tip.textContent = D.hover.map(function (k) { return k + ": " + fmt(p[k]); }).join("\n");
    tip.style.display = "block";
    var r = ev.target.getBoundingClientRect();
    tip.style.left = Math.min(window.innerWidth - 260, r.right + 8) + "px";
    tip.style.top = Math.max(4, r.top - 8) + "px";
  }
  function hide() { tip.style.display = "none"; }
  D.charts.forEach(function (c, ci) {
    var sec = document.createElement("section");
    sec.setAttribute("data-chart", String(ci));
    var h = document.createElement("h2"); h.textContent = c.title; sec.appendChild(h);
    var cap = document.createElement("p"); cap.className = "cap"; cap.textContent = c.caption; sec.appendChild(cap);
    root.appendChild(sec);
    var idx = [];
    D.points.forEach(function (p, i) {
      var x = p[c.x], y = p[c.y];
      if (typeof x === "number" && typeof y === "number" && (!c.xlog || x > 0) && (!c.ylog || y > 0)) idx.push(i);
    });
    if (!idx.length) { var e = document.createElement("p"); e.className = "empty"; e.textContent = "No point has both " + c.xl + " and " + c.yl + "."; sec.appendChild(e); return; }
    var sx = scale(idx.map(function (i) { return D.points[i][c.x]; }), c.xlog, L, W - R);
    var sy = scale(idx.map(function (i) { return D.points[i][c.y]; }), c.ylog, H - B, T);
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img", "aria-label": c.title + ". " + c.caption }, sec);
    ticks(sx.lo, sx.hi, c.xlog).forEach(function (v) {
      var x = sx.px(v); el("line", { x1: x, x2: x, y1: T, y2: H - B, "class": "grid" }, svg);
      el("text", { x: x, y: H - B + 16, "text-anchor": "middle", "class": "tick" }, svg).textContent = fmt(v);
    });
    ticks(sy.lo, sy.hi, c.ylog).forEach(function (v) {
      var y = sy.px(v); el("line", { x1: L, x2: W - R, y1: y, y2: y, "class": "grid" }, svg);
      el("text", { x: L - 6, y: y + 4, "text-anchor": "end", "class": "tick" }, svg).textContent = fmt(v);
    });
    el("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, "class": "axis" }, svg);
    el("line", { x1: L, x2: L, y1: T, y2: H - B, "class": "axis" }, svg);
    el("text", { x: (L + W - R) / 2, y: H - 12, "text-anchor": "middle", "class": "lab" }, svg).textContent = c.xl + (c.xlog ? " (log)" : "");
    el("text", { x: 16, y: (T + H - B) / 2, "text-anchor": "middle", transform: "rotate(-90 16 " + (T + H - B) / 2 + ")", "class": "lab" }, svg).textContent = c.yl + (c.ylog ? " (log)" : "");
    var front = {};
    c.front.forEach(function (i) { front[i] = true; });
    el("polyline", { points: c.front.map(function (i) { return sx.px(D.points[i][c.x]) + "," + sy.px(D.points[i][c.y]); }).join(" "), "class": "front" }, svg);
    idx.forEach(function (i) {
      var p = D.points[i];
      var dot = el("circle", { cx: sx.px(p[c.x]), cy: sy.px(p[c.y]), r: front[i] ? 5.5 : 4, "class": front[i] ? "fr" : "pt", tabindex: "0", "data-index": String(i) }, svg);
      el("title", {}, dot).textContent = D.hover.map(function (k) { return k + ": " + fmt(p[k]); }).join("\n");
      dot.addEventListener("mouseenter", function (ev) { show(ev, p); });
      dot.addEventListener("focus", function (ev) { show(ev, p); });
      dot.addEventListener("mouseleave", hide);
      dot.addEventListener("blur", hide);
    });
    var table = document.createElement("table"), head = document.createElement("tr");
    D.hover.forEach(function (k) { var th = document.createElement("th"); th.textContent = k; head.appendChild(th); });
    table.appendChild(head);
    c.front.forEach(function (i) {
      var tr = document.createElement("tr");
      D.hover.forEach(function (k) { var td = document.createElement("td"); td.textContent = fmt(D.points[i][k]); tr.appendChild(td); });
      table.appendChild(tr);
    });
    var note = document.createElement("p"); note.className = "cap";
    note.textContent = idx.length + " points; the front (blue): " + c.front.length + ", listed below.";
    var wrap = document.createElement("div"); wrap.className = "wrap"; wrap.appendChild(table);
    sec.appendChild(note); sec.appendChild(wrap);
  });
  document.body.setAttribute("data-ready", "1");
})();
)js";

// JSON for a <script type="application/json"> block: "<" escaped so that no
// string in the data (a scenario name) can close the block.
std::string ScriptJson(const json& data) {
  const std::string text = data.dump();
  std::string out;
  out.reserve(text.size());
  for (char c : text) out += c == '<' ? std::string("\\u003c") : std::string(1, c);
  return out;
}

std::string EscapeHtml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::vector<std::size_t> ParetoFront(const json& points, const ScatterChart& c) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const json& p = points[i];
    if (p.is_object() && p.contains(c.x_key) && p.contains(c.y_key) && Usable(p[c.x_key], c.x_log) &&
        Usable(p[c.y_key], c.y_log)) {
      idx.push_back(i);
    }
  }
  const auto x = [&](std::size_t i) { return points[i][c.x_key].get<double>() * (c.maximize_x ? -1 : 1); };
  const auto y = [&](std::size_t i) { return points[i][c.y_key].get<double>(); };
  // Best x first (ties: best y); a point joins the front when its y beats
  // every point before it.
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    return x(a) != x(b) ? x(a) < x(b) : y(a) < y(b);
  });
  std::vector<std::size_t> front;
  for (std::size_t i : idx) {
    if (front.empty() || y(i) < y(front.back())) front.push_back(i);
  }
  std::sort(front.begin(), front.end(), [&](std::size_t a, std::size_t b) {
    return points[a][c.x_key].get<double>() < points[b][c.x_key].get<double>();
  });
  return front;
}

std::string ChartsPage(const std::string& title, const std::string& subtitle, const json& points,
                       const std::vector<ScatterChart>& charts, const std::vector<std::string>& hover) {
  json data = {{"points", points}, {"hover", hover}, {"charts", json::array()}};
  for (const ScatterChart& c : charts) {
    data["charts"].push_back({{"title", c.title}, {"caption", c.caption}, {"x", c.x_key}, {"y", c.y_key},
                              {"xl", c.x_label}, {"yl", c.y_label}, {"xlog", c.x_log}, {"ylog", c.y_log},
                              {"front", ParetoFront(points, c)}});
  }
  std::string page = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  page += "<title>" + EscapeHtml(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  page += "<h1>" + EscapeHtml(title) + "</h1>\n<p class=\"sub\">" + EscapeHtml(subtitle) + "</p>\n";
  page += "<div id=\"charts\"></div>\n<div id=\"tip\" role=\"tooltip\"></div>\n";
  page += std::string("<footer>fleetlab ") + kVersion +
          ": the Pareto front joins the points no other point beats on both axes; hover or focus a point for its "
          "figures. Self-contained: nothing is loaded from elsewhere.</footer>\n";
  page += "<script type=\"application/json\" id=\"fleetlab-data\">" + ScriptJson(data) + "</script>\n";
  page += std::string("<script>") + kScript + "</script>\n</body>\n</html>\n";
  return page;
}

}  // namespace fleetlab
