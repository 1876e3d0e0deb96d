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
    layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 60000,
              idealEdgeLength: 110, componentSpacing: 60, nodeOverlap: 20, padding: 24 },
    minZoom: 0.2,
    maxZoom: 4,
    style: [
      { selector: "node", style: {
          "background-color": "data(colour)",
          "label": "data(label)",
          "width": "mapData(statements, 1, 32, 16, 64)",
          "height": "mapData(statements, 1, 32, 16, 64)",
          "font-size": 20,
          "color": "#222",
          "text-valign": "bottom",
          "text-margin-y": 2,
          "text-wrap": "ellipsis",
          "text-max-width": 220 } },
      { selector: "edge", style: {
          "width": "mapData(weight, 1, 10, 1, 9)",
          "line-color": "#b8b8b8",
          "opacity": 0.7,
          "curve-style": "haystack" } },
      // the names of the entities few statements name appear on hover or selection
      { selector: "node[statements < 3]", style: { "label": "" } },
      { selector: "node:selected, node.hover", style: {
          "label": "data(label)", "border-width": 3, "border-color": "#222", "z-index": 10 } }
    ]
  });
  cy.on("tap", "node", function (event) {
    var href = event.target.data("href");
    if (href) {
      window.location.assign(href);
    }
  });
  cy.on("mouseover", "node", function (event) { event.target.addClass("hover"); });
  cy.on("mouseout", "node", function (event) { event.target.removeClass("hover"); });
  container.setAttribute("data-nodes", String(cy.nodes().length));
  window.scmgraphNetwork = cy;
})();
