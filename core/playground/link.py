"""The playground's setup as a URL query string, so a copied link opens the same setup (as on Train)."""
from __future__ import annotations

from typing import Mapping

from core.playground.network import NetworkSpec
from core.playground.setup import DataSetup, PlaygroundSetup, outputs_for
from core.playground.training import LearningSettings

# query key -> (part of PlaygroundSetup, field name, type); tuple fields are written "a-b-c"
FIELDS = {
    "data": ("data", "dataset", str), "noise": ("data", "noise", float), "points": ("data", "n_points", int),
    "test": ("data", "test_share", float), "seed": ("data", "seed", int), "classes": ("data", "classes", int),
    "inputs": ("network", "features", tuple), "layers": ("network", "hidden_layers", tuple),
    "act": ("network", "activations", tuple), "dropout": ("network", "dropout", float),
    "lr": ("learning", "learning_rate", float), "batch": ("learning", "batch_size", int),
    "opt": ("learning", "optimizer", str), "reg": ("learning", "regularization", str),
    "rate": ("learning", "regularization_rate", float),
}
DEFAULTS = PlaygroundSetup()


def to_query(setup: PlaygroundSetup) -> dict[str, str]:
    """The settings that differ from the defaults as short pairs (the dataset always)."""
    query = {}
    for key, (part, name, kind) in FIELDS.items():
        value = getattr(getattr(setup, part), name)
        if key == "data" or value != getattr(getattr(DEFAULTS, part), name):
            query[key] = "-".join(str(item) for item in value) if kind is tuple else (
                repr(float(value)) if kind is float else str(value))
    return query


def has_setup(query: Mapping[str, str]) -> bool:
    """True when the query string carries a playground setup."""
    return "data" in query


def from_query(query: Mapping[str, str]) -> PlaygroundSetup:
    """The setup a link describes; missing settings take their defaults; ValueError for bad ones."""
    if not has_setup(query):
        raise ValueError("This link holds no playground setup.")
    parts: dict[str, dict] = {"data": {}, "network": {}, "learning": {}}
    for key, (part, name, kind) in FIELDS.items():
        if key in query:
            parts[part][name] = _parse(key, str(query[key]), kind)
    network = parts["network"]
    if "hidden_layers" in network:
        network["hidden_layers"] = tuple(_parse("layers", size, int) for size in network["hidden_layers"] if size)
        network.setdefault("activations", (DEFAULTS.network.activations[0],) * len(network["hidden_layers"]))
    data = DataSetup(**parts["data"])
    spec = NetworkSpec(**{**vars(DEFAULTS.network), **network, "outputs": outputs_for(data.class_count())})
    return PlaygroundSetup(data, spec, LearningSettings(**parts["learning"]))


def _parse(key: str, text: str, kind: type):
    if len(text) > 200:
        raise ValueError(f"The link's '{key}' is too long.")
    if kind is tuple:
        return tuple(text.split("-")) if text else ()
    try:
        return kind(text)
    except ValueError as error:
        raise ValueError(f"The link's '{key}' should be a number, not '{text[:20]}'.") from error
