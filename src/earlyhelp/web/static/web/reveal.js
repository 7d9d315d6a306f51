// Conditional reveals under radios (includes/govuk/radios.html): a radio with data-app-reveal
// shows the fields it names only while it is chosen. Without this script every field is shown.
// Our own rather than GOV.UK Frontend's: theirs puts aria-expanded on the radio, which ARIA does
// not allow there (axe-core flags it; govuk-frontend issue 979) – and it takes over any radio with
// aria-controls, so ours has none: the fields follow their radio in the page's order.
// It also marks the page once htmx has loaded: `.app-no-js-only` buttons stay where it did not.
(function () {
  var HIDDEN = "govuk-radios__conditional--hidden";

  function sync(name, form) {
    var radios = form.querySelectorAll('input[type="radio"][data-app-reveal]');
    for (var i = 0; i < radios.length; i++) {
      if (radios[i].name !== name) continue;
      var panel = document.getElementById(radios[i].getAttribute("data-app-reveal"));
      if (panel) panel.classList.toggle(HIDDEN, !radios[i].checked);
    }
  }

  function start() {
    // htmx is loaded (deferred, before this file): buttons kept for pages without it can go.
    if (window.htmx) document.documentElement.classList.add("app-htmx");
    var radios = document.querySelectorAll('input[type="radio"][data-app-reveal]');
    for (var i = 0; i < radios.length; i++) {
      sync(radios[i].name, radios[i].form || document);
    }
    document.addEventListener("change", function (event) {
      var target = event.target;
      if (target.type === "radio" && target.form) sync(target.name, target.form);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
