/* suasion workbench: optional enhancements. Every page works without this file. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : null;
  }

  // htmx requests to the register's JSON API carry the session's CSRF token.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) { event.detail.headers["X-CSRF-Token"] = token; }
  });

  var d3Waiting = [];
  function withD3(callback) {
    if (window.d3) { callback(window.d3); return; }
    d3Waiting.push(callback);
    if (document.getElementById("d3-script")) { return; }
    var script = document.createElement("script");
    script.id = "d3-script";
    script.src = "/static/vendor/d3.min.js";
    script.onload = function () { var queue = d3Waiting; d3Waiting = []; queue.forEach(function (cb) { cb(window.d3); }); };
    document.head.appendChild(script);
  }

  function zoomable(d3, svg) {
    if (!svg) { return; }
    var layer = svg.querySelector(":scope > g");
    if (!layer) { return; }
    var base = layer.getAttribute("transform") || "";
    d3.select(svg).call(d3.zoom().scaleExtent([1, 12]).on("zoom", function (event) {
      layer.setAttribute("transform", event.transform.toString() + " " + base);
    }));
  }

  function bindForms(root) {
    root.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      if (form.dataset.bound) { return; }
      form.dataset.bound = "1";
      form.addEventListener("change", function (event) {
        if (event.target.matches("select, input[type=radio]")) { form.requestSubmit(); }
      });
    });
  }

  function bindMaps(root) {
    root.querySelectorAll("[data-map]").forEach(function (wrap) {
      if (wrap.dataset.bound) { return; }
      wrap.dataset.bound = "1";
      wrap.addEventListener("click", function (event) {
        var unit = event.target.closest("[data-iso3]");
        if (!unit) { return; }
        var params = new URLSearchParams();
        params.set(wrap.dataset.param, unit.getAttribute("data-iso3"));
        params.set("year", wrap.dataset.year);
        params.set("model", wrap.dataset.model);
        window.location.assign(wrap.dataset.base + "?" + params.toString());
      });
      withD3(function (d3) { zoomable(d3, wrap.querySelector("svg.chart")); });
    });
  }

  function bindNetworks(root) {
    root.querySelectorAll("[data-network]").forEach(function (wrap) {
      if (wrap.dataset.bound) { return; }
      wrap.dataset.bound = "1";
      var svg = wrap.querySelector("svg.chart");
      if (!svg) { return; }
      function highlight(id) {
        svg.querySelectorAll(".edge").forEach(function (edge) {
          var on = !id || edge.getAttribute("data-source") === id || edge.getAttribute("data-target") === id;
          edge.classList.toggle("dim", !on);
        });
        svg.querySelectorAll(".node").forEach(function (node) {
          node.classList.toggle("dim", !!id && node.getAttribute("data-id") !== id &&
            !svg.querySelector('.edge[data-source="' + id + '"][data-target="' + node.getAttribute("data-id") + '"], ' +
                               '.edge[data-target="' + id + '"][data-source="' + node.getAttribute("data-id") + '"]'));
        });
      }
      svg.addEventListener("mouseover", function (event) {
        var node = event.target.closest(".node");
        highlight(node ? node.getAttribute("data-id") : null);
      });
      svg.addEventListener("mouseleave", function () { highlight(null); });
      wrap.querySelectorAll("table tbody tr").forEach(function (row) {
        var cell = row.querySelector("th");
        var id = cell ? cell.textContent.trim() : null;
        row.addEventListener("mouseenter", function () { highlight(id); });
        row.addEventListener("mouseleave", function () { highlight(null); });
        row.addEventListener("focusin", function () { highlight(id); });
        row.addEventListener("focusout", function () { highlight(null); });
      });
      withD3(function (d3) {
        var layers = svg.querySelectorAll(":scope > g");
        d3.select(svg).call(d3.zoom().scaleExtent([0.5, 6]).on("zoom", function (event) {
          layers.forEach(function (layer) { layer.setAttribute("transform", event.transform.toString()); });
        }));
      });
    });
  }

  function enhance(root) {
    bindForms(root);
    bindMaps(root);
    bindNetworks(root);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSettle", function () { enhance(document); });
})();
