"""Words users read around models: entries of the Model box told apart, 'an airplane' not 'a airplane'."""
from ui.model_picker import ModelChoice, _labels_told_apart
from ui.words import a_or_an


def test_two_runs_with_the_same_label_are_told_apart():
    same = "fast_cnn on airplane / bird / ship, adam, 18:21:43 (finished, 66.7% test accuracy)"
    models = {"job:a": ModelChoice(same, lambda: None), "job:b": ModelChoice(same, lambda: None),
              "demo": ModelChoice("Demo model (shipped, MNIST)", lambda: None)}
    labels = [choice.label for choice in _labels_told_apart(models).values()]
    assert len(set(labels)) == 3 and labels[0] == same and labels[1] == f"{same} #2"


def test_a_or_an_follows_the_sound_of_the_class_name():
    assert [a_or_an(word) for word in ("airplane", "ship", "Elephant", "8", "7", "bird")] == \
        ["an", "a", "an", "an", "a", "a"]
