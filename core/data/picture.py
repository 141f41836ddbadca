"""A visitor's picture decoded with a bound: checked from its header, then shrunk before any other copy.

A 52 KB PNG can claim 6300 x 6300 pixels; turned into float arrays at full size it cost 1.3 GB.
Here the claimed size and shape are checked before decoding, JPEGs are decoded straight at a
reduced scale (draft), and every picture is shrunk in place (thumbnail) to at most max_side
pixels before anyone converts or copies it.
"""
from __future__ import annotations

import io
import struct
import warnings
import zlib

from PIL import Image

from core.basics.limits import MAX_ASPECT_RATIO, MAX_IMAGE_PIXELS

DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error, IndexError, TypeError,
                 KeyError, ZeroDivisionError)


class PictureRefused(ValueError):
    """The picture is refused for its claimed size or shape (a plain sentence)."""


def check_dimensions(width: int, height: int) -> None:
    """Refuse pictures larger or more elongated than any photo (decompression bombs, 39,000,000 x 1 strips)."""
    if width * height > MAX_IMAGE_PIXELS:
        raise PictureRefused(f"it is {width:,} x {height:,} pixels, too many to read safely (the limit is "
                             f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels)")
    if max(width, height) > MAX_ASPECT_RATIO * max(1, min(width, height)):
        raise PictureRefused(f"it is {width:,} x {height:,} pixels, a strip rather than a picture "
                             f"(at most {MAX_ASPECT_RATIO}:1)")


def picture_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the picture's header, without decoding it; ValueError if unreadable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # open_picture refuses it
            with Image.open(io.BytesIO(data)) as image:
                return image.width, image.height
    except (Image.DecompressionBombError, *DECODE_ERRORS) as error:
        raise ValueError("not a readable image") from error


def open_picture(data: bytes, max_side: int) -> Image.Image:
    """Decoded picture, its longer side at most max_side; PictureRefused or ValueError('not readable')."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)  # refuse, don't just warn
            image = Image.open(io.BytesIO(data))
            check_dimensions(image.width, image.height)
            image.draft(image.mode if image.mode in ("L", "RGB") else "RGB", (max_side, max_side))
            image.thumbnail((max_side, max_side), Image.BILINEAR)  # decodes, shrinking as it goes
            image.load()
    except PictureRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PictureRefused("it claims so many pixels that opening it could exhaust the memory") from error
    except DECODE_ERRORS as error:
        raise ValueError("not a readable image") from error
    return image
