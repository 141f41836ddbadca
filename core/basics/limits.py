"""What a visitor's upload may claim: the bounds of anything this playground itself produces.

Everything uploaded (a run bundle, a zip of images, a picture) is checked against these numbers
before any memory is set aside for it. Plain constants; what an operator may change is a setting
in core.basics.settings (the README's settings table).
"""
from __future__ import annotations

from core.basics import settings


# Own images ("My images"): the picture sizes the Train page offers, in colour or grey.
IMAGE_SIZES = (28, 32, 64, 128, 224)  # 28: a set made from MNIST digits; 128, 224: the pretrained network
IMAGE_CHANNELS = (1, 3)
MIN_IMAGES_PER_CLASS = 5
MAX_ARCHIVE_FILES = 5000
MAX_CLASSES = MAX_ARCHIVE_FILES // MIN_IMAGES_PER_CLASS  # 1,000: each class needs 5 pictures
MAX_CLASS_NAME_CHARS = 255  # a folder name

# A network: the largest preset on the largest input with MAX_CLASSES classes has 8.2 million numbers.
MAX_MODEL_PARAMETERS = 10_000_000
MAX_CONFIG_BYTES = 1_000_000  # config.json of a bundle: a few KB in practice
MAX_SAFETENSORS_HEADER_BYTES = 100_000

# Pictures: decoded at full size only up to this many pixels, then shrunk before any other copy.
MAX_IMAGE_PIXELS = 40_000_000  # about 6300 x 6300, a large phone photo
MAX_ASPECT_RATIO = 20  # a 39,000,000 x 1 "picture" is refused before it is decoded
# My images: the decoded pictures of one upload (about 440 at 224 px in colour, 1,360 at 128 px);
# stacking them into a dataset copies them twice more, so one upload stays under 300 MB.
MAX_DECODED_UPLOAD_BYTES = 64 * 2**20


def max_zip_pixels() -> int:
    """My images: the pixels of all pictures of one zip together (PLAYGROUND_MAX_ZIP_MEGAPIXELS).

    About 90 million pixels decode per second on one core of the development machine, so the
    default of 400 keeps one upload to a few seconds.
    """
    return settings.integer("PLAYGROUND_MAX_ZIP_MEGAPIXELS") * 1_000_000
