/* The kiosk and the ticket: the print button, and at the kiosk the way back to the start after a
   few seconds (the page has no inline script). Any touch restarts the count. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });
  var back = document.querySelector("[data-return-url]");
  if (back) {
    var seconds = parseInt(back.getAttribute("data-return-after") || "20", 10) || 20;
    var timer = null;
    var arm = function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(function () { window.location.assign(back.getAttribute("data-return-url")); }, seconds * 1000);
    };
    document.addEventListener("pointerdown", arm);
    arm();
  }
})();
