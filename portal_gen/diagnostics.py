"""One type for every content problem, and the helpers that make its messages actionable.

Editors are not programmers: a Diagnostic names the file, the line, what is wrong (in
Vietnamese) and how to fix it. Problems are collected, printed together, and the command
fails once (the way MkDocs' own config loader reports).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from enum import StrEnum

from portal_gen.pickling import quick_pickle
from portal_gen.text import fold

__all__ = [
    "Diagnostic",
    "DiagnosticError",
    "Severity",
    "did_you_mean",
    "exit_code",
    "format_github",
    "format_json",
    "format_text",
    "has_errors",
    "sort_diagnostics",
]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


SEVERITY_WORDS = {Severity.ERROR: "lỗi", Severity.WARNING: "cảnh báo"}


@quick_pickle
@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem in the content, with everything an editor needs to fix it.

    :param path: the file, relative to the directory that holds mkdocs.yml (POSIX slashes).
    :param line: 1-based line in that file, or None when no line applies.
    :param severity: error (fails the build) or warning (fails only under --strict).
    :param code: a stable kebab-case identifier such as ``invalid-date``; part of the contract.
    :param message: what is wrong, in Vietnamese.
    :param hint: how to fix it, in Vietnamese (may be empty).
    """

    path: str
    line: int | None
    severity: Severity
    code: str
    message: str
    hint: str = ""

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data

    def with_severity(self, severity: Severity) -> Diagnostic:
        return replace(self, severity=severity)

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


class DiagnosticError(Exception):
    """Raised to stop a command because the content has errors; carries every problem found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        errors = sum(d.severity is Severity.ERROR for d in self.diagnostics)
        super().__init__(f"{errors} lỗi trong nội dung")

    def __str__(self) -> str:
        return format_text(self.diagnostics)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Order by file, then line, so an editor can work down a file from top to bottom."""
    return sorted(diagnostics, key=lambda d: (d.path, d.line or 0, d.code, d.message))


def has_errors(diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> bool:
    return any(d.severity is Severity.ERROR or strict for d in diagnostics)


def exit_code(diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> int:
    """0 when clean; 1 on errors (or on warnings under --strict), as SPEC §3 requires."""
    return 1 if has_errors(diagnostics, strict=strict) else 0


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    """Compiler-style lines: ``path:line: lỗi [code] message`` followed by the hint."""
    diagnostics = sort_diagnostics(diagnostics)
    lines = []
    for d in diagnostics:
        lines.append(f"{d.location}: {SEVERITY_WORDS[d.severity]} [{d.code}] {d.message}")
        if d.hint:
            lines.extend(f"    → {hint_line}" for hint_line in d.hint.splitlines())
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    if diagnostics:
        lines.append(f"Tổng cộng: {errors} lỗi, {warnings} cảnh báo.")
    return "\n".join(lines)


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    """The JSON array of SPEC §3: path, line, severity, code, message, hint."""
    return json.dumps(
        [d.as_dict() for d in sort_diagnostics(diagnostics)], ensure_ascii=False, indent=2
    )


def _github_escape(value: str, *, property_value: bool = False) -> str:
    # https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands, so problems show up on the right file and line."""
    lines = []
    for d in sort_diagnostics(diagnostics):
        props = [f"file={_github_escape(d.path, property_value=True)}"]
        if d.line:
            props.append(f"line={d.line}")
        props.append(f"title={_github_escape(d.code, property_value=True)}")
        text = d.message + (f"\n{d.hint}" if d.hint else "")
        lines.append(f"::{d.severity} {','.join(props)}::{_github_escape(text)}")
    return "\n".join(lines)


def did_you_mean(
    word: str,
    candidates: Iterable[str],
    *,
    labels: dict[str, str] | None = None,
    limit: int = 3,
) -> list[str]:
    """Closest candidates to ``word``, compared without case or diacritics.

    ``labels`` maps a candidate to extra text it may also be matched by (for example a
    category code to its Vietnamese title), so "ngan sach" can suggest ``ngan-sach``.
    """
    candidates = list(dict.fromkeys(candidates))
    keys: dict[str, str] = {}
    for candidate in candidates:
        keys[fold(candidate)] = candidate
        if labels and candidate in labels:
            keys.setdefault(fold(labels[candidate]), candidate)
    folded = fold(word)
    matches = difflib.get_close_matches(folded, list(keys), n=limit * 2, cutoff=0.6)
    # Titles are long: also match a word typed as a fragment of one.
    if labels and len(folded) >= 4:
        matches += [key for key in keys if folded in key and key not in matches]
    return list(dict.fromkeys(keys[m] for m in matches))[:limit]


def suggestion_hint(word: str, candidates: Iterable[str], **kwargs: object) -> str:
    """A Vietnamese "did you mean" sentence, or an empty string when nothing is close."""
    matches = did_you_mean(word, candidates, **kwargs)  # type: ignore[arg-type]
    if not matches:
        return ""
    return "Có phải ý bạn là: " + ", ".join(f"`{m}`" for m in matches) + "?"
