// A recorded run: decodes each frame's base64 arrays and draws it with one Plotly.react.
const FRAMES = $frames, RES = $res, CONFIG = $config;
const main = document.getElementById("main"), chartsDiv = document.getElementById("charts");
const MAIN = $main, CHARTS = $charts;
function bytes(b64) { const s = atob(b64), out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i); return out; }
function rows(levels) { const z = []; for (let j = 0; j < RES; j++) z.push(levels.subarray(j * RES, (j + 1) * RES));
  return z; }
const decoded = FRAMES.map(f => null);
function frame(i) {
  if (decoded[i] === null) {
    const f = FRAMES[i], floats = b64 => new Float32Array(bytes(b64).buffer);
    decoded[i] = {z: rows(bytes(f.z)), x: floats(f.x), y: floats(f.y)};
  }
  return decoded[i];
}
const ready = Promise.all([Plotly.newPlot(main, MAIN.data, MAIN.layout, CONFIG),
                           Plotly.newPlot(chartsDiv, CHARTS.data, CHARTS.layout, CONFIG)]);
function show(i) {
  const f = frame(i), d = main.data.slice();
  d[0] = Object.assign({}, d[0], {z: f.z});
  d[1] = Object.assign({}, d[1], {z: f.z});
  d[3] = Object.assign({}, d[3], {x: f.x, y: f.y});
  document.getElementById("status").innerHTML = FRAMES[i].status;
  return Promise.all([Plotly.react(main, d, main.layout, CONFIG),
                      Plotly.relayout(chartsDiv, {"shapes[0].x0": FRAMES[i].step, "shapes[0].x1": FRAMES[i].step})]);
}
ready.then(() => player(FRAMES.length, show, $ms, $stops));
