"""Small text helpers shared by the core and the plugins."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "slugify", "strip_control_chars"]

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


#: Combining diacritical marks (U+0300-U+036F) removed, đ/Đ (no decomposition) to d/D.
_FOLD = {**dict.fromkeys(range(0x300, 0x370)), ord("đ"): "d", ord("Đ"): "D"}


def fold(text: str) -> str:
    """Lower-case text with Vietnamese diacritics removed and ``đ`` folded to ``d``."""
    return unicodedata.normalize("NFD", text).translate(_FOLD).casefold()


def slugify(text: str, *, max_length: int = 80) -> str:
    """``Kế hoạch số 12/KH-UBND`` → ``ke-hoach-so-12-kh-ubnd`` (ASCII kebab-case)."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def strip_control_chars(text: str) -> str:
    """Remove characters XML 1.0 forbids (C0 controls except tab/LF/CR), e.g. pasted from Word."""
    return _CONTROL.sub("", text)
