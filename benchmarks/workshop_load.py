"""A workshop on one server: N browser sessions press Start together and watch their runs.

    .venv/bin/python benchmarks/workshop_load.py --sessions 5 10 20 [--preset digits-quick]

For each N it starts a fresh `streamlit run app.py` on the loopback interface, opens N sessions of the
Forward-Forward page in one headless Chromium (Debian's, via Playwright; each session its own browser
context, so its own Streamlit session), and presses Start in all of them at once. It reports, per N:
- the time from the click to the first trained step in the status line (the server's part), and to the
  first point on the session's live chart (the browser's drawing too): median, p95, max;
- click latency: once the curve moves, each session clicks Pause, then Resume, and times how long the
  page takes to show the new status (median, p95, max over all clicks);
- how many runs finished, and the errors seen (browser console and page errors, tracebacks in the log);
- the server's peak memory (RSS) and its CPU, and the browser's own CPU, in cores (CPU seconds ÷ wall).
  Here the browsers share the server's cores; in a workshop each student's laptop draws its own page, so by
  default the browser processes run at niceness 19 (`--browser-nice 0` to share equally).

N is bounded (at most 40 sessions) and nothing leaves 127.0.0.1. Reads /proc (Linux).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from live_overhead import start_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
MAX_SESSIONS = 40
STATUS = ".st-key-status-ff"
CHART = ".st-key-chart-goodness-means .js-plotly-plot"


@dataclass
class Session:
    first_step_s: float | None = None  # the status line says "step N" (N > 0): the server has trained
    first_point_s: float | None = None  # ... and the chart has drawn it: the browser has caught up
    clicks_s: list[float] = field(default_factory=list)
    finished: bool = False
    errors: list[str] = field(default_factory=list)


# -- the server and its process tree ------------------------------------------------
def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _rss_bytes(pid: int) -> int:
    match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(match.group(1)) * 1024 if match else 0


def _pids_named(name: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if name in (entry / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace"):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _total_cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += _cpu_seconds(pid)
        except OSError:
            continue
    return total


def _renice(pids: list[int], nice: int) -> None:
    """The browser below the server, as if each browser had a laptop of its own (0: leave them be)."""
    for pid in pids if nice else []:
        try:
            os.setpriority(os.PRIO_PROCESS, pid, nice)
        except OSError:
            continue


# -- one session in the browser ---------------------------------------------------------
async def _status(page) -> str:
    return await page.evaluate(f"() => (document.querySelector('{STATUS}') || {{}}).innerText || ''")


async def _wait_status(page, pattern: str, timeout_s: float) -> None:
    await page.wait_for_function(f"() => /{pattern}/.test((document.querySelector('{STATUS}') || {{}}).innerText"
                                 " || '')", polling=20, timeout=timeout_s * 1000)


async def _click(page, name: str) -> None:
    """A click where the button is now, as a hand would (Playwright's own click first waits for the
    page to hold still, which a busy live page rarely does)."""
    box = await page.get_by_role("button", name=name, exact=True).bounding_box()
    await page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


async def _session(page, start: asyncio.Event, args, result: Session) -> None:
    await start.wait()
    clicked = time.monotonic()
    await _click(page, "Start")
    await _wait_status(page, "step [1-9]", args.timeout)
    result.first_step_s = time.monotonic() - clicked
    await page.wait_for_function(f"() => {{ const gd = document.querySelector('{CHART}');"
                                 "return gd && gd.data && gd.data.length && gd.data[0].x && gd.data[0].x.length; }",
                                 polling=20, timeout=args.timeout * 1000)
    result.first_point_s = time.monotonic() - clicked
    # after Resume a run may be running or waiting its turn: either shows the click took
    for name, pattern in (("Pause", "paused"), ("Resume", "running|queued|finished")):
        status = await _status(page)
        if "finished" in status:
            break
        clicked = time.monotonic()
        await _click(page, name)
        await _wait_status(page, pattern, args.timeout)
        result.clicks_s.append(time.monotonic() - clicked)
        await asyncio.sleep(1.0)
    await _wait_status(page, "finished", args.timeout)
    result.finished = True


async def _workshop(n: int, url: str, args, server_pid: int) -> tuple[list[Session], dict[str, float]]:
    from playwright.async_api import async_playwright

    results = [Session() for _ in range(n)]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        pages = []
        for result in results:
            page = await (await browser.new_context(viewport={"width": 1400, "height": 1000})).new_page()
            page.on("console", lambda msg, r=result: r.errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc, r=result: r.errors.append(str(exc)))
            page.set_default_timeout(args.timeout * 1000)
            await page.goto(f"{url}/forward_forward?preset={args.preset}")
            pages.append(page)
        for page in pages:
            await page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
            await page.get_by_role("button", name="Start", exact=True).wait_for()
        browsers = _pids_named("chromium")
        _renice(browsers, args.browser_nice)
        began, server_cpu, browser_cpu = time.monotonic(), _cpu_seconds(server_pid), _total_cpu(browsers)
        peak_rss, start = _rss_bytes(server_pid), asyncio.Event()

        async def watch_memory() -> None:
            nonlocal peak_rss
            while True:
                peak_rss = max(peak_rss, _rss_bytes(server_pid))
                _renice(_pids_named("chromium"), args.browser_nice)  # Chromium sets its processes' own priorities
                await asyncio.sleep(0.5)

        watcher = asyncio.create_task(watch_memory())
        tasks = [asyncio.create_task(_session(page, start, args, result)) for page, result in zip(pages, results, strict=True)]
        start.set()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        wall = time.monotonic() - began
        watcher.cancel()
        load = {"wall_s": wall, "server_cores": (_cpu_seconds(server_pid) - server_cpu) / wall,
                "browser_cores": (_total_cpu(_pids_named("chromium")) - browser_cpu) / wall,
                "server_peak_gb": peak_rss / 1e9}
        for outcome, result in zip(outcomes, results, strict=True):
            if isinstance(outcome, Exception):
                result.errors.append(f"{type(outcome).__name__}: {str(outcome).splitlines()[0]}")
        await browser.close()
    return results, load


def _spread(values: list[float]) -> str:
    if not values:
        return "–"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.2f} / {p95:.2f} / {ordered[-1]:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, nargs="+", default=[5, 10, 20])
    parser.add_argument("--preset", default="digits-quick")
    parser.add_argument("--browser-nice", type=int, default=19, choices=range(0, 20), metavar="0..19",
                        help="niceness of the browser processes (default 19: the server's work comes first, as it "
                             "would with each student's browser on a laptop of their own; 0: equal shares)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds any one wait may take")
    args = parser.parse_args()
    if any(not 1 <= n <= MAX_SESSIONS for n in args.sessions):
        parser.error(f"--sessions: each N from 1 to {MAX_SESSIONS}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `timeout` or kill: still stop the server, browser
    rows = []
    for n in args.sessions:
        home = Path(tempfile.mkdtemp(prefix=f"fflab-workshop-{n}-"))
        env = dict(os.environ, FFLAB_HOME=str(home), FFLAB_OFFLINE=os.environ.get("FFLAB_OFFLINE", "1"))
        log = home / "server.log"
        server, url = start_server(env, log)
        try:
            results, load = asyncio.run(_workshop(n, url, args, server.pid))
        finally:
            server.terminate()
            server.wait(30)
        tracebacks = log.read_text(errors="replace").count("Traceback")
        errors = [e for r in results for e in r.errors]
        row = (f"| {n} | {_spread([r.first_step_s for r in results if r.first_step_s is not None])} | "
               f"{_spread([r.first_point_s for r in results if r.first_point_s is not None])} | "
               f"{_spread([c for r in results for c in r.clicks_s])} | {sum(r.finished for r in results)} of {n} | "
               f"{len(errors)} + {tracebacks} | {load['server_peak_gb']:.2f} GB | {load['server_cores']:.2f} | "
               f"{load['browser_cores']:.2f} | {load['wall_s']:.0f} s |")
        rows.append(row)
        print(row, flush=True)
        sessions_with = Counter(e.splitlines()[0][:200] for r in results for e in set(r.errors))
        for error, count in Counter(e.splitlines()[0][:200] for e in errors).most_common(10):
            print(f"    browser, {count} times in {sessions_with[error]} session(s): {error}")
        if tracebacks:
            print(f"    {tracebacks} tracebacks in the server log: {log}")
    print(f"\nff / {args.preset}; browsers at niceness {args.browser_nice}; seconds as median / p95 / max")
    print("| sessions | click to first step shown, s | click to first point, s | click to status shown, s | runs finished | errors (browser + "
          "server) | server peak RSS | server CPU, cores | browsers' CPU, cores | all done in |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
