import numpy as np
import pytest

from gan_viz.core import config
from gan_viz.core import hyper as hyper_lib
from gan_viz.core.config import Config


def test_round_trip_through_a_dict():
    cfg = config.apply_overrides(Config(), ["data.layout=custom", "data.centres=[[1,2],[3,4]]",
                                            "data.weights=[1,3]", "train.lr_d=3e-4", "seed=7"])
    assert config.from_dict(config.to_dict(cfg)) == cfg
    assert cfg.data.centres == ((1.0, 2.0), (3.0, 4.0))


def test_overrides_coerce_types():
    cfg = config.apply_overrides(Config(), ["train.k_d=3", "train.simultaneous=true", "model.g_width=32"])
    assert cfg.train.k_d == 3 and cfg.train.simultaneous is True and cfg.model.g_width == 32


@pytest.mark.parametrize("assignment, fragment", [
    ("train.nope=1", "unknown config key"),
    ("nope.k_d=1", "unknown config key"),
    ("train.k_d=1.5", "bad value for train.k_d"),
    ("train.k_d=many", "bad value"),
    ("train.lr_d=-1", "train.lr_d must be in"),
    ("train.loss=hinge", "train.loss must be one of"),
    ("data.std=0", "data.std must be in"),
    ("model.noise=cauchy", "model.noise must be one of"),
    ("train.k_d", "expected key=value"),
    ("train.simultaneous=maybe", "bad value"),
])
def test_bad_values_raise_one_line_messages(assignment, fragment):
    with pytest.raises(ValueError, match=fragment) as err:
        config.apply_overrides(Config(), [assignment])
    assert "\n" not in str(err.value)


def test_every_key_is_listed():
    keys = config.keys()
    assert "train.lr_d" in keys and "data.layout" in keys and "seed" in keys
    for k in keys:
        section = k.split(".")[0]
        assert section in ("seed", "data", "model", "train", "view")


def test_unknown_sections_and_non_objects_are_refused():
    with pytest.raises(ValueError, match="unknown config section 'bogus'"):
        config.from_dict({"bogus": {}})
    with pytest.raises(ValueError, match="must be an object"):
        config.from_dict([1, 2])  # type: ignore[arg-type]


def test_deeply_nested_centres_give_one_line_not_a_recursion_error():
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(ValueError, match="bad value for data.centres") as err:
        config.apply_overrides(Config(), [f"data.centres={deep}"])
    assert len(str(err.value)) < 200  # the value is cut in the message


@pytest.mark.parametrize("assignment, fragment", [
    ("data.centres=[[1e30,0]]", "centre 1"),
    ("data.centres={\"12\":1}", "bad value"),
    ("data.weights=\"12\"", "bad value"),
    ("data.weights=[true]", "bad value"),
    ("seed=1e400", "bad value"),
    ("train.g_ema=0.99999", r"train.g_ema must be in \[0, 0.9999\]"),
    ("train.r1_weight=1001", "train.r1_weight must be in"),
    ("data.x=nan", "data.x must be in"),
])
def test_values_outside_the_bounds_table_are_refused(assignment, fragment):
    with pytest.raises(ValueError, match=fragment):
        config.apply_overrides(Config(), ["data.layout=custom", "data.centres=[[0,0]]", assignment])


def test_the_bounds_table_covers_every_numeric_key_and_every_preset_is_inside_it():
    from gan_viz.core import bounds
    from gan_viz.lab import presets

    numeric = {k for k in config.keys() if isinstance(_value(Config(), k), (int, float))
               and not isinstance(_value(Config(), k), bool)}
    assert numeric <= set(bounds.BOUNDS)
    for name in presets.names():
        config.validate(presets.get(name))
    assert bounds.limits("train.k_d") == (0, 100)
    assert bounds.options("train.lr_g", 7e-4).count(7e-4) == 1
    assert bounds.clamp("model.g_depth", 80) == 8 and bounds.clamp("train.lr_d", -1.0) == 0.0


def _value(cfg, key):
    if key == "seed":
        return cfg.seed
    section, name = key.split(".")
    return getattr(getattr(cfg, section), name)



def _other(name: str, value):
    """Another valid value for the TrainConfig field ``name``."""
    if name in ("loss", "optimizer"):
        return {"loss": "minimax", "optimizer": "sgd"}[name]
    if isinstance(value, bool):
        return not value
    return value + 1 if isinstance(value, int) else value / 2


def test_live_budget_and_compiled_train_keys_partition_train_config():
    import dataclasses
    import inspect

    from gan_viz.core.trainer import Trainer, make_trainer

    fields = [f.name for f in dataclasses.fields(config.TrainConfig)]
    groups = config.LIVE_TRAIN_KEYS + config.BUDGET_TRAIN_KEYS + config.COMPILED_TRAIN_KEYS
    assert sorted(groups) == sorted(fields) and len(set(groups)) == len(fields)
    assert config.LIVE_TRAIN_KEYS == hyper_lib.Hyper._fields
    assert set(config.COMPILED_TRAIN_KEYS) == {"optimizer", "beta1", "beta2", "batch_size", "unroll"}
    # the compiled trainer is built from exactly the compiled keys
    assert list(inspect.signature(Trainer).parameters) == ["model", *config.COMPILED_TRAIN_KEYS, "frozen"]
    train = config.TrainConfig(loss="least_squares", k_d=3, simultaneous=True, r1_weight=0.5, g_ema=0.9)
    hyper = hyper_lib.hyper_from(train)
    for k in config.LIVE_TRAIN_KEYS:
        want = hyper_lib.loss_index(train.loss) if k == "loss" else getattr(train, k)
        assert float(getattr(hyper, k)) == pytest.approx(float(want)), k

    base = Config(train=train)
    for k in fields:
        cfg = dataclasses.replace(base, train=dataclasses.replace(train, **{k: _other(k, getattr(train, k))}))
        compiled = k in config.COMPILED_TRAIN_KEYS
        assert (cfg.static_key() != base.static_key()) == compiled, k
        if k != "batch_size":  # building a GAN is cheap; no compilation happens here
            assert (make_trainer(cfg) is not make_trainer(base)) == compiled, k


def test_the_samples_layout_fits_its_modes_and_refuses_missing_huge_or_far_samples():
    pts = [[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [3.0, 3.0], [3.1, 3.0], [3.0, 3.1]]
    cfg = config.apply_overrides(Config(), ["data.layout=samples", f"data.samples={pts}", "data.modes=2"])
    mix = cfg.data.mixture()
    assert mix.num_modes == 2 and mix.points.shape == (6, 2)
    np.testing.assert_allclose(sorted(np.asarray(mix.centres).tolist()), [[0.1 / 3] * 2, [3 + 0.1 / 3] * 2], atol=1e-6)
    with pytest.raises(ValueError, match="needs data.samples"):
        config.apply_overrides(Config(), ["data.layout=samples"])
    with pytest.raises(ValueError, match="at most 10,000 train"):
        config.validate(config.override(Config(), "data.samples", [[0.0, 0.0]] * 10_001))
    with pytest.raises(ValueError, match="must be in"):
        config.validate(config.override(Config(), "data.samples", [[0.0, 0.0], [60.0, 0.0]]))
    with pytest.raises(ValueError, match="bad value for data.samples"):
        config.override(Config(), "data.samples", "[[1, 2, 3]]")
