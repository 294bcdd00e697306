"""Front matter: every broken input gives the exact Diagnostic (code, line), never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from portal_gen.build import load_portal
from portal_gen.config import PortalConfig
from portal_gen.diagnostics import Diagnostic
from portal_gen.frontmatter import body_of, decode_source, split_front_matter
from portal_gen.plugin_manager import get_plugin_manager
from portal_gen.vntime import parse_now

DOC = "content/phuong-thu/van-ban.md"


QUIET = {"missing-category": "off", "outdated-category": "off"}


def config_for(root: Path, **changes: object) -> PortalConfig:
    return PortalConfig(
        config_dir=root,
        docs_dir=root / "content",
        site_url="https://congkhai.example.vn/",
        now=parse_now("2026-11-22T09:00"),
        severity=QUIET,
        **changes,  # type: ignore[arg-type]
    )


def diagnose(root: Path) -> tuple[list[Diagnostic], object]:
    config = config_for(root)
    portal, diagnostics = load_portal(config, get_plugin_manager(config, entry_points=False))
    return diagnostics, portal


@pytest.fixture
def check_doc(
    make_portal: Callable[..., Path],
) -> Callable[[str], list[tuple[str, str, int | None]]]:
    def run(
        text: str, extra: dict[str, str | bytes] | None = None
    ) -> list[tuple[str, str, int | None]]:
        root = make_portal({DOC: text, **(extra or {})})
        diagnostics, _ = diagnose(root)
        return [(d.severity.value, d.code, d.line) for d in diagnostics if d.path == DOC]

    return run


GOOD = """\
---
title: Kế hoạch phát triển kinh tế - xã hội năm 2026
category: ke-hoach-kt-xh
date: 2026-01-10
---
Nội dung.
"""

DRAFT = """\
---
title: Dự thảo quy chế
kind: draft
category: yk-quy-che-dan-chu
date: 2026-11-01
comment:
  opens: 2026-11-01
  closes: {closes}
---
Nội dung.
"""

CASES: list[tuple[str, str, list[tuple[str, str, int | None]]]] = [
    ("valid", GOOD, []),
    (
        "colon-in-value",
        "---\ntitle: Quyết định: về việc công khai\ncategory: khac\ndate: 2026-01-10\n---\n",
        [("error", "yaml-syntax", 2)],
    ),
    (
        "tab-indent",
        "---\ntitle: A\ncategory: khac\ndate: 2026-01-10\ncomment:\n\topens: 2026-01-10\n---\n",
        [("error", "yaml-syntax", 6)],
    ),
    (
        "unclosed-quote",
        '---\ntitle: "Kế hoạch\ncategory: khac\ndate: 2026-01-10\n---\n',
        [("error", "yaml-syntax", 5)],
    ),
    (
        "no-closing-fence",
        "---\ntitle: A\ncategory: khac\ndate: 2026-01-10\n",
        [("error", "front-matter-unclosed", 1)],
    ),
    ("no-front-matter", "# Chỉ có nội dung\n", [("error", "missing-front-matter", 1)]),
    ("not-a-mapping", "---\n- title\n- date\n---\n", [("error", "front-matter-not-mapping", 2)]),
    (
        "missing-title",
        "---\ncategory: khac\ndate: 2026-01-10\n---\n",
        [("error", "missing-key", 1)],
    ),
    (
        "empty-title",
        "---\ntitle:\ncategory: khac\ndate: 2026-01-10\n---\n",
        [("error", "missing-key", 2)],
    ),
    ("missing-date", "---\ntitle: A\ncategory: khac\n---\n", [("error", "missing-key", 1)]),
    ("missing-category", "---\ntitle: A\ndate: 2026-01-10\n---\n", [("error", "missing-key", 1)]),
    (
        "duplicate-key",
        "---\ntitle: A\ntitle: B\ncategory: khac\ndate: 2026-01-10\n---\n",
        [("error", "duplicate-key", 3)],
    ),
    # YAML 1.1 traps: values are read from their text, never reinterpreted
    ("octal-number", "---\ntitle: A\ncategory: khac\ndate: 2026-01-10\nnumber: 0123\n---\n", []),
    (
        "sexagesimal-time",
        "---\ntitle: A\ncategory: khac\ndate: 12:30\n---\n",
        [("error", "invalid-date", 4)],
    ),
    (
        "no-as-audience",
        "---\ntitle: A\ncategory: khac\ndate: 2026-01-10\naudience: no\n---\n",
        [("error", "unknown-audience", 5)],
    ),
    (
        "datetime-without-seconds",
        "---\ntitle: A\ncategory: khac\ndate: 2026-01-10 17:00\n---\n",
        [],
    ),
    (
        "impossible-date",
        "---\ntitle: A\ncategory: khac\ndate: 2024-02-30\n---\n",
        [("error", "invalid-date", 4)],
    ),
    (
        "day-first-date",
        "---\ntitle: A\ncategory: khac\ndate: 31/12/2024\n---\n",
        [("error", "invalid-date", 4)],
    ),
    (
        "bad-hour",
        "---\ntitle: A\ncategory: khac\ndate: 2024-12-31 25:00\n---\n",
        [("error", "invalid-date", 4)],
    ),
    (
        "unknown-kind",
        "---\ntitle: A\nkind: drafft\ncategory: khac\ndate: 2026-01-10\n---\n",
        [("error", "unknown-kind", 3)],
    ),
    (
        "unknown-key",
        "---\ntitel: A\ntitle: A\ncategory: khac\ndate: 2026-01-10\n---\n",
        [("warning", "unknown-key", 2)],
    ),
    (
        "list-for-title",
        "---\ntitle: [A, B]\ncategory: khac\ndate: 2026-01-10\n---\n",
        [("error", "wrong-type", 2)],
    ),
    (
        "bad-period",
        "---\ntitle: A\ncategory: khac\ndate: 2026-01-10\nperiod: 2024-Q5\n---\n",
        [("error", "invalid-period", 5)],
    ),
    (
        "draft-without-comment",
        "---\ntitle: A\nkind: draft\ndate: 2026-01-10\n---\n",
        [("error", "missing-key", 1)],
    ),
    (
        "comment-not-mapping",
        "---\ntitle: A\nkind: draft\ndate: 2026-01-10\ncomment: yes\n---\n",
        [("error", "wrong-type", 5)],
    ),
    (
        "closes-before-opens",
        DRAFT.format(closes="2026-10-01"),
        [("error", "closes-before-opens", 8)],
    ),
    ("closes-ok", DRAFT.format(closes="2026-11-30 17:00"), []),
    (
        "closes-midnight",
        DRAFT.format(closes="2026-12-01 00:00"),
        [("warning", "ambiguous-midnight", 8)],
    ),
    (
        "extension-earlier",
        DRAFT.format(closes="2026-11-30\n  extensions:\n    - closes: 2026-11-25\n      reason: X"),
        [("error", "extension-not-later", 10)],
    ),
    (
        "unknown-comment-key",
        DRAFT.format(closes="2026-11-30\n  emial: a@b.vn"),
        [("warning", "unknown-key", 9)],
    ),
    (
        "result-of-missing",
        "---\ntitle: A\nkind: result\ndate: 2026-01-10\nresult_of: khong-co.md\n---\n",
        [("error", "result-of-not-draft", 5)],
    ),
    (
        "result-without-target",
        "---\ntitle: A\nkind: result\ndate: 2026-01-10\n---\n",
        [("error", "missing-key", 1)],
    ),
    (
        "attachment-missing",
        "---\ntitle: A\ncategory: khac\ndate: 2026-01-10\nattachments:\n  - files/khong-co.pdf\n---\n",
        [("error", "attachment-not-found", 6)],
    ),
    (
        "attachment-absolute",
        "---\ntitle: A\ncategory: khac\ndate: 2026-01-10\nattachments:\n  - /etc/passwd\n---\n",
        [("error", "attachment-absolute", 6)],
    ),
    (
        "attachment-escapes",
        "---\ntitle: A\ncategory: khac\ndate: 2026-01-10\nattachments: ../../mkdocs.yml\n---\n",
        [("error", "attachment-outside", 5)],
    ),
    (
        "bom-and-crlf",
        "\ufeff---\r\ntitle: A\r\ncategory: khac\r\ndate: 2026-01-10\r\n---\r\nNội dung\r\n",
        [],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in CASES], ids=[c[0] for c in CASES]
)
def test_broken_front_matter_gives_exact_diagnostics(
    check_doc: Callable[[str], list[tuple[str, str, int | None]]],
    text: str,
    expected: list[tuple[str, str, int | None]],
) -> None:
    assert sorted(check_doc(text), key=str) == sorted(expected, key=str)


def test_yaml_traps_keep_the_text_as_written(make_portal: Callable[..., Path]) -> None:
    root = make_portal(
        {
            DOC: '---\ntitle: no\ncategory: khac\ndate: 2026-01-10\nnumber: 0123\nsigner: "08"\nissued: 2026-01-09\n---\n'
        }
    )
    diagnostics, portal = diagnose(root)
    assert diagnostics == []
    doc = portal.documents[0]  # type: ignore[attr-defined]
    assert (doc.title, doc.number, doc.signer) == ("no", "0123", "08")


def test_datetime_without_seconds_is_vietnam_time(make_portal: Callable[..., Path]) -> None:
    root = make_portal({DOC: "---\ntitle: A\ncategory: khac\ndate: 2024-10-10 17:00\n---\n"})
    _, portal = diagnose(root)
    assert portal.documents[0].published.at.isoformat() == "2024-10-10T17:00:00+07:00"  # type: ignore[attr-defined]


def test_messages_are_vietnamese_with_a_fix(
    check_doc: Callable[..., object], make_portal: Callable[..., Path]
) -> None:
    root = make_portal({DOC: "---\ntitle: A\ncategory: khac\ndate: 31/12/2024\n---\n"})
    diagnostics, _ = diagnose(root)
    (problem,) = diagnostics
    assert problem.message == "`date`: Không đọc được ngày `31/12/2024`."
    assert problem.hint == "Viết theo dạng NĂM-THÁNG-NGÀY: `2024-12-31`."


def test_unknown_key_suggests_the_closest(make_portal: Callable[..., Path]) -> None:
    root = make_portal(
        {DOC: "---\ntitle: A\ncategory: khac\ndate: 2026-01-10\nsinger: Nguyễn Văn A\n---\n"}
    )
    diagnostics, _ = diagnose(root)
    (problem,) = diagnostics
    assert problem.code == "unknown-key"
    assert problem.hint.startswith("Có phải ý bạn là: `signer`?")


def test_nfd_text_is_normalised_to_nfc() -> None:
    import unicodedata

    title = unicodedata.normalize("NFD", "Kế hoạch")
    source, problems = decode_source(f"---\ntitle: {title}\n---\n".encode(), "x.md")
    assert problems == [] and source is not None
    matter, _ = split_front_matter(source)
    assert matter is not None and matter.node is not None
    assert matter.node.value[0][1].value == "Kế hoạch"


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: A\n---\nNội dung.\n",
        "---\ntitle: A\n---",  # no body, no final newline
        "---\ntitle: A\n---\n",
        "---\ntitle: [unclosed\n---\nThân bài vẫn là thân bài.\n",  # YAML error
        "---\n- a list\n---\nThân.\n",  # not a mapping
        "---\ntitle: A\nkhông đóng\n",  # unclosed: no front matter
        "Không có phần khai báo.\n---\n",
        "\n---\ntitle: A\n---\nx\n",  # the opening must be the first line
        "---\nbody: |\n  ---\n---\nSau.\n",
    ],
)
def test_body_is_found_without_reading_the_yaml(text: str) -> None:
    # read_body (every page, at every render) must give the body the checks saw
    source, problems = decode_source(text.encode(), "x.md")
    assert problems == [] and source is not None
    matter, _ = split_front_matter(source)
    assert body_of(source) == (matter.body if matter is not None else source.text)


def to_cp1258(text: str) -> bytes:
    """Encode as Word's Windows-1258 does: base letters precomposed, tone marks combining."""
    import unicodedata

    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            try:
                out += unicodedata.normalize("NFC", parts[:2]).encode("cp1258") + parts[2:].encode(
                    "cp1258"
                )
            except UnicodeEncodeError:
                out += parts.encode("cp1258")
    return out


def test_windows_1258_file_is_refused_with_the_encoding_named(
    make_portal: Callable[..., Path],
) -> None:
    text = "---\ntitle: Kế hoạch\ncategory: khac\ndate: 2026-01-10\n---\n"
    root = make_portal({DOC: to_cp1258(text)})
    diagnostics, _ = diagnose(root)
    (problem,) = diagnostics
    assert (problem.code, problem.line) == ("invalid-encoding", 2)
    assert "UTF-8" in problem.message and "Windows-1258" in problem.message


def test_all_problems_are_collected_across_files(make_portal: Callable[..., Path]) -> None:
    root = make_portal(
        {
            "content/phuong-thu/a.md": "---\ntitle: A\ncategory: khac\ndate: 2024-02-30\n---\n",
            "content/phuong-thu/b.md": "---\ntitle: B\ndate: 2026-01-10\n---\n",
            "content/phuong-thu/c.md": "---\ntitle: [x\n---\n",
        }
    )
    diagnostics, _ = diagnose(root)
    assert {(d.path.rsplit("/", 1)[-1], d.code) for d in diagnostics} == {
        ("a.md", "invalid-date"),
        ("b.md", "missing-key"),
        ("c.md", "yaml-syntax"),
    }
