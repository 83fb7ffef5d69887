// Forms of the console that the API takes as JSON (a link, the archive's passwords, a media bucket,
// the go): their fields become a JSON object ("s3.bucket" nests, data-list fields become arrays of
// their lines), sent with the session and its CSRF token; the page reloads on success and shows the
// API's words next to the form otherwise.
(function () {
  "use strict";
  var token = document.querySelector("meta[name=_csrf]");
  var header = document.querySelector("meta[name=_csrf_header]");
  function put(target, path, value) {
    var keys = path.split(".");
    for (var i = 0; i < keys.length - 1; i++) {
      target = target[keys[i]] = target[keys[i]] || {};
    }
    target[keys[keys.length - 1]] = value;
  }
  document.querySelectorAll("form[data-json]").forEach(function (form) {
    var error = form.querySelector(".form-error");
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var body = {};
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name) {
          return;
        }
        var value = field.value.trim();
        if (field.hasAttribute("data-list")) {
          value = value.split("\n").map(function (line) { return line.trim(); })
              .filter(function (line) { return line.length > 0; });
          if (value.length === 0) {
            return;
          }
        } else if (value === "") {
          return;
        }
        put(body, field.name, value);
      });
      var headers = {"Content-Type": "application/json"};
      if (token && header) {
        headers[header.content] = token.content;
      }
      error.textContent = "";
      try {
        var response = await fetch(form.getAttribute("data-json"), {
          method: "POST", headers: headers, body: JSON.stringify(body), credentials: "same-origin"
        });
        if (response.ok) {
          window.location.reload();
          return;
        }
        var problem = await response.json().catch(function () { return {}; });
        error.textContent = problem.detail || ("HTTP " + response.status);
      } catch (e) {
        error.textContent = e.message;
      }
    });
  });
})();
