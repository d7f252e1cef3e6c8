// newsmon review: the keyboard works the queue. Every key submits the same form a button does,
// so each decision is written by the server at once and the page never holds unsaved work.
(function () {
  "use strict";
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || el.isContentEditable;
  }
  var sent = false;  // one decision per page: a key held down or pressed twice never posts twice
  window.addEventListener("pageshow", function () { sent = false; });  // back to a page kept in memory
  function copyNote(form) {
    // accept / reject carry the note typed beside the buttons
    var note = document.getElementById("decision-note");
    var copy = form.querySelector("input.note-copy");
    if (note && copy) copy.value = note.value;
  }
  function submit(id) {
    var form = document.getElementById(id);
    if (!form || sent) return;
    var button = form.querySelector("button[type=submit]");
    if (button && button.disabled) return;
    sent = true;
    copyNote(form);
    form.submit();
  }
  function follow(id) {
    var link = document.getElementById(id);
    if (link) window.location.assign(link.href);
  }
  function reveal(form, focusId) {
    form.hidden = false;
    form.scrollIntoView({block: "nearest"});
    var first = document.getElementById(focusId);
    if (first) { first.focus({preventScroll: true}); if (first.select) first.select(); }
  }
  function openEdit() {
    var form = document.getElementById("edit-form");
    if (!form) return;
    closeAdd();
    var bad = form.querySelector("[aria-invalid=true]");
    reveal(form, bad ? bad.id : "edit-count");
  }
  function closeEdit() {
    var form = document.getElementById("edit-form");
    if (form) form.hidden = true;
  }

  // --- add a missed claim: the selection's offsets in the article text, in code points as Python counts them
  function codePoints(s) { return Array.from(s).length; }
  function selectionOffsets(box) {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    var range = sel.getRangeAt(0);
    if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) return null;
    var before = document.createRange();
    before.setStart(box, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var start = codePoints(before.toString());
    var text = range.toString();
    return {start: start, end: start + codePoints(text), text: text};
  }
  function setValue(id, value) {
    var el = document.getElementById(id);
    if (el && value !== null && value !== undefined) el.value = Array.isArray(value) ? value.join(", ") : value;
  }
  function prefill(form, at) {
    var status = document.getElementById("add-status");
    var url = "/api/articles/" + form.dataset.articleId + "/prefill?page=1&start=" + at.start + "&end=" + at.end;
    if (status) status.textContent = "Reading the selection…";
    form.dataset.prefilled = "";
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (v) {
        if (v) {
          ["count", "count_high", "qualifier", "who", "date", "date_end", "locations", "kind"].forEach(function (k) {
            setValue("add-" + k, v[k]);
          });
        }
        if (status) {
          status.textContent = !v || !v.found ? "No figure read in the selection: fill the form in."
            : v.found === "claim" ? "Prefilled by the extractor from the selection: check every field."
            : "Figure read from the selection: fill in the rest.";
        }
        form.dataset.prefilled = v && v.found ? v.found : "none";
      })
      .catch(function () { if (status) status.textContent = "Fill the form in."; form.dataset.prefilled = "none"; });
  }
  function openAdd() {
    var form = document.getElementById("add-form");
    var box = document.getElementById("article-text");
    if (!form || !box) return;
    var at = selectionOffsets(box);
    if (!at) {
      var msg = document.getElementById("add-hint");
      if (!msg) {
        msg = document.createElement("p");
        msg.id = "add-hint";
        msg.className = "message";
        msg.setAttribute("role", "status");
        box.parentNode.insertBefore(msg, box);
      }
      msg.textContent = "Select the words of the article text that state the claim, then press n.";
      msg.scrollIntoView({block: "nearest"});
      return;
    }
    closeEdit();
    form.reset();
    setValue("add-start", String(at.start));
    setValue("add-end", String(at.end));
    setValue("add-evidence", at.text);
    document.getElementById("add-selection").textContent = at.text;
    form.querySelectorAll(".error").forEach(function (e) { e.remove(); });
    reveal(form, "add-count");
    prefill(form, at);
  }
  function closeAdd() {
    var form = document.getElementById("add-form");
    if (form) form.hidden = true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var on = function (id, fn) { var el = document.getElementById(id); if (el) el.addEventListener("click", fn); };
    on("edit-button", openEdit);
    on("edit-cancel", function () { closeEdit(); document.activeElement.blur(); });
    on("add-button", openAdd);
    on("add-cancel", function () { closeAdd(); document.activeElement.blur(); });
    // the button takes focus on mousedown, which keeps the selection: read it before
    var add = document.getElementById("add-button");
    if (add) add.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
    document.querySelectorAll("form").forEach(function (f) { f.addEventListener("submit", function () { copyNote(f); }); });
    var mark = document.getElementById("evidence");
    var box = document.getElementById("article-text");
    if (mark && box) box.scrollTop = Math.max(0, mark.offsetTop - box.clientHeight / 3);  // .text is position: relative
    var form = document.getElementById("edit-form");
    if (form && !form.hidden) openEdit();
    var addForm = document.getElementById("add-form");
    if (addForm && !addForm.hidden) reveal(addForm, (addForm.querySelector(".field .error") ? addForm.querySelector(".field .error").parentNode.querySelector("input, select").id : "add-count"));
    ["filter-source", "articles-source", "articles-no-claim"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.addEventListener("change", function () { el.form.submit(); });
    });
    document.body.dataset.ready = "1";
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "Escape") {
      closeEdit(); closeAdd();
      if (document.activeElement) document.activeElement.blur();
      return;
    }
    if (typing(ev.target) || ev.repeat) return;
    switch (ev.key) {
      case "a": ev.preventDefault(); submit("form-accept"); break;
      case "r": ev.preventDefault(); submit("form-reject"); break;
      case "e": ev.preventDefault(); openEdit(); break;
      case "n": ev.preventDefault(); openAdd(); break;
      case "m": ev.preventDefault(); submit("form-reviewed"); break;
      case "u": ev.preventDefault(); submit("form-undo"); break;
      case "j": ev.preventDefault(); follow("next-link"); break;
      case "k": ev.preventDefault(); follow("prev-link"); break;
      case "/": ev.preventDefault(); var q = document.querySelector("input[name=q]"); if (q) q.focus(); break;
    }
  });
})();
