"""The matcher's quality on the labelled development set must not regress."""

import importlib.util

from tests.conftest import ROOT


def test_evaluation_targets():
    spec = importlib.util.spec_from_file_location("evaluate", ROOT / "scripts" / "evaluate.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = mod.evaluate()
    assert out["calls"] == 98
    mean = out["mean"]
    assert mean["ndcg10"] >= 0.85
    assert mean["ndcg10"] - mean["baseline_ndcg10"] >= 0.15
    for theme, r in out["themes"].items():
        assert r["ndcg10"] >= r["baseline_ndcg10"], theme
