"""A small driver for headless Chromium over the DevTools protocol on a pipe
(--remote-debugging-pipe: JSON messages ending in NUL on file descriptors 3 and 4), so the
end-to-end test needs no WebSocket client and no browser-automation package. Also serves an ASGI
app with uvicorn on a free local port for the browser to open.

CALLWATCH_WRITE_SCREENSHOT=1 makes the end-to-end test refresh docs/webapp-umea.png.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BINARY = (
    shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
)
WRITE_SCREENSHOT = os.environ.get("CALLWATCH_WRITE_SCREENSHOT") == "1"
TIMEOUT = 30.0


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run the app with uvicorn in a thread; yields its base URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + TIMEOUT
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def _high(fd: int) -> int:
    import fcntl

    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved


class Browser:
    """One page in a headless Chromium; every console message and error is collected."""

    def __init__(self, profile: Path) -> None:
        self.profile = profile
        self.next_id = 0
        self.replies: dict[int, dict] = {}
        self.events: list[dict] = []
        self.cond = threading.Condition()

    def __enter__(self) -> Browser:
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # the child's ends above fd 9, so moving them to 3 and 4 cannot clobber one with the other
        to_child_r, from_child_w = (_high(fd) for fd in (to_child_r, from_child_w))
        # the child reads commands on fd 3 and writes replies on fd 4; a tiny Python launcher
        # puts the pipe ends there (no preexec_fn in a process that has threads)
        args = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-quic", "--disable-extensions", f"--user-data-dir={self.profile}",
            "--remote-debugging-pipe", "about:blank",
        ]  # fmt: skip
        launcher = (
            "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
            "os.execv(sys.argv[3], sys.argv[3:])"
        )
        assert BINARY is not None, "no headless Chromium here"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", launcher, str(to_child_r), str(from_child_w), BINARY, *args],
            pass_fds=(to_child_r, from_child_w),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        threading.Thread(target=self._read, daemon=True).start()
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=True)
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):  # closing anyway
            self.send("Browser.close")
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._to_child)

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_child, 65536)
            except OSError:
                return
            if not chunk:
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                with self.cond:
                    if "id" in msg:
                        self.replies[msg["id"]] = msg
                    else:
                        self.events.append(msg)
                    self.cond.notify_all()

    def send(self, method: str, session: bool = False, **params: Any) -> dict:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        with self.cond:
            ok = self.cond.wait_for(lambda: self.next_id in self.replies, TIMEOUT)
            if not ok:
                raise TimeoutError(method)
            reply = self.replies.pop(self.next_id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def eval(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate", session=True, expression=expression, returnByValue=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def _wait_loaded(self, before: str | None = None) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                state, href = self.eval("[document.readyState, location.href]")
            except RuntimeError:  # the page is being replaced
                state, href = "", before
            if state == "complete" and href != before and href != "about:blank":
                return
            time.sleep(0.05)
        raise TimeoutError("page did not load")

    def goto(self, url: str) -> None:
        before = self.eval("location.href")
        self.send("Page.navigate", session=True, url=url)
        self._wait_loaded(None if before == url else before)

    def fill(self, selector: str, value: str) -> None:
        self.eval(f"document.querySelector({json.dumps(selector)}).value = {json.dumps(value)}")

    def click(self, selector: str) -> None:
        """Click; if that starts a navigation, wait until the next page has loaded."""
        before = self.eval("location.href")
        self.eval(f"document.querySelector({json.dumps(selector)}).click()")
        time.sleep(0.1)
        if self.eval("location.href") != before or self.eval("document.readyState") != "complete":
            self._wait_loaded(before)
            return
        # a form posting back to the same URL, or a radio button: give a navigation a moment
        time.sleep(0.3)
        if self.eval("document.readyState") != "complete":
            self._wait_loaded(None)

    def path(self) -> str:
        return self.eval("location.pathname")

    def text(self) -> str:
        return self.eval("document.body.innerText")

    def screenshot(self, width: int = 1000) -> bytes:
        height = self.eval("document.documentElement.scrollHeight")
        self.send(
            "Emulation.setDeviceMetricsOverride", session=True, width=width,
            height=min(int(height), 4000), deviceScaleFactor=1, mobile=False,
        )  # fmt: skip
        data = self.send("Page.captureScreenshot", session=True, format="png")["data"]
        self.send("Emulation.clearDeviceMetricsOverride", session=True)
        return base64.b64decode(data)

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and browser log errors (CSP violations, failed
        loads) seen so far."""
        out = []
        with self.cond:
            events = list(self.events)
        for e in events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append(str(p.get("exceptionDetails", {}).get("text")))
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(json.dumps(p.get("args"))[:300])
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append(
                    f"{p['entry'].get('source')}: {p['entry'].get('text')} {p['entry'].get('url', '')}"
                )
        return out
