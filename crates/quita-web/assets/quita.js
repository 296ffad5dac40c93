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
