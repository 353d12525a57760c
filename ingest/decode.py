"""Bytes to text for text-like inputs: UTF-8 first, then the encodings Windows exports use."""

from __future__ import annotations

from charset_normalizer import from_bytes

from ingest.model import UnreadableFile

_WINDOWS_ENCODINGS = ("cp1252", "latin-1")


def looks_binary(data: bytes) -> bool:
    """NUL bytes or a high share of control characters mean this is not a text export."""
    sample = data[:8192]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return bool(sample) and controls / len(sample) > 0.05


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a text export, returning (text, encoding used).

    UTF-8 (with or without BOM) and UTF-16 with BOM are tried first; then charset-normalizer's
    best guess; then cp1252, which decodes any byte sequence a Windows export produces.
    """
    if not data.strip():
        raise UnreadableFile("empty file", status="skipped")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if looks_binary(data):
        raise UnreadableFile("binary file, not a text export")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = from_bytes(data).best()
    if guess is not None and guess.encoding:
        return str(guess), guess.encoding
    for encoding in _WINDOWS_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("cannot decode text (not UTF-8 or a Windows encoding)")
