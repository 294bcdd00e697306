"""The ``portal-gen`` command line (SPEC §3).

Exit status: 0 success; 1 content problems at error level (or warnings under --strict);
2 usage errors. Nothing here writes into content/ except ``new``, which never overwrites.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from portal_gen import __version__
from portal_gen.diagnostics import (
    Diagnostic,
    DiagnosticError,
    Severity,
    exit_code,
    format_github,
    format_json,
    format_text,
)
from portal_gen.plugin_manager import PluginLoadError

__all__ = ["main"]

CONFIG_HELP = "Tệp cấu hình của cổng (mặc định: mkdocs.yml trong thư mục hiện tại)."
NOW_HELP = (
    "Thời điểm dùng để tính trạng thái lấy ý kiến, dạng ISO 8601 (giờ Việt Nam nếu không ghi "
    "múi giờ), ví dụ 2024-10-01T09:00. Mặc định: biến môi trường PORTAL_NOW, nếu không thì giờ thật."
)


def _config_option(function: Any) -> Any:
    return click.option(
        "-f",
        "--config-file",
        type=click.Path(dir_okay=False),
        default=None,
        help=CONFIG_HELP,
    )(function)


def _now_option(function: Any) -> Any:
    return click.option("--now", default=None, metavar="ISO-8601", help=NOW_HELP)(function)


def _check_now(now: str | None) -> str | None:
    from portal_gen.config import resolve_now

    try:
        resolve_now(now)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--now") from None
    return now


def _config_file(path: str | None) -> str:
    candidate = (
        Path(path)
        if path
        else next(
            (p for p in (Path("mkdocs.yml"), Path("mkdocs.yaml")) if p.is_file()),
            Path("mkdocs.yml"),
        )
    )
    if not candidate.is_file():
        raise click.UsageError(
            f"Không tìm thấy tệp cấu hình `{candidate}`. Chạy lệnh trong thư mục của cổng, "
            "hoặc chỉ rõ bằng `-f đường/dẫn/mkdocs.yml`."
        )
    return str(candidate)


class _MkDocsHandler(logging.Handler):
    """Print MkDocs' log records the way portal-gen prints everything else."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.WARNING and not record.name.endswith("plugins.portal"):
            message = f"{record.levelname}: {message}"
        click.echo(message, err=True)


def _setup_logging(verbose: bool) -> None:
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [_MkDocsHandler()]
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.propagate = False


def _fail_on_plugin(error: PluginLoadError) -> None:
    click.echo(format_text([error.diagnostic]), err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="portal-gen")
def main() -> None:
    """portal-gen: tạo cổng thông tin công khai (Luật Thực hiện dân chủ ở cơ sở) từ Markdown."""


@main.command()
@_config_option
@click.option("-d", "--site-dir", type=click.Path(file_okay=False), help="Thư mục xuất trang web.")
@click.option("--strict", is_flag=True, help="Coi cảnh báo là lỗi.")
@click.option(
    "--audience",
    type=click.Choice(["public", "internal"]),
    default=None,
    help="public: trang công khai (bỏ văn bản nội bộ); internal: trang nội bộ đầy đủ.",
)
@_now_option
@click.option("-v", "--verbose", is_flag=True, help="In thêm thông tin khi tạo trang.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Số tiến trình tạo trang song song (0: dùng mọi lõi CPU của máy).",
)
@click.option(
    "--shard",
    default=None,
    metavar="I/N",
    help="Chỉ tạo phần I trong N phần của cổng (chia theo đơn vị), để nhiều máy CI chạy "
    "song song; ghép các phần bằng `portal-gen merge`.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Tạo lại mọi trang, không dùng kết quả lưu trong .cache/portal-gen/ (trang web vẫn y hệt).",
)
@click.option("--work-dir", type=click.Path(file_okay=False), hidden=True)
@click.option("--worker", is_flag=True, hidden=True)
def build(
    config_file: str | None,
    site_dir: str | None,
    strict: bool,
    audience: str | None,
    now: str | None,
    verbose: bool,
    jobs: int,
    shard: str | None,
    no_cache: bool,
    work_dir: str | None,
    worker: bool,
) -> None:
    """Tạo trang web tĩnh. Trang cũ chỉ bị thay khi trang mới đã tạo xong."""
    from portal_gen.mkdocs_plugin import SiteError
    from portal_gen.parallel import MergeError

    config_path = _config_file(config_file)
    _check_now(now)
    _setup_logging(verbose)
    jobs = jobs or os.cpu_count() or 1
    if shard is not None and jobs != 1:
        raise click.UsageError("Dùng --shard (một phần, trên một máy) hoặc --jobs, không cả hai.")
    overrides = {"strict": strict, "audience": audience, "now": now, "no_cache": no_cache}
    try:
        if jobs > 1:
            _build_in_parallel(config_path, site_dir, jobs, overrides)
        else:
            from portal_gen.mkdocs_plugin import build_site

            extra = {"shard": _parse_shard(shard), "work_dir": work_dir, "worker": worker}
            build_site(config_path, site_dir, **overrides, **extra)
    except DiagnosticError:
        sys.exit(1)  # every problem was already printed together
    except PluginLoadError as error:
        _fail_on_plugin(error)
    except (SiteError, MergeError) as error:
        click.echo(f"Lỗi: {error}", err=True)
        sys.exit(1)
    if not worker:
        target = site_dir or plugin_site_dir(config_path)
        part = f" (phần {shard}, chưa có tin, tìm kiếm, dữ liệu mở)" if shard else ""
        click.echo(f"Đã tạo trang web trong `{target}`{part}.", err=True)


def _parse_shard(shard: str | None) -> tuple[int, int] | None:
    from portal_gen.shards import parse_shard

    try:
        return parse_shard(shard) if shard is not None else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--shard") from None


def _prepare(config_path: str, *, quiet: bool = False, **overrides: Any) -> Any:
    """Load and check the portal once for a build in slices; print what was found
    (errors only when ``quiet``: the slices printed the warnings)."""
    from portal_gen.parallel import prepare

    try:
        prepared = prepare(config_path, **overrides)
    except DiagnosticError as error:
        click.echo(format_text(error.diagnostics), err=True)
        errors = sum(d.severity is Severity.ERROR for d in error.diagnostics)
        click.echo(
            f"Nội dung có {errors} lỗi: chưa tạo trang web. Sửa các lỗi được liệt kê ở trên "
            "rồi chạy lại.",
            err=True,
        )
        raise
    if prepared.diagnostics and not quiet:
        click.echo(format_text(prepared.diagnostics), err=True)
    return prepared


def _build_in_parallel(
    config_path: str, site_dir: str | None, jobs: int, overrides: dict[str, Any]
) -> None:
    from portal_gen.mkdocs_plugin import build_site
    from portal_gen.parallel import build_parallel, can_fork

    if not can_fork():
        click.echo("Máy này không chạy được nhiều tiến trình tạo trang: dùng một.", err=True)
        build_site(config_path, site_dir, **overrides)
        return
    prepared = _prepare(config_path, site_dir=site_dir, jobs=jobs, **overrides)
    # a slice holds whole units: more processes than units would only repeat shared pages
    jobs = max(1, min(jobs, len(prepared.plan.portal.units)))
    build_parallel(config_path, jobs, prepared)


@main.command()
@_config_option
@click.argument(
    "shard_dirs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False)
)
@click.option("-d", "--site-dir", type=click.Path(file_okay=False), help="Thư mục xuất trang web.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Số tiến trình tạo chỉ mục tìm kiếm song song (0: mọi lõi CPU).",
)
def merge(
    config_file: str | None, shard_dirs: tuple[str, ...], site_dir: str | None, jobs: int
) -> None:
    """Ghép các phần đã tạo bằng `build --shard I/N` (đủ N phần) thành một trang web, thêm tin
    RSS/Atom, lịch, tìm kiếm và dữ liệu mở cho toàn cổng."""
    from portal_gen.parallel import MergeError, merge_shards, read_manifest

    config_path = _config_file(config_file)
    folders = [Path(folder) for folder in shard_dirs]
    try:
        first = read_manifest(folders[0])
        overrides = {"now": first.get("now"), "audience": first.get("audience")}
        jobs = jobs or os.cpu_count() or 1
        prepared = _prepare(config_path, quiet=True, site_dir=site_dir, jobs=jobs, **overrides)
        target = merge_shards(prepared, folders)
    except DiagnosticError:
        sys.exit(1)
    except PluginLoadError as error:
        _fail_on_plugin(error)
    except MergeError as error:
        click.echo(f"Lỗi: {error}", err=True)
        sys.exit(1)
    click.echo(f"Đã ghép {len(folders)} phần thành trang web trong `{target}`.", err=True)


def plugin_site_dir(config_path: str) -> str:
    from portal_gen.mkdocs_plugin import load_mkdocs_config

    return str(load_mkdocs_config(config_path).site_dir)


@main.command()
@_config_option
@click.option("-a", "--dev-addr", default=None, metavar="IP:PORT", help="Địa chỉ máy chủ xem thử.")
@_now_option
def serve(config_file: str | None, dev_addr: str | None, now: str | None) -> None:
    """Xem thử cổng trên máy, tự tải lại khi nội dung thay đổi."""
    from portal_gen.mkdocs_plugin import serve_site

    config_path = _config_file(config_file)
    _check_now(now)
    _setup_logging(verbose=True)
    serve_site(config_path, dev_addr, now=now)


@main.command()
@_config_option
@click.option("--strict", is_flag=True, help="Coi cảnh báo là lỗi (mã thoát 1).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    help="text: cho người đọc; json: cho chương trình; github: chú thích trên GitHub Actions.",
)
@_now_option
def check(config_file: str | None, strict: bool, output_format: str, now: str | None) -> None:
    """Kiểm tra nội dung mà không tạo trang web."""
    from portal_gen.mkdocs_plugin import load_portal_only

    config_path = _config_file(config_file)
    _check_now(now)
    try:
        _, diagnostics, _ = load_portal_only(config_path, now=now, strict=strict)
    except PluginLoadError as error:
        diagnostics = [error.diagnostic]
    _print_diagnostics(diagnostics, output_format)
    sys.exit(exit_code(diagnostics, strict=strict))


def _print_diagnostics(diagnostics: list[Diagnostic], output_format: str) -> None:
    if output_format == "json":
        click.echo(format_json(diagnostics))
    elif output_format == "github":
        if diagnostics:
            click.echo(format_github(diagnostics))
    elif diagnostics:
        click.echo(format_text(diagnostics))
    else:
        click.echo("Nội dung hợp lệ: không có lỗi hay cảnh báo nào.")


@main.command()
@_config_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    help="text: cho người đọc; json, csv: cho chương trình và bảng tính.",
)
@click.option(
    "--period", default=None, metavar="KỲ", help="Chỉ xét một kỳ: 2024, 2024-H1, 2024-Q3, 2024-09."
)
@_now_option
def report(
    config_file: str | None, output_format: str, period: str | None, now: str | None
) -> None:
    """Tình hình công khai của từng đơn vị so với danh mục luật định."""
    from portal_gen.mkdocs_plugin import load_portal_only
    from portal_gen.model import Period
    from portal_gen.report import report_csv, report_json, report_text

    config_path = _config_file(config_file)
    _check_now(now)
    window = None
    if period:
        try:
            window = Period.parse(period)
        except ValueError:
            raise click.BadParameter(
                "viết 2024 (năm), 2024-H1 (6 tháng), 2024-Q3 (quý) hoặc 2024-09 (tháng).",
                param_hint="--period",
            ) from None
    try:
        portal, diagnostics, _ = load_portal_only(config_path, now=now)
    except PluginLoadError as error:
        _fail_on_plugin(error)
        return
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        click.echo(format_text(errors), err=True)
        click.echo("Báo cáo có thể thiếu các văn bản có lỗi ở trên.", err=True)
    render = {"json": report_json, "csv": report_csv, "text": report_text}[output_format]
    click.echo(render(portal, window), nl=False)


@main.command()
@click.option(
    "--unit-type",
    default=None,
    help="Chỉ liệt kê danh mục của một loại đơn vị (xa, phuong, co-quan...).",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "-f", "--config-file", type=click.Path(dir_okay=False), default=None, help=CONFIG_HELP
)
def categories(unit_type: str | None, output_format: str, config_file: str | None) -> None:
    """Liệt kê các danh mục thông tin phải công khai (kèm danh mục riêng của cổng, nếu có)."""
    from portal_gen.catalog import load_catalog, packaged_catalog
    from portal_gen.model import UNIT_TYPES
    from portal_gen.report import categories_json, categories_text

    if unit_type is not None and unit_type not in UNIT_TYPES:
        raise click.BadParameter(f"một trong: {', '.join(UNIT_TYPES)}.", param_hint="--unit-type")
    catalog = packaged_catalog()
    path = Path(config_file) if config_file else Path("mkdocs.yml")
    if path.is_file():
        from portal_gen.mkdocs_plugin import load_portal_config

        catalog = load_catalog(load_portal_config(str(path))[0])
    click.echo(
        (categories_json if output_format == "json" else categories_text)(catalog, unit_type),
        nl=False,
    )


@main.command()
@_config_option
def plugins(config_file: str | None) -> None:
    """Liệt kê các plugin và các hook mà mỗi plugin cài đặt."""
    from portal_gen.mkdocs_plugin import load_portal_config
    from portal_gen.plugin_manager import describe_plugins

    config_path = _config_file(config_file)
    try:
        _, pm = load_portal_config(config_path)
    except PluginLoadError as error:
        _fail_on_plugin(error)
        return
    for info in describe_plugins(pm):
        click.echo(f"{info.name}  ({info.source})")
        for hook in info.hooks:
            click.echo(f"    {hook}")


@main.command()
@click.argument("what", type=click.Choice(["unit", "disclosure", "draft", "result"]))
@click.option(
    "--unit", "unit_id", required=True, help="Mã (tên thư mục) của đơn vị, ví dụ phuong-binh-an."
)
@click.option("--title", required=True, help="Tên văn bản, hoặc tên đầy đủ của đơn vị.")
@click.option(
    "--category", default=None, help="Mã danh mục công khai (xem `portal-gen categories`)."
)
@click.option(
    "--type",
    "unit_type",
    default=None,
    help="Loại đơn vị (chỉ với `new unit`): xa, phuong, dac-khu, co-quan, ...",
)
@click.option(
    "--result-of",
    default=None,
    help="Với `new result`: tệp .md của dự thảo, tính từ thư mục đơn vị.",
)
@_config_option
@_now_option
def new(
    what: str,
    unit_id: str,
    title: str,
    category: str | None,
    unit_type: str | None,
    result_of: str | None,
    config_file: str | None,
    now: str | None,
) -> None:
    """Tạo một đơn vị hoặc một văn bản từ mẫu. Không bao giờ ghi đè tệp đã có."""
    from portal_gen.mkdocs_plugin import load_portal_config
    from portal_gen.scaffold import ScaffoldError, create

    config_path = _config_file(config_file)
    _check_now(now)
    config, _ = load_portal_config(config_path, now=now)
    try:
        path = create(
            config,
            what,
            unit_id=unit_id,
            title=title,
            category=category,
            unit_type=unit_type,
            result_of=result_of,
        )
    except ScaffoldError as error:
        click.echo(f"Lỗi: {error}", err=True)
        sys.exit(error.exit_code)
    click.echo(config.relpath(path))


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--name",
    "site_name",
    default=None,
    help="Tên cổng (site_name). Mặc định: “Thông tin công khai – <tên đơn vị>”.",
)
@click.option(
    "--site-url",
    default="https://congkhai.example.vn/",
    show_default=True,
    metavar="URL",
    help="Địa chỉ cổng khi đã đăng, kể cả thư mục con nếu có.",
)
@click.option(
    "--unit",
    "unit_id",
    default="phuong-mau",
    show_default=True,
    help="Mã (tên thư mục) của đơn vị đầu tiên: chữ thường, không dấu, nối bằng gạch ngang.",
)
@click.option(
    "--unit-name",
    default="Ủy ban nhân dân phường Mẫu",
    show_default=True,
    help="Tên đầy đủ của đơn vị đầu tiên.",
)
@click.option(
    "--unit-type",
    default="phuong",
    show_default=True,
    help="Loại đơn vị: xa, phuong, dac-khu, co-quan, don-vi-su-nghiep, doanh-nghiep...",
)
def init(
    directory: Path,
    site_name: str | None,
    site_url: str,
    unit_id: str,
    unit_name: str,
    unit_type: str,
) -> None:
    """Tạo kho mới cho một cổng: cấu hình, một đơn vị, tự động hóa CI, hướng dẫn.

    Thư mục DIRECTORY phải mới hoặc trống; không bao giờ ghi đè tệp đã có.
    """
    import shlex

    from portal_gen.init_portal import InitError, default_site_name, init_portal

    try:
        written = init_portal(
            directory,
            name=site_name if site_name is not None else default_site_name(unit_name.strip()),
            unit_id=unit_id,
            unit_name=unit_name,
            unit_type=unit_type,
            site_url=site_url,
        )
    except InitError as error:
        click.echo(f"Lỗi: {error}", err=True)
        sys.exit(error.exit_code)
    click.echo(f"Đã tạo cổng mới trong `{directory}`:")
    for path in sorted(written):
        click.echo(f"  {path.relative_to(directory).as_posix()}")
    click.echo(
        "\nBước tiếp theo:\n"
        f"  cd {shlex.quote(str(directory))}\n"
        f"  điền địa chỉ, điện thoại, thư điện tử vào content/{unit_id}/_unit.yml\n"
        "  portal-gen check     kiểm tra nội dung\n"
        "  portal-gen serve     xem thử tại http://127.0.0.1:8000/\n"
        "Hướng dẫn cho biên tập viên: README.md trong thư mục mới."
    )


@main.command("rebuild-due")
@click.option(
    "--site-url",
    default=None,
    metavar="URL",
    help="Địa chỉ cổng đang chạy; đọc URL/build-info.json. Mặc định: site_url trong mkdocs.yml.",
)
@click.option(
    "--build-info",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Đọc tệp build-info.json của một lần tạo trang trước (ví dụ site/build-info.json).",
)
@_config_option
@_now_option
def rebuild_due(
    site_url: str | None, build_info: Path | None, config_file: str | None, now: str | None
) -> None:
    """Đã đến lúc tạo lại trang chưa? Dùng trong lịch chạy của CI.

    Mã thoát 0: cần tạo lại (thời điểm next_change trong build-info.json đã qua, hoặc không
    đọc được tệp đó); 1: chưa cần.
    """
    from datetime import datetime

    from portal_gen.config import resolve_now
    from portal_gen.rebuild import from_file, from_url
    from portal_gen.vntime import VN_TZ

    if site_url and build_info:
        raise click.UsageError("Chỉ dùng một trong hai: --site-url hoặc --build-info.")
    _check_now(now)
    moment = resolve_now(now) or datetime.now(VN_TZ)
    if build_info is not None:
        verdict = from_file(build_info, moment)
    else:
        verdict = from_url(site_url or _configured_site_url(config_file), moment)
    click.echo(verdict.reason)
    sys.exit(0 if verdict.due else 1)


def _configured_site_url(config_file: str | None) -> str:
    from portal_gen.mkdocs_plugin import SiteError, configured_site_url

    config_path = _config_file(config_file)
    try:
        site_url = configured_site_url(config_path)
    except SiteError as error:
        raise click.UsageError(f"Không đọc được `{config_path}`: {error}") from None
    if not site_url:
        raise click.UsageError(
            f"`{config_path}` chưa có site_url: ghi địa chỉ cổng vào đó, hoặc dùng --site-url."
        )
    return str(site_url)


def run() -> None:  # pragma: no cover (ends the process: tests invoke `main`)
    """The ``portal-gen`` command: :func:`main`, then the process ends without Python
    freeing the build's objects one by one (half a second after a build of 5,000
    documents, for nothing). Exit handlers run and output is flushed first."""
    try:
        main()
        code: object = 0
    except SystemExit as done:
        code = done.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()  # what the interpreter would run at exit (temporary folders...)
    for stream in (sys.stdout, sys.stderr):
        # a reader that went away (`| head`), a closed stream: nothing left to say
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    run()
