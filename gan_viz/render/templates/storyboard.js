// The counter-example's storyboard: one figure per phase.
const FIGS = $figs, LABELS = $labels, CONFIG = $config;
const plot = document.getElementById("story");
function show(i) {
  document.getElementById("status").textContent = LABELS[i];
  return Plotly.react(plot, FIGS[i].data, FIGS[i].layout, CONFIG);
}
player(FIGS.length, show, $ms);
