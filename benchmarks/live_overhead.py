"""What watching costs: the same run from a page in headless Chromium and from the CLI, alternately, in one go.

    .venv/bin/python benchmarks/live_overhead.py [--experiment ff --preset digits-quick --pairs 3]

For each pair it trains the run once headless (`python -m fflab run`) and once from the page of a real
`streamlit run app.py` (Debian's Chromium via Playwright), and reads each run's training time from the
run store (`elapsed_s`: training only, both ways). While the page trains it samples the main chart:
how many times a second its newest point moved (the redraw rate the viewer sees); after the run it
clicks Pause on a second run and times, inside the page, how long the page takes to say "paused". Prints the medians and
the ratio page ÷ headless (1.0: watching is free).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
PAGES = {"ff": ("forward_forward", "chart-goodness-means"), "fastweights-delay": ("fast_weights", "fw-delay-loss")}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], log: Path | None = None) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` on a free loopback port (its output to `log`, else dropped); waits until healthy."""
    port = _port()
    out = log.open("w") if log else subprocess.DEVNULL
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                               "--server.address", "127.0.0.1", "--server.headless", "true"],
                              cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return server, url
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError(f"streamlit did not start{f'; its log: {log}' if log else ''}")


def _latest_elapsed(env: dict[str, str]) -> float:
    out = subprocess.run([sys.executable, "-c", "from fflab.store import RunStore; import json; "
                          "r = RunStore().list_runs()[0]; print(json.dumps([r.elapsed_s, r.status]))"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    elapsed, status = json.loads(out.stdout)
    if status != "finished":
        raise RuntimeError(f"the run ended {status}")
    return elapsed


def _headless(args, env) -> float:
    subprocess.run([sys.executable, "-m", "fflab", "run", args.experiment, "--preset", args.preset, "--quiet"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return _latest_elapsed(env)


def _status(page, experiment: str) -> str:
    return page.locator(f".st-key-status-{experiment}").inner_text()


def _last_x(page, key: str) -> float:
    return page.evaluate(f"""() => {{ const gd = document.querySelector(".st-key-{key} .js-plotly-plot");
        if (!gd || !gd.data || !gd.data.length || !gd.data[0].x) return 0;
        const x = gd.data[0].x; return x.length ? x[x.length - 1] : 0; }}""") or 0


def _idle(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")


def _from_page(args, url, page, env) -> tuple[float, float]:
    slug, chart = PAGES[args.experiment]
    page.goto(f"{url}/{slug}?preset={args.preset}")
    _idle(page)
    page.get_by_role("button", name="Start", exact=True).click()
    moves, last, began = 0, None, None
    while "finished" not in _status(page, args.experiment):
        x = _last_x(page, chart)
        if x and last is not None and x != last:
            moves += 1
            began = began or time.monotonic()
        last = x if x else last
        time.sleep(0.05)
    seconds = time.monotonic() - began if began else 0.0
    return _latest_elapsed(env), moves / seconds if seconds > 0 else 0.0


# Records, in the page, when the status first shows `word` (performance.now(), the page's own clock).
WATCH_STATUS = """([cls, word]) => { window.__shown = null; const box = () => document.querySelector(cls);
    const seen = () => { if (window.__shown === null && (box() || {}).innerText?.includes(word))
        window.__shown = performance.now(); };
    if (window.__watch) window.__watch.disconnect();
    window.__watch = new MutationObserver(seen);
    window.__watch.observe(document.body, {subtree: true, childList: true, characterData: true}); }"""


def click_latency(page, button: str, status_class: str, word: str) -> float:
    """Seconds from a click on the button (where it is now, as a hand would click: Playwright's own click waits
    for the page to hold still first) to the status showing `word`, timed inside the page."""
    page.evaluate(WATCH_STATUS, [status_class, word])
    box = page.get_by_role("button", name=button, exact=True).bounding_box()
    clicked = page.evaluate("performance.now()")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => window.__shown !== null", polling=20)
    return (page.evaluate("window.__shown") - clicked) / 1000


def _pause_latency(args, url, page) -> float:
    slug, _ = PAGES[args.experiment]
    page.goto(f"{url}/{slug}?preset={args.preset}&steps=1000000&epochs=0")
    _idle(page)
    page.get_by_role("button", name="Start", exact=True).click()
    status = f".st-key-status-{args.experiment}"
    page.wait_for_function(f"() => (document.querySelector('{status}') || {{}}).innerText?.includes('running')")
    time.sleep(2)
    latency = click_latency(page, "Pause", status, "paused")
    page.get_by_role("button", name="Stop", exact=True).click()
    page.wait_for_function(f"() => (document.querySelector('{status}') || {{}}).innerText?.includes('stopped')")
    return latency


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--experiment", default="ff", choices=sorted(PAGES))
    parser.add_argument("--preset", default="digits-quick")
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="fflab-live-overhead-")
    env = dict(os.environ, FFLAB_HOME=home, FFLAB_OFFLINE=os.environ.get("FFLAB_OFFLINE", "1"))
    from playwright.sync_api import sync_playwright

    server, url = start_server(env)
    headless, paged, redraws, pauses = [], [], [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.set_default_timeout(600_000)
            for i in range(args.pairs):
                headless.append(_headless(args, env))
                seconds, rate = _from_page(args, url, page, env)
                paged.append(seconds)
                redraws.append(rate)
                pauses.append(_pause_latency(args, url, page))
                print(f"pair {i + 1}: headless {headless[-1]:.2f} s, page {paged[-1]:.2f} s, "
                      f"chart moved {rate:.1f}/s, Pause shown after {pauses[-1] * 1000:.0f} ms", flush=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    h, g = statistics.median(headless), statistics.median(paged)
    print(f"\n{args.experiment} / {args.preset}, {args.pairs} pairs (medians): headless {h:.2f} s, page {g:.2f} s; "
          f"page speed ÷ headless speed {h / g:.2f}; chart moved {statistics.median(redraws):.1f} times/s; "
          f"Pause shown after {statistics.median(pauses) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
