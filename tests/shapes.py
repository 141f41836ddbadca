"""Generated image archives for the "my images" tests: shapes in class folders, as a zip."""
import io
import stat
import zipfile

import numpy as np
from PIL import Image, ImageDraw

SHAPES = ("circles", "squares", "triangles")


def shape_image(kind: str, rng: np.random.Generator, size: int = 48) -> bytes:
    """A random-sized, random-placed, random-coloured shape on a random background, as PNG."""
    image = Image.new("RGB", (size, size), tuple(int(v) for v in rng.integers(0, 90, 3)))
    draw = ImageDraw.Draw(image)
    r = int(rng.integers(9, 17))
    cx, cy = (int(v) for v in rng.integers(r + 1, size - r - 1, 2))
    colour = tuple(int(v) for v in rng.integers(150, 256, 3))
    if kind == "circles":
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
    elif kind == "squares":
        draw.rectangle([cx - r, cy - r, cx + r, cy + r], fill=colour)
    else:
        draw.polygon([(cx, cy - r), (cx - r, cy + r), (cx + r, cy + r)], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def make_zip(entries: dict[str, bytes], symlinks: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return buffer.getvalue()


def shapes_zip(per_class: int = 60, seed: int = 0, kinds: tuple[str, ...] = SHAPES) -> bytes:
    rng = np.random.default_rng(seed)
    return make_zip({f"shapes/{kind}/{i}.png": shape_image(kind, rng) for kind in kinds for i in range(per_class)})
