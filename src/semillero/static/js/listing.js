// List pages update their results in place with htmx and push the new URL. Keep the
// language switch's "next" on that URL, so switching language keeps the search and
// the filters. (In a file: the content security policy forbids inline scripts.)
document.addEventListener("htmx:pushedIntoHistory", () => {
  const here = window.location.pathname + window.location.search;
  for (const input of document.querySelectorAll("form.language-switch input[name=next]")) {
    input.value = here;
  }
});

// Leave empty search and filter fields out of the URL: "?type=company", not
// "?q=&type=company&department=". The server reads a missing field as "all".
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get") {
    return;
  }
  const params = event.detail.parameters;
  for (const name of Object.keys(params)) {
    if (params[name] === "") {
      delete params[name];
    }
  }
});
