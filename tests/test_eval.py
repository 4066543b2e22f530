"""The matcher's quality on the labelled development set must not regress.

The thresholds sit a little under the figures measured when they were set (docs/matching.md,
"Evaluation"); the held-out figures were measured once, after the rules were written."""

import importlib.util

import pytest

from tests.conftest import ROOT


def _evaluate_module():
    spec = importlib.util.spec_from_file_location("evaluate", ROOT / "scripts" / "evaluate.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow  # seconds: the whole development set through the matcher
def test_evaluation_targets():
    mod = _evaluate_module()
    out = mod.evaluate()
    assert out["items"] == {"tune": 244, "heldout": 107}
    for split in ("tune", "heldout"):
        for what in ("themes", "profiles"):
            mean = out[split][f"{what}_mean"]
            assert mean["ndcg10"] - mean["baseline_ndcg10"] >= 0.15, (split, what)
    assert out["tune"]["themes_mean"]["ndcg10"] >= 0.82
    assert out["tune"]["profiles_mean"]["ndcg10"] >= 0.75
    held = out["heldout"]
    assert held["themes_mean"]["ndcg10"] >= 0.72
    assert held["themes_mean_stable"]["ndcg10"] >= 0.84
    assert held["themes_mean"]["ndcg10"] - held["themes_mean"]["baseline_ndcg10"] >= 0.3
    assert held["profiles_mean"]["ndcg10"] >= 0.71
    assert held["profiles_mean"]["ndcg10"] - held["profiles_mean"]["baseline_ndcg10"] >= 0.3


@pytest.mark.slow
@pytest.mark.parametrize(
    "pool, themes, profiles",
    # development pools read alone: a little under the figures of the fourth round
    [
        ("fresh", 0.86, 0.85),
        ("fresh2", 0.86, 0.86),
        ("fresh3", 0.89, 0.86),
        ("fresh4", 0.87, 0.85),
        ("fresh5", 0.74, 0.76),
        ("fresh7", 0.78, 0.77),
        ("fresh8", 0.85, 0.71),
    ],
)
def test_development_pools_do_not_regress(pool, themes, profiles):
    mod = _evaluate_module()
    out = mod.evaluate((pool,), pool)[pool]
    assert out["themes_mean"]["ndcg10"] >= themes
    assert out["profiles_mean"]["ndcg10"] >= profiles
    assert out["themes_mean"]["ndcg10"] - out["themes_mean"]["baseline_ndcg10"] >= 0.3


def test_held_out_pools_are_the_ones_never_printed():
    mod = _evaluate_module()
    assert mod.held_out() == ["fresh6", "fresh9", "fresh9nd", "fresh10"]
    # a held-out part refuses --diagnose before anything is computed, alone or joined
    for pool in ("fresh9", "fresh5+fresh9nd"):
        with pytest.raises(SystemExit, match="held out"):
            mod.diagnose("klimat", pool)


@pytest.mark.parametrize("pool", ["fresh5+", "themes+fresh5", "fresh99", ""])
def test_unknown_pools_are_refused(pool):
    mod = _evaluate_module()
    with pytest.raises(ValueError, match="unknown pool"):
        mod.check_pool(pool)
    mod.check_pool("fresh5+fresh7")  # any known pools joined by "+"


def test_a_pool_joined_with_itself_is_refused():
    mod = _evaluate_module()
    with pytest.raises(SystemExit, match="also in another pool"):
        mod.load_pool("fresh5+fresh5")
