"""One My images upload is bounded before decoding: in pixels claimed (time) and in decoded bytes (memory)."""
import io
import zipfile

from PIL import Image

from core.data.image_folder import read_zip
from core.data.picture_set import PictureSet
from core.data.upload_budget import UploadBudget


def blank_png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), 255).save(buffer, "PNG")
    return buffer.getvalue()


def test_files_added_to_a_class_at_once_decode_a_bounded_number_of_pixels_with_progress(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_ZIP_MEGAPIXELS", "2")  # two of these 1-megapixel pictures
    pictures, reports = PictureSet(), []
    pictures.add_class("big")
    files = [(f"{index}.png", blank_png(1000, 999 - index)) for index in range(4)]  # 4 different files
    skipped = pictures.add_files("big", files, progress=lambda share, text: reports.append((share, text)))
    assert pictures.counts() == {"big": 2}
    assert [file for file, _ in skipped] == ["2.png", "3.png"]
    assert all("megapixels, as much as one upload may decode" in why for _, why in skipped)
    assert [share for share, _ in reports] == [0.0, 0.25, 0.5, 0.75] and "of 4" in reports[-1][1]
    assert pictures.add_files("big", files[2:]) == []  # the next upload has its own budget


def test_tiny_pictures_cannot_fill_the_memory_when_enlarged(monkeypatch):
    colour_224 = 224 * 224 * 3
    assert UploadBudget(colour_224).pictures_left * colour_224 <= 64 * 2**20  # about 440 pictures at most
    monkeypatch.setattr("core.data.upload_budget.MAX_DECODED_UPLOAD_BYTES", 10 * colour_224)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(14):  # 1 x 1 pixel each: a few bytes in the zip, 150 KB each once decoded
            archive.writestr(f"{'ab'[index % 2]}/{index}.png", blank_png(1, 1))
    images, report = read_zip(buffer.getvalue(), size=224, colour=True)
    assert sum(len(pictures) for pictures in images.values()) == 10
    assert len(report.skipped) == 4 and "as many as one upload may hold in memory" in report.skipped[0][1]

