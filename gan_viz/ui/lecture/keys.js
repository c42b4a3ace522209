// The presenter view's keyboard (a clicker sends Page Down / Page Up or the arrows). The page's
// st.iframe frame inserts this script into the page itself (``lecture_view.keyboard``), so it runs
// in the page's own window: a listener left by a frame that Streamlit replaced between two scenes would
// no longer be called. Each key clicks the page's own button, so it does exactly what the button does; the
// key map (window.__ganVizLectureKeyMap) and help rows (window.__ganVizLectureHelp) are looked up at each
// press, so they follow the scene on screen. Installed once per page.
(function () {
  const win = window;
  const doc = document;
  if (win.__ganVizLectureKeys) return;
  win.__ganVizLectureKeys = true;

  function typing(el) {
    if (!el) return false;
    if (el.isContentEditable) return true;
    const tag = (el.tagName || "").toLowerCase();
    if (tag === "textarea" || tag === "select") return true;
    if (tag !== "input") return false;
    return !["checkbox", "radio", "button", "submit", "range", "file"].includes((el.type || "").toLowerCase());
  }

  function click(names) {
    // the first shown and enabled control of the first name that has one (a widget being replaced
    // can leave a hidden copy of itself in the page for a moment)
    for (const name of names) {
      const all = doc.querySelectorAll(".st-key-" + name + " button, .st-key-" + name + " input[type=checkbox]");
      for (const target of all) {
        if (!target.disabled && target.getClientRects().length) { target.click(); return true; }
      }
    }
    return false;
  }

  function help() {
    let box = doc.getElementById("lecture-help");
    if (box) { box.remove(); return; }
    box = doc.createElement("div");
    box.id = "lecture-help";
    box.setAttribute("role", "dialog");
    box.style.cssText = "position:fixed;inset:0;z-index:1000002;background:rgba(0,0,0,.72);display:flex;" +
      "align-items:center;justify-content:center;";
    const rows = (win.__ganVizLectureHelp || []).map(([k, v]) => "<tr><td style='padding:.3em 1.2em .3em 0;font-weight:700;white-space:nowrap'>" +
      k + "</td><td style='padding:.3em 0'>" + v + "</td></tr>").join("");
    box.innerHTML = "<div style='background:#fff;color:#111;border-radius:12px;padding:1.4em 2em;font-size:24px;" +
      "max-width:80vw'><div style='font-weight:700;font-size:28px;margin-bottom:.5em'>Keyboard</div><table>" +
      rows + "</table><div style='margin-top:.8em;font-size:18px;color:#555'>? or Esc closes this</div></div>";
    box.addEventListener("click", () => box.remove());
    doc.body.appendChild(box);
  }

  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || e.defaultPrevented) return;
    if (!doc.querySelector(".st-key-lecture_next")) return;  // the full app: no shortcuts
    const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (k === "?") { help(); e.preventDefault(); return; }
    if (k === "Escape" && doc.getElementById("lecture-help")) { help(); e.preventDefault(); return; }
    const names = (win.__ganVizLectureKeyMap || {})[k];
    if (!names) return;
    e.preventDefault();  // no scrolling (Space, Page Down) and no native click of a focused button
    e.stopPropagation();
    if (e.repeat) return;
    if (doc.activeElement && doc.activeElement.blur) doc.activeElement.blur();
    click(names);
  }
  // a click on a plot moves the focus into its frame: listen there too (same-origin frames only)
  function listen(d) {
    if (!d || d.__ganVizLectureKeys) return;
    d.__ganVizLectureKeys = true;
    d.addEventListener("keydown", onKey, true);
  }
  listen(doc);
  win.setInterval(() => {
    for (const f of doc.querySelectorAll("iframe")) {
      try { listen(f.contentDocument); } catch (err) { /* another origin: not ours */ }
    }
  }, 1000);
  doc.addEventListener("click", (e) => {
    if (e.target.closest && e.target.closest(".st-key-lecture_keys")) help();
  });
  doc.addEventListener("keyup", (e) => { if (e.key === " " && !typing(e.target)) e.preventDefault(); }, true);
})();
