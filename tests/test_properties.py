"""Property tests: whatever comes in (a link, --set, a config dict, a samples file), the
answer is a valid configuration or data, possibly clamped with a warning, or one line
refusing it; never a traceback."""

import io
import json
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gan_viz import cli
from gan_viz.core import bounds, config
from gan_viz.core.config import Config
from gan_viz.lab import evaluate
from gan_viz.ui import urlstate

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KEYS = config.keys()

numbers_as_text = st.one_of(
    st.integers(-10**30, 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["nan", "inf", "-inf", "1e400", "1_000", "0x10", " 3 ", "", "true", "[]", "[[1,2]]", "null"]),
)
nested = st.tuples(st.one_of(st.integers(0, 5), st.integers(900, 20_000)), st.booleans()).map(
    lambda nb: "[" * nb[0] + "]" * (nb[0] if nb[1] else nb[0] // 2))  # deep JSON, balanced or not
markdown = st.sampled_from(["[x](https://e.com)", "![i](http://e.com/i.png)", "<img src=x>", "$x$", ":red[a]"])
values = st.one_of(numbers_as_text, nested, markdown, st.text(max_size=40))
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(), st.text(max_size=10)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children,
                                                                               max_size=4)),
    max_leaves=12)
json_text = json_values.map(json.dumps)
keys = st.one_of(st.sampled_from(KEYS + ["preset", "view.arrows", "view.steps_per_frame"]), st.text(max_size=20))


def one_line(message: str) -> bool:
    return bool(message) and "\n" not in message and len(message) < 400


@FAST
@given(st.dictionaries(keys, st.one_of(values, st.lists(values, min_size=1, max_size=3)), max_size=6))
def test_any_link_opens_a_valid_scene_with_one_line_warnings(params):
    name, cfg, _, warnings = urlstate.config_from_query(params)
    config.validate(cfg)
    assert all(one_line(w) for w in warnings)
    for w in warnings:  # shown inertly: no Markdown link or image, no autolink
        shown = urlstate.inert(w)
        assert "](" not in shown and "://" not in shown


@FAST
@given(st.text(max_size=200))
def test_any_raw_query_string_parses(qs):
    parsed = parse_qs(qs, keep_blank_values=True)
    _, cfg, _, warnings = urlstate.config_from_query(parsed)
    config.validate(cfg)
    assert all(one_line(w) for w in warnings)


@FAST
@given(st.sampled_from([k for k in bounds.BOUNDS if k not in ("data.centres", "data.weights")]),
       st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_a_number_out_of_range_in_a_link_is_clamped_and_said(key, v):
    _, cfg, _, warnings = urlstate.config_from_query({key: repr(v)})
    b = bounds.BOUNDS[key]
    got = config._get(cfg, key)
    if v < b.lo or v > b.hi:
        assert got == bounds.clamp(key, v) or len(warnings) == 1  # clamped, or refused (k_d + k_g = 0)
        assert len(warnings) == 1
    assert b.lo <= got <= b.hi


@FAST
@given(st.sampled_from(["data.centres", "data.weights"]), st.one_of(nested, values, json_text))
def test_any_centres_or_weights_text_is_applied_or_refused_in_one_line(key, value):
    try:
        config.apply_overrides(Config(), ["data.layout=custom", "data.centres=[[0,0]]", f"{key}={value}"])
    except ValueError as e:
        assert one_line(str(e))


@FAST
@given(st.lists(st.tuples(keys, values), max_size=4))
def test_any_set_assignment_is_applied_or_refused_in_one_line(pairs):
    assignments = [f"{k}={v}" for k, v in pairs]
    try:
        cfg = config.apply_overrides(Config(), assignments)
    except ValueError as e:
        assert one_line(str(e))
    else:
        config.validate(cfg)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(KEYS), values), min_size=1, max_size=2))
def test_cli_set_never_gives_a_traceback(pairs):
    argv = ["config", "--json"] + [a for k, v in pairs for a in ("--set", f"{k}={v}")]
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_info, redirect_stdout(out), redirect_stderr(err):
        cli.main(argv)
        raise SystemExit(0)
    assert exit_info.value.code in (0, 2)
    if exit_info.value.code == 2:
        assert one_line(err.getvalue().strip()) and err.getvalue().startswith("gan-viz: error:")
    else:
        json.loads(out.getvalue())


config_dicts = st.dictionaries(
    st.one_of(st.sampled_from(["data", "model", "train", "view", "seed"]), st.text(max_size=8)),
    st.one_of(st.dictionaries(st.one_of(st.sampled_from([k.split(".")[-1] for k in KEYS]), st.text(max_size=8)),
                              json_values, max_size=4), json_values),
    max_size=4)


@FAST
@given(st.one_of(config_dicts, json_values))
def test_any_config_dict_gives_a_config_or_one_line(d):
    try:
        cfg = config.validate(config.from_dict(d))
    except ValueError as e:
        assert one_line(str(e))
    else:
        assert config.from_dict(config.to_dict(cfg)) == cfg


# -- sample files -----------------------------------------------------------------------------

DTYPES = ["<f4", "<f8", ">f8", "<f2", "<i4", "<u1", "<c8", "|b1", "<U3", "|S2", "<M8[s]", "<f8,<f8"]


def _read(name: str, data: bytes):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / name
        path.write_bytes(data)
        try:
            x = evaluate.read_samples(path)
        except ValueError as e:
            assert one_line(str(e))
            return None
    assert x.dtype == np.float32 and x.ndim == 2 and x.shape[1] == 2 and x.shape[0] >= 1
    assert np.isfinite(x).all()
    return x


def _array(dtype: str, shape: list[int], raw: bytes) -> np.ndarray:
    """An array of ``dtype`` and ``shape`` whose bytes are ``raw`` repeated (any bit pattern)."""
    dt = np.dtype(dtype)
    size = int(np.prod(shape)) * dt.itemsize
    fill = (raw or b"\0") * (size // max(len(raw), 1) + 1)
    return np.frombuffer(fill[:size], dtype=dt).reshape(shape)


shapes = st.one_of(st.integers(0, 6).map(lambda n: [n, 2]), st.lists(st.integers(0, 5), max_size=3))


@FAST
@given(st.sampled_from(DTYPES), shapes, st.binary(max_size=64),
       st.integers(0, 400))
def test_any_npy_file_is_read_or_refused_in_one_line(dtype, shape, raw, cut):
    buf = io.BytesIO()
    np.save(buf, _array(dtype, shape, raw), allow_pickle=False)
    blob = buf.getvalue()
    _read("s.npy", blob)
    _read("s.npy", blob[:cut])  # truncated anywhere, header included


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_named_npy_or_csv_are_read_or_refused_in_one_line(raw):
    _read("s.npy", b"\x93NUMPY" + raw)
    _read("s.npy", raw)
    _read("s.csv", raw)


csv_cells = st.one_of(st.floats().map(repr), st.integers(-10**40, 10**40).map(str), st.text(max_size=6))


@FAST
@given(st.lists(st.lists(csv_cells, min_size=0, max_size=3), max_size=20), st.booleans())
def test_any_csv_text_is_read_or_refused_in_one_line(rows, header):
    text = ("x,y\n" if header else "") + "\n".join(",".join(r) for r in rows)
    _read("s.csv", text.encode("utf-8", "surrogatepass"))
