"""Check a safetensors file's header against the tensors a network needs, before reading any numbers.

The format: 8 bytes (little-endian header length), a JSON header naming every tensor with its
dtype, shape and byte range, then the raw numbers. Reading the header alone tells whether the
file fits the network, so a file that does not is refused without allocating its tensors.
"""
from __future__ import annotations

import json
import math
import struct

import torch

from core.basics.limits import MAX_SAFETENSORS_HEADER_BYTES

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64,
          "I64": torch.int64, "I32": torch.int32}


def read_header(raw: bytes) -> dict:
    """The header of safetensors bytes as {name: {dtype, shape, data_offsets}}; ValueError if malformed."""
    if len(raw) < 8:
        raise ValueError("the weights are not a valid safetensors file (too short)")
    (length,) = struct.unpack("<Q", raw[:8])
    if length > MAX_SAFETENSORS_HEADER_BYTES or 8 + length > len(raw):
        raise ValueError("the weights are not a valid safetensors file (header damaged or cut short)")
    try:
        header = json.loads(raw[8:8 + length])
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError("the weights are not a valid safetensors file (header unreadable)") from error
    if not isinstance(header, dict):
        raise ValueError("the weights are not a valid safetensors file (header unreadable)")
    header.pop("__metadata__", None)
    return header


def check_header(raw: bytes, expected: dict[str, tuple[tuple[int, ...], torch.dtype]]) -> None:
    """Every tensor of expected, with its shape, a known dtype and a byte range inside the file."""
    header = read_header(raw)
    missing, unexpected = sorted(set(expected) - set(header)), sorted(set(header) - set(expected))
    if missing or unexpected:
        raise ValueError(f"the weights do not fit the described network (missing: {missing[:3]}, "
                         f"unexpected: {[name[:40] for name in unexpected[:3]]})")
    data_bytes = len(raw) - 8 - struct.unpack("<Q", raw[:8])[0]
    for name, (shape, dtype) in expected.items():
        entry = header[name]
        if not isinstance(entry, dict) or entry.get("shape") != list(shape):
            found = entry.get("shape") if isinstance(entry, dict) else entry
            raise ValueError(f"layer {name} has shape {found!r:.60} in the file but the network needs {shape}")
        if DTYPES.get(entry.get("dtype")) is None or DTYPES[entry["dtype"]].is_floating_point != dtype.is_floating_point:
            raise ValueError(f"layer {name} holds numbers of an unexpected kind ({entry.get('dtype')!r:.20})")
        offsets = entry.get("data_offsets")
        size = math.prod(shape) * DTYPES[entry["dtype"]].itemsize
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(type(o) is int for o in offsets)
                and 0 <= offsets[0] and offsets[1] - offsets[0] == size and offsets[1] <= data_bytes):
            raise ValueError(f"layer {name} points outside the file (damaged or cut short)")
