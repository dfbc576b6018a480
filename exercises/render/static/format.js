// The JavaScript twin of exercises.render.numbers.fmt_answer and fmt_digits, for the site's
// quizzes: fmtAnswer(x, key) with key null for the compact form. toExponential rounds the exact
// binary value, a tie away from zero, as _rounded does in Python; the rest rebuilds the text in
// the style of Python's 'g'. Tested against the Python in Chromium
// (tests/exercises/render/test_site_parity.py).
function fmtDigits(x, p) {
  if (x !== x) { return "nan"; }
  if (x === Infinity) { return "inf"; }
  if (x === -Infinity) { return "-inf"; }
  if (x === 0) { return 1 / x < 0 ? "-0" : "0"; }
  var s = Math.abs(x).toExponential(p - 1), e = s.indexOf("e");
  var digits = s.slice(0, e).replace(".", ""), exp = parseInt(s.slice(e + 1), 10), text;
  if (exp >= -4 && exp < p) {
    text = exp >= 0 ? digits.slice(0, exp + 1) + "." + digits.slice(exp + 1)
                    : "0." + new Array(-exp).join("0") + digits;
    text = text.replace(/0+$/, "").replace(/\.$/, "");
  } else {
    var mantissa = (digits.charAt(0) + "." + digits.slice(1)).replace(/0+$/, "").replace(/\.$/, "");
    text = mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
  }
  return x < 0 ? "-" + text : text;
}
function fmtAnswer(x, key) {
  var p = 6;
  if (key !== null && key !== undefined && x !== key) {
    while (p < 17 && fmtDigits(x, p) === fmtDigits(key, p)) { p += 1; }
  }
  return fmtDigits(x, p);
}
