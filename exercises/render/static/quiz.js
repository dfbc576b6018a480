// The site's quiz (exercises.render.quiz): answers checked in the browser with the verdicts
// of the Python grader. The page inlines this file, with format.js (fmtAnswer) before it, inside
// one function scope; each quiz's data is the JSON in its script.lcq-data element: the
// questions' verdict tables or numeric rules (exercises.scoring's site_data), the mark where a
// numeric verdict puts the reader's number, the patterns of typed_number
// (exercises.render.numbers), and each question's pool of other versions for "Try another".
function initQuiz(root) {
  if (!root || root.getAttribute("data-lcq-ready")) { return; }
  var holder = root.querySelector("script.lcq-data");
  if (!holder) { return; }
  root.setAttribute("data-lcq-ready", "1");
  var CONFIG = JSON.parse(holder.textContent);
  var DATA = CONFIG.questions, NUMBER = CONFIG.number, POOL = CONFIG.pool || {};
  var SPACE = "[" + CONFIG.space + "]", TRIM = new RegExp("^" + SPACE + "+|" + SPACE + "+$", "g");
  var NUM = new RegExp("^(?:" + CONFIG.num + ")$"), SPECIAL = new RegExp("^" + CONFIG.special + "$", "i");
  var note = root.querySelector(".lcq-run-note");
  if (note) { note.style.display = "none"; }
  function record(qid, passed, score, max, fresh) {
    // The site's progress, kept in this browser (the closing chapter shows it); a right answer
    // to another version than the book's ("Try another") masters the question.
    try {
      var all = JSON.parse(window.localStorage.getItem("losscourse-progress") || "{}");
      var old = all[qid] || {passed: false, best_score: 0};
      all[qid] = {passed: old.passed || passed, best_score: Math.max(old.best_score, score), max_score: max,
                  mastered: !!(old.mastered || (passed && fresh))};
      window.localStorage.setItem("losscourse-progress", JSON.stringify(all));
    } catch (e) { /* storage switched off: the verdict still shows */ }
  }
  function show(box, cls, html) {
    box.className = "lcq-feedback " + cls;
    box.innerHTML = html;
    if (window.MathJax && window.MathJax.typesetPromise) { window.MathJax.typesetPromise([box]).catch(function () {}); }
  }
  function info(box, text) {
    box.removeAttribute("data-score");
    box.removeAttribute("data-max-score");
    show(box, "lcq-info", text);
  }
  function verdict(qid, box, v, number) {
    var qbox = box.parentNode, fresh = qbox.getAttribute("data-version") !== "0";
    // v: [status, score, max_score, html] as exercises.render.result.verdict makes it
    var html = number === undefined ? v[3] : v[3].split(NUMBER).join(number);
    box.setAttribute("data-score", String(v[1]));
    box.setAttribute("data-max-score", String(v[2]));
    show(box, v[0] === "passed" ? "lcq-ok" : (v[1] > 0 ? "lcq-bad lcq-partial" : "lcq-bad"), html);
    record(qid, v[0] === "passed", v[1], v[2], fresh);
  }
  function typed(text) {
    // exercises.render.numbers.typed_number: null (empty), a number, or the text (not a number)
    var raw = text.replace(TRIM, "").replace(/,/g, "."), m;
    if (!raw) { return null; }
    m = SPECIAL.exec(raw);
    if (m) { return m[2].toLowerCase() === "nan" ? NaN : (m[1] === "-" ? -Infinity : Infinity); }
    return NUM.test(raw) ? Number(raw.replace(/_/g, "")) : raw;
  }
  function close(x, target, atol, rtol) { return Math.abs(x - target) <= Math.max(atol, rtol * Math.abs(target)); }
  function grade(qbox) {
    var qid = qbox.getAttribute("data-qid"), d = DATA[qid];
    var box = qbox.querySelector(".lcq-feedback"), i;
    if (d.kind === "numeric") {
      var x = typed(qbox.querySelector("input").value);
      if (x === null) { info(box, "Enter a number."); return; }
      if (typeof x === "string") { verdict(qid, box, d.text); return; }
      if (x !== x) { verdict(qid, box, d.nan); return; }
      if (close(x, d.answer, d.abs_tol, d.rel_tol)) { verdict(qid, box, d.right, fmtAnswer(x, null)); return; }
      for (i = 0; i < d.wrong.length; i++) {
        if (close(x, d.wrong[i][0], d.abs_tol, d.rel_tol)) { verdict(qid, box, d.wrong[i][1], fmtAnswer(x, d.answer)); return; }
      }
      verdict(qid, box, d.other, fmtAnswer(x, d.answer));
      return;
    }
    var picked = qbox.querySelectorAll("input:checked"), key = "";
    if (!picked.length) { info(box, d.kind === "single" ? "Choose an option first." : "Choose at least one option."); return; }
    for (i = 0; i < picked.length; i++) { key += picked[i].value; }
    verdict(qid, box, d.table[key]);
  }
  function another(qbox) {
    // The next version of the pool (after the last, the book's again), with an empty answer.
    var qid = qbox.getAttribute("data-qid"), versions = POOL[qid], prompt = qbox.querySelector(".lcq-prompt");
    var options = qbox.querySelector("fieldset");
    if (!qbox.lcqBook) { qbox.lcqBook = {prompt: prompt.innerHTML, data: DATA[qid], inputs: options && options.outerHTML}; }
    var n = (Number(qbox.getAttribute("data-version")) + 1) % (versions.length + 1);
    var v = n === 0 ? qbox.lcqBook : versions[n - 1];
    prompt.innerHTML = v.prompt;
    if (v.inputs && options) { options.outerHTML = v.inputs; }  // a choice question's options, in its order
    DATA[qid] = v.data;
    qbox.setAttribute("data-version", String(n));
    var inputs = qbox.querySelectorAll("input"), i;
    for (i = 0; i < inputs.length; i++) { if (inputs[i].type === "text") { inputs[i].value = ""; } else { inputs[i].checked = false; } }
    info(qbox.querySelector(".lcq-feedback"), n === 0 ? "The book's version again." : "Version " + n + " of " + versions.length + ": a new one to answer.");
    if (window.MathJax && window.MathJax.typesetPromise) { window.MathJax.typesetPromise([prompt]).catch(function () {}); }
  }
  var qs = root.querySelectorAll(".lcq-question[data-qid]");
  for (var n = 0; n < qs.length; n++) {
    (function (qbox) {
      var btn = qbox.querySelector("button.lcq-check");
      if (btn) { btn.addEventListener("click", function () { grade(qbox); }); }
      var more = qbox.querySelector("button.lcq-another");
      if (more && POOL[qbox.getAttribute("data-qid")]) { more.addEventListener("click", function () { another(qbox); }); }
      var inp = qbox.querySelector("input[type=text]");
      if (inp) { inp.addEventListener("keydown", function (e) { if (e.key === "Enter") { grade(qbox); } }); }
    })(qs[n]);
  }
}
var me = document.currentScript;
if (me && me.parentNode && me.parentNode.querySelectorAll) {
  initQuiz(me.parentNode);
} else {
  var quizzes = document.querySelectorAll(".losscourse-quiz");
  for (var k = 0; k < quizzes.length; k++) { initQuiz(quizzes[k]); }
}
