"""Headless Debian Chromium for end-to-end tests: one-shot runs (--dump-dom, --screenshot) and a
page driven over the DevTools protocol on a pipe (--remote-debugging-pipe: no port, no extra package)."""
import json
import os
import pathlib
import select
import shutil
import subprocess
import time

# Headless and offline: without the background-networking flags Chromium calls home.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--disable-extensions"]


def binary() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "headless Chromium is missing: `make test-tools` (bash scripts/system.sh browser) installs it"
    return found


def run(profile: pathlib.Path, url: str, *args: str) -> str:
    """One Chromium run over url (e.g. with --dump-dom); its stdout."""
    done = subprocess.run([binary(), *FLAGS, f"--user-data-dir={profile}", *args, url],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"chromium failed ({done.returncode}): {done.stderr[-2000:]}"
    return done.stdout


class Page:
    """One tab; evaluate() runs JavaScript in it (awaiting a returned promise) and gives back the value."""

    def __init__(self, profile: pathlib.Path, url: str, timeout: float = 60):
        """Opens url once Chromium is attached, so no evaluate() runs in the blank page it starts with."""
        self.timeout, self.next_id, self.buffer = timeout, 0, b""
        to_chrome, self.commands = os.pipe()
        self.answers, from_chrome = os.pipe()

        # DevTools reads commands from fd 3 and writes answers to fd 4: bash puts the pipes there
        redirect = f'exec "$@" 3<&{to_chrome} 4>&{from_chrome} {to_chrome}<&- {from_chrome}>&-'
        self.process = subprocess.Popen(
            ["/bin/bash", "-c", redirect, "bash", binary(), *FLAGS, f"--user-data-dir={profile}",
             "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(to_chrome, from_chrome))
        os.close(to_chrome)
        os.close(from_chrome)
        target = next(t for t in self.send("Target.getTargets")["targetInfos"] if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", targetId=target["targetId"], flatten=True)["sessionId"]
        navigated = self.send("Page.navigate", self.session, url=url)
        assert "errorText" not in navigated, f"{url}: {navigated['errorText']}"

    def send(self, method: str, session: str | None = None, **params) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                answer = json.loads(raw)
                if answer.get("id") == self.next_id:
                    assert "error" not in answer, f"{method}: {answer['error']}"
                    return answer["result"]
            left = deadline - time.monotonic()
            assert left > 0, f"{method}: no answer from Chromium in {self.timeout}s"
            if select.select([self.answers], [], [], left)[0]:
                chunk = os.read(self.answers, 1 << 16)
                assert chunk, "Chromium closed the DevTools pipe"
                self.buffer += chunk

    def evaluate(self, script: str):
        result = self.send("Runtime.evaluate", self.session, expression=script, awaitPromise=True,
                           returnByValue=True, timeout=int(self.timeout * 1000))
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except AssertionError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.commands)
        os.close(self.answers)
