// The entity network of /graph, drawn with Cytoscape.js from the JSON the page embeds.
// Clicking (or tapping) an entity opens its page.
(function () {
  "use strict";
  var container = document.getElementById("graph");
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var elements = data.nodes.map(function (node) {
    return { group: "nodes", data: node };
  }).concat(data.edges.map(function (edge) {
    return { group: "edges", data: edge };
  }));
  var cy = cytoscape({
    container: container,
    elements: elements,
    layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 12000,
              idealEdgeLength: 90, padding: 20 },
    minZoom: 0.2,
    maxZoom: 4,
    style: [
      { selector: "node", style: {
          "background-color": "data(colour)",
          "label": "data(label)",
          "width": "mapData(statements, 1, 40, 12, 48)",
          "height": "mapData(statements, 1, 40, 12, 48)",
          "font-size": 10,
          "color": "#222",
          "text-valign": "bottom",
          "text-margin-y": 2,
          "text-wrap": "ellipsis",
          "text-max-width": 120 } },
      { selector: "edge", style: {
          "width": "mapData(weight, 1, 10, 0.6, 6)",
          "line-color": "#b8b8b8",
          "opacity": 0.7,
          "curve-style": "haystack" } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#222" } }
    ]
  });
  cy.on("tap", "node", function (event) {
    var href = event.target.data("href");
    if (href) {
      window.location.assign(href);
    }
  });
  container.setAttribute("data-nodes", String(cy.nodes().length));
  window.scmgraphNetwork = cy;
})();
