"""`portal-gen serve` builds the portal and serves it (the live-preview path of MkDocs)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup

from tests.conftest import NOW


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_serves_the_portal(copy_site: Callable[[str], Path]) -> None:
    root = copy_site("tiny")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "portal_gen.cli", "serve", "-a", f"127.0.0.1:{port}", "--now", NOW],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/phuong-a/du-thao-quy-che/"
                ) as response:
                    html = response.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.3)
        banner = BeautifulSoup(html, "html.parser").select_one("section[data-portal-comment]")
        assert banner is not None and banner["data-status"] == "open"
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert not (root / "site").exists()
