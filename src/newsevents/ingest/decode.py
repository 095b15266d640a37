"""Bytes to text: UTF-8 first, then a detected encoding, failing only when it is hopeless."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

# Bytes that never occur in text: NUL and most C0 controls (tab, LF, FF, CR and ESC excepted).
_CONTROL = frozenset(set(range(32)) - {9, 10, 12, 13, 27})
_MAX_CONTROL_SHARE = 0.01


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we can trust."""


def looks_binary(data: bytes) -> bool:
    """True for data with NUL bytes or more than 1% control bytes in its first 8 KB."""
    head = data[:8192]
    if b"\x00" in head and not _is_utf16(head):
        return True
    controls = sum(1 for byte in head if byte in _CONTROL)
    return controls > _MAX_CONTROL_SHARE * max(len(head), 1)


def _is_utf16(head: bytes) -> bool:
    return head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raise UndecodableError when no encoding fits."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if _is_utf16(data[:4]):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if looks_binary(data):
        raise UndecodableError("binary data, not text")
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise UndecodableError("not text in any known encoding")
    if best.chaos > 0.5:
        raise UndecodableError(f"text is garbled in every encoding tried (best: {best.encoding})")
    return data.decode(best.encoding, errors="replace"), best.encoding
