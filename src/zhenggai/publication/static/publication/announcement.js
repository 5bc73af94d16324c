// The announcement page: a spinner while a file is generated (a PDF takes seconds), the
// error in Chinese when it cannot be; and a busy button while the draft is generated.
// Without this file the links and forms work as they are.
(function () {
  "use strict";

  function filename(response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var star = /filename\*=utf-8''([^;]+)/i.exec(header);
    if (star) return decodeURIComponent(star[1]);
    var plain = /filename="([^"]+)"/i.exec(header);
    return plain ? plain[1] : fallback;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-download]");
    if (!link || !window.fetch || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return;
    var spinner = link.querySelector(".spinner-border");
    var box = link.closest("[data-testid=downloads]");
    var error = box && box.querySelector("[data-download-error]");
    link.setAttribute("aria-busy", "true");
    link.classList.add("disabled");
    if (spinner) spinner.classList.remove("d-none");
    if (error) error.classList.add("d-none");
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("生成文件失败（" + response.status + "），请稍后重试");
        return response.blob().then(function (blob) {
          var url = URL.createObjectURL(blob);
          var a = document.createElement("a");
          a.href = url;
          a.download = filename(response, "通报");
          document.body.appendChild(a);
          a.click();
          a.remove();
          setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
        });
      })
      .catch(function (err) {
        if (error) {
          error.textContent = err.message;
          error.classList.remove("d-none");
        }
      })
      .finally(function () {
        link.removeAttribute("aria-busy");
        link.classList.remove("disabled");
        if (spinner) spinner.classList.add("d-none");
      });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-busy")) return;
    var button = form.querySelector("button[type=submit]");
    if (!button) return;
    button.disabled = true;
    button.insertAdjacentHTML("afterbegin", '<span class="spinner-border spinner-border-sm me-1" aria-hidden="true"></span>');
  });
})();
