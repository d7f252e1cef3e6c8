"""The decision: whether a candidate is a returnee claim, from its features and learned weights.

A logistic regression over the binary features of `extract.claims.features`, trained by
`newsmon train` (see `extract.claims.learn`) and shipped as JSON in `config/models/`.
Logistic regression because the labelled data is small (hundreds of articles), the
features are sparse and many, the weights can be read and checked one by one, and its
scores calibrate well with one Platt step; scoring is a sum of weights, so a claim costs
nothing next to the parse.

`confidence` is the calibrated probability that the candidate is a claim; candidates at or
above the model's `threshold` (chosen on out-of-fold scores of the training data) are kept.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extract.claims.lexicon import REPO_ROOT, config_path

MODEL_FILES = {"claims": "claims-en.json", "places": "places-en.json",
               "claims-ko": "claims-ko.json", "places-ko": "places-ko.json"}


class ModelError(RuntimeError):
    """The decision model file is missing or unreadable."""


@dataclass(frozen=True)
class DecisionModel:
    weights: dict[str, float]
    bias: float
    platt_a: float
    platt_b: float
    threshold: float
    features_version: str

    def raw(self, features: list[str]) -> float:
        w = self.weights
        return self.bias + sum(w.get(f, 0.0) for f in features)

    def confidence(self, features: list[str]) -> float:
        z = self.platt_a * self.raw(features) + self.platt_b
        if z < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    @classmethod
    def from_dict(cls, data: dict) -> DecisionModel:
        return cls(
            weights=dict(data["weights"]),
            bias=float(data["bias"]),
            platt_a=float(data["platt"]["a"]),
            platt_b=float(data["platt"]["b"]),
            threshold=float(data["threshold"]),
            features_version=str(data["features_version"]),
        )


def model_path(config_dir: str | None = None, kind: str = "claims") -> Path:
    """`config/models/<kind>-en.json` of the config folder, else the shipped one. `kind`:
    "claims" (is a candidate a claim) or "places" (is a name a place of the claim)."""
    name = MODEL_FILES[kind]
    own = config_path(config_dir) / "models" / name
    return own if own.exists() else REPO_ROOT / "config" / "models" / name


@lru_cache(maxsize=8)
def load_model(config_dir: str | None = None, kind: str = "claims") -> DecisionModel:
    path = model_path(config_dir, kind)
    try:
        with open(path, encoding="utf-8") as fh:
            return DecisionModel.from_dict(json.load(fh))
    except FileNotFoundError as exc:
        raise ModelError(f"{path}: no claim-decision model (build it with `newsmon train`)") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{path}: not a claim-decision model: {exc}") from exc
