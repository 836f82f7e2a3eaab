/*
 * "Print" buttons: shown only when this script runs (without it the page says to use the
 * browser's Print command), and they open the browser's print dialog. The print layout itself
 * is plain CSS (tools.css), so the browser's own Print command gives the same page.
 */
"use strict";

(() => {
  for (const button of document.querySelectorAll("button[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
})();
