/* Drafting page: recipient chips, formatting toolbar, and nudging the live preview. */
(function () {
  "use strict";
  var form = document.getElementById("naskah-form");
  if (!form) return;

  function changed() {
    form.dispatchEvent(new CustomEvent("naskah-changed", { bubbles: true }));
  }

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

  // The recipient search must not refresh the preview on every key.
  var q = document.getElementById("penerima-q");
  if (q) q.addEventListener("input", function (e) { e.stopPropagation(); });
  ["penerima-keterangan", "ext-nama", "ext-alamat", "ext-email", "penerima-jenis"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el) {
      el.addEventListener("input", function (e) { e.stopPropagation(); });
      el.addEventListener("change", function (e) { e.stopPropagation(); });
    }
  });

  document.addEventListener("click", function (e) {
    var pick = e.target.closest("[data-penerima]");
    if (pick) {
      var spec = JSON.parse(pick.getAttribute("data-penerima"));
      spec.jenis = document.getElementById("penerima-jenis").value;
      var note = document.getElementById("penerima-keterangan").value.trim();
      if (note) spec.keterangan = note;
      addChip(spec, pick.getAttribute("data-label"));
      document.getElementById("penerima-results").innerHTML = "";
      q.value = "";
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
