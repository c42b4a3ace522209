"""The README and docs/ point at what is there: every repository path they name exists, every
relative link (and its #section) resolves, every gan_viz name they give (``GAN.run``,
``controls.config_from_widgets``, a config key) exists, the README stays short, and the Python
examples' imports (and the names they use on the imported modules) exist."""

import ast
import functools
import importlib
import json
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
README_MAX_LINES = 240  # lecture mode and the divergences each earn a section; detail lives in docs/

TOP = ("gan_viz", "docs", "scripts", "assets", "tests", ".ci")  # a path under one of these is the repository's
PACKAGE_LAYERS = ("core", "lab", "render", "ui", "cli")  # `ui/sidebar.py` is short for gan_viz/ui/sidebar.py
FILE_SUFFIXES = ("py", "md", "png", "sh", "toml", "js", "html", "css")
_REPO_PATH = re.compile(rf"(?<![\w./~-])((?:{'|'.join(re.escape(t) for t in TOP)})/[\w./*-]*[\w/*])")
_LAYER_PATH = re.compile(rf"^(?:{'|'.join(PACKAGE_LAYERS)})/[\w./-]*[\w/]$")
_BARE_FILE = re.compile(rf"^[\w-]+\.(?:{'|'.join(FILE_SUFFIXES)})$")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
_EXTERNAL_LINK = re.compile(r"\[[^\]]*\]\(https?://[^)\s]+\)")


def named_paths(text: str) -> set[str]:
    """The repository paths a Markdown text names: any ``gan_viz/...``, ``docs/...``, ``tests/...``
    (in prose, code or commands), a code span that is a layer path (``ui/sidebar.py`` for
    ``gan_viz/ui/sidebar.py``), and a code span that is a bare file name (``plots.py``, checked to
    exist somewhere in the repository)."""
    found = {m.rstrip(".") for m in _REPO_PATH.findall(text)}
    for span in _CODE_SPAN.findall(_EXTERNAL_LINK.sub("", text)):  # another repository's file names its own
        span = span.strip()
        if _LAYER_PATH.match(span):
            found.add(f"gan_viz/{span}")
        elif _BARE_FILE.match(span):
            found.add(span)
    return found


def relative_links(text: str) -> set[str]:
    """Link and image targets that are neither web addresses nor e-mail: files, with an optional #section."""
    return {t for t in _LINK.findall(text) if not re.match(r"[a-z][a-z0-9+.-]*:", t)}


def anchor(heading: str) -> str:
    """GitHub's #fragment for a Markdown heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(text: str) -> set[str]:
    return {anchor(m) for m in re.findall(r"^#{1,6}\s+(.+?)\s*#*$", _without_code_blocks(text), re.M)}


def _without_code_blocks(text: str) -> str:
    return re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)


def missing(text: str, doc: Path, root: Path = ROOT) -> list[str]:
    """What ``text`` (the Markdown of ``doc``) names or links that ``root`` does not hold (a
    pattern such as ``tests/test_*.py``: matches nothing), sorted."""
    files = {p.name for p in root.rglob("*") if ".venv" not in p.parts and ".git" not in p.parts}
    bad = set()
    for path in named_paths(text):
        ok = path in files if "/" not in path else any(root.glob(path)) if "*" in path else (root / path).exists()
        if not ok:
            bad.add(path)
    for link in relative_links(text):
        target, _, fragment = link.partition("#")
        file = (doc.parent / target).resolve() if target else doc
        if not file.exists():
            bad.add(link)
        elif fragment and file.suffix == ".md" and fragment not in anchors(file.read_text(encoding="utf-8")):
            bad.add(link)
    return sorted(bad)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_path_and_link_a_doc_names_exists(doc):
    assert missing(doc.read_text(encoding="utf-8"), doc) == []


def test_the_checker_catches_a_made_up_path_link_and_section(tmp_path):
    (tmp_path / "gan_viz" / "core").mkdir(parents=True)
    (tmp_path / "gan_viz" / "core" / "train.py").write_text("")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "app.md").write_text("# The app\n\n## Live training\n")
    doc = tmp_path / "README.md"
    text = ("Real: `gan_viz/core/train.py`, `core/train.py`, `train.py`, [app](docs/app.md#live-training), "
            "[web](https://example.org/x.md), [`their.py`](https://example.org/repo).\n"
            "Made up: `gan_viz/metrics.py`, run `bash scripts/nope.sh`, "
            "`ui/plots.py`, `plots.py`, `tests/test_*.py`, [gone](docs/gone.md), [section](docs/app.md#nope).\n"
            "```bash\npython tests/test_nope.py  # a path in a code block\n```\n")
    assert missing(text, doc, tmp_path) == ["docs/app.md#nope", "docs/gone.md", "gan_viz/metrics.py",
                                            "gan_viz/ui/plots.py", "plots.py", "scripts/nope.sh",
                                            "tests/test_*.py", "tests/test_nope.py"]
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_app.py").write_text("")
    assert "tests/test_*.py" not in missing(text, doc, tmp_path)


def test_anchor_follows_github():
    assert anchor("Set-up: two commands") == "set-up-two-commands"
    assert anchor("The `gan-viz` command, flag by flag") == "the-gan-viz-command-flag-by-flag"


_DOTTED = re.compile(r"^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?:\(.*\))?(?:=.*)?$")


def dotted_names(text: str) -> set[str]:
    """Code spans that name something in Python: ``GAN.run``, ``controls.config_from_widgets``,
    ``train.eval_every`` (a config key), ``gan_viz.core.metrics``; a file name is not one."""
    names = set()
    for span in _CODE_SPAN.findall(text):
        m = _DOTTED.match(span.strip())
        if m and m.group(1).rsplit(".", 1)[1] not in FILE_SUFFIXES:
            names.add(m.group(1))
    return names


@functools.cache
def _owners() -> dict[str, list[str]]:
    """Each module's last name and each top-level class's name (or a capitalised alias of one, such as
    ``GAN = Trainer``) in gan_viz -> the modules they are in."""
    owners: dict[str, list[str]] = {}
    for path in sorted((ROOT / "gan_viz").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        owners.setdefault(module.rsplit(".", 1)[-1], []).append(module)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                owners.setdefault(node.name, []).append(f"{module}:{node.name}")
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
                for t in node.targets:
                    if isinstance(t, ast.Name) and t.id[:1].isupper():
                        owners.setdefault(t.id, []).append(f"{module}:{t.id}")
    return owners


def unresolved(name: str) -> bool:
    """Whether ``name`` starts with a gan_viz module, class or config section and names nothing there,
    or starts with a class gan_viz does not have (a lower-case name of another library, or a local
    such as ``info.diverged``, is not checked)."""
    from gan_viz.core import config

    first, *rest = name.split(".")
    candidates = ["gan_viz"] if first == "gan_viz" else _owners().get(first, [])
    if first in ("data", "model", "train", "view") and name in config.keys():
        return False
    if not candidates:  # a config section's key that is not one, or a class gan_viz no longer has
        return first in ("data", "model", "train", "view") or first[:1].isupper()
    return not any(_has(owner, rest) for owner in candidates)


_MISSING = object()


def _has(owner: str, attrs: list[str]) -> bool:
    """Whether ``owner`` ("module" or "module:Class") has the attribute chain ``attrs`` (a dataclass
    field counts; a submodule is imported)."""
    module, _, cls = owner.partition(":")
    obj = importlib.import_module(module)
    obj = getattr(obj, cls) if cls else obj
    for attr in attrs:
        fields = getattr(obj, "__dataclass_fields__", {})
        nxt = getattr(obj, attr, _MISSING)
        if nxt is _MISSING and attr in fields:
            return attr == attrs[-1]
        if nxt is _MISSING and isinstance(obj, types.ModuleType):
            try:
                nxt = importlib.import_module(f"{obj.__name__}.{attr}")
            except ImportError:
                return False
        if nxt is _MISSING:
            return False
        obj = nxt
    return True


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_python_name_a_doc_gives_exists(doc):
    assert sorted(n for n in dotted_names(doc.read_text(encoding="utf-8")) if unresolved(n)) == []


def test_the_name_checker_catches_a_made_up_name():
    text = ("`Config.seed`, `controls.config_from_widgets`, `train.eval_every`, `data.layout=samples`, "
            "`gan_viz.core.metrics`, `jax.device_get`, `info.diverged`, `np.load(allow_pickle=False)`, "
            "`Config.nope`, `Nope.run`, `controls.nope(1)`, `train.nope`, `gan_viz.core.nope`, `plots.py`")
    names = dotted_names(text)
    assert "plots.py" not in names and "np.load" in names
    assert sorted(n for n in names if unresolved(n)) == ["Config.nope", "Nope.run", "controls.nope",
                                                         "gan_viz.core.nope", "train.nope"]


def test_the_readme_is_short():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move detail to docs/"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, re.M | re.S)


def import_check(code: str) -> str:
    """A script that runs ``code``'s top-level imports and prints, as JSON, each ``module.name``
    the code calls or reads on an imported module that the module does not have."""
    tree = ast.parse(code)
    imports = [ast.get_source_segment(code, n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    used = sorted({(n.value.id, n.attr) for n in ast.walk(tree)
                   if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)})
    return "\n".join([*imports, "import json, types",
                      f"used = {used!r}",
                      "g = globals()",
                      "print(json.dumps([f'{m}.{a}' for m, a in used "
                      "if isinstance(g.get(m), types.ModuleType) and not hasattr(g[m], a)]))"])


def examples() -> list[tuple[str, str]]:
    """Each Python example of the README, docs/ and the package docstring: (where, code)."""
    out = [(str(d.relative_to(ROOT)), b) for d in DOCS for b in python_blocks(d.read_text(encoding="utf-8"))]
    doc = ast.get_docstring(ast.parse((ROOT / "gan_viz" / "__init__.py").read_text(encoding="utf-8"))) or ""
    example = "\n".join(line.strip() for line in doc.splitlines() if line.startswith("    "))
    return out + ([("gan_viz/__init__.py", example)] if example else [])


def test_the_import_checker_finds_a_missing_module_and_name():
    assert "ImportError" in _run(import_check("from gan_viz import experiment\n"))[1]
    code, err = _run(import_check("from gan_viz.lab import presets\nprint(presets.nope(1), presets.get)\n"))
    assert json.loads(code) == ["presets.nope"], err


def _run(script: str) -> tuple[str, str]:
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    return out.stdout.strip().splitlines()[-1] if out.returncode == 0 else "", out.stderr


def test_every_python_example_imports_what_it_uses():
    found = examples()
    assert any(where == "README.md" for where, _ in found)
    for where, code in found:
        stdout, stderr = _run(import_check(code))
        assert stdout, f"{where}: its imports fail:\n{stderr[-2000:]}"
        assert json.loads(stdout) == [], f"{where} uses names its modules lack: {stdout}"
