"""Benchmark: portal-gen against plain MkDocs + Material, on the same synthetic corpus.

In one run, alternating the builds round after round, it times

* plain ``mkdocs build`` (same theme and Markdown, a nav of the home page only, Material's
  search, no portal plugin),
* ``portal-gen build`` in one process, and
* ``portal-gen build --jobs J`` (the documents sliced across J worker processes),

and prints wall time, ratios to plain MkDocs, pages per second, peak memory (the largest
resident set of one process, from the kernel, in the timed builds; the summed PSS of all
the build's processes, sampled every 100 ms in one extra build of each kind, since sampling
slows the build it observes), output size,
the time of a rebuild after editing one document (and whether its output is byte-identical
to a cold build), and the search bytes a reader's first query downloads.

    python bench/run.py --documents 5000 --units 100 --rounds 2 --jobs 2
    python bench/run.py --curve 1000,2000,5000,10000,20000 --jobs 2   # memory and time curve

Corpora are generated once (bench/corpus.py) under --work (default /tmp/portal-gen-bench).
"""

from __future__ import annotations

import argparse
import filecmp
import functools
import http.server
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # bench/corpus.py, next to this script

NOW = "2026-11-22T09:00"
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
QUERY = "ngân sách"


@dataclass
class Run:
    wall: float
    #: the largest resident set of one process of the build
    peak_rss_mb: float
    #: the build's processes together (summed PSS), at its peak
    peak_total_mb: float
    output_mb: float
    pages: int
    #: each process's PSS at that peak (memory-sampled builds only): what holds the memory
    peak_parts: tuple[tuple[str, float], ...] = ()


@dataclass
class Figures:
    documents: int
    units: int
    runs: dict[str, list[Run]] = field(default_factory=dict)
    #: one more build of each kind, sampled for the summed PSS (its wall time not used)
    memory: dict[str, Run] = field(default_factory=dict)
    rebuild: dict[str, object] = field(default_factory=dict)
    search: dict[str, object] = field(default_factory=dict)

    def median(self, name: str) -> Run:
        runs = self.runs[name]
        return Run(
            wall=statistics.median(r.wall for r in runs),
            peak_rss_mb=statistics.median(r.peak_rss_mb for r in runs),
            peak_total_mb=self.memory[name].peak_total_mb if name in self.memory else 0,
            output_mb=runs[-1].output_mb,
            pages=runs[-1].pages,
        )


# -- measuring -----------------------------------------------------------------------------


def _descendants(root: int) -> list[int]:
    """``root`` and every process it started, from the kernel's children lists."""
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                with (task / "children").open("rb") as children:
                    stack.extend(int(child) for child in children.read().split())
            except OSError:
                pass
    return found


def _memory(root: int) -> tuple[int, int, list[tuple[str, int]]]:
    """The largest resident set among ``root`` and its descendants, their summed
    proportional set size (PSS: pages shared by forked workers counted once, not per
    process; a sum of resident sets would count them in every worker), and each one's
    PSS by kind (build, worker, index, other)."""
    largest = total = 0
    parts = []
    for pid in _descendants(root):
        try:
            with Path(f"/proc/{pid}/smaps_rollup").open("rb") as rollup:
                fields = dict(line.split(b":", 1) for line in rollup.read().splitlines()[1:])
        except (OSError, ValueError):
            continue
        rss = int(fields.get(b"Rss", b"0 kB").split()[0]) * 1024
        pss = int(fields.get(b"Pss", b"0 kB").split()[0]) * 1024
        largest = max(largest, rss)
        total += pss
        if pss:
            parts.append((_kind(pid, root), pss))
    return largest, total, parts


def _kind(pid: int, root: int) -> str:
    if pid == root:
        return "build"
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return "other"
    if b"index.py" in command:
        return "index"  # the search index, made in a process of its own
    return "worker" if b"portal_gen" in command else "other"  # forked: the build's command


def _size(folder: Path) -> tuple[float, int]:
    total, pages = 0, 0
    for path in folder.rglob("*"):
        if path.is_file():
            total += path.stat().st_size
            pages += path.suffix == ".html"
    return total / 2**20, pages


def measure(command: list[str], cwd: Path, site: Path, *, cold: bool = True) -> Run:
    """Time one build, unobserved: its peak RSS comes from the kernel when it ends (the
    largest resident set among the build and the processes it waited for), and "all" is
    left at 0 (see :func:`measure_memory`)."""
    return _run(command, cwd, site, cold=cold, sample=False)


def measure_memory(command: list[str], cwd: Path, site: Path) -> Run:
    """One more build, sampled every 100 ms for the summed PSS of its processes. Reading
    ``smaps_rollup`` walks each process's page tables and takes its memory lock, which
    slows the build (forked workers most: they fault on copy-on-write pages), so this
    run's wall time is not used."""
    return _run(command, cwd, site, cold=True, sample=True)


def _run(command: list[str], cwd: Path, site: Path, *, cold: bool, sample: bool) -> Run:
    if cold:  # no previous site, and nothing kept from an earlier build
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(cwd / ".cache", ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    peak = peak_total = 0
    parts: list[tuple[str, int]] = []
    done = threading.Event()
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors
        )

        def sample_memory() -> None:
            nonlocal peak, peak_total, parts
            while not done.wait(0.1):
                largest, total, now = _memory(process.pid)
                peak = max(peak, largest)
                if total > peak_total:
                    peak_total, parts = total, now

        sampler = threading.Thread(target=sample_memory, daemon=True)
        if sample:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        if sample:
            sampler.join()
        if process.returncode != 0:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace")
            raise SystemExit(f"{' '.join(command)} failed:\n{message[-3000:]}")
    peak = max(peak, usage.ru_maxrss * 1024)  # kilobytes on Linux
    time.sleep(0.5)  # let the detached removal of a replaced site finish off the clock
    output, pages = _size(site)
    return Run(
        round(wall, 2),
        round(peak / 2**20, 1),
        round(peak_total / 2**20, 1),
        round(output, 1),
        pages,
        tuple((kind, round(pss / 2**20, 1)) for kind, pss in parts),
    )


def _commands(jobs: int) -> dict[str, tuple[list[str], str]]:
    py = sys.executable
    portal = [py, "-m", "portal_gen.cli", "build", "-f", "mkdocs.yml", "--now", NOW]
    commands = {
        "mkdocs": (
            [py, "-m", "mkdocs", "build", "-q", "-f", "mkdocs-plain.yml", "-d"],
            "site-plain",
        ),
        "portal-gen": ([*portal, "-d"], "site-portal"),
    }
    if jobs > 1:
        commands[f"portal-gen -j{jobs}"] = ([*portal, "--jobs", str(jobs), "-d"], "site-jobs")
    return commands


def ensure_corpus(work: Path, documents: int, units: int) -> Path:
    folder = work / f"corpus-{documents}-{units}"
    if not (folder / "mkdocs-plain.yml").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating {documents} documents in {units} units → {folder}", file=sys.stderr)
        corpus.generate(folder, documents, units)
    return folder


# -- rebuild after one edit ---------------------------------------------------------------


def _edit_one(root: Path) -> tuple[Path, str]:
    """Change the title and add a sentence to one document (returns it and its old text)."""
    documents = sorted((root / "content").rglob("*.md"))
    path = documents[len(documents) // 2]
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if line.startswith("title: "):
            lines[number] = line.rstrip('"') + (" (sửa)" if not line.endswith('"') else ' (sửa)"')
            break
    path.write_text("\n".join(lines) + "\nĐoạn văn được thêm khi đo thời gian tạo lại.\n", "utf-8")
    return path, text


def _differences(left: Path, right: Path) -> list[str]:
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in cmp.left_only + cmp.right_only)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        found.extend(prefix + name for name in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return found


def rebuild(root: Path, figures: Figures) -> None:
    command, site = _commands(1)["portal-gen"]
    measure([*command, site], root, root / site)  # a fresh site to edit against
    path, original = _edit_one(root)
    try:
        warm = measure([*command, site], root, root / site, cold=False)
        measure([*command, "site-cold", "--no-cache"], root, root / "site-cold")
        differences = _differences(root / site, root / "site-cold")
    finally:
        path.write_text(original, encoding="utf-8")
    figures.rebuild = {
        "edited": str(path.relative_to(root)),
        "wall": warm.wall,
        "peak_rss_mb": warm.peak_rss_mb,
        "identical_to_cold_build": not differences,
        "differences": differences[:20],
    }


# -- search bytes -------------------------------------------------------------------------


def _first_unit(root: Path) -> str:
    return min(path.parent.name for path in (root / "content").glob("*/_unit.yml"))


def first_query_bytes(site: Path, query: str, *, unit: str | None = None) -> dict[str, object]:
    """Bytes the search page downloads from the index for a reader's first query (within
    ``unit`` alone, as from the unit's page, when given)."""
    executable = next((c for c in CHROMIUM if Path(c).exists()), None)
    if executable is None:
        return {"skipped": "no Chromium"}
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sizes: dict[str, int] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
            page = browser.new_page()
            page.on(
                "response",
                lambda response: (
                    sizes.__setitem__(response.url, len(response.body()))
                    if "/chi-muc/" in response.url
                    else None
                ),
            )
            base = f"http://127.0.0.1:{server.server_port}/"
            page.goto(base + "tim-kiem/" + (f"?don-vi={unit}" if unit else ""))
            page.fill("#portal-search-q", query)
            page.click(".portal-search button[type=submit]")
            page.wait_for_function(
                "/^(Tìm thấy|Không tìm thấy)/.test("
                "document.querySelector('[data-search-status]').textContent)",
                timeout=120_000,
            )
            page.wait_for_load_state("networkidle")
            status = page.text_content("[data-search-status]")
            browser.close()
    finally:
        server.shutdown()
    return {
        "query": query,
        **({"unit": unit} if unit else {}),
        "bytes": sum(sizes.values()),
        "requests": len(sizes),
        "status": status,
    }


# -- report -------------------------------------------------------------------------------


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 2**20
    return f"{os.cpu_count()} cores ({cpu}), {memory} GB RAM, Python {platform.python_version()}"


def print_table(figures: Figures) -> None:
    base = figures.median("mkdocs").wall if "mkdocs" in figures.runs else None
    print(f"\n{figures.documents} documents, {figures.units} units — {machine()}")
    print(
        f"{'build':<16}{'wall s':>9}{'× mkdocs':>10}{'pages/s':>9}"
        f"{'RSS MB':>9}{'all MB':>9}{'out MB':>8}"
    )
    for name in figures.runs:
        run = figures.median(name)
        ratio = f"{run.wall / base:.2f}" if base else "-"
        walls = ", ".join(f"{r.wall:.1f}" for r in figures.runs[name])
        print(
            f"{name:<16}{run.wall:>9.1f}{ratio:>10}{run.pages / run.wall:>9.0f}"
            f"{run.peak_rss_mb:>9.0f}{run.peak_total_mb:>9.0f}{run.output_mb:>8.0f}   runs: {walls}"
        )
    if figures.rebuild:
        r = figures.rebuild
        print(
            f"rebuild after editing {r['edited']}: {r['wall']} s, "
            f"identical to a cold build: {'yes' if r['identical_to_cold_build'] else 'NO'}"
        )
        differences = r["differences"]
        if isinstance(differences, list) and differences:
            print("  differing files: " + ", ".join(map(str, differences)))
    for name, run in figures.memory.items():
        if run.peak_parts:
            parts = ", ".join(f"{kind} {mb:.0f}" for kind, mb in run.peak_parts)
            print(f"all processes at the peak ({name}), PSS MB: {parts}")
    for name, result in figures.search.items():
        print(f"search, first query ({name}): {result}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--units", type=int, default=None, help="default: documents / 50")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/portal-gen-bench"))
    parser.add_argument("--no-plain", action="store_true", help="skip plain MkDocs")
    parser.add_argument("--no-rebuild", action="store_true")
    parser.add_argument("--only", default=None, help='builds to run, e.g. "portal-gen -j2"')
    parser.add_argument(
        "--no-memory", action="store_true", help="skip the extra builds sampled for PSS"
    )
    parser.add_argument("--no-search", action="store_true", help="skip the browser query")
    parser.add_argument("--curve", default=None, help="e.g. 1000,5000,20000: portal-gen only")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()

    results = []
    sizes = [int(n) for n in args.curve.split(",")] if args.curve else [args.documents]
    for documents in sizes:
        units = args.units if args.units and not args.curve else max(4, documents // 50)
        root = ensure_corpus(args.work, documents, units)
        figures = Figures(documents, units)
        commands = _commands(args.jobs)
        if args.no_plain or args.curve:
            commands.pop("mkdocs")
        if args.only:
            commands = {name: commands[name] for name in args.only.split(",")}
        names = list(commands)
        for round_ in range(args.rounds):
            order = names[round_ % len(names) :] + names[: round_ % len(names)]
            for name in order:
                command, site = commands[name]
                run = measure([*command, site], root, root / site)
                figures.runs.setdefault(name, []).append(run)
                print(f"  {name}: {run}", file=sys.stderr)
        if not args.no_memory:
            for name in names:
                command, site = commands[name]
                figures.memory[name] = measure_memory([*command, site], root, root / site)
                print(f"  {name} (memory sampled): {figures.memory[name]}", file=sys.stderr)
        built = [commands[name][1] for name in names if name.startswith("portal-gen")]
        if not args.no_search and not args.curve and built:
            built_site = root / built[0]
            figures.search["portal-gen"] = first_query_bytes(built_site, QUERY)
            # from a unit's page: the search keeps to that unit's documents
            figures.search["portal-gen, within one unit"] = first_query_bytes(
                built_site, QUERY, unit=_first_unit(root)
            )
            if "mkdocs" in commands:
                index = root / "site-plain" / "search" / "search_index.json"
                figures.search["mkdocs (lunr index, loaded whole)"] = {
                    "bytes": index.stat().st_size
                }
        if not args.no_rebuild and not args.curve:
            rebuild(root, figures)
        print_table(figures)
        results.append(figures)
    if args.json:
        args.json.write_text(
            json.dumps(
                {"machine": machine(), "results": [asdict(f) for f in results]},
                ensure_ascii=False,
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
