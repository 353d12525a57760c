"""Bytes to text for text-like inputs: UTF-8 first, then the encodings Windows exports use."""

from __future__ import annotations

from charset_normalizer import from_bytes

from ingest.model import UnreadableFile

_WINDOWS_ENCODINGS = ("cp1252", "latin-1")


_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
WIDE_SHARE = 0.9
"""Share of ASCII-range characters whose zero bytes must sit at the same offsets (mod 2 or
mod 4) for a file without a byte-order mark to be read as UTF-16 or UTF-32."""


def wide_encoding(data: bytes) -> str | None:
    """UTF-16/UTF-32 (LE or BE) named by a byte-order mark or, without one, by where the zero
    bytes sit: text that is mostly ASCII has a zero in the same byte(s) of every unit."""
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return encoding
    sample = data[: 4096 - 4096 % 4]
    units = len(sample) // 4
    if units < 2 or len(data) % 2:
        return None
    zero = [sum(sample[i] == 0 for i in range(offset, len(sample), 4)) / units for offset in range(4)]
    if len(data) % 4 == 0:
        if min(zero[1:]) >= WIDE_SHARE and zero[0] < WIDE_SHARE:
            return "utf-32-le"
        if min(zero[:3]) >= WIDE_SHARE and zero[3] < WIDE_SHARE:
            return "utf-32-be"
    even, odd = (zero[0] + zero[2]) / 2, (zero[1] + zero[3]) / 2
    if odd >= WIDE_SHARE and even < 1 - WIDE_SHARE:
        return "utf-16-le"
    if even >= WIDE_SHARE and odd < 1 - WIDE_SHARE:
        return "utf-16-be"
    return None


def looks_binary(data: bytes) -> bool:
    """NUL bytes or a high share of control characters mean this is not a text export."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return bool(sample) and controls / len(sample) > 0.05


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a text export, returning (text, encoding used).

    UTF-16 and UTF-32 (with a byte-order mark, or recognised by their zero bytes) and UTF-8
    (with or without BOM) are tried first; then charset-normalizer's best guess; then cp1252,
    which decodes any byte sequence a Windows export produces.
    """
    if not data.strip(b" \t\r\n\x00\xff\xfe"):
        raise UnreadableFile("empty file", status="skipped")
    wide = wide_encoding(data)
    if wide is not None:
        try:
            text = data.decode(wide)
        except UnicodeDecodeError:
            pass
        else:
            if not looks_binary(text.encode("utf-8")):
                return text, wide
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
