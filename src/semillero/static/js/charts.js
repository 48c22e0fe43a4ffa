// Draws the charts of a page with vega-embed. A chart is an element carrying
// data-vega-spec="ID", where ID is the id of a <script type="application/json">
// holding its Vega-Lite spec (Django's json_script filter writes one); the spec
// comes from semillero.indicators.charts. Content that htmx swaps in is drawn too.
//
// The content security policy forbids eval, inline scripts and inline styles, so:
// - ast: true makes Vega interpret its expressions (the interpreter is bundled in
//   vega-embed) instead of compiling them with Function();
// - defaultStyle: false and the tooltip's disableDefaultStyle stop vega-embed and
//   vega-tooltip from injecting a <style> element; their styles are in
//   vendor/vega-embed-*/vega-embed.css, which the page links;
// - forceActionsMenu keeps the "…" export menu that defaultStyle: false would drop.
//
// The menu's labels below are the Spanish defaults; specs built by charts.py carry
// them in the page's language (usermeta.embedOptions.i18n), which wins.
(() => {
  const OPTIONS = {
    renderer: "svg",
    actions: { export: true, source: false, compiled: false, editor: false },
    ast: true,
    defaultStyle: false,
    forceActionsMenu: true,
    tooltip: { disableDefaultStyle: true },
    downloadFileName: "grafico",
    i18n: {
      CLICK_TO_VIEW_ACTIONS: "Acciones del gráfico",
      SVG_ACTION: "Descargar SVG",
      PNG_ACTION: "Descargar PNG",
    },
  };

  // Drawn charts, so that each is drawn once and those swapped out are released
  // (vega-embed keeps a document listener per chart until finalize()).
  const drawn = new Map();

  function release() {
    for (const [element, result] of drawn) {
      if (result && !element.isConnected) {
        result.finalize();
        drawn.delete(element);
      }
    }
  }

  function draw(element) {
    if (drawn.has(element)) {
      return;
    }
    const source = document.getElementById(element.dataset.vegaSpec);
    if (!source) {
      console.error(`charts.js: no spec #${element.dataset.vegaSpec}`);
      return;
    }
    drawn.set(element, null);
    const spec = JSON.parse(source.textContent);
    window
      .vegaEmbed(element, spec, OPTIONS)
      .then((result) => {
        drawn.set(element, result);
        element.classList.add("chart-drawn");
      })
      .catch((error) => {
        drawn.delete(element);
        element.classList.add("chart-error");
        console.error("charts.js:", error);
      });
  }

  function drawAll() {
    release();
    for (const element of document.querySelectorAll("[data-vega-spec]")) {
      draw(element);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  document.addEventListener("htmx:afterSwap", drawAll);
})();
