// Play, Pause and the frame slider of a standalone replay; a frame is drawn before the next is asked for.
// Playing stops by itself on each frame of ``stops`` (a lecture's scripted pauses) and at the end.
function player(n, show, ms, stops) {
  const holds = new Set(stops || []);
  const slider = document.getElementById("frame"), play = document.getElementById("play");
  const label = document.getElementById("frame-label");
  let playing = false, shown = -1, pending = null, drawing = false;
  function draw(i) {  // draws frame i, or remembers it if a frame is being drawn
    pending = i;
    if (drawing) return Promise.resolve();
    drawing = true;
    const next = pending; pending = null;
    return show(next).then(() => { shown = next; slider.value = next; label.textContent = (next + 1) + " / " + n;
      document.body.dataset.shown = next; drawing = false; if (pending !== null) return draw(pending); });
  }
  function stop() { playing = false; play.textContent = "\u25B6 Play"; }
  function tick() {
    if (!playing) return;
    if (shown >= n - 1) { stop(); return; }
    const t0 = performance.now();
    draw(shown + 1).then(() => { if (holds.has(shown)) { stop(); return; }
      setTimeout(tick, Math.max(0, ms - (performance.now() - t0))); });
  }
  play.addEventListener("click", () => {
    if (playing) { stop(); return; }
    playing = true; play.textContent = "\u275A\u275A Pause";
    if (shown >= n - 1) draw(0).then(tick); else tick();
  });
  slider.addEventListener("input", () => { stop(); draw(+slider.value); });
  draw(0);
}
