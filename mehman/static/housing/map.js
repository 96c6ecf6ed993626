// The site map's controls (housing/map.html). Choosing a colour mode or a layer changes the
// map at once, without a reload, and keeps the choice in the address so that a reload or
// the back button shows the same map; choosing a settlement or a block reloads the page.
// Without JavaScript the same form is sent and the server draws the choice.
(() => {
  "use strict";

  const apply = (root, form) => {
    const mode = form.querySelector("input[name=mode]:checked");
    const layers = Array.from(
      form.querySelectorAll("input[name=layer]:checked"),
      (box) => box.value,
    );
    if (mode) {
      root.dataset.mode = mode.value;
    }
    root.dataset.layers = layers.join(" ");
    const url = new URL(window.location.href);
    if (mode) {
      url.searchParams.set("mode", mode.value);
    }
    url.searchParams.delete("layer");
    layers.forEach((layer) => url.searchParams.append("layer", layer));
    window.history.replaceState(null, "", url);
  };

  const init = (root) => {
    const form = root.querySelector("form[data-map-controls]");
    if (!form) {
      return;
    }
    form.addEventListener("change", (event) => {
      const name = event.target.name;
      if (name === "mode" || name === "layer") {
        apply(root, form);
      } else if (name === "block" || name === "settlement") {
        form.requestSubmit();
      }
    });
  };

  document.querySelectorAll("[data-site-map]").forEach(init);
})();
