// Signature pad for releases of information. Loaded as a file: the Content-Security-Policy forbids inline script.
// Draws with mouse, finger or stylus (pointer events) and keeps a PNG data URL in the hidden input named by
// data-input. Without script, or for people who cannot draw, the form takes an uploaded scan instead.
(function () {
  "use strict";
  var HEIGHT = 160;

  function setup(pad) {
    var canvas = pad.querySelector("canvas");
    var input = document.getElementById(pad.getAttribute("data-input"));
    var clearButton = pad.querySelector("[data-clear]");
    var status = pad.querySelector("[data-status]");
    if (!canvas || !input || !canvas.getContext) { return; }
    var ctx = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    var last = null;

    pad.classList.remove("d-none");
    // Set through the CSSOM, which the CSP allows: the page must not scroll while someone signs on a phone.
    canvas.style.touchAction = "none";
    canvas.style.height = HEIGHT + "px";

    function size() {
      // At most twice the CSS pixels: sharp on a phone, yet small enough for the 200 KB limit.
      var ratio = Math.min(window.devicePixelRatio || 1, 2);
      canvas.width = Math.max(1, Math.floor(canvas.clientWidth * ratio));
      canvas.height = Math.floor(HEIGHT * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
    }

    function say(text) { if (status) { status.textContent = text; } }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return { x: event.clientX - rect.left, y: event.clientY - rect.top };
    }

    function save() {
      input.value = canvas.toDataURL("image/png");
      say(pad.getAttribute("data-saved-text") || "");
    }

    function clear() {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      input.value = "";
      say(pad.getAttribute("data-cleared-text") || "");
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      if (canvas.setPointerCapture) { canvas.setPointerCapture(event.pointerId); }
      drawing = true;
      last = point(event);
      ctx.beginPath();
      ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, Math.PI * 2);
      ctx.fillStyle = ctx.strokeStyle;
      ctx.fill();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      event.preventDefault();
      var p = point(event);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
      drawn = true;
    });
    function finish() {
      if (!drawing) { return; }
      drawing = false;
      drawn = true;
      save();
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    canvas.addEventListener("pointerleave", finish);
    if (clearButton) { clearButton.addEventListener("click", clear); }

    size();
    // A form shown again after an error keeps the signature already drawn.
    if (input.value.indexOf("data:image/png;base64,") === 0) {
      var image = new Image();
      image.onload = function () {
        ctx.drawImage(image, 0, 0, canvas.clientWidth, HEIGHT);
        drawn = true;
      };
      image.src = input.value;
    }
    window.addEventListener("resize", function () {
      // Resizing a canvas wipes it; only an empty pad follows the window.
      if (!drawn) { size(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-signature-pad]").forEach(setup);
  });
}());
