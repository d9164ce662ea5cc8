"""Try the cockpit as a new user would, in a web browser: ``.venv/bin/python screenshots/browser.py``.

Starts ``clusterlab serve`` on a free port (with a throwaway ``CLUSTERLAB_DATA``), opens the page in
headless Chromium, drives the cockpit with real key presses (crash HV02, run the clock, next event,
F1 help, ctrl+p, the console, tab switching), checks what the terminal shows after each step, saves
PNG screenshots here (``browser-*.png``) and checks that two browser tabs are independent sessions.

Not part of the test run: it needs a Chromium and Playwright, which CI does not have. Once:

    apt-get install chromium                  # Debian/Ubuntu; or CHROMIUM=/path/to/chrome
    .venv/bin/pip install playwright          # no `playwright install`: the OS's Chromium is used

Exit status: 0 every check held, 1 a check failed (the screen text is printed), 2 Chromium or
Playwright missing, or the server did not start.

What it cannot show: a desktop browser keeps some shortcuts for itself before the page sees them
(ctrl+t, ctrl+w, ctrl+n in Chrome; ctrl+q quits Firefox on Linux; F1 may open the browser's help).
Headless Chromium has no such shortcuts, so those keys pass here. The cockpit has a way round
each: ? opens the help as F1 does, the ctrl+p palette toggles the theme (ctrl+t), q quits.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # else Chromium keeps calling home and logs refused connections
    "--disable-component-update",
    "--disable-sync",
]

#: textual-serve keeps its xterm.js Terminal in a closure; catch it when the page's terminal
#: wrapper assigns ``this.fitAddon`` (just after ``this.terminal``) so the checks can read the screen.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "fitAddon", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "fitAddon", {value, writable: true, configurable: true, enumerable: true});
    if (this.terminal && !window.__clusterlabTerminal) window.__clusterlabTerminal = this.terminal;
  },
});
"""

SCREEN_TEXT = """() => {
  const t = window.__clusterlabTerminal;
  if (!t) return null;
  const b = t.buffer.active, lines = [];
  for (let i = 0; i < t.rows; i++) {
    const line = b.getLine(b.viewportY + i);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
}"""


class CheckFailed(Exception):
    """What the browser showed was not what a user should see."""


def fail(message: str) -> None:
    print(f"browser.py: {message}", file=sys.stderr)


def find_chromium() -> str | None:
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(port: int, data: Path, log: Path) -> Iterator[str]:
    """``clusterlab serve --port PORT`` until the block ends; yields the page's URL."""
    env = {**os.environ, "CLUSTERLAB_DATA": str(data), "PYTHONUNBUFFERED": "1"}
    url = f"http://127.0.0.1:{port}/"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "clusterlab", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its app processes (one per tab) go with it
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"clusterlab serve exited with status {server.returncode}")
                try:
                    with urllib.request.urlopen(url, timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"clusterlab serve did not answer on {url} within 30 s")
                time.sleep(0.2)
            yield url
        finally:
            if server.poll() is None:
                server.send_signal(signal.SIGINT)  # textual-serve's own graceful exit
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait(timeout=5)
            print(f"clusterlab serve stopped (exit status {server.returncode})")


class Tab:
    """One browser tab on the served cockpit."""

    def __init__(self, page: Any, name: str, keep: frozenset[str] | None = None) -> None:
        self.page = page
        self.name = name
        self.keep = keep  # the screenshots to save (None: every one)

    def open(self, url: str) -> None:
        self.page.add_init_script(CATCH_TERMINAL)
        self.page.goto(url, timeout=30_000)
        start = self.page.locator("#start")  # textual-serve's Start button, shown only with ?delay
        if start.is_visible():
            start.click()
        self.wait_for(lambda s: "HVCLUS" in s and "Quorum" in s, "the cockpit (HVCLUS, Quorum)", timeout=30)
        self.focus()

    def focus(self) -> None:
        """Keyboard focus into xterm.js (a click would also select whatever row is under the mouse)."""
        self.page.bring_to_front()
        self.page.evaluate("() => window.__clusterlabTerminal.focus()")

    def screen(self) -> str:
        return str(self.page.evaluate(SCREEN_TEXT) or "")

    def wait_for(self, check: Callable[[str], bool], what: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if check(text):
                return text
            if time.monotonic() > deadline:
                print(f"--- {self.name}: the screen after {timeout:.0f} s ---\n{text}\n---", file=sys.stderr)
                raise CheckFailed(f"{self.name}: never showed {what}")
            time.sleep(0.2)

    def settled(self, quiet: float = 0.4, timeout: float = 5) -> str:
        """The screen once it has stopped changing (the app answers a key over a websocket)."""
        deadline = time.monotonic() + timeout
        text, since = self.screen(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            now = self.screen()
            if now != text:
                text, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                break
        return text

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            time.sleep(0.15)  # one key at a time, as a person types

    def type(self, text: str) -> None:
        self.page.keyboard.type(text, delay=20)

    def shot(self, name: str) -> None:
        if self.keep is not None and name.split("-")[1].split(".")[0] not in self.keep:
            return
        path = HERE / name
        time.sleep(0.4)  # let the last frame paint
        self.page.screenshot(path=str(path))
        print(f"saved {path.relative_to(ROOT)}")


def node_state(screen: str, node: str) -> str:
    """The State column of a node's row in the Nodes table ('' when the row is not on screen)."""
    for line in screen.splitlines():
        words = line.split()
        if len(words) > 1 and words[0] == node:
            return words[1]
    return ""


def tour(browser: Any, url: str, width: int, height: int, suffix: str, keep: frozenset[str] | None = None) -> None:
    """Drive one tab through a new user's first minutes; PNGs named browser-*{suffix}.png (only ``keep``'s)."""
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
    try:
        tab = Tab(context.new_page(), f"{width}x{height}", keep)
        tab.open(url)
        size = tab.page.evaluate("() => [window.__clusterlabTerminal.cols, window.__clusterlabTerminal.rows]")
        print(f"{tab.name}: the terminal is {size[0]}×{size[1]} cells")
        screen = tab.screen()
        if node_state(screen, "HV02") != "Up":
            raise CheckFailed(f"{tab.name}: HV02 is not Up at the start:\n{screen}")
        tab.shot(f"browser-start{suffix}.png")

        tab.press("Space")  # pause the clock: the rest happens on n
        tab.wait_for(lambda s: "PAUSED" in s, "PAUSED in the header after space")
        tab.press("ArrowDown", "c")  # HV02, crash it
        tab.wait_for(lambda s: "Invoke-LabFault -Node HV02" in s or "HV02" in s, "the crash echoed")
        for _ in range(6):  # next event, until the cluster has noticed
            if node_state(tab.settled(), "HV02") in ("Isolated", "Down"):
                break
            tab.press("n")
        screen = tab.wait_for(lambda s: node_state(s, "HV02") in ("Isolated", "Down"), "HV02 Isolated or Down")
        print(f"{tab.name}: after c and n, HV02 is {node_state(screen, 'HV02')}")
        tab.press("Tab")  # the Roles table: the footer changes to the role keys
        tab.wait_for(lambda s: "Migrate" in s or "Live" in s, "role keys in the footer after tab")
        tab.shot(f"browser-crash{suffix}.png")

        tab.press("F1")
        tab.wait_for(lambda s: "keys and words" in s, "the F1 help")
        tab.shot(f"browser-help{suffix}.png")
        tab.press("Escape")
        tab.wait_for(lambda s: "keys and words" not in s and "HVCLUS" in s, "the cockpit again after escape")
        tab.press("?")  # the help key for browsers that keep F1 to themselves
        tab.wait_for(lambda s: "keys and words" in s, "the help after ?")
        tab.press("Escape")
        tab.wait_for(lambda s: "keys and words" not in s, "the cockpit again after escape")

        tab.press("Control+p")
        tab.wait_for(lambda s: "Search for commands" in s, "the command palette after ctrl+p")
        tab.type("crash hv0")
        tab.wait_for(lambda s: "crash hv0" in s, "what was typed in the palette's search field")
        tab.shot(f"browser-palette{suffix}.png")
        tab.press("Escape")
        tab.wait_for(lambda s: "crash hv0" not in s, "the palette closed after escape")

        tab.press(":")
        tab.wait_for(lambda s: "PS HVCLUS>" in s, "the console prompt after :")
        tab.type("Get-ClusterNode")
        tab.press("Enter")
        screen = tab.wait_for(
            lambda s: "PS HVCLUS> Get-ClusterNode" in s and "---- -----" in s, "Get-ClusterNode's table"
        )
        tab.shot(f"browser-console{suffix}.png")
        tab.press("Escape")
        for _ in range(6):  # e cycles Events, Migrations, Storage, CAU, Lab, Console (below 160 columns)
            tab.press("e")
            if "Coordinator" in tab.settled():
                break
        tab.wait_for(lambda s: "Coordinator" in s and "★" in s, "the Storage view after e")
        tab.shot(f"browser-storage{suffix}.png")
    finally:
        context.close()


def independent_tabs(browser: Any, url: str) -> None:
    """Two tabs at once: a crash in one must not show in the other."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, device_scale_factor=1)
    try:
        first, second = Tab(context.new_page(), "tab 1"), Tab(context.new_page(), "tab 2")
        first.open(url)
        second.open(url)
        first.focus()
        first.press("Space", "ArrowDown", "c")
        for _ in range(6):
            if node_state(first.settled(), "HV02") in ("Isolated", "Down"):
                break
            first.press("n")
        crashed = first.wait_for(lambda s: node_state(s, "HV02") in ("Isolated", "Down"), "HV02 down in tab 1")
        time.sleep(1.0)
        other = second.screen()
        print(f"tab 1: HV02 {node_state(crashed, 'HV02')}; tab 2 at the same moment: HV02 {node_state(other, 'HV02')}")
        if node_state(other, "HV02") != "Up":
            raise CheckFailed(f"tab 2 is not independent of tab 1:\n{other}")
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, help="serve on this port (default: a free one)")
    args = parser.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        fail("no Chromium found (apt-get install chromium, or set CHROMIUM=/path/to/chrome)")
        return 2
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        fail("Playwright is not installed (.venv/bin/pip install playwright; no `playwright install` needed)")
        return 2
    with tempfile.TemporaryDirectory(prefix="clusterlab-browser-") as tmp:
        work = Path(tmp)
        (work / "data").mkdir()
        try:
            with serve(args.port or free_port(), work / "data", work / "serve.log") as url:
                print(f"clusterlab serve is up on {url}")
                with sync_playwright() as p:
                    try:
                        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
                    except PlaywrightError as exc:
                        fail(f"cannot start {chromium}: {exc.message.splitlines()[0]}")
                        return 2
                    try:
                        tour(browser, url, 1280, 800, "")
                        tour(browser, url, 800, 600, "-800x600", keep=frozenset({"start", "crash", "console"}))
                        independent_tabs(browser, url)
                    finally:
                        browser.close()
        except RuntimeError as exc:
            fail(str(exc))
            log = work / "serve.log"
            if log.is_file():
                sys.stderr.write(log.read_text(errors="replace")[-3000:])
            return 2
        except CheckFailed as exc:
            fail(str(exc))
            return 1
        except PlaywrightError as exc:
            fail(f"the browser failed: {exc.message.splitlines()[0]}")
            return 1
    print("every check held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
