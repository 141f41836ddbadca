"""Points as CSV: read an uploaded file (bounded, checked row by row) and write the current points."""
from __future__ import annotations

import csv
import io
import math

import numpy as np

from core.playground.points import EXTENT, MAX_CLASSES, MAX_POINTS, Points, Task

MAX_CSV_BYTES = 300_000  # 5,000 rows of "x,y,label" take about 100 KB
HEADERS = {("x", "y", "label"): Task.CLASSIFICATION, ("x", "y", "value"): Task.REGRESSION}
FORMAT_HELP = ("Each row is x, y and a class label 0 to 5 (header 'x,y,label'), or x, y and a value between -1 "
               "and 1 (header 'x,y,value'); x and y between -1.5 and 1.5.")


def read_points_csv(raw: bytes) -> Points:
    """Points from CSV bytes with a header x,y,label or x,y,value; ValueError naming the first bad row."""
    if len(raw) > MAX_CSV_BYTES:
        raise ValueError(f"The file is {len(raw) / 1000:,.0f} KB; the playground takes CSV files up to "
                         f"{MAX_CSV_BYTES / 1000:,.0f} KB ({MAX_POINTS:,} points).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError("The file is not a text (CSV) file. " + FORMAT_HELP) from error
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        raise ValueError("The file is empty. " + FORMAT_HELP)
    header = tuple(cell.strip().lower() for cell in rows[0])
    if header not in HEADERS:
        raise ValueError(f"The first row should be the header 'x,y,label' or 'x,y,value', not "
                         f"'{','.join(rows[0])[:40]}'. " + FORMAT_HELP)
    task, body = HEADERS[header], rows[1:]
    if not 2 <= len(body) <= MAX_POINTS:
        raise ValueError(f"The file has {len(body):,} points; the playground needs between 2 and {MAX_POINTS:,}.")
    numbers = np.array([_row(row, number, task) for number, row in enumerate(body, start=2)], dtype=np.float64)
    xy = numbers[:, :2].astype(np.float32)
    if task == Task.REGRESSION:
        return Points(xy, numbers[:, 2].astype(np.float32), task, 0)
    labels = numbers[:, 2].astype(np.int64)
    if len(np.unique(labels)) < 2:
        raise ValueError("All points have the same label: the network needs at least two classes to tell apart.")
    return Points(xy, labels, task, int(labels.max()) + 1)


def _row(row: list[str], number: int, task: Task) -> tuple[float, float, float]:
    if len(row) != 3:
        raise ValueError(f"Row {number} has {len(row)} values; each row needs exactly 3 (x, y and a "
                         f"{'label' if task == Task.CLASSIFICATION else 'value'}).")
    try:
        x, y, last = (float(cell) for cell in row)
    except ValueError as error:
        raise ValueError(f"Row {number} holds something that is not a number: '{','.join(row)[:40]}'.") from error
    if not all(math.isfinite(value) for value in (x, y, last)):
        raise ValueError(f"Row {number} holds a value that is not a finite number.")
    if not (-EXTENT <= x <= EXTENT and -EXTENT <= y <= EXTENT):
        raise ValueError(f"Row {number}: the point ({x:g}, {y:g}) is off the plane; x and y must lie between "
                         f"{-EXTENT:g} and {EXTENT:g} (scale your data to fit first).")
    if task == Task.CLASSIFICATION and (last != int(last) or not 0 <= last < MAX_CLASSES):
        raise ValueError(f"Row {number}: the label '{row[2].strip()}' is not a class number from 0 to "
                         f"{MAX_CLASSES - 1}.")
    if task == Task.REGRESSION and not -1 <= last <= 1:
        raise ValueError(f"Row {number}: the value {last:g} is outside -1 to 1.")
    return x, y, last


def write_points_csv(points: Points) -> str:
    """The points as CSV text with the header the upload expects (x,y,label or x,y,value)."""
    lines = ["x,y,label" if points.task == Task.CLASSIFICATION else "x,y,value"]
    for (x, y), target in zip(points.xy.tolist(), points.target.tolist()):
        lines.append(f"{x:.4f},{y:.4f},{target}" if points.task == Task.CLASSIFICATION
                     else f"{x:.4f},{y:.4f},{target:.4f}")
    return "\n".join(lines) + "\n"
