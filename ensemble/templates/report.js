// Filters, search and sort for an arc-report page. No network; state lives in the URL hash
// (#f=solved&src=s:dsl&q=abc&sort=time) so a filtered view can be bookmarked or shared.
(function () {
  "use strict";
  var box = document.getElementById("cards");
  if (!box) return;
  var cards = Array.prototype.slice.call(box.querySelectorAll(":scope > .card"));
  var shown = document.getElementById("shown");
  var q = document.getElementById("q");
  var src = document.getElementById("src");
  var sort = document.getElementById("sort");
  var buttons = Array.prototype.slice.call(document.querySelectorAll("button[data-f]"));
  var st = { f: "all", src: "", q: "", sort: "id" };
  var tests = {
    all: function () { return true; },
    solved: function (d) { return d.solved === "1"; },
    unsolved: function (d) { return d.solved === "0" || d.solved === "p"; },
    errors: function (d) { return d.status !== "ok"; },
    a: function (d) { return d.cmp === "a"; },
    b: function (d) { return d.cmp === "b"; }
  };
  function num(v, dflt) { var x = parseFloat(v); return isNaN(x) ? dflt : x; }
  function byId(a, b) { return a.dataset.id < b.dataset.id ? -1 : a.dataset.id > b.dataset.id ? 1 : 0; }
  var orders = {
    id: byId,
    time: function (a, b) { return num(b.dataset.time, 0) - num(a.dataset.time, 0) || byId(a, b); },
    score: function (a, b) { return num(b.dataset.score, -1) - num(a.dataset.score, -1) || byId(a, b); },
    status: function (a, b) {
      return (a.dataset.status === "ok") - (b.dataset.status === "ok") || byId(a, b);
    }
  };
  function match(d) {
    if (!(tests[st.f] || tests.all)(d)) return false;
    if (st.src) {
      var kind = st.src.slice(0, 1), name = st.src.slice(2);
      var list = ((kind === "s" ? d.by : d.src) || "").split(" ");
      if (list.indexOf(name) < 0) return false;
    }
    if (st.q && d.id.toLowerCase().indexOf(st.q.toLowerCase()) < 0) return false;
    return true;
  }
  function hash() {
    var p = new URLSearchParams();
    if (st.f !== "all") p.set("f", st.f);
    if (st.src) p.set("src", st.src);
    if (st.q) p.set("q", st.q);
    if (st.sort !== "id") p.set("sort", st.sort);
    var s = p.toString();
    return s ? "#" + s : location.pathname + location.search;
  }
  function apply(save) {
    var n = 0;
    for (var i = 0; i < cards.length; i++) {
      var ok = match(cards[i].dataset);
      cards[i].hidden = !ok;
      if (ok) n++;
    }
    if (shown) shown.textContent = "showing " + n + " of " + cards.length + " tasks";
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.f === st.f)); });
    if (save) history.replaceState(null, "", hash());
  }
  function resort() {
    var arr = cards.slice().sort(orders[st.sort] || orders.id);
    var frag = document.createDocumentFragment();
    arr.forEach(function (c) { frag.appendChild(c); });
    box.appendChild(frag);
  }
  function readHash() {
    var h = location.hash.slice(1);
    if (!h || h.indexOf("=") < 0) return;  // a plain #t-<task id> anchor
    var p = new URLSearchParams(h);
    st.f = p.get("f") || "all";
    st.src = p.get("src") || "";
    st.q = p.get("q") || "";
    st.sort = p.get("sort") || "id";
    if (q) q.value = st.q;
    if (src) src.value = st.src;
    if (sort) sort.value = st.sort;
  }
  buttons.forEach(function (b) {
    b.addEventListener("click", function () { st.f = b.dataset.f; apply(true); });
  });
  if (q) q.addEventListener("input", function () { st.q = q.value.trim(); apply(true); });
  if (src) src.addEventListener("change", function () { st.src = src.value; apply(true); });
  if (sort) sort.addEventListener("change", function () { st.sort = sort.value; resort(); apply(true); });
  readHash();
  if (st.sort !== "id") resort();
  apply(false);
  document.body.setAttribute("data-ready", "1");
  window.addEventListener("load", function () {
    document.body.setAttribute("data-load-ms", String(Math.round(performance.now())));
  });
})();
