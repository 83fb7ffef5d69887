// The backup upload of the instance page: the file goes in chunks, each PUT on its own and retried;
// the server says which chunks it has, so choosing the same file again after a reload or a dropped
// connection resumes where the upload stopped.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.fetch || !window.Blob || !Blob.prototype.slice) {
    return; // without these the page says to use the API or a link instead
  }
  var input = document.getElementById("backup-file");
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var button = form.querySelector("button[type=submit]");
  var token = document.querySelector("meta[name=_csrf]");
  var header = document.querySelector("meta[name=_csrf_header]");
  var base = form.getAttribute("data-base");

  function say(template, a, b) {
    status.textContent = template.replace("{0}", a).replace("{1}", b);
  }

  function headers(extra) {
    var h = extra || {};
    if (token && header) {
      h[header.content] = token.content;
    }
    return h;
  }

  function pause(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  async function send(url, options) {
    for (var attempt = 1; ; attempt++) {
      try {
        var response = await fetch(url, options);
        if (response.ok) {
          return response;
        }
        if (response.status < 500 || attempt >= 6) {
          var problem = await response.json().catch(function () { return {}; });
          throw new Error(problem.detail || ("HTTP " + response.status));
        }
      } catch (e) {
        if (attempt >= 6 || (e.message && e.message.indexOf("HTTP") !== 0 && e.name !== "TypeError")) {
          throw e;
        }
      }
      say(form.getAttribute("data-msg-retry"), attempt, "");
      await pause(Math.min(30000, 1000 * Math.pow(2, attempt - 1)));
    }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var file = input.files && input.files[0];
    if (!file) {
      say(form.getAttribute("data-msg-choose"), "", "");
      return;
    }
    button.disabled = true;
    bar.hidden = false;
    try {
      var started = await send(base, {
        method: "POST",
        headers: headers({"Content-Type": "application/json"}),
        body: JSON.stringify({name: file.name, size: file.size}),
        credentials: "same-origin"
      });
      var upload = await started.json();
      var have = {};
      upload.received.forEach(function (n) { have[n] = true; });
      var done = upload.received.length;
      if (done > 0) {
        say(form.getAttribute("data-msg-resuming"), done, upload.chunks);
      }
      for (var n = 0; n < upload.chunks; n++) {
        if (have[n]) {
          continue;
        }
        var from = n * upload.chunkSize;
        await send(base + "/" + upload.id + "/chunks/" + n, {
          method: "PUT",
          headers: headers({"Content-Type": "application/octet-stream"}),
          body: file.slice(from, Math.min(file.size, from + upload.chunkSize)),
          credentials: "same-origin"
        });
        done++;
        bar.value = Math.floor(done * 100 / upload.chunks);
        say(form.getAttribute("data-msg-sending"), bar.value, upload.chunks - done);
      }
      say(form.getAttribute("data-msg-checking"), "", "");
      await send(base + "/" + upload.id + "/complete", {
        method: "POST", headers: headers({}), credentials: "same-origin"
      });
      say(form.getAttribute("data-msg-done"), "", "");
      window.location.reload();
    } catch (e) {
      say(form.getAttribute("data-msg-failed"), e.message, "");
      button.disabled = false;
    }
  });
})();
