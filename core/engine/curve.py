"""A training curve that never holds more than a fixed number of points, however long the run.

The live chart re-sends and redraws its whole curve at every refresh; with one point per report,
a long run would make each refresh slower than the last. Here, once the curve is full, neighbouring
points merge in pairs (their mean) and later reports are averaged in groups twice as large, so a
refresh costs the same at step 10 and at step 10,000. Below the limit every report is its own point.
"""
from __future__ import annotations

from dataclasses import dataclass, field

MAX_POINTS = 400  # plenty for a chart a few hundred pixels wide


@dataclass
class _Point:
    x: float  # the newest x of the reports averaged into it, so the curve ends at the latest report
    loss_sum: float
    accuracy_sum: float
    count: int

    def merged(self, later: "_Point") -> "_Point":
        return _Point(later.x, self.loss_sum + later.loss_sum, self.accuracy_sum + later.accuracy_sum,
                      self.count + later.count)


@dataclass
class BoundedCurve:
    """Training loss and accuracy over x (epochs), downsampled by averaging to at most max_points."""

    max_points: int = MAX_POINTS
    group: int = 1  # reports per finished point
    _points: list[_Point] = field(default_factory=list)
    _pending: _Point | None = None  # the reports of a group not yet complete

    def add(self, x: float, loss: float, accuracy: float) -> None:
        """Take in one report (O(1) on average)."""
        report = _Point(x, loss, accuracy, 1)
        self._pending = report if self._pending is None else self._pending.merged(report)
        if self._pending.count < self.group:
            return
        self._points.append(self._pending)
        self._pending = None
        if len(self._points) >= self.max_points:
            pairs = zip(self._points[0::2], self._points[1::2])
            leftover = [self._points[-1]] if len(self._points) % 2 else []
            self._points = [first.merged(second) for first, second in pairs] + leftover
            self.group *= 2

    def copy(self) -> "BoundedCurve":
        return BoundedCurve(self.max_points, self.group, list(self._points), self._pending)

    def _shown(self) -> list[_Point]:
        return self._points + ([self._pending] if self._pending is not None else [])

    @property
    def x(self) -> list[float]:
        return [point.x for point in self._shown()]

    @property
    def losses(self) -> list[float]:
        return [point.loss_sum / point.count for point in self._shown()]

    @property
    def accuracies(self) -> list[float]:
        return [point.accuracy_sum / point.count for point in self._shown()]
