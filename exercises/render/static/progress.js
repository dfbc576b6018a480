// On the static site there is no kernel and no progress file: the quizzes keep the reader's
// answers in the browser (localStorage, key losscourse-progress) and this script shows them in
// exercises.progress()'s display (exercises.render.progress).
(function () {
  var root = document.currentScript && document.currentScript.parentNode;
  if (!root) { return; }
  var all = {};
  try { all = JSON.parse(window.localStorage.getItem("losscourse-progress") || "{}"); }
  catch (e) { return; }
  root.querySelectorAll("details").forEach(function (d) {
    var items = d.querySelectorAll("li[data-qid]"), done = 0;
    items.forEach(function (li) {
      var rec = all[li.getAttribute("data-qid")], span = li.querySelector(".lcp-state");
      if (!rec) { return; }
      if (rec.passed) { done += 1; span.textContent = "\u2713 passed" + (rec.mastered ? " \u00b7 mastered" : ""); span.style.color = "#2f7bd6"; }
      else { span.textContent = "\u2717 tried"; span.style.color = "#d9822b"; }
    });
    var s = d.querySelector("summary");
    s.lastChild.textContent = ": " + done + "/" + items.length + " passed";
  });
  root.querySelector(".lcp-where").textContent =
    "Kept in this browser: the answers you check in the quizzes of this site.";
})();
