"""When each phase of a portal-gen build starts and ends, in seconds from the start.

    python bench/timeline.py build -f mkdocs.yml -d site           # a cold or warm build
    python bench/timeline.py build -f mkdocs.yml --jobs 2 -d site  # workers too (by pid)

Runs ``portal-gen`` with these arguments in this process, having wrapped the phases that
matter for speed: reading the portal, checking it, planning the generated pages, choosing
the pages kept from the previous site, the Markdown pass (until ``on_env``), the templates
(until ``on_post_build``), the portal-wide files, making the search index, and putting the new
site in place (swapped in whole, or the changes moved in). A profiler says where the CPU
goes; this says what waits for what (a rebuild's search index is begun once the portal is
read, and the command waits for it and for the main thread's checks, planning, rendering and
portal-wide files, which share the cores with it).
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

START = time.perf_counter()

#: by module, (attribute, label) of what is timed; an attribute "Class.method" is a method
PHASES = {
    "portal_gen.mkdocs_plugin": [
        ("PortalPlugin.on_config", "config"),
        ("read_portal", "read"),
        ("PortalPlugin.on_files", "files (check, plan, keep)"),
        ("check_loaded", "checks"),
        ("plan_site", "plan"),
        ("_keep_unchanged", "pages kept from the previous site"),
        ("PortalPlugin.on_env", "Markdown done (on_env)"),
        ("PortalPlugin.on_post_build", "templates done (post_build)"),
        ("write_extras", "portal-wide files"),
        ("replace_dir", "site swapped in"),
        ("update_in_place", "site updated in place"),
    ],
    "portal_gen.parallel": [
        ("prepare", "--jobs: load, check, plan"),
        ("write_extras", "--jobs: portal-wide files"),
        ("replace_dir", "--jobs: site in place"),
    ],
    "portal_gen.plugins.search": [("_index", "search index")],
}
#: the indexing thread stamps too: a stamp's moment and its line go out together, in order
_STAMPING = threading.Lock()


def stamp(text: str) -> None:
    with _STAMPING:
        moment = time.perf_counter() - START
        line = f"[timeline] {moment:7.2f} s  pid {os.getpid():>6}  {text}\n"
        # One write of the whole line (print() writes the text and its newline apart). A
        # --jobs worker's descriptor 2 is its log, which the coordinator prints at the end.
        os.write(2, line.encode())


def timed(function: Callable[..., Any], label: str) -> Callable[..., Any]:
    depth = 0  # a recursive call is not a phase of its own

    @functools.wraps(function)  # keeps pluggy's hookimpl marker
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal depth
        depth += 1
        if depth == 1:
            stamp(f"> {label}")
        try:
            return function(*args, **kwargs)
        finally:
            depth -= 1
            if depth == 0:
                stamp(f"< {label}")

    return wrapper


def install() -> None:
    for module_name, phases in PHASES.items():
        module = importlib.import_module(module_name)
        for attribute, label in phases:
            owner: Any = module
            *path, name = attribute.split(".")
            for part in path:
                owner = getattr(owner, part)
            setattr(owner, name, timed(getattr(owner, name), label))


def main() -> None:
    install()  # before the plugin manager registers the search plugin's functions
    stamp("imported")
    from portal_gen.cli import run

    sys.argv = ["portal-gen", *sys.argv[1:]]
    exit_ = os._exit

    def end(code: int) -> None:  # the CLI ends with os._exit, skipping `finally`
        stamp(f"end (exit {code})")
        exit_(code)

    os._exit = end  # type: ignore[assignment]
    try:
        run()
    finally:
        stamp("end")


if __name__ == "__main__":
    main()
