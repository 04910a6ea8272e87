// Starts the vendored Swagger UI on the OpenAPI document named by the page (no inline script).
(function () {
  var node = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: node.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
  });
})();
