// The bar chart of a conversion's planned ends per quarter (data in #quarters-data).
(function () {
  "use strict";
  var source = document.getElementById("quarters-data");
  var canvas = document.getElementById("quarters-chart");
  if (!window.Chart || !source || !canvas) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var rtl = document.documentElement.dir === "rtl";
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [{ label: data.label, data: data.values, backgroundColor: "#0d6efd" }],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      locale: document.documentElement.lang === "fa" ? "fa-IR" : "en",
      plugins: { legend: { display: false, rtl: rtl } },
      scales: {
        x: { reverse: rtl },
        y: { beginAtZero: true, ticks: { precision: 0 } },
      },
    },
  });
})();
