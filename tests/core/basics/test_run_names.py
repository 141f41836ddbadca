"""Runs on the user's own pictures are named by their classes, not by an id nobody recognises."""
from core.basics.config import DataConfig
from core.basics.run_names import dataset_words, readable_name

OWN = DataConfig("custom:04d4ca1b4d35", custom_classes=("airplane", "ship", "bird"), custom_shape=(3, 32, 32))


def test_own_pictures_are_named_by_their_classes():
    assert dataset_words(OWN) == "airplane / ship / bird"
    assert readable_name("fast_cnn on custom:04d4ca1b4d35, adam, 14:05:31 (3fa2)", OWN) == \
        "fast_cnn on airplane / ship / bird, adam, 14:05:31 (3fa2)"


def test_many_classes_are_counted_and_built_in_datasets_keep_their_names():
    many = DataConfig("custom:0123456789ab", custom_classes=tuple("abcde"), custom_shape=(1, 32, 32))
    assert dataset_words(many) == "a / b / c + 2 more"
    assert dataset_words(DataConfig("mnist")) == "mnist"
    assert readable_name("my own name", OWN) == "my own name"
