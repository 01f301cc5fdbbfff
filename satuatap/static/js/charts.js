// Draws every chart of the page (core/_chart.html): a <canvas data-chart="ID"> reads its data from
// the <script type="application/json" id="ID"> beside it. Chart.js is loaded only on pages that have
// a chart; the figures are also in a table under each chart, so nothing is lost without it.
(() => {
  const me = document.currentScript;
  const PALETTE = ["#0b6b4f", "#d08c00", "#3a6ea5", "#a3195b", "#5c6b66", "#6f42c1", "#2a9d8f", "#b02a37"];
  let loading = null;

  const loadLibrary = () => {
    if (window.Chart) return Promise.resolve(window.Chart);
    if (!loading) {
      loading = new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = me.dataset.chartjs;
        script.onload = () => resolve(window.Chart);
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  };

  // Rp1.250.000: whole rupiah with dots, as the pages write it (core.formatting.rupiah).
  const rupiah = (value) => {
    const n = Math.round(Number(value) || 0);
    return (n < 0 ? "-" : "") + "Rp" + String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  };

  // Axis ticks: Rp1,5 jt, Rp2 M (the short scale words come from the page's language).
  const compact = (value, config) => {
    const n = Math.abs(Number(value) || 0);
    const sign = value < 0 ? "-" : "";
    const steps = [1e12, 1e9, 1e6, 1e3];
    for (let i = 0; i < steps.length; i++) {
      if (n >= steps[i]) {
        const short = (n / steps[i]).toFixed(n / steps[i] < 10 ? 1 : 0).replace(/\.0$/, "");
        return `${sign}Rp${short.replace(".", config.decimal)} ${config.units[3 - i]}`;
      }
    }
    return rupiah(value);
  };

  const draw = (canvas, Chart) => {
    if (canvas.dataset.drawn) return;
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const config = JSON.parse(source.textContent);
    const round = config.kind === "doughnut" || config.kind === "pie";
    const datasets = config.datasets.map((d, i) => {
      const colour = PALETTE[i % PALETTE.length];
      return {
        label: d.label,
        data: d.data,
        backgroundColor: round ? config.labels.map((_, j) => PALETTE[j % PALETTE.length]) : colour,
        borderColor: round ? "#fff" : colour,
        borderWidth: config.kind === "line" ? 2 : 1,
        tension: 0.2,
      };
    });
    const valueAxis = config.horizontal ? "x" : "y";
    const format = (v) => (config.money ? compact(v, config) : Number(v).toLocaleString(document.documentElement.lang));
    const scales = round ? {} : {
      x: {stacked: config.stacked}, y: {stacked: config.stacked},
    };
    // Counts are whole: no 0,5 application on an axis.
    if (!round) scales[valueAxis].ticks = config.money ? {callback: format} : {callback: format, precision: 0};
    if (!round) scales[valueAxis].beginAtZero = true;
    new Chart(canvas, {
      type: config.kind,
      data: {labels: config.labels, datasets},
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: config.horizontal ? "y" : "x",
        scales,
        plugins: {
          legend: {display: round || datasets.length > 1, position: "bottom"},
          tooltip: {
            callbacks: {
              label: (ctx) => {
                const raw = ctx.raw;
                const text = config.money ? rupiah(raw) : Number(raw).toLocaleString(document.documentElement.lang);
                return `${round ? ctx.label : ctx.dataset.label}: ${text}`;
              },
            },
          },
        },
      },
    });
    canvas.dataset.drawn = "1";
  };

  const drawAll = (root) => {
    const canvases = root.querySelectorAll("canvas[data-chart]");
    if (!canvases.length) return;
    loadLibrary().then((Chart) => canvases.forEach((canvas) => draw(canvas, Chart))).catch(() => {
      // Without the library the table under each chart still carries its figures.
      canvases.forEach((canvas) => canvas.closest(".sa-chart-canvas")?.classList.add("d-none"));
    });
  };

  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  // Parts of a page loaded later by htmx may bring charts too.
  document.addEventListener("htmx:afterSettle", (event) => drawAll(event.target));
})();
