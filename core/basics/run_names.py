"""Words for a run's data: the user's own pictures are named by their classes, not by their id."""
from __future__ import annotations

from core.basics.config import CUSTOM_PREFIX, DataConfig

CLASSES_NAMED = 3  # more are counted, so that a name stays short enough to read in a list


def dataset_words(data: DataConfig) -> str:
    """'airplane / ship / bird' for own pictures (then '+ 2 more'); a built-in dataset's own name."""
    if not data.dataset.startswith(CUSTOM_PREFIX) or not data.custom_classes:
        return data.dataset
    named = " / ".join(data.custom_classes[:CLASSES_NAMED])
    more = len(data.custom_classes) - CLASSES_NAMED
    return f"{named} + {more} more" if more > 0 else named


def readable_name(name: str, data: DataConfig) -> str:
    """name with an own-pictures id ('custom:04d4ca1b4d35', as runs were named until now) put in words."""
    if not data.dataset.startswith(CUSTOM_PREFIX):
        return name
    return name.replace(data.dataset, dataset_words(data))
