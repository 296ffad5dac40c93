// Quita's own script, served from /assets (no inline handlers).
// A form with data-confirmar asks before it is sent: the "Encerrar" form of
// a receivable (closing cannot be undone) names the receivable and the action.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  var question = form.getAttribute("data-confirmar");
  // `{acao}` in the question is the action chosen in the form's select.
  var action = form.querySelector("select[name=acao]");
  if (question && action && action.selectedIndex >= 0) {
    question = question.replace("{acao}", action.options[action.selectedIndex].text);
  }
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
// "Próxima página" and "Página anterior" of the debtor list swap the rows in
// place (htmx): the focus goes to the new rows' table (its caption names
// it) instead of staying on the link at the bottom of the page. The line
// above it, a polite live region, says how many rows came.
document.addEventListener("htmx:afterSwap", function (event) {
  var config = event.detail && event.detail.requestConfig;
  var from = config && config.elt;
  if (!from || !from.closest || !from.closest("nav.paginas")) return;
  var target = document.getElementById("lista-devedores") || document.getElementById("resultados");
  if (target) target.focus();
});
// Back (or Forward) to a search: htmx puts back the page it saved, whose
// search box holds the text it was rendered with, not what was typed. The
// box takes the search the address names.
document.addEventListener("htmx:historyRestore", function () {
  var box = document.getElementById("busca");
  if (!box) return;
  var q = new URLSearchParams(window.location.search).get("q");
  box.value = q === null ? "" : q;
});
