"""Builds the pluggy plugin manager: built-ins, third-party entry points, site-local plugins."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pluggy

from portal_gen import hookspecs
from portal_gen.config import PortalConfig
from portal_gen.diagnostics import Diagnostic, Severity, suggestion_hint

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "PluginInfo",
    "PluginLoadError",
    "describe_plugins",
    "get_plugin_manager",
]

#: Every built-in feature, in registration order. Each is registered under its short name
#: (the part after the last dot), which is also the name used to disable it.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "portal_gen.plugins.schema",
    "portal_gen.plugins.comment_period",
    "portal_gen.plugins.document_page",
    "portal_gen.plugins.listings",
    "portal_gen.plugins.categories",
    "portal_gen.plugins.feeds",
    "portal_gen.plugins.open_data",
    "portal_gen.plugins.search",
    "portal_gen.plugins.security",
    "portal_gen.plugins.sitemap",
)

#: Third-party plugins declare ``[project.entry-points.portal_gen]`` in their packaging.
ENTRY_POINT_GROUP = "portal_gen"

LOCAL_MODULE_PREFIX = "portal_gen_local"


class PluginLoadError(Exception):
    """A plugin could not be loaded; carries a Diagnostic pointing at the culprit."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic

    @classmethod
    def at(
        cls, config: PortalConfig, path: Path, line: int | None, message: str, hint: str
    ) -> PluginLoadError:
        return cls(
            Diagnostic(config.relpath(path), line, Severity.ERROR, "plugin-error", message, hint)
        )


def get_plugin_manager(
    config: PortalConfig | None = None,
    *,
    entry_points: bool = True,
    extra: Iterable[object] = (),
) -> pluggy.PluginManager:
    """A new plugin manager for one portal (a factory: tests build their own).

    :param config: the portal; its ``disable`` list blocks plugins by name and its
        ``local_plugins`` folder is loaded. Without it, only built-ins (and entry points).
    :param entry_points: load third-party plugins from the ``portal_gen`` entry points.
    :param extra: more plugin objects to register (tests, embedding applications).
    :raises PluginLoadError: when a site-local plugin cannot be imported.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in config.disable if config else ():
        pm.set_blocked(name)
    for module_name in BUILTIN_PLUGINS:
        short = module_name.rsplit(".", 1)[-1]
        if not pm.is_blocked(short):
            pm.register(importlib.import_module(module_name), name=short)
    if entry_points:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    if config is not None:
        for name, module in _local_plugins(config):
            if not pm.is_blocked(name):
                _register_checked(pm, module, name, config)
    for plugin in extra:
        pm.register(plugin)
    pm.check_pending()
    return pm


def _register_checked(
    pm: pluggy.PluginManager, module: ModuleType, name: str, config: PortalConfig
) -> None:
    """Register a site-local plugin; a hook name that does not exist is an editor's error
    (with the file and a suggestion), not a traceback."""
    pm.register(module, name=name)
    known = {hook for hook in dir(hookspecs) if hook.startswith("portal_")}
    for attribute in dir(module):
        function = getattr(module, attribute)
        if (
            attribute.startswith("portal_")
            and attribute not in known
            and hasattr(function, f"{hookspecs.PROJECT}_impl")
        ):
            pm.unregister(name=name)
            path = Path(getattr(module, "__file__", "") or name)
            hint = suggestion_hint(attribute, sorted(known))
            line = getattr(getattr(function, "__code__", None), "co_firstlineno", None)
            raise PluginLoadError.at(
                config,
                path,
                line,
                f"Plugin `{name}` cài đặt hook `{attribute}` không tồn tại.",
                (hint + "\n" if hint else "")
                + "Xem danh sách hook trong docs/plugins.md (tài liệu cho người viết plugin).",
            )


def _builtin_dir() -> Path:
    return Path(importlib.import_module("portal_gen.plugins").__file__ or "").resolve().parent


def _local_plugins(config: PortalConfig) -> list[tuple[str, ModuleType]]:
    """Import ``*.py`` files of the portal's own plugins folder, in name order."""
    if not config.local_plugins:
        return []
    folder = (config.config_dir / config.local_plugins).resolve()
    # The portal-gen repository is also the demo portal: its plugins/ folder holds the
    # built-ins, which are already registered under their own names.
    if not folder.is_dir() or folder == _builtin_dir():
        return []
    modules = []
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        modules.append((path.stem, _import_file(path, config)))
    return modules


def _import_file(path: Path, config: PortalConfig) -> ModuleType:
    name = f"{LOCAL_MODULE_PREFIX}.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        sys.modules.pop(name, None)
        line = getattr(error, "lineno", None)
        if line is None:
            frames = [
                f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(path)
            ]
            line = frames[-1].lineno if frames else None
        raise PluginLoadError.at(
            config,
            path,
            line,
            f"Không nạp được plugin riêng của cổng: {type(error).__name__}: {error}",
            "Sửa lỗi trong tệp plugin, hoặc tạm tắt nó bằng `disable: "
            f"[{path.stem}]` trong cấu hình plugin `portal` của mkdocs.yml.",
        ) from error
    return module


@dataclass(frozen=True)
class PluginInfo:
    """One registered plugin, for ``portal-gen plugins``."""

    name: str
    source: str  # "built-in", "site-local: plugins/x.py", or "package <dist> <version>"
    hooks: tuple[str, ...]


def describe_plugins(pm: pluggy.PluginManager) -> list[PluginInfo]:
    """Every plugin with where it comes from and the hooks it implements, in call order."""
    distributions = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    infos = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:  # blocked
            continue
        hooks = tuple(sorted(caller.name for caller in pm.get_hookcallers(plugin) or ()))
        module_name = getattr(plugin, "__name__", "")
        if id(plugin) in distributions:
            dist = distributions[id(plugin)]
            source = f"package {dist.project_name} {dist.version}"
        elif module_name.startswith(LOCAL_MODULE_PREFIX + "."):
            source = f"site-local: {getattr(plugin, '__file__', '?')}"
        elif module_name in BUILTIN_PLUGINS:
            source = "built-in"
        else:
            source = module_name or type(plugin).__name__
        infos.append(PluginInfo(name, source, hooks))
    return infos
