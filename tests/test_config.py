import pytest

from gan_viz.core import config
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
    ("train.loss=wasserstein", "train.loss must be one of"),
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
