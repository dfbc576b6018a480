// Builds a not-attempted exercise's answer form (exercises.render.quiz.answer_form) from the
// JSON just before this script, only where scripts run and the page is not Jupyter's.
(function () {
  var me = document.currentScript, data = me && me.previousElementSibling;
  var host = data && data.previousElementSibling;
  if (!host || host.closest(".jp-OutputArea, .jp-Cell, .output_area")) { return; }
  var form = JSON.parse(data.textContent).html;
  host.appendChild(document.createRange().createContextualFragment(form));
})();
