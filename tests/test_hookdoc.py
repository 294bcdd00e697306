"""portal_gen/hookdoc.py and docs/plugins.md: the plugin author guide documents every hook,
from the hookspec docstrings, and stays in step with them."""

from __future__ import annotations

import importlib.util
import re
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import Result

import portal_gen
from portal_gen import hookdoc, hookspecs
from tests.conftest import NOW, tree_bytes, write_files

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs/plugins.md"


def test_guide_is_up_to_date() -> None:
    """Fails after a hook changes until `python -m portal_gen.hookdoc docs/plugins.md` runs."""
    text = GUIDE.read_text(encoding="utf-8")
    assert hookdoc.update(text, hookdoc.render(hookdoc.collect())) == text


def test_every_hook_is_fully_documented() -> None:
    hooks = hookdoc.collect()
    assert {h.name for h in hooks} == {n for n in dir(hookspecs) if n.startswith("portal_")}
    assert len(hooks) >= 10
    assert hookdoc.problems(hooks) == []


def test_every_hook_is_in_the_guide_with_its_phase() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    phases = re.findall(r"^### (\d+)\. (.+)$", text, re.MULTILINE)
    assert [title for _, title in phases] == [
        "Reading content",
        "Checking content (the `check` command and every build)",
        "Preparing pages (before MkDocs renders anything) and rendering them",
        "Writing output (after MkDocs has written the pages)",
        "When a build fails",
    ]
    for hook in hookdoc.collect():
        assert f"#### `{hook.name}`" in text
        for name, annotation in hook.arguments:
            assert f"- `{name}` (`{annotation}`): " in text


def test_guide_lists_the_public_api() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for name in portal_gen.__all__:
        assert f"`{name}`" in text, name


@pytest.fixture
def fake_specs(tmp_path: Path) -> Iterator[Callable[[str], ModuleType]]:
    """A hookspec module written from source, to see what the tool makes of it."""
    names: list[str] = []

    def make(body: str) -> ModuleType:
        name = f"fake_hookspecs_{len(names)}"
        path = tmp_path / f"{name}.py"
        header = (
            '"""Fake hooks.\n\nA paragraph about ``hooks``."""\n'
            "from __future__ import annotations\n"
            "import pluggy\n"
            'PROJECT = "portal_gen"\n'
            "hookspec = pluggy.HookspecMarker(PROJECT)\n\n"
        )
        path.write_text(header + textwrap.dedent(body), encoding="utf-8")
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        names.append(name)
        return module

    yield make
    for name in names:
        sys.modules.pop(name, None)


BANNER = "# " + "-" * 40 + "\n# {}\n# " + "-" * 40 + "\n"


def test_reads_phases_params_and_returns(fake_specs: Callable[[str], ModuleType]) -> None:
    module = fake_specs(
        BANNER.format("First phase")
        + textwrap.dedent('''
        @hookspec(firstresult=True)
        def portal_b(portal: Portal, limit: int) -> str | None:
            """Pick one ``thing``.

            More words
            over two lines.

            :param portal: the portal.
            :param limit: at most this
                many things.
            :returns: the thing, or None.
            """
        ''')
        + BANNER.format("Second phase")
        + textwrap.dedent('''
        @hookspec
        def portal_a(portal: Portal) -> None:
            """Do it.

            :param portal: the portal.
            """
        ''')
    )
    first, second = hookdoc.collect(module)
    assert (first.name, first.phase, second.name, second.phase) == (
        "portal_b",
        "First phase",
        "portal_a",
        "Second phase",
    )
    assert first.signature == "def portal_b(portal: Portal, limit: int) -> str | None"
    assert first.body == ("More words over two lines.",)
    assert first.params == {"portal": "the portal.", "limit": "at most this many things."}
    assert (first.returns, first.firstresult) == ("the thing, or None.", True)
    assert hookdoc.problems([first, second]) == []
    text = hookdoc.render([first, second], module)
    assert "A paragraph about `hooks`." in text
    assert "### 1. First phase" in text and "### 2. Second phase" in text
    assert "Pick one `thing`." in text
    assert "- `limit` (`int`): at most this many things." in text
    assert "**Returns** `str | None`: the thing, or None." in text
    assert "*firstresult*" in text
    assert "| 1 | [`portal_b`](#portal_b) | Pick one `thing`. |" in text


@pytest.mark.parametrize(
    ("docstring", "returns", "problems"),
    [
        ('""""""', "None", ["portal_x: no summary line", "portal_x: no `:param portal:`"]),
        ('"""Do it."""', "None", ["portal_x: no `:param portal:`"]),
        (
            '"""Do it.\n\n    :param portal: the portal.\n    """',
            "list[str]",
            ["portal_x: no `:returns:`"],
        ),
        (
            '"""Do it.\n\n    :param portal: p.\n    :param other: o.\n    """',
            "None",
            ["portal_x: `:param other:` names no argument"],
        ),
    ],
)
def test_refuses_undocumented_hooks(
    fake_specs: Callable[[str], ModuleType], docstring: str, returns: str, problems: list[str]
) -> None:
    module = fake_specs(
        BANNER.format("Phase")
        + f"@hookspec\ndef portal_x(portal: Portal) -> {returns}:\n    {docstring}\n"
    )
    assert hookdoc.problems(hookdoc.collect(module)) == problems


def test_a_hook_outside_any_phase_is_refused(fake_specs: Callable[[str], ModuleType]) -> None:
    module = fake_specs('@hookspec\ndef portal_x() -> None:\n    """Do it."""\n')
    assert hookdoc.problems(hookdoc.collect(module)) == [
        "portal_x: not under a phase banner comment"
    ]


def test_update_replaces_only_the_region() -> None:
    text = f"intro\n{hookdoc.START}\nold\n{hookdoc.END}\noutro\n"
    assert hookdoc.update(text, "new\n") == f"intro\n{hookdoc.START}\nnew\n\n{hookdoc.END}\noutro\n"
    with pytest.raises(ValueError, match="hook-reference"):
        hookdoc.update("no markers", "new\n")


def test_command_line_rewrites_and_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    guide = tmp_path / "plugins.md"
    guide.write_text(f"# Guide\n\n{hookdoc.START}\nstale\n{hookdoc.END}\n", encoding="utf-8")
    assert hookdoc.main(["--check", str(guide)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert hookdoc.main([str(guide)]) == 0
    assert "#### `portal_write_files`" in guide.read_text(encoding="utf-8")
    assert hookdoc.main(["--check", str(guide)]) == 0
    (tmp_path / "none.md").write_text("no markers\n", encoding="utf-8")
    assert hookdoc.main([str(tmp_path / "none.md")]) == 2


def test_the_example_plugin_of_the_guide_works(
    make_portal: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    """The example in docs/plugins.md, dropped into a portal's plugins/ folder, runs."""
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(r'```python title="plugins/(budget\w+\.py)"\n(.*?)```', text, re.DOTALL)
    assert match is not None
    root = make_portal(
        {
            f"plugins/{match[1]}": match[2],
            "content/phuong-thu/du-toan.md": "---\ntitle: Dự toán\ncategory: ngan-sach-du-toan\n"
            "date: 2026-01-05\n---\n",
            "content/phuong-thu/du-thao.md": "---\ntitle: Dự thảo\nkind: draft\n"
            "category: lay-y-kien-du-thao\ndate: 2026-11-10\ncomment:\n  opens: 2026-11-10\n"
            "  closes: 2026-12-10 17:00\n---\n",
        }
    )
    result = cli("check", "--now", NOW, "--format", "json", cwd=root)
    assert '"code": "budget-without-attachment"' in result.output
    result = cli("build", "--now", NOW, cwd=root)
    assert result.exit_code == 0, result.output
    listing = (root / "site/du-thao-dang-lay-y-kien.txt").read_text(encoding="utf-8")
    assert listing == "2026-12-10 17:00  Dự thảo\n"


def test_the_guide_s_plugin_of_costly_files_keeps_them_and_stays_exact(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    """The "costly files" example: an edit makes its unit's file again, the other unit's
    is kept (the same file), and the files equal those of a build without the cache."""
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(r'```python title="plugins/(unit_lists\.py)"\n(.*?)```', text, re.DOTALL)
    assert match is not None
    root = copy_site("tiny")
    write_files(root, {f"plugins/{match[1]}": match[2]})
    assert cli("build", "--now", NOW, cwd=root).exit_code == 0
    lists = root / "site/danh-sach"
    other = (lists / "co-quan-b.txt").stat().st_ino
    budget = root / "content/phuong-a/du-toan-2026.md"
    budget.write_text(
        budget.read_text(encoding="utf-8").replace("title: ", "title: (Sửa) ", 1),
        encoding="utf-8",
    )
    assert cli("build", "--now", NOW, cwd=root).exit_code == 0
    assert "(Sửa) Công khai dự toán" in (lists / "phuong-a.txt").read_text(encoding="utf-8")
    assert (lists / "co-quan-b.txt").stat().st_ino == other
    result = cli("build", "--now", NOW, "--no-cache", "-d", "cold", cwd=root)
    assert result.exit_code == 0, result.output
    assert tree_bytes(lists) == tree_bytes(root / "cold/danh-sach")
