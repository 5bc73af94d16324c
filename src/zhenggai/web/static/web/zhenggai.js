// The shell's small behaviours. Pages work without this file; it only adds comfort.
(function () {
  "use strict";

  // Uploads with a progress bar: a form marked data-upload-progress shows the percentage
  // of bytes sent in its .progress element (htmx forms report through htmx:xhr:progress).
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest("form[data-upload-progress]");
    if (!form || !event.detail.lengthComputable) return;
    var bar = form.querySelector(".progress-bar");
    if (!bar) return;
    var percent = Math.round((event.detail.loaded / event.detail.total) * 100);
    bar.style.width = percent + "%";
    bar.setAttribute("aria-valuenow", String(percent));
    bar.textContent = percent + "%";
    form.querySelector(".progress").classList.remove("d-none");
  });

  // A file input that checks size and type before sending, with the server's limits.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.maxBytes) return;
    var limit = Number(input.dataset.maxBytes);
    var problems = [];
    Array.prototype.forEach.call(input.files || [], function (file) {
      if (file.size > limit) problems.push(input.dataset.tooLarge.replace("{name}", file.name));
    });
    input.setCustomValidity(problems.join("；"));
    if (problems.length) input.reportValidity();
  });
})();
