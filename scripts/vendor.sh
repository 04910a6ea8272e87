#!/usr/bin/env bash
# Refresh the vendored front-end assets from the npm registry (see static/vendor/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
BOOTSTRAP=5.3.9
HTMX=2.0.11
# PDF.js: the modern build (ES modules; Chromium, Firefox and Safari of the last two years).
PDFJS=6.5.438
SWAGGER_UI=5.35.0
# axe-core: only for the accessibility tests (tests/a11y.py injects it; never served).
AXE=4.14.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "bootstrap@$BOOTSTRAP" "htmx.org@$HTMX" "pdfjs-dist@$PDFJS" "swagger-ui-dist@$SWAGGER_UI" "axe-core@$AXE" >/dev/null)
mkdir -p "$tmp/b" "$tmp/h" "$tmp/p" "$tmp/s" "$tmp/a"
tar xzf "$tmp/bootstrap-$BOOTSTRAP.tgz" -C "$tmp/b"
tar xzf "$tmp/htmx.org-$HTMX.tgz" -C "$tmp/h"
tar xzf "$tmp/pdfjs-dist-$PDFJS.tgz" -C "$tmp/p"
tar xzf "$tmp/swagger-ui-dist-$SWAGGER_UI.tgz" -C "$tmp/s"
tar xzf "$tmp/axe-core-$AXE.tgz" -C "$tmp/a"
dest_b="static/vendor/bootstrap-$BOOTSTRAP" dest_h="static/vendor/htmx-$HTMX"
mkdir -p "$dest_b" "$dest_h"
cp "$tmp/b/package/dist/css/bootstrap.min.css" "$tmp/b/package/dist/js/bootstrap.bundle.min.js" "$tmp/b/package/LICENSE" "$dest_b/"
cp "$tmp/h/package/dist/htmx.min.js" "$tmp/h/package/LICENSE" "$dest_h/"
# Only the library and its worker: the project's own viewer (static/js/pdf-viewer.mjs) draws
# the pages; no viewer app, no source maps, no wasm decoders (our PDFs need none).
dest_p="static/vendor/pdfjs-$PDFJS"
mkdir -p "$dest_p"
cp "$tmp/p/package/build/pdf.min.mjs" "$tmp/p/package/build/pdf.worker.min.mjs" "$tmp/p/package/LICENSE" "$dest_p/"
# Swagger UI: the API's interactive docs at /api/v1/docs.
dest_s="static/vendor/swagger-ui-$SWAGGER_UI"
mkdir -p "$dest_s"
cp "$tmp/s/package/swagger-ui-bundle.js" "$tmp/s/package/swagger-ui.css" "$tmp/s/package/LICENSE" "$tmp/s/package/NOTICE" "$dest_s/"
dest_a="static/vendor/axe-core-$AXE"
mkdir -p "$dest_a"
cp "$tmp/a/package/axe.min.js" "$tmp/a/package/LICENSE" "$dest_a/"
echo "vendored bootstrap $BOOTSTRAP, htmx $HTMX, pdfjs-dist $PDFJS, swagger-ui-dist $SWAGGER_UI and axe-core $AXE"
