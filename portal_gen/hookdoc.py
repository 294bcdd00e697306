"""The hook reference of the plugin author guide, generated from the hookspec docstrings.

``docs/plugins.md`` holds a region between two markers that this module rewrites::

    python -m portal_gen.hookdoc docs/plugins.md           # regenerate the region
    python -m portal_gen.hookdoc --check docs/plugins.md   # exit 1 if it is out of date

Hooks are listed in :mod:`portal_gen.hookspecs` order, grouped by the build phase named in
the banner comments of that file. A hook without a summary, a ``:param:`` for each argument
or a ``:returns:`` (when it returns something) is refused, so the guide never has a gap.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from portal_gen import hookspecs

__all__ = [
    "END",
    "START",
    "HookDoc",
    "collect",
    "main",
    "problems",
    "render",
    "update",
]

START = "<!-- hook-reference:start -->"
END = "<!-- hook-reference:end -->"

_RULE = r"#[ \t]*-{10,}[ \t]*"
_BANNER = re.compile(rf"^{_RULE}\n#[ \t]*(?P<title>[^-\s].*?)[ \t]*\n{_RULE}$", re.MULTILINE)
_FIELD = re.compile(r"^:(?P<kind>param|returns?)(?:\s+(?P<name>\w+))?:\s*(?P<text>.*)$")
_LITERAL = re.compile(r"``(.+?)``")
_ROLE = re.compile(r":[a-z]+:`~?(?:[\w.]+\.)?([^`]+)`")


@dataclass(frozen=True)
class HookDoc:
    """What the reference says about one hook."""

    name: str
    phase: str
    #: ``(name, annotation)`` of each argument, in order
    arguments: tuple[tuple[str, str], ...]
    return_type: str
    summary: str
    #: paragraphs between the summary and the fields
    body: tuple[str, ...] = ()
    params: dict[str, str] = field(default_factory=dict)
    returns: str | None = None
    firstresult: bool = False
    historic: bool = False

    @property
    def returns_value(self) -> bool:
        return self.return_type not in ("None", "")

    @property
    def signature(self) -> str:
        args = ", ".join(f"{name}: {annotation}" for name, annotation in self.arguments)
        return f"def {self.name}({args}) -> {self.return_type}"


def markdown(text: str) -> str:
    """reStructuredText inline markup of the docstrings, as Markdown."""
    return _ROLE.sub(r"`\1`", _LITERAL.sub(r"`\1`", text))


def _annotation(value: object) -> str:
    if value is inspect.Parameter.empty:
        return ""
    if isinstance(value, str):  # hookspecs uses `from __future__ import annotations`
        return value
    return inspect.formatannotation(value)


def _paragraphs(lines: Sequence[str]) -> list[str]:
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs


def _parse_docstring(doc: str) -> tuple[str, list[str], dict[str, str], str | None]:
    """Summary, body paragraphs, ``:param:`` texts and the ``:returns:`` text."""
    lines = doc.splitlines()
    first_field = next((i for i, line in enumerate(lines) if _FIELD.match(line)), len(lines))
    prose = _paragraphs(lines[:first_field])
    summary, body = (prose[0], prose[1:]) if prose else ("", [])
    params: dict[str, str] = {}
    returns: str | None = None
    target: tuple[str, str | None] | None = None
    texts: dict[tuple[str, str | None], list[str]] = {}
    for line in lines[first_field:]:
        match = _FIELD.match(line)
        if match:
            kind = "returns" if match["kind"].startswith("return") else "param"
            target = (kind, match["name"])
            texts[target] = [match["text"].strip()]
        elif target is not None and line.strip():
            texts[target].append(line.strip())
    for (kind, name), words in texts.items():
        text = " ".join(w for w in words if w)
        if kind == "returns":
            returns = text
        elif name:
            params[name] = text
    return summary, body, params, returns


def _phases(source: str) -> list[tuple[int, str]]:
    """``(line, title)`` of each banner comment that opens a build phase."""
    return [
        (source.count("\n", 0, match.start("title")) + 1, match["title"])
        for match in _BANNER.finditer(source)
    ]


def collect(module: ModuleType = hookspecs) -> list[HookDoc]:
    """Every hook specification of ``module``, in source order, with its phase."""
    marker = f"{getattr(module, 'PROJECT', hookspecs.PROJECT)}_spec"
    phases = _phases(inspect.getsource(module))
    found: list[tuple[int, HookDoc]] = []
    for name, function in inspect.getmembers(module, inspect.isfunction):
        spec = getattr(function, marker, None)
        if spec is None or function.__module__ != module.__name__:
            continue
        line = inspect.getsourcelines(function)[1]
        phase = next((title for start, title in reversed(phases) if start < line), "")
        signature = inspect.signature(function)
        summary, body, params, returns = _parse_docstring(inspect.getdoc(function) or "")
        found.append(
            (
                line,
                HookDoc(
                    name=name,
                    phase=phase,
                    arguments=tuple(
                        (arg, _annotation(p.annotation)) for arg, p in signature.parameters.items()
                    ),
                    return_type=_annotation(signature.return_annotation) or "None",
                    summary=summary,
                    body=tuple(body),
                    params=params,
                    returns=returns,
                    firstresult=bool(spec.get("firstresult")),
                    historic=bool(spec.get("historic")),
                ),
            )
        )
    return [hook for _, hook in sorted(found, key=lambda item: item[0])]


def problems(hooks: Sequence[HookDoc]) -> list[str]:
    """What keeps each hook from being fully documented (empty when all are)."""
    found = []
    for hook in hooks:
        if not hook.summary:
            found.append(f"{hook.name}: no summary line")
        for name, _ in hook.arguments:
            if not hook.params.get(name):
                found.append(f"{hook.name}: no `:param {name}:`")
        for name in hook.params:
            if name not in dict(hook.arguments):
                found.append(f"{hook.name}: `:param {name}:` names no argument")
        if hook.returns_value and not hook.returns:
            found.append(f"{hook.name}: no `:returns:`")
        if not hook.phase:
            found.append(f"{hook.name}: not under a phase banner comment")
    return found


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(hooks: Sequence[HookDoc], module: ModuleType = hookspecs) -> str:
    """The Markdown of the reference (without the markers)."""
    phases = list(dict.fromkeys(hook.phase for hook in hooks))
    out = [
        f"<!-- Generated from {module.__name__} by `python -m portal_gen.hookdoc docs/plugins.md`;"
        " do not edit by hand. -->",
        "",
    ]
    intro = _paragraphs((inspect.getdoc(module) or "").splitlines())[1:]
    out += [paragraph for text in intro for paragraph in (markdown(text), "")]
    out += ["| Phase | Hook | Summary |", "|---|---|---|"]
    for hook in hooks:
        number = phases.index(hook.phase) + 1
        out.append(
            f"| {number} | [`{hook.name}`](#{hook.name}) | {_cell(markdown(hook.summary))} |"
        )
    for number, phase in enumerate(phases, start=1):
        out += ["", f"### {number}. {markdown(phase)}"]
        for hook in (h for h in hooks if h.phase == phase):
            out += ["", f"#### `{hook.name}`", "", "```python", hook.signature, "```", ""]
            out.append(markdown(hook.summary))
            for paragraph in hook.body:
                out += ["", markdown(paragraph)]
            if hook.firstresult:
                out += ["", "*firstresult*: the first non-None result wins."]
            if hook.historic:
                out += ["", "*historic*: plugins registered later are called too."]
            if hook.arguments:
                out += ["", "**Parameters**", ""]
                out += [
                    f"- `{name}` (`{annotation}`): {markdown(hook.params.get(name, ''))}"
                    for name, annotation in hook.arguments
                ]
            if hook.returns_value:
                out += ["", f"**Returns** `{hook.return_type}`: {markdown(hook.returns or '')}"]
    return "\n".join(out) + "\n"


def update(text: str, reference: str) -> str:
    """``text`` with the region between the markers replaced by ``reference``.

    :raises ValueError: when the markers are missing or out of order.
    """
    start, end = text.find(START), text.find(END)
    if start == -1 or end == -1 or end < start:
        raise ValueError(f"the file needs a line {START} and, after it, a line {END}")
    return text[: start + len(START)] + "\n" + reference + "\n" + text[end:]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m portal_gen.hookdoc",
        description="Regenerate the hook reference between the hook-reference markers.",
    )
    parser.add_argument("file", type=Path, help="the Markdown file, e.g. docs/plugins.md")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the file is out of date"
    )
    args = parser.parse_args(argv)
    hooks = collect()
    missing = problems(hooks)
    if missing:
        print("Undocumented hooks (fix portal_gen/hookspecs.py):", file=sys.stderr)
        print("\n".join(f"  {problem}" for problem in missing), file=sys.stderr)
        return 1
    path: Path = args.file
    try:
        old = path.read_text(encoding="utf-8")
        new = update(old, render(hooks))
    except (OSError, ValueError) as error:
        print(f"{path}: {error}", file=sys.stderr)
        return 2
    if new == old:
        return 0
    if args.check:
        print(f"{path} is out of date: run python -m portal_gen.hookdoc {path}", file=sys.stderr)
        return 1
    path.write_text(new, encoding="utf-8")
    print(f"{path}: hook reference updated")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
