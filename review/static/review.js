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
  function submit(id) {
    var form = document.getElementById(id);
    if (!form || sent) return;
    var button = form.querySelector("button[type=submit]");
    if (button && button.disabled) return;
    sent = true;
    form.submit();
  }
  function follow(id) {
    var link = document.getElementById(id);
    if (link) window.location.assign(link.href);
  }
  function openEdit() {
    var form = document.getElementById("edit-form");
    if (!form) return;
    form.hidden = false;
    var count = document.getElementById("edit-count");
    if (count) { count.focus(); count.select(); }
  }
  function closeEdit() {
    var form = document.getElementById("edit-form");
    if (form) form.hidden = true;
    if (document.activeElement) document.activeElement.blur();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var edit = document.getElementById("edit-button");
    if (edit) edit.addEventListener("click", openEdit);
    var cancel = document.getElementById("edit-cancel");
    if (cancel) cancel.addEventListener("click", closeEdit);
    var mark = document.getElementById("evidence");
    var box = document.getElementById("article-text");
    if (mark && box) box.scrollTop = Math.max(0, mark.offsetTop - box.clientHeight / 3);  // .text is position: relative
    var form = document.getElementById("edit-form");
    if (form && !form.hidden) openEdit();
    var outlet = document.getElementById("filter-source");
    if (outlet) outlet.addEventListener("change", function () { document.getElementById("filters").submit(); });
    document.body.dataset.ready = "1";
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "Escape") { closeEdit(); return; }
    if (typing(ev.target) || ev.repeat) return;
    switch (ev.key) {
      case "a": ev.preventDefault(); submit("form-accept"); break;
      case "r": ev.preventDefault(); submit("form-reject"); break;
      case "e": ev.preventDefault(); openEdit(); break;
      case "u": ev.preventDefault(); submit("form-undo"); break;
      case "j": ev.preventDefault(); follow("next-link"); break;
      case "k": ev.preventDefault(); follow("prev-link"); break;
      case "/": ev.preventDefault(); var q = document.querySelector("input[name=q]"); if (q) q.focus(); break;
    }
  });
})();
