"""The layering the README's Architecture section states: each subpackage imports only those
below it (core < lab < ui; cli uses core and lab and starts the ui by path)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "gan_viz"

FORBIDDEN = {
    "core": {"gan_viz.lab", "gan_viz.ui", "gan_viz.cli", "streamlit", "plotly"},
    "lab": {"gan_viz.ui", "gan_viz.cli", "streamlit", "plotly"},
    "ui": {"gan_viz.cli"},
    "cli": {"gan_viz.ui", "streamlit"},
}


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
        if hits:
            bad[str(path.relative_to(PACKAGE))] = sorted(hits)
    assert not bad, bad


def test_the_checker_sees_lazy_imports(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("def g():\n    from gan_viz.ui import storyboard\n    import streamlit as st\n")
    assert {"gan_viz.ui", "gan_viz.ui.storyboard", "streamlit"} <= imported_modules(f)
