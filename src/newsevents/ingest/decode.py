"""Bytes to text: UTF-8 first, then a detected encoding, failing only when it is hopeless."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# Bytes that never occur in text: NUL and most C0 controls (tab, LF, FF, CR and ESC excepted).
_CONTROL = frozenset(set(range(32)) - {9, 10, 12, 13, 27})
_TEXT_CONTROLS = frozenset("\t\n\x0c\r\x1b")
_MAX_CONTROL_SHARE = 0.01
_HEAD = 8192
# Byte-order marks, longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
BINARY = "binary data, not text, HTML, JSONL or WARC"
UTF16_WITHOUT_BOM = ("UTF-16 text without a byte-order mark: not read (save it as UTF-8, or as "
                     "UTF-16 with a byte-order mark)")


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we can trust."""


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of `data` names, or None without one."""
    return next((encoding for bom, encoding in _BOMS if data.startswith(bom)), None)


def looks_binary(data: bytes) -> bool:
    """True for data with NUL bytes or more than 1% control bytes in its first 8 KB.

    UTF-16 and UTF-32 text with a byte-order mark is judged by its characters, not its bytes.
    """
    encoding = bom_encoding(data)
    if encoding in ("utf-16", "utf-32"):
        chars = data[:_HEAD].decode(encoding, errors="replace")[:-1]  # the last may be cut
        # binary data after a mark decodes to controls, unassigned and private-use characters
        # and invalid sequences
        odd = sum(1 for char in chars if char == "\ufffd" or not (char.isprintable() or
                                                                  char in _TEXT_CONTROLS))
        return odd > _MAX_CONTROL_SHARE * max(len(chars), 1)
    head = data[:_HEAD]
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte in _CONTROL)
    return controls > _MAX_CONTROL_SHARE * max(len(head), 1)


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")  # _CONTROL, as characters


def binary_text(text: str) -> bool:
    """True for decoded text (a JSON string) more than 1% of whose first 8,192 characters are
    NUL or other C0 controls: bytes of another kind, such as UTF-16 read as UTF-8, not text.
    A stray control in a real article does not refuse it (`without_controls` drops it)."""
    head = text[:_HEAD]
    controls = _CONTROL_CHARS.subn("", head)[1]
    return controls > _MAX_CONTROL_SHARE * max(len(head), 1)


def without_controls(text: str) -> str:
    """The text without the C0 controls that never occur in text (NUL among them)."""
    return _CONTROL_CHARS.sub("", text)


def binary_reason(data: bytes) -> str | None:
    """Why `data` is not read as text (one line), or None when it may be text."""
    if not looks_binary(data):
        return None
    return UTF16_WITHOUT_BOM if _utf16_without_bom(data[:_HEAD]) else BINARY


def _utf16_without_bom(head: bytes) -> bool:
    """Latin-script UTF-16 (LE or BE) without a mark: every other byte is NUL, and the others
    are characters of text, not controls."""
    even, odd = head[0::2], head[1::2]
    if len(odd) < 16:
        return False
    for zeros, chars in ((odd, even), (even, odd)):
        controls = sum(1 for byte in chars if byte in _CONTROL)
        if zeros.count(0) >= 0.9 * len(zeros) and controls <= _MAX_CONTROL_SHARE * len(chars):
            return True
    return False


_FEW_HIGH_BYTES = 0.01


def _damaged_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a stray byte, a character cut at the end), decoded
    with U+FFFD for each: at least as many well-formed non-ASCII characters as broken
    sequences, which text in a one-byte encoding ("caf\xe9 au lait") almost never has.
    None otherwise."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    wide = sum(1 for char in text if char > "\x7f" and char != "\ufffd")
    return text if 0 < broken <= wide else None


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Raise UndecodableError when no encoding fits.

    A byte-order mark (UTF-8, UTF-16 or UTF-32, either byte order) decides the encoding.
    """
    encoding = bom_encoding(data)
    if encoding is not None:
        # the "-sig" and BOM-reading codecs drop the mark itself
        return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    reason = binary_reason(data)
    if reason is not None:
        raise UndecodableError("binary data, not text" if reason == BINARY else reason)
    damaged = _damaged_utf8(data)
    if damaged is not None:
        return damaged, "utf-8"
    head = data[:200_000]
    if sum(1 for byte in head if byte > 127) <= _FEW_HIGH_BYTES * len(head):
        # too few non-ASCII bytes for a detector to tell encodings apart ("don\x92t" in an
        # English page): the commonest legacy encoding of the web, not a guess at Cyrillic
        return data.decode("cp1252", errors="replace"), "cp1252"
    matches = from_bytes(head)
    best = matches.best()
    if best is None or best.encoding is None:
        raise UndecodableError("not text in any known encoding")
    if best.chaos > 0.5:
        raise UndecodableError(f"text is garbled in every encoding tried (best: {best.encoding})")
    encoding = best.encoding
    if any(m.encoding == "cp1252" and m.chaos <= best.chaos and m.coherence >= best.coherence
           for m in matches):  # a tie ("Bogot\xe1" reads in cp1250 too): the commoner one
        encoding = "cp1252"
    return data.decode(encoding, errors="replace"), encoding
