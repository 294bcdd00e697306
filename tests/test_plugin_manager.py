"""The plugin system: built-ins, disabling by name, site-local plugins, entry points."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

import pluggy
import pytest
from click.testing import Result

from portal_gen import Diagnostic, Severity, hookimpl
from portal_gen.config import PortalConfig
from portal_gen.plugin_manager import (
    BUILTIN_PLUGINS,
    PluginLoadError,
    describe_plugins,
    get_plugin_manager,
)
from tests.conftest import NOW, set_portal_options


def config(root: Path, **changes: object) -> PortalConfig:
    return PortalConfig(config_dir=root, docs_dir=root / "content", **changes)  # type: ignore[arg-type]


def test_every_builtin_is_registered_under_its_short_name(tmp_path: Path) -> None:
    pm = get_plugin_manager(config(tmp_path), entry_points=False)
    names = {name for name, plugin in pm.list_name_plugin() if plugin is not None}
    assert names == {name.rsplit(".", 1)[-1] for name in BUILTIN_PLUGINS}
    assert all(info.source == "built-in" for info in describe_plugins(pm))


def test_builtins_can_be_disabled_by_name(tmp_path: Path) -> None:
    pm = get_plugin_manager(config(tmp_path, disable=("schema",)), entry_points=False)
    assert pm.get_plugin("schema") is None
    assert pm.get_plugin("comment_period") is not None


def test_a_misspelled_hook_fails_loudly(tmp_path: Path) -> None:
    class Typo:
        @hookimpl
        def portal_chek_document(self, document: object) -> None: ...

    with pytest.raises(pluggy.PluginValidationError):
        get_plugin_manager(config(tmp_path), entry_points=False, extra=[Typo()])


LOCAL_PLUGIN = """
from portal_gen import Diagnostic, Severity, hookimpl

@hookimpl
def portal_front_matter_keys():
    return ["ma_ho_so"]

@hookimpl
def portal_check_document(document, portal):
    if "ma_ho_so" not in document.extra:
        yield Diagnostic(document.path, 1, Severity.WARNING, "local-missing-file-code",
                         "Thiếu mã hồ sơ lưu trữ.", "Thêm `ma_ho_so:`.")
"""


def test_site_local_plugins_are_loaded(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    root = copy_site("tiny")
    (root / "plugins").mkdir()
    (root / "plugins/luu_tru.py").write_text(LOCAL_PLUGIN, encoding="utf-8")
    output = cli("plugins", cwd=root).output
    assert "luu_tru  (site-local:" in output
    import json

    problems = json.loads(cli("check", "--format", "json", "--now", NOW, cwd=root).output)
    assert {p["code"] for p in problems} == {"local-missing-file-code"}
    # the key the plugin declared is not reported as unknown
    doc = root / "content/phuong-a/du-toan-2026.md"
    doc.write_text(
        doc.read_text(encoding="utf-8").replace("period: 2026", "period: 2026\nma_ho_so: HS-01"),
        encoding="utf-8",
    )
    problems = json.loads(cli("check", "--format", "json", "--now", NOW, cwd=root).output)
    assert "content/phuong-a/du-toan-2026.md" not in {p["path"] for p in problems}


def test_a_broken_site_local_plugin_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins/hong.py").write_text("x = 1\ndef f(:\n", encoding="utf-8")
    with pytest.raises(PluginLoadError) as info:
        get_plugin_manager(config(tmp_path), entry_points=False)
    assert (info.value.diagnostic.path, info.value.diagnostic.line) == ("plugins/hong.py", 2)
    assert info.value.diagnostic.code == "plugin-error"


def test_site_local_plugins_can_be_switched_off(tmp_path: Path) -> None:
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins/hong.py").write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    get_plugin_manager(config(tmp_path, local_plugins=None), entry_points=False)


def test_disable_in_mkdocs_yml(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    root = copy_site("tiny")
    set_portal_options(root, disable=["schema"])
    output = cli("plugins", cwd=root).output
    assert "schema" not in output and "listings" in output


def test_third_party_plugins_come_from_entry_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A distribution declaring [project.entry-points.portal_gen] is registered by name."""
    package = tmp_path / "site-packages"
    (package / "portal_gen_demo_plugin").mkdir(parents=True)
    (package / "portal_gen_demo_plugin/__init__.py").write_text(
        textwrap.dedent(
            """
            from portal_gen import hookimpl

            @hookimpl
            def portal_front_matter_keys():
                return ["demo"]
            """
        )
    )
    dist = package / "portal_gen_demo_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: portal-gen-demo-plugin\nVersion: 1.0\n"
    )
    (dist / "entry_points.txt").write_text("[portal_gen]\ndemo = portal_gen_demo_plugin\n")
    monkeypatch.syspath_prepend(str(package))
    pm = get_plugin_manager(config(tmp_path))
    assert pm.get_plugin("demo") is not None
    (info,) = [i for i in describe_plugins(pm) if i.name == "demo"]
    assert info.source == "package portal-gen-demo-plugin 1.0"
    assert info.hooks == ("portal_front_matter_keys",)


def test_diagnostic_severity_can_be_configured(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    import json

    root = copy_site("tiny")
    doc = root / "content/phuong-a/du-toan-2026.md"
    doc.write_text(
        doc.read_text(encoding="utf-8").replace("period: 2026", "period: 2026\nsinger: X"),
        encoding="utf-8",
    )
    set_portal_options(root, severity={"unknown-key": "error"})
    assert cli("check", cwd=root).exit_code == 1
    set_portal_options(
        root, severity={"unknown-key": "off", "missing-category": "off", "outdated-category": "off"}
    )
    assert json.loads(cli("check", "--format", "json", "--now", NOW, cwd=root).output) == []


def test_public_api_is_enough_for_a_plugin() -> None:
    import portal_gen

    for name in (
        "hookimpl",
        "Document",
        "Unit",
        "Diagnostic",
        "Severity",
        "Portal",
        "GeneratedPage",
        "__version__",
    ):
        assert name in portal_gen.__all__
    assert Diagnostic("a.md", 1, Severity.ERROR, "x", "y").as_dict()["severity"] == "error"


def test_a_plugin_object_takes_part_in_every_phase(
    copy_site: Callable[[str], Path], tmp_path: Path
) -> None:
    """portal_check_portal, portal_generate_pages, portal_site_context, portal_status_changes and
    portal_write_files called through the same pipeline the adapter uses."""
    from datetime import datetime

    from portal_gen import GeneratedPage
    from portal_gen.build import load_portal, plan_site, write_extras
    from portal_gen.vntime import parse_now

    class Counter:
        @hookimpl
        def portal_check_portal(self, portal):  # type: ignore[no-untyped-def]
            return [
                Diagnostic(
                    "mkdocs.yml", None, Severity.WARNING, "demo", f"{len(portal.documents)} văn bản"
                )
            ]

        @hookimpl
        def portal_generate_pages(self, portal, add_page):  # type: ignore[no-untyped-def]
            add_page(GeneratedPage("thong-ke.md", "Thống kê", "portal/units.html"))

        @hookimpl
        def portal_site_context(self, portal):  # type: ignore[no-untyped-def]
            return {"demo": True}

        @hookimpl
        def portal_status_changes(self, portal):  # type: ignore[no-untyped-def]
            return [datetime(2030, 1, 1, tzinfo=UTC)]

        @hookimpl
        def portal_write_files(self, portal, writer):  # type: ignore[no-untyped-def]
            writer.write_text("demo/count.txt", str(len(portal.published)))

    root = copy_site("tiny")
    cfg = config(
        root,
        site_url="https://congkhai.example.vn/",
        now=parse_now(NOW),
        severity={"missing-category": "off", "outdated-category": "off"},
    )
    pm = get_plugin_manager(cfg, entry_points=False, extra=[Counter()])
    portal, diagnostics = load_portal(cfg, pm)
    assert [d.message for d in diagnostics if d.code == "demo"] == ["6 văn bản"]
    plan = plan_site(portal, pm)
    assert "thong-ke.md" in plan.pages and plan.site_context["demo"] is True
    assert (
        plan.next_change is not None and plan.next_change.isoformat() == "2026-12-05T17:00:00+07:00"
    )
    writer = write_extras(plan, pm, tmp_path / "site")
    assert (tmp_path / "site/demo/count.txt").read_text() == "5"
    assert "demo/count.txt" in writer.written and writer.written[-1] == "build-info.json"
    with pytest.raises(ValueError):
        writer.write_text("../escape.txt", "x")


def test_a_misspelt_hook_in_a_site_local_plugin_is_an_editor_error(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    root = copy_site("tiny")
    (root / "plugins").mkdir()
    (root / "plugins/sai_ten.py").write_text(
        "from portal_gen import hookimpl\n\n\n@hookimpl\ndef portal_chek_document(document):\n    return []\n",
        encoding="utf-8",
    )
    result = cli("check", "--format", "json", cwd=root)
    assert result.exit_code == 1
    import json

    (problem,) = json.loads(result.output)
    assert (problem["path"], problem["line"], problem["code"]) == (
        "plugins/sai_ten.py",
        4,
        "plugin-error",
    )
    assert "`portal_check_document`" in problem["hint"]


def test_plugins_read_their_own_options_from_mkdocs_yml(
    copy_site: Callable[[str], Path], cli: Callable[..., Result]
) -> None:
    root = copy_site("tiny")
    (root / "plugins").mkdir()
    (root / "plugins/nguong.py").write_text(
        "from portal_gen import Diagnostic, Severity, hookimpl\n\n\n"
        "@hookimpl\ndef portal_check_portal(portal):\n"
        "    limit = portal.config.option('nguong', 'toi_da', 0)\n"
        "    return [Diagnostic('mkdocs.yml', None, Severity.WARNING, 'demo-limit', f'toi_da={limit}')]\n",
        encoding="utf-8",
    )
    set_portal_options(root, options={"nguong": {"toi_da": 7}})
    import json

    problems = json.loads(cli("check", "--format", "json", cwd=root).output)
    assert [p["message"] for p in problems if p["code"] == "demo-limit"] == ["toi_da=7"]
