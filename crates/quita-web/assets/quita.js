// Quita's own script, served from /assets (no inline handlers).
// A form with data-confirmar asks before it is sent: the "Encerrar" form of
// a receivable (closing cannot be undone).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  var question = form.getAttribute("data-confirmar");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
