"""A run's setup as a URL query string, so a copied link opens the same setup."""
from __future__ import annotations

from typing import Mapping

from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig

# query key -> (part of RunConfig, field name, type)
FIELDS = {
    "dataset": ("data", "dataset", str),
    "subset": ("data", "train_subset", int),
    "val": ("data", "validation_split", float),
    "augment": ("data", "augment", bool),
    "model": ("model", "preset", str),
    "act": ("model", "activation", str),
    "dropout": ("model", "dropout", float),
    "from_run": ("model", "init_from_run", str),
    "freeze": ("model", "freeze_convolutions", bool),
    "opt": ("train", "optimizer", str),
    "lr": ("train", "learning_rate", float),
    "batch": ("train", "batch_size", int),
    "epochs": ("train", "epochs", int),
    "wd": ("train", "weight_decay", float),
    "schedule": ("train", "schedule", str),
    "seed": ("train", "seed", int),
}
DEFAULTS = RunConfig()


def to_query(config: RunConfig) -> dict[str, str]:
    """The settings that differ from the defaults, as short query-string pairs (dataset and model always)."""
    query = {}
    for key, (part, name, kind) in FIELDS.items():
        value = getattr(getattr(config, part), name)
        if key in ("dataset", "model") or value != getattr(getattr(DEFAULTS, part), name):
            query[key] = _text(value, kind)
    return query


def from_query(query: Mapping[str, str]) -> RunConfig:
    """The RunConfig a link describes; missing settings take their defaults; ValueError for bad ones."""
    parts: dict[str, dict] = {"data": {}, "model": {}, "train": {}}
    for key, (part, name, kind) in FIELDS.items():
        if key in query:
            parts[part][name] = _parse(key, str(query[key]), kind)
    if "dataset" not in query and "model" not in query:
        raise ValueError("This link holds no training setup.")
    return RunConfig(DataConfig(**parts["data"]), ModelConfig(**parts["model"]), TrainConfig(**parts["train"]))


def _text(value, kind: type) -> str:
    if kind is bool:
        return "1" if value else "0"
    return repr(float(value)) if kind is float else str(value)


def has_setup(query: Mapping[str, str]) -> bool:
    """True when the query string carries a training setup."""
    return "dataset" in query or "model" in query


def _parse(key: str, text: str, kind: type):
    if kind is bool:
        if text not in ("0", "1", "true", "false"):
            raise ValueError(f"The link's '{key}' must be 0 or 1, not '{text}'.")
        return text in ("1", "true")
    try:
        return kind(text)
    except ValueError as error:
        raise ValueError(f"The link's '{key}' should be a number, not '{text}'.") from error
