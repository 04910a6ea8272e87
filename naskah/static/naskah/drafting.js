/* Drafting page: recipient chips, formatting toolbar, nudging the live preview, and not
   losing work: the page warns before leaving with unsaved changes, autosaves a draft
   revision a few seconds after the last change (naskah.services.autosave), and saves the
   draft before an attachment is added or removed. */
(function () {
  "use strict";
  var form = document.getElementById("naskah-form");
  if (!form) return;

  var AUTOSAVE_DELAY_MS = 4000;
  var status = document.getElementById("autosave-status");
  var autosaveUrl = form.getAttribute("data-autosave-url");
  var changes = 0; // bumped on every change; a save covers the changes made before it
  var savedChanges = 0;
  var leaving = false; // the form (or an attachment form) is being submitted
  var timer = null;
  var inFlight = null;

  function dirty() { return changes !== savedChanges; }

  function say(text, kind) {
    if (!status) return;
    status.textContent = text;
    status.className = "small " + (kind === "error" ? "text-danger" : "text-muted");
  }

  function markChanged() {
    changes += 1;
    if (status) say(status.dataset.labelPending);
    clearTimeout(timer);
    timer = setTimeout(function () { save(false); }, AUTOSAVE_DELAY_MS);
  }

  function changed() {
    form.dispatchEvent(new CustomEvent("naskah-changed", { bubbles: true }));
  }

  form.addEventListener("input", markChanged);
  form.addEventListener("change", markChanged);
  form.addEventListener("naskah-changed", markChanged);
  form.addEventListener("submit", function (e) {
    clearTimeout(timer);
    if (inFlight) {
      // An autosave is on its way (it may be creating the draft): send the form once it
      // has answered, to the URL and revision it answered with, never a second draft.
      e.preventDefault();
      inFlight.then(function () {
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      });
      return;
    }
    leaving = true;
  });

  window.addEventListener("beforeunload", function (e) {
    if (leaving || !dirty()) return undefined;
    e.preventDefault();
    e.returnValue = status ? status.dataset.labelLeave : "";
    return e.returnValue;
  });

  function setRevision(nomor) {
    document.querySelectorAll("input[name=revisi]").forEach(function (input) {
      input.value = nomor;
    });
  }

  function becomeDraft(data) {
    // The first autosave created the draft: continue on its edit URL, input untouched.
    if (!form.hasAttribute("data-new")) return;
    form.removeAttribute("data-new");
    var key = form.querySelector("input[name=autosave_key]");
    if (key) key.remove();
    autosaveUrl = data.autosave_url;
    form.setAttribute("data-autosave-url", autosaveUrl);
    form.setAttribute("action", data.edit_url);
    form.setAttribute("hx-post", data.preview_url);
    if (window.htmx) window.htmx.process(form);
    var add = document.getElementById("lampiran-add-form");
    if (add) add.setAttribute("action", data.lampiran_url);
    var hint = document.getElementById("lampiran-first-save");
    if (hint) hint.remove();
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", data.edit_url);
    }
  }

  // Save what the form holds now. `immediate`: the drafter acted, the autosave interval
  // does not apply. Resolves with the server's answer (or null when not saved).
  function save(immediate) {
    clearTimeout(timer);
    if (inFlight) {
      return inFlight.then(function () { return dirty() || immediate ? save(immediate) : null; });
    }
    var upTo = changes;
    var body = new FormData(form);
    if (immediate) body.append("segera", "1");
    if (status) say(status.dataset.labelSaving);
    inFlight = fetch(autosaveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (answer) {
        inFlight = null;
        var data = answer.data;
        if (!answer.ok) {
          say(status.dataset.labelFailed + " " + (data.message || ""), "error");
          return null;
        }
        setRevision(data.revisi);
        becomeDraft(data);
        if (data.status === "deferred") {
          say(status.dataset.labelPending);
          clearTimeout(timer);
          timer = setTimeout(function () { save(false); }, data.retry_after * 1000);
          return data;
        }
        if (upTo > savedChanges) savedChanges = upTo;
        say(status.dataset.labelSaved + " " + data.saved_at);
        if (dirty()) markChangedLater();
        return data;
      })
      .catch(function () {
        inFlight = null;
        if (status) say(status.dataset.labelOffline, "error");
        return null;
      });
    return inFlight;
  }

  function markChangedLater() {
    clearTimeout(timer);
    timer = setTimeout(function () { save(false); }, AUTOSAVE_DELAY_MS);
  }

  // Attachment forms post elsewhere and reload the page: save the letter first (which
  // also creates a letter not saved yet), then send the attachment form as it is.
  document.querySelectorAll("form[data-lampiran-form]").forEach(function (other) {
    other.addEventListener("submit", function (e) {
      if (other.dataset.ready === "1") return;
      var needsDraft = form.hasAttribute("data-new");
      if (!needsDraft && !dirty()) { leaving = true; return; }
      e.preventDefault();
      save(true).then(function (data) {
        if (!data || data.status === "deferred" || form.hasAttribute("data-new")) return;
        var input = other.querySelector("input[name=revisi]");
        if (input) input.value = data.revisi;
        if (!other.getAttribute("action")) other.setAttribute("action", data.lampiran_url);
        other.dataset.ready = "1";
        leaving = true;
        if (other.requestSubmit) other.requestSubmit(); else other.submit();
      });
    });
  });

  function addChip(spec, label) {
    var list = document.getElementById("penerima-list");
    var chip = document.createElement("span");
    chip.className = "badge rounded-pill penerima-chip text-bg-" + (spec.jenis === "tembusan" ? "secondary" : "primary");
    var kind = spec.jenis === "tembusan" ? list.dataset.labelTembusan : list.dataset.labelTujuan;
    chip.textContent = kind + ": " + label + (spec.keterangan ? " (" + spec.keterangan + ")" : "");
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "penerima";
    input.value = JSON.stringify(spec);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close btn-close-white ms-1 penerima-remove";
    close.setAttribute("aria-label", list.dataset.labelRemove);
    chip.appendChild(input);
    chip.appendChild(close);
    list.appendChild(chip);
    changed();
  }

  function pickRecipient(button) {
    var spec = JSON.parse(button.getAttribute("data-penerima"));
    spec.jenis = document.getElementById("penerima-jenis").value;
    var note = document.getElementById("penerima-keterangan").value.trim();
    if (note) spec.keterangan = note;
    addChip(spec, button.getAttribute("data-label"));
    document.getElementById("penerima-results").innerHTML = "";
    q.value = "";
    q.focus();
  }

  // Enter in the search adds the exact match, else the first one; never submits the form.
  function pickTyped() {
    var typed = q.value.trim().toLowerCase();
    var buttons = Array.prototype.slice.call(
      document.querySelectorAll("#penerima-results [data-penerima]")
    );
    var exact = buttons.filter(function (b) {
      return (b.getAttribute("data-label") || "").trim().toLowerCase() === typed;
    })[0];
    var choice = exact || buttons[0];
    if (choice) pickRecipient(choice);
    return Boolean(choice);
  }

  // The recipient search must not refresh the preview on every key.
  var q = document.getElementById("penerima-q");
  if (q) {
    q.addEventListener("input", function (e) { e.stopPropagation(); });
    q.addEventListener("change", function (e) { e.stopPropagation(); });
    q.addEventListener("keydown", function (e) {
      if (e.key !== "Enter") return;
      e.preventDefault();
      var term = q.value.trim();
      if (term.length < 2) return;
      var results = document.getElementById("penerima-results");
      var shownFor = results.getAttribute("data-q");
      if (shownFor === term && pickTyped()) return;
      // The results on screen are for an older term (or none yet): ask now, then pick.
      if (window.htmx) {
        window.htmx
          .ajax("GET", q.getAttribute("hx-get"), { target: results, swap: "innerHTML", values: { q: term } })
          .then(function () { results.setAttribute("data-q", term); pickTyped(); });
      }
    });
    document.body.addEventListener("htmx:afterSwap", function (e) {
      if (e.detail && e.detail.target && e.detail.target.id === "penerima-results") {
        // The term these results answer (a slow answer to an older term can arrive after
        // the person typed on), not what the box holds now.
        var answered = e.detail.target.querySelector("[data-results-for]");
        e.detail.target.setAttribute(
          "data-q", answered ? answered.getAttribute("data-results-for") : ""
        );
      }
    });
  }
  ["penerima-keterangan", "ext-nama", "ext-alamat", "ext-email", "penerima-jenis"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el) {
      el.addEventListener("input", function (e) { e.stopPropagation(); });
      el.addEventListener("change", function (e) { e.stopPropagation(); });
      el.addEventListener("keydown", function (e) {
        if (e.key !== "Enter" || el.tagName === "SELECT") return;
        e.preventDefault(); // an Enter here is not "save the letter"
        if (id.indexOf("ext-") === 0) document.getElementById("ext-add").click();
      });
    }
  });

  document.addEventListener("click", function (e) {
    var pick = e.target.closest("[data-penerima]");
    if (pick) {
      pickRecipient(pick);
      return;
    }
    if (e.target.classList.contains("penerima-remove")) {
      e.target.closest(".penerima-chip").remove();
      changed();
      return;
    }
    if (e.target.id === "ext-add") {
      var nama = document.getElementById("ext-nama").value.trim();
      if (!nama) return;
      var ext = { jenis: document.getElementById("penerima-jenis").value, nama: nama };
      var alamat = document.getElementById("ext-alamat").value.trim();
      var email = document.getElementById("ext-email").value.trim();
      var ket = document.getElementById("penerima-keterangan").value.trim();
      if (alamat) ext.alamat = alamat;
      if (email) ext.email = email;
      if (ket) ext.keterangan = ket;
      addChip(ext, nama);
      ["ext-nama", "ext-alamat", "ext-email"].forEach(function (id) { document.getElementById(id).value = ""; });
      return;
    }
    var tool = e.target.closest("[data-insert]");
    if (tool) {
      var area = form.querySelector("[data-editor=body]");
      var token = tool.getAttribute("data-insert");
      var start = area.selectionStart, end = area.selectionEnd, text = area.value;
      var insert;
      if (tool.hasAttribute("data-wrap")) {
        insert = token + (text.slice(start, end) || "teks") + token;
      } else {
        var atLineStart = start === 0 || text[start - 1] === "\n";
        insert = (atLineStart ? "" : "\n") + token;
      }
      area.value = text.slice(0, start) + insert + text.slice(end);
      area.focus();
      area.selectionStart = area.selectionEnd = start + insert.length;
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });
})();
