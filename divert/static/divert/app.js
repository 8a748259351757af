// Divert front-end glue. Loaded as a file: the Content-Security-Policy forbids inline script.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
});

// Two-step referral forms: one step per screen on a phone. Without script every step shows at once.
function divertSteps(form) {
  var steps = Array.prototype.slice.call(form.querySelectorAll("[data-step]"));
  var current = parseInt(form.getAttribute("data-start-step") || "1", 10) - 1;
  function show(index) {
    steps.forEach(function (step, i) { step.hidden = i !== index; });
    current = index;
    var heading = steps[index].querySelector("h2");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }
  form.querySelectorAll(".js-only").forEach(function (el) { el.classList.remove("d-none"); });
  form.querySelectorAll("[data-next]").forEach(function (button) {
    button.addEventListener("click", function () {
      var fields = steps[current].querySelectorAll("input, select, textarea");
      for (var i = 0; i < fields.length; i++) {
        if (!fields[i].checkValidity()) { fields[i].reportValidity(); return; }
      }
      show(current + 1);
    });
  });
  form.querySelectorAll("[data-back]").forEach(function (button) {
    button.addEventListener("click", function () { show(current - 1); });
  });
  show(Math.min(Math.max(current, 0), steps.length - 1));
}

// Questions about drug quantity and dealing only matter when a drug offense is chosen.
function divertDrugQuestions(form) {
  var drugBoxes = form.querySelectorAll("input[data-drug]");
  var questions = form.querySelectorAll("[data-drug-only]");
  if (!questions.length) { return; }
  function update() {
    var any = Array.prototype.some.call(drugBoxes, function (box) { return box.checked; });
    questions.forEach(function (q) {
      q.hidden = !any;
      // Hidden questions are neither checked by the browser (they may be required) nor sent.
      q.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = !any; });
    });
  }
  form.querySelectorAll("input[name=offenses]").forEach(function (box) { box.addEventListener("change", update); });
  update();
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-steps]").forEach(function (form) {
    divertSteps(form);
    divertDrugQuestions(form);
  });
  // One tap, one submission: a second tap while the first is on its way does nothing.
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
    });
  });
});
