"""The source articles' LeNet-style network trained by Keras 3 (torch backend), as its users would.

Keras is a development requirement only (requirements-dev.txt); the app never imports it.
"""
from __future__ import annotations

import os
import time

import numpy as np

from core.data.dataset import Dataset


def keras_samples_per_second(dataset: Dataset, steps: int, batch_size: int = 32) -> float | None:
    """Images per second of `model.fit` on MNIST after 5 warm-up batches (None without Keras)."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    try:
        import keras
    except ImportError:
        return None
    if keras.backend.backend() != "torch":
        return None  # another backend was imported first; not the comparison we mean
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 5, activation="relu"), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 5, activation="relu"), keras.layers.MaxPooling2D(),
        keras.layers.Flatten(), keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    count = (steps + 5) * batch_size
    images = (dataset.train_x[:count].numpy().transpose(0, 2, 3, 1).astype(np.float32) / 255.0 - 0.1307) / 0.3081
    labels = dataset.train_y[:count].numpy()
    clock = _BatchClock(keras)
    model.fit(images, labels, batch_size=batch_size, epochs=1, shuffle=True, verbose=0, callbacks=[clock])
    return (len(clock.times) - 5) * batch_size / (clock.times[-1] - clock.times[4])


def _BatchClock(keras):
    class BatchClock(keras.callbacks.Callback):
        """When each training batch ended."""

        def __init__(self):
            super().__init__()
            self.times: list[float] = []

        def on_train_batch_end(self, batch, logs=None):
            self.times.append(time.perf_counter())

    return BatchClock()
