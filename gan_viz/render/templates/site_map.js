// A collapse map computed when the site was written: one heatmap, drawn once.
const FIG = $fig, CONFIG = $config;
Plotly.newPlot("map", FIG.data, FIG.layout, CONFIG).then(() => { document.body.dataset.shown = "0"; });
