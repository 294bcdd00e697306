"""The front-matter keys portal-gen reads (SPEC §2.1, §2.2), and the check for the others.

Unknown keys are reported with a suggestion, never silently dropped; plugins add the keys
they read through the ``portal_front_matter_keys`` hook.
"""

from __future__ import annotations

from typing import Any

from portal_gen.diagnostics import Diagnostic, Severity, suggestion_hint
from portal_gen.frontmatter import Reader

__all__ = [
    "COMMENT_KEYS",
    "DOCUMENT_KEYS",
    "EXTENSION_KEYS",
    "MATERIAL_KEYS",
    "UNIT_FILE",
    "UNIT_KEYS",
    "report_unknown_keys",
    "unknown_key",
]

UNIT_FILE = "_unit.yml"
UNIT_KEYS = ("name", "type", "parent", "address", "phone", "email", "website")
DOCUMENT_KEYS = (
    "title",
    "kind",
    "category",
    "date",
    "number",
    "issued",
    "issuer",
    "signer",
    "period",
    "audience",
    "attachments",
    "comment",
    "result_of",
    "description",
    "id",
)
COMMENT_KEYS = ("opens", "closes", "email", "address", "contact", "phone", "extensions")
EXTENSION_KEYS = ("closes", "announced", "reason")
#: Material for MkDocs keys that are harmless on a document page.
MATERIAL_KEYS = ("hide", "search", "icon", "subtitle")

#: Markdown files larger than this are refused: they would stall the build and no reader
#: on a phone could open them. Put long texts in an attachment.


def unknown_key(path: str, line: int | None, key: str, known: list[str]) -> Diagnostic:
    hint = suggestion_hint(key.rsplit(".", 1)[-1], known)
    return Diagnostic(
        path,
        line,
        Severity.WARNING,
        "unknown-key",
        f"Khóa `{key}` không được portal-gen sử dụng và sẽ bị bỏ qua.",
        (hint + "\n" if hint else "")
        + "Các khóa hợp lệ: "
        + ", ".join(f"`{k}`" for k in known)
        + ".",
    )


def report_unknown_keys(reader: Reader, extra: dict[str, Any], declared: frozenset[str]) -> None:
    """Warn about keys nobody reads (SPEC §2.2: never silently dropped), with a suggestion."""
    top = [*DOCUMENT_KEYS, *sorted(k for k in declared if "." not in k)]
    for key in extra:
        if key in declared or key in MATERIAL_KEYS:
            continue
        if key.startswith("comment.extensions."):
            known = list(EXTENSION_KEYS)
        elif key.startswith("comment."):
            known = [*COMMENT_KEYS, *sorted(k[8:] for k in declared if k.startswith("comment."))]
        else:
            known = top
        reader.diagnostics.append(unknown_key(reader.path, reader.lines.get(key), key, known))
