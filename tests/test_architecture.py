"""The layering docs/architecture.md states: each subpackage imports only those
below it (core < lab < ui; cli uses core and lab, the ui's pure drawing modules to write HTML
exports, and starts the app by path)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "gan_viz"

FORBIDDEN = {
    "core": {"gan_viz.lab", "gan_viz.ui", "gan_viz.cli", "streamlit", "plotly"},
    "lab": {"gan_viz.ui", "gan_viz.cli", "streamlit", "plotly"},
    "ui": {"gan_viz.cli"},
    "cli": {"gan_viz.ui", "streamlit"},
}
# The ui modules that only draw (plotly, numpy): the cli may import these, and they import no streamlit.
PURE_UI = {"gan_viz.ui", "gan_viz.ui.export", "gan_viz.ui.plots", "gan_viz.ui.charts", "gan_viz.ui.raster",
           "gan_viz.ui.theme", "gan_viz.ui.storyboard", "gan_viz.ui.figure_png"}
ALLOWED = {"cli": PURE_UI}


def imported_modules(path: Path) -> set[str]:
    """Every module an import statement in the file names, at any depth (lazy imports too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return names


@pytest.mark.parametrize("sub", sorted(FORBIDDEN))
def test_subpackage_imports_only_the_layers_below_it(sub):
    bad = {}
    for path in sorted((PACKAGE / sub).rglob("*.py")):
        hits = {m for m in imported_modules(path) for f in FORBIDDEN[sub] if m == f or m.startswith(f + ".")}
        hits -= ALLOWED.get(sub, set())
        if hits:
            bad[str(path.relative_to(PACKAGE))] = sorted(hits)
    assert not bad, bad


def test_the_checker_sees_lazy_imports(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("def g():\n    from gan_viz.ui import storyboard\n    import streamlit as st\n")
    assert {"gan_viz.ui", "gan_viz.ui.storyboard", "streamlit"} <= imported_modules(f)


def _module_path(name: str) -> Path:
    rel = Path(*name.split(".")[1:])
    return PACKAGE / rel / "__init__.py" if (PACKAGE / rel).is_dir() else PACKAGE / rel.with_suffix(".py")


def test_the_pure_drawing_modules_import_no_streamlit_directly_or_through_other_ui_modules():
    seen, todo, bad = set(), sorted(PURE_UI), {}
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        names = imported_modules(_module_path(name))
        if any(m == "streamlit" or m.startswith("streamlit.") for m in names):
            bad[name] = sorted(m for m in names if m.startswith("streamlit"))
        todo += [m for m in names if m.startswith("gan_viz.ui.") and _module_path(m).exists()]
    assert "gan_viz.ui.storyboard" in seen and "gan_viz.ui.raster" in seen  # export's imports were followed
    assert not bad, bad


def test_importing_the_pure_drawing_modules_and_the_cli_loads_no_streamlit():
    code = ("import sys; import gan_viz.cli.main; " + "; ".join(f"import {m}" for m in sorted(PURE_UI))
            + "; print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
