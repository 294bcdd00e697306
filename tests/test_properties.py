"""Property-based tests: whatever an editor types, the front-matter parser, the date rules
and the status computation give a model or Diagnostics, never an exception."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal_gen.config import PortalConfig
from portal_gen.documents import read_document
from portal_gen.frontmatter import decode_source, split_front_matter
from portal_gen.model import CommentPeriod, CommentStatus, comment_status
from portal_gen.schema import DOCUMENT_KEYS
from portal_gen.vntime import DateValueError, Moment, format_deadline, parse_moment

KEYS = st.sampled_from([*DOCUMENT_KEYS, "x"])
SCALARS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "2024-02-30",
            "31/12/2024",
            "0123",
            "12:30",
            "no",
            "~",
            "2024-10-10 17:00",
            "draft",
            "[a, b",
            "{x",
        ]
    ),
    st.dates().map(str),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=8,
)


def yaml_lines(mapping: dict[str, object]) -> str:
    import json

    return "".join(
        f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in mapping.items()
    )


CONFIG = PortalConfig(
    config_dir=__import__("pathlib").Path("/nonexistent"),
    docs_dir=__import__("pathlib").Path("/nonexistent/content"),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_give_a_document_or_diagnostics(data: bytes) -> None:
    problems: list[object] = []
    document = read_document("u/a.md", data, "u", CONFIG, problems)  # type: ignore[arg-type]
    assert document is not None or problems


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_front_matter(text: str) -> None:
    problems: list[object] = []
    read_document("u/a.md", f"---\n{text}\n---\nbody".encode(), "u", CONFIG, problems)  # type: ignore[arg-type]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, VALUES, max_size=8))
def test_any_mapping_of_known_keys(mapping: dict[str, object]) -> None:
    problems: list[object] = []
    document = read_document(
        "u/a.md", f"---\n{yaml_lines(mapping)}---\n".encode(), "u", CONFIG, problems
    )  # type: ignore[arg-type]
    assert document is not None or problems


@given(st.text(max_size=40))
def test_decode_and_split_never_raise(text: str) -> None:
    source, _ = decode_source(
        text.encode("utf-8", "surrogatepass") if text.isascii() else text.encode("utf-8", "ignore"),
        "a.md",
    )
    if source is not None:
        split_front_matter(source)


@given(st.text(max_size=40))
def test_dates_parse_or_explain(text: str) -> None:
    try:
        moment = parse_moment(text, end_of_day=True)
    except DateValueError as error:
        assert error.code == "invalid-date" and error.hint
    else:
        assert moment.at.tzinfo is not None
        assert not format_deadline(moment.at).startswith("00:00")


@given(
    st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    ),
    st.booleans(),
)
def test_formatted_datetimes_parse_back(instant: datetime, end_of_day: bool) -> None:
    instant = instant.replace(microsecond=0)
    assert parse_moment(instant.isoformat(), end_of_day=end_of_day).at == instant


MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@given(
    MOMENTS,
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=90)),
    MOMENTS,
    st.booleans(),
)
def test_status_is_total_and_consistent(
    opens: datetime, length: timedelta, now: datetime, concluded: bool
) -> None:
    period = CommentPeriod(opens=Moment(opens), closes=Moment(opens + length))
    status = comment_status(period, now, concluded=concluded)
    if concluded:
        assert status is CommentStatus.CONCLUDED
    elif now < opens:
        assert status is CommentStatus.UPCOMING
    elif now <= opens + length:
        assert status is CommentStatus.OPEN
    else:
        assert status is CommentStatus.CLOSED


HTML_PIECES = st.sampled_from(
    [
        "xã",
        "Đường",
        "<b>ngân</b>",
        "sách",
        "&amp;",
        "<a href='#x'>dự toán</a>",
        "<p>",
        "</p>\n",
        "tổ&nbsp;dân",
        "<br/>",
        " ",
        "<td>1.234</td>",
        "&lt;b&gt;",
    ]
)


@given(st.lists(HTML_PIECES, max_size=600), st.integers(min_value=-1, max_value=400))
def test_search_record_reads_only_as_far_as_needed_but_says_the_same(
    pieces: list[str], limit: int
) -> None:
    """The record's first words, read from a prefix of the page, are those of the whole."""
    from plugins.search import _first_words, _text

    html = " ".join(pieces)
    words = _text(html).split()
    assert _first_words(html, limit) == (words[:limit] if limit > 0 else words)


HEADINGS = st.sampled_from(["<h2>mục một</h2>", "<h3 id='x'>điều <b>2</b></h3>", "<h5>nhỏ</h5>"])


@given(st.lists(HTML_PIECES | HEADINGS, max_size=300), st.integers(min_value=-1, max_value=120))
def test_search_record_holds_each_heading_once(pieces: list[str], limit: int) -> None:
    """A heading is in the record's first words or among its later headings, never both
    nor neither."""
    from plugins.search import _HEADING, _first_words, _later_headings, _text

    html = " ".join(pieces)
    first = _first_words(html, limit)
    later = _later_headings(html, limit)
    expected_later = []
    for match in _HEADING.finditer(html):
        before = len(_text(html[: match.end()]).split())
        if limit > 0 and before > limit:
            expected_later.append(_text(match.group(1)))
    assert later == expected_later
    if limit > 0:
        assert len(first) == min(limit, len(_text(html).split()))


def test_a_heading_ending_at_the_record_s_last_word_is_held_once() -> None:
    from plugins.search import _first_words, _later_headings

    html = "<p>xã</p><h2>mục một</h2><p>tổ dân</p><h3>điều 2</h3>"
    assert _first_words(html, 3) == ["xã", "mục", "một"]
    assert _later_headings(html, 3) == ["điều 2"]
    assert _later_headings(html, 2) == ["mục một", "điều 2"]
    assert _later_headings(html, 0) == []
