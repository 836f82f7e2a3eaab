/*
 * "Use my location" on the clinic search form.
 *
 * Where the browser can give a location, this shows the button kept in <template
 * id="use-location">. On a click it asks the browser for the position, posts latitude and
 * longitude, with the form's other inputs, to data-locate-url. The server answers with
 * a redirect to the search from the nearest ZIP code: the coordinates travel in a POST body,
 * which no access log writes, never in an address, and nothing here stores them.
 *
 * Every word shown comes from the page, so that it is translated with the rest of the site.
 */
"use strict";

(() => {
  const form = document.querySelector("form.search-form[data-locate-url]");
  const template = document.getElementById("use-location");
  if (!form || !template || !("geolocation" in navigator)) {
    return;
  }
  form.appendChild(template.content.cloneNode(true));
  const button = form.querySelector(".use-location button");
  const failed = form.querySelector("[data-location-failed]");

  // A form of its own, so that the search form stays a GET form (after "back", too).
  function post(fields) {
    const locate = document.createElement("form");
    locate.method = "post";
    locate.action = form.dataset.locateUrl;
    locate.hidden = true;
    for (const [name, value] of Object.entries(fields)) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = String(value);
      locate.appendChild(input);
    }
    document.body.appendChild(locate);
    locate.submit();
  }

  // The person's other inputs go along, so the search from their location keeps them.
  function otherInputs() {
    const kept = {};
    for (const name of ["radius_miles", "discipline", "insurance"]) {
      const field = form.elements.namedItem(name);
      if (field && "value" in field && field.value) {
        kept[name] = field.value;
      }
    }
    return kept;
  }

  button.addEventListener("click", () => {
    button.disabled = true;
    failed.hidden = true;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        button.disabled = false;
        post({ ...otherInputs(), latitude: position.coords.latitude, longitude: position.coords.longitude });
      },
      () => {
        button.disabled = false;
        failed.hidden = false;
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 },
    );
  });
})();
