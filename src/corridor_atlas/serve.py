"""Run the app as ``streamlit run app.py`` on a free loopback port, and stop it.

The browser tests, the benchmark and the load scripts all start the app this way:
:func:`start_app` launches the server as a subprocess, waits until ``/_stcore/health``
answers, and returns an :class:`AppServer`; :func:`run_app` does the same as a context
manager that stops the server on the way out. Streamlit itself is never imported here.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

__all__ = ["HEALTH_PATH", "HOST", "AppServer", "ServerError", "app_command", "free_port",
           "healthy", "run_app", "start_app", "wait_healthy"]

HOST = "127.0.0.1"
HEALTH_PATH = "/_stcore/health"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
POLL_S = 0.2


class ServerError(RuntimeError):
    """The app server exited or did not answer its health check in time."""


def free_port(host: str = HOST) -> int:
    """A TCP port on ``host`` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def healthy(url: str, timeout: float = 2.0) -> bool:
    """True when ``url`` answers 200; no proxy from the environment is used."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def app_command(app: Path, port: int, host: str = HOST,
                extra_args: Sequence[str] = ()) -> list[str]:
    """The command line that serves ``app`` on ``host:port`` without opening a browser."""
    return [sys.executable, "-m", "streamlit", "run", str(app),
            "--server.port", str(port), "--server.address", host,
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            *extra_args]


def wait_healthy(url: str, alive: Callable[[], bool], timeout: float,
                 what: str = "the app server") -> None:
    """Poll ``url`` until it answers; raise :class:`ServerError` when ``alive()`` turns
    false or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while not healthy(url):
        if not alive():
            raise ServerError(f"{what} exited before {url} answered")
        if time.monotonic() > deadline:
            raise ServerError(f"{what} did not answer {url} within {timeout:.0f} s")
        time.sleep(POLL_S)


@dataclass
class AppServer:
    """One running app process."""

    proc: subprocess.Popen[bytes]
    port: int
    host: str
    log: IO[bytes]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def running(self) -> bool:
        return self.proc.poll() is None

    def log_tail(self, limit: int = 4000) -> str:
        """The end of what the server printed."""
        with contextlib.suppress(ValueError, OSError):  # ValueError: the log is closed
            self.log.flush()
            self.log.seek(0)
            return self.log.read().decode("utf-8", "replace")[-limit:] or "(no output)"
        return "(no output)"

    def kill(self) -> None:
        """Stop the process at once (SIGKILL), as a crash would."""
        if self.running():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=STOP_TIMEOUT_S)

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """SIGTERM, then SIGKILL if it has not exited within ``timeout`` seconds."""
        if self.running():
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=timeout)
        self.log.close()


def start_app(root: Path, app: str = "app.py", *, port: int | None = None,
              host: str = HOST, env: Mapping[str, str] | None = None,
              timeout: float = START_TIMEOUT_S, extra_args: Sequence[str] = ()) -> AppServer:
    """Start ``streamlit run root/app`` and wait until it is healthy.

    ``env`` adds to (or overrides) the server's environment. Raises :class:`ServerError`,
    whose message ends with the server's output, when it does not come up.
    """
    port = free_port(host) if port is None else port
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by AppServer.stop
    proc = subprocess.Popen(app_command(Path(root) / app, port, host, extra_args), cwd=root,
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            env={**os.environ, **(env or {})})
    server = AppServer(proc, port, host, log)
    try:
        wait_healthy(server.url + HEALTH_PATH, server.running, timeout)
    except BaseException as err:
        tail = server.log_tail()
        server.stop()
        if isinstance(err, ServerError):
            raise ServerError(f"{err}; exit code {proc.returncode}:\n{tail}") from None
        raise
    return server


@contextlib.contextmanager
def run_app(root: Path, app: str = "app.py", **kwargs: object) -> Iterator[AppServer]:
    """:func:`start_app` as a context manager: the server is stopped on the way out."""
    server = start_app(root, app, **kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()
