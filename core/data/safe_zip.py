"""Reading a visitor's zip file in memory: every way a damaged or unusual archive fails is a plain sentence.

zipfile and the decompressors behind it raise many kinds of errors (a bad CRC, a zlib error, an
encrypted entry, a compression method it does not know, a file cut short); callers get a
ValueError that says which, never a traceback.
"""
from __future__ import annotations

import io
import lzma
import struct
import zipfile
import zlib

# What zipfile, zlib, bz2 and lzma raise on damaged or unsupported input.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, struct.error, ValueError,
              RuntimeError, NotImplementedError, UnicodeDecodeError, OverflowError, IndexError, KeyError)


def zip_problem(error: BaseException) -> str:
    """A plain sentence for what reading a zip entry raised."""
    text = str(error).lower()
    if isinstance(error, RuntimeError) and ("encrypt" in text or "password" in text):
        return "it is protected by a password"
    if isinstance(error, NotImplementedError) or "compression" in text:
        return "it is compressed in a way this app does not read (use an ordinary zip)"
    if "crc" in text:
        return "it is damaged (its checksum does not match)"
    if isinstance(error, EOFError) or "truncated" in text or "end of" in text:
        return "it is cut short (an incomplete download?)"
    return "it is damaged"


def open_zip(data: bytes, what: str = "The file") -> zipfile.ZipFile:
    """A ZipFile over data; ValueError when it is not a readable zip."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS as error:
        problem = zip_problem(error)
        raise ValueError(f"{what} is not a zip archive, or it is damaged." if problem == "it is damaged" else
                         f"{what} is not a zip archive that can be read: {problem}.") from error


def read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_bytes: int) -> bytes:
    """The unpacked bytes of one entry, at most max_bytes; ValueError saying what is wrong with it."""
    if info.file_size > max_bytes:
        raise ValueError(f"{info.filename} is larger than anything this app reads ({info.file_size:,} bytes)")
    if info.flag_bits & 0x1:
        raise ValueError(f"{info.filename}: it is protected by a password")
    try:
        with archive.open(info) as member:
            data = member.read(max_bytes + 1)
    except ZIP_ERRORS as error:
        raise ValueError(f"{info.filename}: {zip_problem(error)}") from error
    if len(data) > max_bytes:
        raise ValueError(f"{info.filename} is larger than anything this app reads")
    return data
