// The project's PDF viewer: draws a PDF into <canvas> elements with the vendored PDF.js, so
// a letter can be read beside the actions on any screen (a phone's browser shows an
// <iframe>'d PDF as a black box). No inline script (Content-Security-Policy): the markup is
//
//   <div class="pdf-viewer" data-pdf-viewer data-src="/naskah/1/pdf/"
//        data-label-one-page="1 page" data-label-pages="{n} pages" data-label-page="Page {n}"
//        data-label-error="…">
//     <div class="pdf-viewer-bar">… <span data-pdf-count></span> <a href="…">download</a></div>
//     <div class="pdf-viewer-pages" data-pdf-pages></div>
//   </div>
//
// Every page gets a placeholder of the right shape at once and is drawn when it comes near
// the viewport (IntersectionObserver), at the container's width times the device pixel
// ratio, and drawn again when that width changes. The element's data-pdf-state says
// "loading", "ready" (first page drawn) or "error"; the download link always works.
// Viewers added later (an htmx swap of the drafting preview) are picked up by a
// MutationObserver.

const script = document.querySelector("script[data-pdfjs-lib]");
let libPromise = null;

function loadLib() {
  if (!libPromise) {
    libPromise = import(script.dataset.pdfjsLib).then((lib) => {
      lib.GlobalWorkerOptions.workerSrc = script.dataset.pdfjsWorker;
      return lib;
    });
  }
  return libPromise;
}

function label(el, name, n) {
  const text = el.dataset[name] || "";
  return text.replace("{n}", String(n));
}

function setState(el, state) {
  el.dataset.pdfState = state;
}

class Viewer {
  constructor(el) {
    this.el = el;
    this.pagesEl = el.querySelector("[data-pdf-pages]") || el;
    this.countEl = el.querySelector("[data-pdf-count]");
    this.slots = [];
    this.width = 0;
    this.doc = null;
    this.task = null;
  }

  async open() {
    setState(this.el, "loading");
    try {
      const lib = await loadLib();
      this.task = lib.getDocument({
        url: this.el.dataset.src,
        withCredentials: true,
        // Nothing from a letter runs: no scripting, no XFA forms, no annotation editing.
        enableXfa: false,
      });
      this.doc = await this.task.promise;
    } catch (error) {
      this.fail(error);
      return;
    }
    if (!this.el.isConnected) {
      this.destroy();
      return;
    }
    const count = this.doc.numPages;
    this.el.dataset.pdfPageCount = String(count);
    if (this.countEl) {
      this.countEl.textContent = label(this.el, count === 1 ? "labelOnePage" : "labelPages", count);
    }
    const first = await this.doc.getPage(1);
    const base = first.getViewport({ scale: 1 });
    this.observer = new IntersectionObserver((entries) => this.onVisible(entries), {
      root: null,
      rootMargin: "600px 0px",
    });
    for (let n = 1; n <= count; n += 1) {
      const slot = document.createElement("div");
      slot.className = "pdf-viewer-page";
      slot.dataset.page = String(n);
      slot.style.aspectRatio = `${base.width} / ${base.height}`;
      slot.setAttribute("role", "img");
      slot.setAttribute("aria-label", label(this.el, "labelPage", n));
      this.pagesEl.appendChild(slot);
      this.slots.push(slot);
      this.observer.observe(slot);
    }
    this.width = this.pagesEl.clientWidth;
    this.resizer = new ResizeObserver(() => this.onResize());
    this.resizer.observe(this.pagesEl);
  }

  onVisible(entries) {
    for (const entry of entries) {
      if (entry.isIntersecting) this.draw(entry.target);
    }
  }

  onResize() {
    const width = this.pagesEl.clientWidth;
    if (!width || Math.abs(width - this.width) < 8) return;
    this.width = width;
    clearTimeout(this.resizeTimer);
    this.resizeTimer = setTimeout(() => {
      for (const slot of this.slots) {
        if (slot.dataset.drawnWidth) {
          delete slot.dataset.drawnWidth;
          this.draw(slot);
        }
      }
    }, 200);
  }

  async draw(slot) {
    const width = this.pagesEl.clientWidth || 600;
    if (slot.dataset.drawnWidth === String(width) || slot.dataset.drawing) return;
    slot.dataset.drawing = "1";
    try {
      const page = await this.doc.getPage(Number(slot.dataset.page));
      const base = page.getViewport({ scale: 1 });
      slot.style.aspectRatio = `${base.width} / ${base.height}`;
      const ratio = window.devicePixelRatio || 1;
      const viewport = page.getViewport({ scale: (width / base.width) * ratio });
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      await page.render({ canvas, viewport }).promise;
      slot.replaceChildren(canvas);
      slot.dataset.drawnWidth = String(width);
      if (slot.dataset.page === "1") setState(this.el, "ready");
    } catch (error) {
      if (error && error.name === "RenderingCancelledException") return;
      this.fail(error);
    } finally {
      delete slot.dataset.drawing;
    }
  }

  fail(error) {
    setState(this.el, "error");
    const note = document.createElement("p");
    note.className = "small text-danger mb-0 pdf-viewer-error";
    note.textContent = this.el.dataset.labelError || String(error);
    this.pagesEl.replaceChildren(note);
    if (window.console) console.warn("pdf-viewer:", error);
  }

  destroy() {
    if (this.observer) this.observer.disconnect();
    if (this.resizer) this.resizer.disconnect();
    if (this.task) this.task.destroy();
  }
}

const viewers = new WeakMap();

function start(root) {
  const found = root.matches && root.matches("[data-pdf-viewer]") ? [root] : [];
  if (root.querySelectorAll) found.push(...root.querySelectorAll("[data-pdf-viewer]"));
  for (const el of found) {
    if (viewers.has(el)) continue;
    const viewer = new Viewer(el);
    viewers.set(el, viewer);
    viewer.open();
  }
}

function stop(root) {
  const found = root.matches && root.matches("[data-pdf-viewer]") ? [root] : [];
  if (root.querySelectorAll) found.push(...root.querySelectorAll("[data-pdf-viewer]"));
  for (const el of found) {
    const viewer = viewers.get(el);
    if (viewer) viewer.destroy();
    viewers.delete(el);
  }
}

if (script) {
  start(document);
  new MutationObserver((records) => {
    for (const record of records) {
      record.removedNodes.forEach((node) => node.nodeType === 1 && stop(node));
      record.addedNodes.forEach((node) => node.nodeType === 1 && start(node));
    }
  }).observe(document.body, { childList: true, subtree: true });
}
