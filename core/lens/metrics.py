"""Where a trained model goes wrong: test-set predictions, confusion matrix, per-class scores, mistakes."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.data.dataset import Dataset
from core.engine.train import memory_format
from core.lens.inspect import evaluating, model_device


@dataclass(frozen=True)
class Predictions:
    labels: np.ndarray  # (N,) the true class of every test image
    predicted: np.ndarray  # (N,) the model's answer
    confidence: np.ndarray  # (N,) the probability it gave its answer

    @property
    def accuracy(self) -> float:
        """Share of test images answered correctly."""
        return float((self.labels == self.predicted).mean()) if len(self.labels) else 0.0


@dataclass(frozen=True)
class ClassScore:
    name: str
    precision: float  # of the images it called this class, the share that were; nan if it never did
    recall: float  # of the images of this class, the share it found
    f1: float  # harmonic mean of the two
    support: int  # test images of this class


@dataclass(frozen=True)
class Mistake:
    index: int  # position in the test set
    confidence: float  # probability the model gave its wrong answer


def model_fingerprint(model: nn.Module) -> str:
    """A short hash of the weights: the same model always gets the same key, a retrained one a new key."""
    digest = hashlib.blake2b(digest_size=12)
    for name, tensor in model.state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def predict_test_set(model: nn.Module, dataset: Dataset, batch_size: int = 1000) -> Predictions:
    """The model's answer and confidence for every test image."""
    predicted, confidence, layout, device = [], [], memory_format(model), model_device(model)
    with evaluating(model), torch.inference_mode():
        for start in range(0, len(dataset.test_y), batch_size):
            images = dataset.test_x[start:start + batch_size].to(device)
            logits = model(dataset.to_input(images).contiguous(memory_format=layout)).float()
            best = torch.softmax(logits, dim=1).max(dim=1)
            predicted.append(best.indices.cpu())
            confidence.append(best.values.cpu())
    if not predicted:
        raise ValueError("This dataset has no test images to check the model on.")
    return Predictions(dataset.test_y.numpy().copy(), torch.cat(predicted).numpy(), torch.cat(confidence).numpy())


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """counts[true, predicted]: how many test images of each class got each answer."""
    labels, predicted = np.asarray(labels), np.asarray(predicted)
    if labels.shape != predicted.shape:
        raise ValueError("There must be one prediction per label.")
    flat = np.bincount(labels * num_classes + predicted, minlength=num_classes * num_classes)
    return flat.reshape(num_classes, num_classes)


def class_scores(confusion: np.ndarray, class_names: tuple[str, ...]) -> list[ClassScore]:
    """Precision, recall and F1 of every class from a confusion matrix (nan where undefined)."""
    confusion = np.asarray(confusion, dtype=np.float64)
    correct = np.diag(confusion)
    called, actual = confusion.sum(axis=0), confusion.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(called > 0, correct / called, np.nan)
        recall = np.where(actual > 0, correct / actual, np.nan)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    f1 = np.where(np.isnan(precision) | np.isnan(recall), np.nan, f1)
    return [ClassScore(name, float(p), float(r), float(f), int(s))
            for name, p, r, f, s in zip(class_names, precision, recall, f1, actual)]


def mistakes(predictions: Predictions, true_class: int, predicted_class: int, limit: int = 24) -> list[Mistake]:
    """Test images of true_class answered as predicted_class, most confident first."""
    chosen = np.flatnonzero((predictions.labels == true_class) & (predictions.predicted == predicted_class))
    order = chosen[np.argsort(-predictions.confidence[chosen], kind="stable")][:limit]
    return [Mistake(int(i), float(predictions.confidence[i])) for i in order]


def most_common_mistake(confusion: np.ndarray) -> tuple[int, int] | None:
    """The (true, predicted) pair of different classes with the most images, or None if there is no mistake."""
    off_diagonal = np.asarray(confusion).copy()
    np.fill_diagonal(off_diagonal, 0)
    if off_diagonal.max() == 0:
        return None
    true_class, predicted_class = np.unravel_index(np.argmax(off_diagonal), off_diagonal.shape)
    return int(true_class), int(predicted_class)
