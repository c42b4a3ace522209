"""Property tests: whatever comes in (a link, --set, a config dict, a samples file), the
answer is a valid configuration or data, possibly clamped with a warning, or one line
refusing it; never a traceback."""

import io
import json
import re
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


# -- numbers as text, seeds, sweep axes, method lists ------------------------------------------

digits = "0123456789\u0660\u0661\u0662\u06f3\uff10\uff11\uff19\u0966_.eE+- "
number_texts = st.one_of(st.text(alphabet=digits, max_size=12), st.floats().map(repr), numbers_as_text)


@FAST
@given(number_texts)
def test_a_number_is_read_only_when_written_in_plain_ascii(text):
    try:
        v = bounds.parse_number(text)
    except ValueError as e:
        assert one_line(str(e))
        return
    s = text.strip(" \t")
    assert s.isascii() and "_" not in s and (v == float(s) or (np.isnan(v) and np.isnan(float(s))))


@FAST
@given(st.floats(allow_nan=False))
def test_every_float_written_by_python_reads_back(v):
    assert bounds.parse_number(repr(v)) == v and bounds.parse_number(f"{v:.6g}") == float(f"{v:.6g}")


@FAST
@given(st.integers(-2**40, 2**40), st.integers(1, 256))
def test_a_seed_list_is_accepted_exactly_when_every_seed_is_in_range(first, count):
    inside = 0 <= first and first + count - 1 <= 2**31 - 1
    try:
        bounds.check_seeds(first, count, "--first-seed")
    except ValueError as e:
        assert not inside and one_line(str(e)) and str(e).startswith("--first-seed ")
    else:
        assert inside


axis_texts = st.one_of(
    st.text(max_size=30),
    st.tuples(st.sampled_from(["lr_d", "k_g", "train.r1_weight", "nope"]),
              st.text(alphabet="0123456789.e-:,loginl _\u0661", max_size=20)).map("=".join))


@FAST
@given(axis_texts)
def test_any_axis_text_gives_an_axis_or_one_line(text):
    from gan_viz.lab import sweep

    try:
        axis = sweep.parse_axis(text)
    except ValueError as e:
        assert one_line(str(e)) and "unpack" not in str(e) and "invalid literal" not in str(e)
    else:
        assert axis.key in sweep.KEYS and 1 <= len(axis.values) <= sweep.MAX_AXIS_VALUES


@FAST
@given(st.lists(st.one_of(st.sampled_from(["gan", "pacgan", "r1", ""]), st.text(max_size=6)), max_size=4))
def test_any_method_list_is_chosen_or_refused_in_one_line_before_training(names):
    from gan_viz.lab import reproduce

    only = [m.strip() for m in ",".join(names).split(",") if m.strip()]
    try:
        first = next(reproduce.reproduce_iter("ring8", seeds=1, steps=2, only=only))  # yields before training
    except ValueError as e:
        assert one_line(str(e)) and (not only or "unknown method" in str(e))
    else:
        assert only and set(only) <= {m.name for m in reproduce.methods("ring8")} and first.done == 0


class _WouldTrain(Exception):
    pass


@FAST
@given(st.lists(st.one_of(st.sampled_from(["--figure", "unrolled-fig1", "--seeds", "--steps", "--first-seed",
                                           "--no-ablation", "--out", "--dataset", "ring8", "0", "10", "65", "-1"]),
                          st.text(max_size=6)), max_size=6))
def test_any_figure_request_trains_or_is_refused_in_one_line(argv):
    from unittest import mock

    from gan_viz.lab import experiment, sweep

    out, err = io.StringIO(), io.StringIO()
    with mock.patch.object(experiment, "train", side_effect=_WouldTrain), \
            mock.patch.object(sweep, "sweep_iter", side_effect=_WouldTrain), redirect_stdout(out), redirect_stderr(err):
        try:
            cli.main(["reproduce", *argv])
        except SystemExit as e:
            if e.code == 0:  # -h or an abbreviation of --help
                assert out.getvalue().startswith("usage:")
                return
            assert e.code == 2, err.getvalue()
            assert one_line(err.getvalue().strip()) and err.getvalue().startswith("gan-viz: error:")
            return
        except _WouldTrain:
            assert "--figure" in argv or "--dataset" in argv
            return
    pytest.fail("neither trained nor refused")


# -- sample files: plain numbers, a comma between them -----------------------------------------

@FAST
@given(st.lists(st.tuples(number_texts, number_texts), min_size=1, max_size=5), st.sampled_from([",", ";", "\t", " "]))
def test_a_csv_reads_only_plain_ascii_numbers_separated_by_a_comma(rows, sep):
    text = "\n".join(f"{a}{sep}{b}" for a, b in rows)
    try:
        x = evaluate.parse_samples(text.encode(), "s.csv")
    except ValueError as e:
        assert one_line(str(e))
        if sep in ";\t" and "," not in text and text.splitlines()[0].strip():  # never a header, nor data
            assert f"line 1: values separated by {'semicolons' if sep == ';' else 'tabs'}" in str(e)
        return
    assert sep == ","
    data = rows[len(rows) - len(x):]  # the first row may have been a header
    assert len(data) in (len(rows), len(rows) - 1)
    for (a, b), got in zip(data, x):
        assert all(c.strip(" \t").isascii() and "_" not in c for c in (a, b))
        assert got.tolist() == [float(np.float32(float(a))), float(np.float32(float(b)))]


@FAST
@given(st.text(max_size=30))
def test_any_file_name_reads_or_is_refused_in_one_line(name):
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "sub").mkdir()
        for path in (str(Path(d) / name), str(Path(d) / "sub"), str(Path(d) / "sub") + "/" + name):
            code, out, err = _cli("evaluate", "--samples", path)
            assert code == 2 and one_line(err.strip()) and err.startswith("gan-viz: error:") and not out
            if "no such file" in err:
                assert "\0" not in path and not Path(path).exists()


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_info, redirect_stdout(out), redirect_stderr(err):
        cli.main(list(argv))
        raise SystemExit(0)
    return exit_info.value.code, out.getvalue(), err.getvalue()


# -- a link too large for Streamlit -------------------------------------------------------------

@settings(max_examples=15, deadline=None)
@given(st.integers(1, 2500), st.integers(0, 600_000))
def test_a_link_streamlit_drops_for_its_size_is_said_in_one_warning(fields, pad):
    from streamlit.runtime.state import query_params

    urlstate.note_dropped_links()  # what the app's first run does; the test must not rely on another having run
    qs = "&".join(["seed=3"] * (fields - 1) + ["train.k_d=" + "1" * pad])
    parsed = parse_qs(query_params.sanitize_query_string(qs), keep_blank_values=True)
    _, cfg, _, warnings = urlstate.config_from_query(parsed)
    config.validate(cfg)
    dropped = fields > 1000 or len(qs) > 512 * 1024
    said = [w for w in warnings if "was ignored" in w]
    assert len(said) == int(dropped) and all(one_line(w) for w in warnings)
    if dropped:
        assert f"has {fields:,} parameters ({len(qs):,} characters)" in said[0] and warnings == said
        assert cfg == urlstate.presets.get(urlstate.presets.DEFAULT)


@FAST
@given(st.one_of(number_texts, st.integers(-2**33, 2**33).map(str)))
def test_a_seed_flag_is_an_ascii_integer_in_range_or_refused_in_one_line(text):
    code, out, err = _cli("config", "--preset", "grid25", "--seed", text, "--json")
    s = text.strip()
    if re.fullmatch(r"[+-]?[0-9]+", s) and 0 <= int(s) <= 2**31 - 1:
        assert code == 0 and json.loads(out)["seed"] == int(s)
    else:
        assert code == 2 and one_line(err.strip()) and err.startswith("gan-viz: error:") and not out


@FAST
@given(st.one_of(st.sampled_from(config.LOSSES), st.text(max_size=20)), st.booleans())
def test_any_loss_name_is_a_loss_whose_index_selects_it_or_is_refused_in_one_line(name, alt):
    from gan_viz.core.hyper import hyper_from

    try:
        cfg = config.apply_overrides(Config(), [f"train.loss={name}", f"train.alt_g={str(alt).lower()}"])
    except ValueError as e:
        assert one_line(str(e)) and name.strip() not in config.LOSSES
        assert "train.loss must be one of" in str(e) and "kl, reverse_kl, pearson, hellinger, js, gan" in str(e)
    else:
        assert cfg.train.loss == name.strip() and cfg.train.alt_g is alt
        h = hyper_from(cfg.train)
        assert config.LOSSES[int(h.loss)] == cfg.train.loss and bool(h.alt_g) is alt
