"""Small text helpers shared by the core and the plugins."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "slugify", "strip_control_chars"]

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def fold(text: str) -> str:
    """Lower-case ASCII-ish text with Vietnamese diacritics removed, ``đ`` folded to ``d``."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slugify(text: str, *, max_length: int = 80) -> str:
    """``Kế hoạch số 12/KH-UBND`` → ``ke-hoach-so-12-kh-ubnd`` (ASCII kebab-case)."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def strip_control_chars(text: str) -> str:
    """Remove characters XML 1.0 forbids (C0 controls except tab/LF/CR), e.g. pasted from Word."""
    return _CONTROL.sub("", text)
