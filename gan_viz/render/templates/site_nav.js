// The class site's keys: Right arrow or Page Down opens the next scene, Left arrow or Page Up the one
// before (what presentation clickers send), Space plays or pauses; none while a field has the focus.
document.addEventListener("keydown", e => {
  const t = e.target;
  if (t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT", "BUTTON"].includes(t.tagName))) return;
  const go = rel => { const a = document.querySelector("a[rel='" + rel + "']");
    if (a) { e.preventDefault(); window.location.href = a.href; } };
  if (e.key === "ArrowRight" || e.key === "PageDown") go("next");
  else if (e.key === "ArrowLeft" || e.key === "PageUp") go("prev");
  else if (e.key === " ") { const p = document.getElementById("play"); if (p) { e.preventDefault(); p.click(); } }
});
