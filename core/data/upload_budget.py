"""What one My images upload (a zip, or the files added to a class at once) may cost the server.

Time: decoding costs about one second per 50-80 million pixels of PNG on one core of the
development machine, so the pixels each picture's header claims are counted before it is
decoded, up to PLAYGROUND_MAX_ZIP_MEGAPIXELS. Counted by pixels, not seconds, so the bound is
the same on a busy machine and a test can check it exactly.

Memory: a 1 x 1 picture is decoded to size x size, so 5,000 tiny files in a 350 KB zip would
become 750 MB at 224 px in colour; the decoded pictures of one upload are capped in bytes.
"""
from __future__ import annotations

from core.basics.limits import MAX_DECODED_UPLOAD_BYTES, max_zip_pixels
from core.data.picture import picture_size


class UploadBudget:
    """Charged once per picture, before it is decoded; refuses the pictures past either bound."""

    def __init__(self, picture_bytes: int):
        """picture_bytes: the size of one decoded picture (size x size x channels)."""
        self.pixels_left = max_zip_pixels()
        self.pictures_left = MAX_DECODED_UPLOAD_BYTES // picture_bytes
        self.picture_bytes = picture_bytes

    def charge(self, data: bytes) -> None:
        """Count the picture in data; ValueError (why it is skipped) once the upload has had its share."""
        width, height = picture_size(data)
        if width * height > self.pixels_left:
            raise ValueError(f"skipped: the pictures before it already add up to about "
                             f"{max_zip_pixels() // 1_000_000:,} megapixels, as much as one upload may decode "
                             "(shrink the pictures first, or add the rest in another upload)")
        if self.pictures_left <= 0:
            raise ValueError(f"skipped: {MAX_DECODED_UPLOAD_BYTES // self.picture_bytes:,} pictures at this size "
                             "are as many as one upload may hold in memory (pick a smaller picture size)")
        self.pixels_left -= width * height
        self.pictures_left -= 1
