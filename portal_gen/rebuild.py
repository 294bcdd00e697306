"""Is a rebuild due? ``portal-gen rebuild-due`` for scheduled CI jobs.

A portal changes by itself when a comment period opens or closes. Every build records the
next such instant as ``next_change`` in ``build-info.json`` at the site root; a job that runs
every hour reads that file (from the live site, or from a folder built earlier) and rebuilds
only when the instant has passed. When the file cannot be read the answer is "rebuild":
a needless build costs a minute, a missed one leaves a wrong status on the page.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from portal_gen.build import BUILD_INFO
from portal_gen.vntime import VN_TZ, format_moment

__all__ = ["Verdict", "build_info_url", "decide", "from_file", "from_url"]

#: build-info.json is a few hundred bytes; anything much larger is not it.
MAX_BYTES = 1_000_000
TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class Verdict:
    """Whether to rebuild now, and why, in one Vietnamese line."""

    due: bool
    reason: str


def build_info_url(site_url: str) -> str:
    """``https://host/sub/`` → ``https://host/sub/build-info.json`` (a sub-path is kept)."""
    parts = urlsplit(site_url.strip())
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return parts._replace(path=path + BUILD_INFO, query="", fragment="").geturl()


def decide(info: Any, now: datetime, source: str) -> Verdict:
    """The verdict for a parsed build-info.json (None when it could not be read)."""
    if not isinstance(info, Mapping) or "next_change" not in info:
        return Verdict(True, f"{source} không có mục next_change: tạo lại cho chắc.")
    raw = info["next_change"]
    if raw is None:
        return Verdict(
            False,
            "Chưa cần tạo lại: không có dự thảo nào sắp mở hoặc hết hạn lấy ý kiến "
            f"(next_change trống trong {source}).",
        )
    try:
        moment = datetime.fromisoformat(str(raw))
    except ValueError:
        return Verdict(True, f"next_change `{raw}` trong {source} không phải thời điểm: tạo lại.")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    if moment <= now:
        return Verdict(
            True,
            f"Cần tạo lại: trạng thái lấy ý kiến đã thay đổi lúc {format_moment(moment)}.",
        )
    return Verdict(
        False,
        f"Chưa cần tạo lại: trạng thái lấy ý kiến thay đổi tiếp vào {format_moment(moment)}.",
    )


def _parse(data: bytes) -> Any:
    return json.loads(data.decode("utf-8"))


def from_file(path: Path, now: datetime) -> Verdict:
    """Read a build-info.json on disk (for example ``site/build-info.json``)."""
    try:
        info = _parse(path.read_bytes()[:MAX_BYTES])
    except FileNotFoundError:
        return Verdict(True, f"Không có tệp {path}: tạo lại cho chắc.")
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return Verdict(True, f"Không đọc được {path} ({error}): tạo lại cho chắc.")
    return decide(info, now, str(path))


def from_url(site_url: str, now: datetime, *, timeout: float = TIMEOUT_SECONDS) -> Verdict:
    """Fetch ``build-info.json`` from the live site at ``site_url``."""
    url = build_info_url(site_url)
    # A cache (CDN, proxy) must not answer with an old copy: ask for a fresh one.
    fresh = f"{url}?t={int(time.time())}" if urlsplit(url).scheme in ("http", "https") else url
    request = urllib.request.Request(
        fresh,
        headers={"Cache-Control": "no-cache", "User-Agent": "portal-gen rebuild-due"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            info = _parse(response.read(MAX_BYTES))
    except urllib.error.HTTPError as error:
        return Verdict(True, f"Không tải được {url} (HTTP {error.code}): tạo lại cho chắc.")
    except urllib.error.URLError as error:
        return Verdict(True, f"Không tải được {url} ({error.reason}): tạo lại cho chắc.")
    except (OSError, http.client.HTTPException, UnicodeDecodeError, ValueError) as error:
        return Verdict(True, f"Không đọc được {url} ({error}): tạo lại cho chắc.")
    return decide(info, now, url)
