// The contact form keeps a draft in this browser while it is being filled in, so a lost connection or a
// reload on a phone loses nothing. The draft keeps the form's submission key: sending it again after a lost
// answer finds the contact already saved instead of recording a second one. The draft is removed once the
// server confirms the save (the person page names the saved key), and drafts older than a day are dropped.
(function () {
  "use strict";
  var PREFIX = "divert:contact-draft:";
  var MAX_AGE_MS = 24 * 60 * 60 * 1000;

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function read(store, key) {
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
  }

  function dropOld(store) {
    var now = Date.now();
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        var draft = read(store, key);
        if (!draft || !draft.savedAt || now - draft.savedAt > MAX_AGE_MS) { store.removeItem(key); }
      }
    }
  }

  function forgetSaved(store, submissionKey) {
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        var draft = read(store, key);
        if (!draft || !draft.fields || draft.fields.submission_key === submissionKey) { store.removeItem(key); }
      }
    }
  }

  function collect(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit" || el.type === "button") { return; }
      if (el.type === "radio") { if (el.checked) { fields[el.name] = el.value; } return; }
      if (el.type === "checkbox") { fields[el.name] = el.checked; return; }
      fields[el.name] = el.value;
    });
    return fields;
  }

  function apply(form, fields) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in fields) || el.name === "csrfmiddlewaretoken") { return; }
      var value = fields[el.name];
      if (el.type === "radio") { el.checked = el.value === value; return; }
      if (el.type === "checkbox") { el.checked = value === true; return; }
      el.value = value;
    });
  }

  function setUp(form, store) {
    var key = PREFIX + form.getAttribute("data-contact-draft");
    var notice = document.getElementById("draft-restored");
    var draft = read(store, key);
    if (draft && form.getAttribute("data-restore") === "1") {
      apply(form, draft.fields);
      if (notice) {
        notice.hidden = false;
        var when = notice.querySelector("[data-draft-time]");
        if (when) { when.textContent = new Date(draft.savedAt).toLocaleTimeString(); }
      }
    }
    function save() {
      try { store.setItem(key, JSON.stringify({ savedAt: Date.now(), fields: collect(form) })); } catch (e) { /* full */ }
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    var discard = document.getElementById("draft-discard");
    if (discard) {
      discard.addEventListener("click", function () {
        store.removeItem(key);
        window.location.reload();
      });
    }
  }

  function quickPicks() {
    document.querySelectorAll("[data-pick]").forEach(function (button) {
      button.addEventListener("click", function () {
        var input = document.querySelector("[data-duration-input]");
        if (!input) { return; }
        input.value = button.getAttribute("data-pick");
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    quickPicks();
    var store = storage();
    if (!store) { return; }
    dropOld(store);
    document.querySelectorAll("[data-contact-saved]").forEach(function (el) {
      forgetSaved(store, el.getAttribute("data-contact-saved"));
    });
    document.querySelectorAll("form[data-contact-draft]").forEach(function (form) { setUp(form, store); });
  });
})();
