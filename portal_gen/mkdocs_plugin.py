"""The MkDocs adapter: the only module that imports mkdocs.

MkDocs events → core → hooks. ``mkdocs build`` with ``plugins: [portal]`` and
``portal-gen build`` run exactly this code, so they produce the same site.

- ``on_config``: translate mkdocs.yml into a :class:`PortalConfig`, add portal-gen's theme
  folder after the portal's own ``custom_dir``, and (for ``build``) redirect the output to a
  temporary folder that replaces the old site (or, when most of the old site is kept, is
  moved in among its kept files) only when the build succeeds.
- ``on_pre_build``: read the content; plugins may start slow work on it
  (``portal_documents_loaded``) while MkDocs lists its files.
- ``on_files``: check the content (all problems at once), then hide internal
  documents and their files, keep documents out of the nav, add generated pages.
- ``on_env``: the Markdown is converted: plugins may start indexing it
  (``portal_documents_rendered``); compiled templates are kept in the cache; Material's
  sidebar is rendered once for the pages that show it alike (:mod:`portal_gen.shared_nav`).
- ``on_build_error``: plugins stop their background work (``portal_build_failed``).
- ``on_page_markdown`` / ``on_page_context``: hand each page its template and data.
- ``on_post_build``: plugins write feeds and data files; ``build-info.json``.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pluggy
from jinja2 import FileSystemBytecodeCache
from markupsafe import escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from portal_gen.build import (
    SitePlan,
    check_loaded,
    hold_for_the_build,
    load_portal,
    plan_site,
    read_portal,
    release_after_build,
    stop_background_work,
    write_extras,
)
from portal_gen.cache import CACHE_DIR
from portal_gen.config import PortalConfig, resolve_now
from portal_gen.diagnostics import Diagnostic, DiagnosticError, Severity, format_text, has_errors
from portal_gen.documents import read_body
from portal_gen.incremental import (
    PageReuse,
    build_key,
    file_key,
    page_key,
    site_cache_dir,
)
from portal_gen.model import Audience, Document
from portal_gen.plugin_manager import PluginLoadError, get_plugin_manager
from portal_gen.portal import Portal
from portal_gen.safety import clean_html, escape_tree, is_plain_markdown
from portal_gen.shards import SHARD_WORK_DIR, Slice, slice_of, write_manifest
from portal_gen.shared_nav import NavShare, share_the_nav
from portal_gen.staging import SiteLock, lock_site, new_staging_dir, replace_dir, update_in_place

__all__ = ["PortalPlugin", "build_site", "load_portal_config", "serve_site"]

log = logging.getLogger("mkdocs.plugins.portal")


class PortalPluginConfig(base.Config):
    """Options of ``plugins: [portal]`` in mkdocs.yml."""

    audience = c.Choice(("public", "internal"), default="public")
    disable = c.ListOfItems(c.Type(str), default=[])
    #: folder of site-local plugins; false to load none
    local_plugins = c.Type((str, bool), default="plugins")
    pages = c.ListOfItems(c.Type(str), default=[])
    now = c.Optional(c.Type(str))
    severity = c.DictOfItems(c.Choice(("error", "warning", "off")), default={})
    comment = c.Type(dict, default={})
    catalog = c.Type(dict, default={})
    feeds = c.Type(dict, default={})
    listings = c.Type(dict, default={})
    search = c.Type(dict, default={})
    security = c.Type(dict, default={})
    #: settings of third-party and site-local plugins, by plugin name
    options = c.Type(dict, default={})
    #: keep results in .cache/portal-gen/ for the next build (the site is the same either way)
    cache = c.Type(bool, default=True)


#: Options that hold settings for one plugin each (PortalConfig.options).
PLUGIN_OPTION_KEYS = ("comment", "catalog", "feeds", "listings", "search", "security")


class _CompactPage(Page):
    """A page that holds its rendered body as UTF-8 until its template is rendered.

    MkDocs converts the Markdown of every page before it renders any template, so a build
    holds every body at once. Python keeps a Vietnamese text as 2 bytes a character; UTF-8
    takes 40 % less (about 11 KB less a document page, for 0.2 ms of encoding and decoding).
    Readers of ``page.content`` (themes, plugins) still get the same ``str``, whatever it
    holds (a lone surrogate a plugin returned, which MkDocs writes as a character reference).
    """

    @property
    def content(self) -> str | None:
        held: bytes | None = self.__dict__.get("_utf8_content")
        return held.decode("utf-8", "surrogatepass") if held is not None else None

    @content.setter
    def content(self, value: str | None) -> None:
        held = value.encode("utf-8", "surrogatepass") if value is not None else None
        self.__dict__["_utf8_content"] = held


def _hold_compactly(page: Page) -> None:
    """Hold a page's rendered body as UTF-8 (:class:`_CompactPage`) from now on."""
    if type(page) is Page:  # not a theme's or plugin's own kind of page
        body = page.content
        del page.content  # the str, in the instance's dictionary
        page.__class__ = _CompactPage
        page.content = body


class PortalPlugin(BasePlugin[PortalPluginConfig]):
    """``plugins: [portal]``: turns content/ into a disclosure portal."""

    def __init__(self) -> None:
        self.command: str | None = None
        #: set by ``portal-gen`` to override mkdocs.yml for one run
        self.overrides: dict[str, Any] = {}
        self.portal_config: PortalConfig | None = None
        self.pm: pluggy.PluginManager | None = None
        self.plan: SitePlan | None = None
        #: read in on_pre_build, checked and planned in on_files; with the problems met reading
        self._read: tuple[Portal, list[Diagnostic]] | None = None
        self.diagnostics: list[Diagnostic] = []
        self._final_site_dir: Path | None = None
        self._staging_dir: Path | None = None
        self._failed = False
        self._site_context: Any = {}
        self._epoch_set = False
        self._own_work_dir: Path | None = None
        #: the cache of this output folder, when pages of the previous site may be kept
        self._site_cache: Path | None = None
        self._reuse: PageReuse | None = None
        #: files and folders of the previous site this build keeps where they are, when
        #: what it wrote is moved in among them rather than the site replaced
        self._kept: tuple[list[str], list[str]] | None = None
        #: held from on_config to on_shutdown by a build that may update the site in place
        self._site_lock: SiteLock | None = None
        self._build_key = ""
        self._messages: PageMessages | None = None
        #: Material's sidebar, rendered once for the pages that show it alike
        self.nav_share: NavShare | None = None

    # -- configuration ---------------------------------------------------------------

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # MkDocs keeps plugin instances across builds in one process (serve, tests): nothing
        # of the previous build may carry over.
        self.diagnostics, self.plan, self._read = [], None, None
        self._site_cache, self._reuse, self._build_key, self._kept = None, None, "", None
        self._release_site()
        self.portal_config = portal_config_from(config, self.config, self.overrides)
        # `mkdocs serve --clean` also says "build", but serves its own temporary folder.
        if self.command == "build" and not Path(config.site_dir).name.startswith("mkdocs_"):
            self._stage_site_dir(config)
        pc = self.portal_config
        if (
            pc.cache_dir is not None
            and self._final_site_dir is not None
            and pc.shard is None
            and not self.overrides.get("worker")
        ):
            self._site_cache = site_cache_dir(pc.cache_dir, self._final_site_dir)
            self._site_lock = lock_site(self._site_cache, self._final_site_dir)
        if pc.work_dir is None:
            if pc.shard is not None and self._staging_dir is not None:
                # a slice's search records travel with its output to the merge
                work_dir = self._staging_dir / SHARD_WORK_DIR
            elif self._site_cache is not None:
                # kept: the records of the pages kept from the previous site stay valid
                work_dir = self._site_cache / "work"
            else:
                work_dir = self._own_work_dir = Path(tempfile.mkdtemp(prefix="portal-gen-work-"))
            self.portal_config = pc.replace(work_dir=work_dir)
        if self.portal_config.now is not None and "SOURCE_DATE_EPOCH" not in os.environ:
            # A fixed --now makes the build reproducible: MkDocs dates the sitemap with it.
            os.environ["SOURCE_DATE_EPOCH"] = str(int(self.portal_config.now.timestamp()))
            self._epoch_set = True
        _use_portal_theme(config)
        _strict_csp_markdown(config)
        try:
            self.pm = get_plugin_manager(self.portal_config)
        except PluginLoadError as error:
            self.diagnostics = [error.diagnostic]
            log.error(format_text(self.diagnostics))
            raise PluginError("Không nạp được plugin: xem lỗi ở trên.") from error
        return config

    def _stage_site_dir(self, config: MkDocsConfig) -> None:
        """Build into a sibling temporary folder; the old site stays until success."""
        final = Path(config.site_dir)
        self._final_site_dir = final
        self._staging_dir = new_staging_dir(final)
        self._failed = False
        config.site_dir = str(self._staging_dir)

    # -- content ---------------------------------------------------------------------

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Read the portal before MkDocs lists its files: what ``portal_documents_loaded``
        starts (a rebuild's search indexing) then runs while MkDocs lists them and while the
        portal is checked (:meth:`on_files`)."""
        assert self.portal_config is not None and self.pm is not None
        if isinstance(self.overrides.get("plan"), SitePlan):
            return  # a worker of `build --jobs`: read, checked and planned by its coordinator
        self._read = read_portal(self.portal_config, self.pm)
        if self.portal_config.shard is None:
            render = _body_renderer(config, self.portal_config)
            self.pm.hook.portal_documents_loaded(portal=self._read[0], render=render)

    @event_priority(50)  # before other plugins see the files: internal documents are gone
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.portal_config is not None and self.pm is not None
        planned = self.overrides.get("plan")
        if isinstance(planned, SitePlan):  # a worker of `build --jobs`: checked and planned
            self.plan = planned
        else:
            assert self._read is not None
            portal, problems = self._read
            self.diagnostics = check_loaded(portal, problems, self.pm)
            quiet = bool(self.overrides.get("worker"))
            _report(self.diagnostics, strict=self.portal_config.strict, quiet=quiet)
            self.plan = plan_site(portal, self.pm)
        hold_for_the_build()
        files = _apply_plan(self.plan, files, config)
        if self.portal_config.shard is not None:
            part = self.overrides.get("slice")  # a worker of build --jobs: cut by it
            _restrict_to_shard(self.plan, files, self.portal_config, part)
        if self._site_cache is not None and self._final_site_dir is not None:
            self._reuse = PageReuse(self._site_cache, self._final_site_dir)
            self._build_key = _keep_unchanged(self._reuse, self.plan, self.pm, files, config)
            self._messages = PageMessages(config)
            logging.getLogger("mkdocs").addHandler(self._messages)
        return files

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        assert self.plan is not None
        # Also for templates that get no page context (404.html, sitemap.xml).
        self._site_context = escape_tree(self.plan.site_context)
        if self.portal_config and self.portal_config.cache_dir is not None:
            _keep_compiled_templates(env, self.portal_config.cache_dir)
        self.nav_share = share_the_nav(env, _material_dir())
        env.globals["portal"] = self._site_context
        env.globals["portal_page"] = {}
        # Markdown is converted, templates not yet rendered (MkDocs' order); a slice (also
        # a worker of --jobs) leaves the portal-wide files to its merge, and tells a
        # coordinator waiting to write them (`rendered` of build --jobs) that it may start.
        if self.pm is not None and self.portal_config and self.portal_config.shard is None:
            self.pm.hook.portal_documents_rendered(portal=self.plan.portal)
        rendered = self.overrides.get("rendered")
        if callable(rendered):
            rendered()
        return env

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """A document's body as portal-gen read it (decoded, NFC), without front matter:
        MkDocs then has no YAML of its own to parse."""
        assert self.plan is not None and self.portal_config is not None
        doc = self.plan.portal.by_src.get(page.file.src_uri)
        return read_body(self.portal_config, doc) if doc is not None else None

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        assert self.plan is not None
        src_uri = page.file.src_uri
        generated = self.plan.pages.get(src_uri)
        # Material prints titles and descriptions without escaping them.
        if generated is not None:
            page.meta = {"template": generated.template, "title": escape(generated.title)}
            return generated.markdown
        doc = self.plan.portal.by_src.get(src_uri)
        if doc is not None:
            page.meta = {"template": "portal/document.html", "title": escape(doc.title)}
            if doc.description:
                page.meta["description"] = escape(doc.description)
            return None
        if page.meta:
            page.meta = escape_tree(page.meta)
        return None

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Raw HTML in any Markdown page is cleaned to a safe subset (portal_gen.safety)."""
        assert self.plan is not None and self.pm is not None
        markdown = page.markdown or ""
        # Rendered: MkDocs keeps pages until the end, not this copy ("" keeps page.title).
        page.markdown = ""
        _hold_compactly(page)
        html = _sanitized(markdown, html)
        doc = self.plan.portal.by_src.get(page.file.src_uri)
        if doc is not None:
            self.pm.hook.portal_document_rendered(document=doc, html=html, portal=self.plan.portal)
        return html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        page.content = None  # written: only its anchors are needed from now on
        return output

    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        assert self.plan is not None
        context["portal"] = self._site_context  # type: ignore[typeddict-unknown-key]
        src_uri = page.file.src_uri
        generated = self.plan.pages.get(src_uri)
        if generated is not None:
            data = generated.context
        elif (document := self.plan.portal.by_src.get(src_uri)) is not None:
            data = self.plan.document_context(document)
        else:
            data = {}  # an editor's page
        # MkDocs renders themes without autoescaping: escape everything plugins hand over.
        context["portal_page"] = escape_tree(data)  # type: ignore[typeddict-unknown-key]
        return context

    # -- output ----------------------------------------------------------------------

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.plan is not None and self.pm is not None and self.portal_config is not None
        site_dir = Path(config.site_dir)
        shard = self.portal_config.shard
        if shard is None:
            units = sorted(map(repr, self.plan.portal.units.values()))
            extras_key = page_key(self._build_key, units)
            write_extras(self.plan, self.pm, site_dir, reuse=self._reuse, build_key=extras_key)
        else:  # a slice leaves portal-wide files to the merge
            write_manifest(site_dir, self.plan.portal, shard)
        reuse = self._reuse
        if reuse is not None:
            if reuse.in_place_pays(site_dir):  # the rest moves in among the kept files
                self._kept = (reuse.kept, reuse.kept_trees)
            else:
                reuse.link_into(site_dir)
            if self._messages is not None:
                reuse.record(site_dir, self._messages.by_output)
                reuse.save()  # only once the site is whole
        self._end_build()

    def on_build_error(self, *, error: Exception) -> None:
        self._failed = True
        try:
            portal = self.plan.portal if self.plan is not None else None
            if portal is None and self._read is not None:
                portal = self._read[0]
            if portal is not None and self.pm is not None:
                stop_background_work(self.pm, portal)
        finally:
            self._end_build()

    def _end_build(self) -> None:
        if not self.overrides.get("worker"):  # a worker of --jobs ends now: no collection
            release_after_build()  # that would walk (and copy) the parent's pages
        self._forget_epoch()
        if self._messages is not None:
            logging.getLogger("mkdocs").removeHandler(self._messages)
            self._messages = None
        self._reuse = None
        self._read = None
        if self._own_work_dir is not None:
            shutil.rmtree(self._own_work_dir, ignore_errors=True)
            self._own_work_dir = None

    def _forget_epoch(self) -> None:
        if self._epoch_set:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
            self._epoch_set = False

    def on_shutdown(self) -> None:
        try:
            self._put_site_in_place()
        finally:
            self._release_site()

    def _put_site_in_place(self) -> None:
        staging, final = self._staging_dir, self._final_site_dir
        self._staging_dir = self._final_site_dir = None
        if staging is None or final is None:
            return
        kept, self._kept = self._kept, None
        if self._failed or not staging.is_dir():
            shutil.rmtree(staging, ignore_errors=True)
            return
        try:
            if kept is not None:
                update_in_place(staging, final, kept=kept[0], kept_trees=kept[1])
            else:
                replace_dir(staging, final)
        except OSError as error:  # the site is the old one, or partly updated
            shutil.rmtree(staging, ignore_errors=True)
            raise PluginError(
                f"Không đặt được trang web mới vào `{final}`: {error}\n"
                "  → Kiểm tra quyền ghi vào thư mục đó và các tệp trong nó, rồi chạy lại lệnh "
                "build: trang nào chưa được đặt vào sẽ được tạo lại."
            ) from error

    def _release_site(self) -> None:
        if self._site_lock is not None:
            self._site_lock.release()
            self._site_lock = None


def portal_config_from(
    config: MkDocsConfig, options: PortalPluginConfig, overrides: Mapping[str, Any]
) -> PortalConfig:
    """Translate mkdocs.yml (and the command line's overrides) into the core's settings."""
    config_dir = (
        Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()
    )
    audience = overrides.get("audience") or os.environ.get("PORTAL_AUDIENCE") or options.audience
    try:
        now = resolve_now(overrides.get("now") or options.now)
    except ValueError as error:
        raise PluginError(str(error)) from None
    local_plugins = options.local_plugins if isinstance(options.local_plugins, str) else None
    return PortalConfig(
        config_dir=config_dir,
        docs_dir=Path(config.docs_dir).resolve(),
        site_name=config.site_name,
        site_url=config.site_url or None,
        use_directory_urls=config.use_directory_urls,
        site_dir=Path(config.site_dir).resolve(),
        audience=Audience(audience),
        disable=tuple(options.disable),
        local_plugins=local_plugins or None,
        pages=tuple(options.pages),
        now=now,
        strict=bool(overrides.get("strict", config.strict)),
        shard=overrides.get("shard"),
        cache_dir=None
        if overrides.get("no_cache") or not options.cache
        else config_dir / CACHE_DIR,
        work_dir=Path(overrides["work_dir"]) if overrides.get("work_dir") else None,
        severity=dict(options.severity),
        options={
            **{name: dict(value or {}) for name, value in options.options.items()},
            **{key: dict(options[key]) for key in PLUGIN_OPTION_KEYS},
        },
    )


def _use_portal_theme(config: MkDocsConfig) -> None:
    """Templates: the portal's custom_dir, then portal-gen's, then Material's."""
    theme = config.theme
    if theme.name != "material":
        raise PluginError(
            "portal-gen needs the Material theme: set `theme: {name: material}` in mkdocs.yml."
        )
    theme_dir = str(resources.files("portal_gen.themes").joinpath("portal"))
    if theme_dir not in theme.dirs:
        theme.dirs.insert(1 if theme.custom_dir else 0, theme_dir)
    if theme["language"] == "en":  # Material's default: a Vietnamese portal speaks Vietnamese
        theme["language"] = "vi"
    # Google Fonts would send every reader's visit to a third party (SPEC §5).
    theme["font"] = False


def _keep_compiled_templates(env: Any, cache_dir: Path) -> None:
    """Compiling Material's templates costs a third of a second at every build: Jinja
    keeps the compiled code in ``.cache/portal-gen/templates/`` and checks each template's
    source against it."""
    if env.bytecode_cache is not None:
        return
    folder = cache_dir / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # a read-only checkout: compile them
        log.debug("%s not used: %s", folder, error)
        return
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))


def _strict_csp_markdown(config: MkDocsConfig) -> None:
    """Aligned table columns as `align` attributes: a strict CSP blocks style attributes."""
    if "tables" in config.markdown_extensions:
        config.mdx_configs.setdefault("tables", {}).setdefault("use_align_attribute", True)


def _report(diagnostics: list[Diagnostic], *, strict: bool, quiet: bool = False) -> None:
    """Print every problem together; fail once if any is an error (or any under --strict).
    ``quiet``: warnings are not printed (a worker of ``--jobs``, whose coordinator did)."""
    if has_errors(diagnostics, strict=strict):
        log.error(format_text(diagnostics))
        errors = sum(d.severity is Severity.ERROR for d in diagnostics)
        raise PluginError(
            f"Nội dung có {errors} lỗi{' (và cảnh báo, vì --strict)' if strict else ''}: "
            "chưa tạo trang web. Sửa các lỗi được liệt kê ở trên rồi chạy lại."
        )
    if diagnostics and not quiet:
        log.warning(format_text(diagnostics))


def _apply_plan(plan: SitePlan, files: Files, config: MkDocsConfig) -> Files:
    portal = plan.portal
    for src_uri in plan.excluded_files:
        existing = files.get_file_from_path(src_uri)
        if existing is not None:
            files.remove(existing)
    for doc in portal.published:
        existing = files.get_file_from_path(doc.src_uri)
        if existing is not None:
            existing.inclusion = InclusionLevel.NOT_IN_NAV
    nav: list[tuple[int, str, str]] = []
    for page in plan.pages.values():
        existing = files.get_file_from_path(page.src_uri)
        if existing is not None:
            if not page.replaces:
                raise PluginError(
                    f"portal-gen tạo trang `{page.src_uri}` nhưng thư mục nội dung đã có tệp cùng tên; "
                    "đổi tên tệp đó."
                )
            files.remove(existing)
        inclusion = InclusionLevel.INCLUDED if page.nav else InclusionLevel.NOT_IN_NAV
        files.append(
            File.generated(config, page.src_uri, content=page.markdown, inclusion=inclusion)
        )
        if page.nav:
            nav.append((page.nav.order, page.nav.title, page.src_uri))
    if config.nav is None:
        entries: list[Any] = [{title: uri} for _, title, uri in sorted(nav, key=lambda n: n[0])]
        config.nav = entries + _pages_nav(portal, plan, files)
    return files


def _pages_nav(portal: Portal, plan: SitePlan, files: Files) -> list[Any]:
    """Editors' own pages: root pages as entries, each `pages` folder as one section."""
    sections: dict[str, list[str]] = {}
    entries: list[Any] = []
    for src_uri in portal.pages:
        if src_uri in plan.pages or files.get_file_from_path(src_uri) is None:
            continue
        folder, _, _ = src_uri.rpartition("/")
        if folder:
            sections.setdefault(folder.split("/", 1)[0], []).append(src_uri)
        else:
            entries.append(src_uri)
    for folder, pages in sections.items():
        pages.sort(key=lambda uri: (uri != f"{folder}/index.md", uri))
        entries.append({_heading(portal.config.docs_dir / pages[0]) or folder: pages})
    return entries


def _heading(path: Path) -> str | None:
    """The first Markdown heading of a page, used to title its nav section."""
    try:
        for line in path.read_text(encoding="utf-8-sig").splitlines()[:40]:
            if line.startswith("# "):
                return line[2:].strip()
    except OSError:
        return None
    return None


def _sanitized(markdown: str, html: str) -> str:
    """A page body rendered from ``markdown``, its raw HTML cleaned when it has any."""
    return html if is_plain_markdown(markdown, html) else clean_html(html)


def _body_renderer(config: MkDocsConfig, portal_config: PortalConfig) -> Callable[[Document], str]:
    """A document's body as HTML, converted as MkDocs converts a page (its Markdown
    extensions, without its link rewriting) and sanitized as :meth:`on_page_content` does:
    the early search records of ``portal_documents_loaded`` must match the pages'."""
    import markdown

    def render(document: Document) -> str:
        body = read_body(portal_config, document)
        converter = markdown.Markdown(  # a new one each time, as MkDocs does
            extensions=config.markdown_extensions, extension_configs=config.mdx_configs or {}
        )
        return _sanitized(body, converter.convert(body))

    return render


def _keep_unchanged(
    reuse: PageReuse, plan: SitePlan, pm: pluggy.PluginManager, files: Files, config: MkDocsConfig
) -> str:
    """Exclude from rendering the pages (and copies) whose output would be the same as in
    the previous site: those files stay. Returns the build-wide part of the keys."""
    portal = plan.portal
    build = build_key(
        config_file=config.config_file_path,
        theme_dirs=config.theme.dirs,
        packaged_themes=[_material_dir()],
        plugins=pm.get_plugins(),
        nav=config.nav,
        site_context=plan.site_context,
        shared_sources=[portal.config.docs_dir / uri for uri in portal.pages],
        settings={
            "audience": str(portal.config.audience),
            "strict": portal.config.strict,
            "options": portal.config.options,
        },
    )
    always = {page.src_uri for page in plan.pages.values() if page.nav} | set(portal.pages)
    for file in files:
        if file.inclusion.is_excluded():
            continue
        if file.is_documentation_page():
            if file.src_uri in always:
                continue  # the navigation and editors' pages: few, and always rendered
            generated = plan.pages.get(file.src_uri)
            doc = portal.by_src.get(file.src_uri)
            if generated is not None:
                key = page_key(
                    build,
                    generated.template,
                    generated.title,
                    generated.markdown,
                    generated.context,
                )
            elif doc is not None and doc.digest:
                links = sorted(
                    (link, files.get_file_from_path(link) is not None) for link in doc.links
                )
                key = page_key(build, doc.digest, plan.document_context(doc), links)
            else:
                continue
        elif file.abs_src_path is not None and file.generated_by is None:
            found = file_key(file.abs_src_path)
            if found is None:
                continue
            key = found
        else:
            continue
        if reuse.keep(file.dest_uri, key):
            file.inclusion = InclusionLevel.EXCLUDED
    return build


class PageMessages(logging.Handler):
    """MkDocs' messages while it renders a page, by output file (to replay them when the page
    is kept next time). MkDocs names the page being rendered in ``config._current_page``."""

    def __init__(self, config: MkDocsConfig) -> None:
        super().__init__(logging.INFO)
        self.config = config
        self.by_output: dict[str, list[tuple[int, str, str]]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        page = getattr(self.config, "_current_page", None)
        if page is not None:
            self.by_output.setdefault(page.file.dest_uri, []).append(
                (record.levelno, record.name, record.getMessage())
            )


def _material_dir() -> str:
    import material

    return str(Path(material.__file__).resolve().parent)


def _restrict_to_shard(
    plan: SitePlan, files: Files, config: PortalConfig, part: Slice | None = None
) -> None:
    """Exclude what another slice builds; MkDocs still resolves links to excluded pages.
    ``part``: the slice, when the caller cut the portal itself (else ``config.shard``)."""
    assert config.shard is not None
    if part is None:
        part = slice_of(plan.portal, *config.shard, nav_pages=plan.nav_pages)
    docs_dir = str(config.docs_dir) + os.sep
    for file in files:
        in_docs = file.src_uri in plan.pages or (
            file.abs_src_path is not None and file.abs_src_path.startswith(docs_dir)
        )
        if in_docs:
            keep = part.owns(file.src_uri, page=file.is_documentation_page())
        else:
            keep = part.index == 0  # theme assets: copied once
        if not keep:
            file.inclusion = InclusionLevel.EXCLUDED


# -- entry points for the command line --------------------------------------------------


class SiteError(Exception):
    """MkDocs could not read mkdocs.yml or build the site; the message says why. (The rest
    of portal-gen knows MkDocs' failures only by this name.)"""


def load_mkdocs_config(config_file: str | None, **overrides: Any) -> MkDocsConfig:
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    return load_config(config_file, **overrides)


def find_plugin(config: MkDocsConfig) -> PortalPlugin:
    for plugin in config.plugins.values():
        if isinstance(plugin, PortalPlugin):
            return plugin
    raise LookupError("mkdocs.yml does not list the `portal` plugin under `plugins:`")


def load_portal_config(
    config_file: str | None, **overrides: Any
) -> tuple[PortalConfig, pluggy.PluginManager]:
    """The core settings of a portal and its plugin manager, without building anything."""
    config = load_mkdocs_config(config_file)
    plugin = find_plugin(config)
    portal_config = portal_config_from(config, plugin.config, overrides)
    return portal_config, get_plugin_manager(portal_config)


def load_portal_only(
    config_file: str | None, **overrides: Any
) -> tuple[Portal, list[Diagnostic], pluggy.PluginManager]:
    portal_config, pm = load_portal_config(config_file, **overrides)
    portal, diagnostics = load_portal(portal_config, pm)
    return portal, diagnostics, pm


def build_site(
    config_file: str | None, site_dir: str | None = None, **overrides: Any
) -> PortalPlugin:
    """Run a full MkDocs build exactly as ``mkdocs build`` does (same events, same output).

    :raises DiagnosticError: when the content has errors (nothing is written).
    :raises SiteError: when MkDocs cannot read mkdocs.yml or build the site.
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    extra = {"site_dir": site_dir} if site_dir else {}
    strict = bool(overrides.get("strict"))
    try:
        config = load_mkdocs_config(config_file, **extra, strict=strict)
        plugin = find_plugin(config)
        plugin.overrides = dict(overrides)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        except (PluginError, Abort) as error:
            if plugin.diagnostics and has_errors(plugin.diagnostics, strict=strict):
                raise DiagnosticError(plugin.diagnostics) from error
            raise
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as error:
        raise SiteError(str(error)) from error
    return plugin


def configured_site_url(config_file: str | None) -> str | None:
    """``site_url`` of mkdocs.yml.

    :raises SiteError: when MkDocs cannot read mkdocs.yml.
    """
    from mkdocs.exceptions import MkDocsException

    try:
        return load_mkdocs_config(config_file).site_url
    except MkDocsException as error:
        raise SiteError(str(error)) from error


def serve_site(config_file: str | None, dev_addr: str | None = None, **overrides: Any) -> None:
    from mkdocs.commands.serve import serve

    if overrides.get("now"):
        os.environ["PORTAL_NOW"] = str(overrides["now"])
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    serve(config_file=config_file, dev_addr=dev_addr, livereload=True)
