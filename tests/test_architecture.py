"""The layering docs/architecture.md states: each subpackage imports only those below it
(core < lab < render < ui; the cli uses core, lab and render, and starts the app by path), with
no exception to the rule."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "gan_viz"

FORBIDDEN = {
    "core": {"gan_viz.lab", "gan_viz.render", "gan_viz.ui", "gan_viz.cli", "streamlit", "plotly"},
    "lab": {"gan_viz.render", "gan_viz.ui", "gan_viz.cli", "streamlit", "plotly"},
    "render": {"gan_viz.ui", "gan_viz.cli", "streamlit"},
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
        elif isinstance(node, ast.ImportFrom) and node.level:
            names.add("<relative import>")
    return names


def test_every_module_belongs_to_one_layer():
    subs = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert subs == set(FORBIDDEN)


@pytest.mark.parametrize("sub", sorted(FORBIDDEN))
def test_subpackage_imports_only_the_layers_below_it(sub):
    bad = {}
    for path in sorted((PACKAGE / sub).rglob("*.py")):
        names = imported_modules(path)
        hits = {m for m in names for f in FORBIDDEN[sub] if m == f or m.startswith(f + ".")}
        hits |= names & {"<relative import>"}
        if hits:
            bad[str(path.relative_to(PACKAGE))] = sorted(hits)
    assert not bad, bad


def test_the_checker_sees_lazy_and_relative_imports(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("def g():\n    from gan_viz.render import storyboard\n    import streamlit as st\n"
                 "    from . import x\n")
    assert {"gan_viz.render", "gan_viz.render.storyboard", "streamlit", "<relative import>"} <= imported_modules(f)


def test_importing_the_render_layer_and_the_cli_loads_no_streamlit():
    render = sorted(f"gan_viz.render.{p.stem}" for p in (PACKAGE / "render").glob("*.py") if p.stem != "__init__")
    assert "gan_viz.render.export" in render
    code = ("import sys; import gan_viz.cli.main; " + "; ".join(f"import {m}" for m in render)
            + "; print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
