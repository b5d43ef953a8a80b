"""Several app processes ("replicas") behind nginx on loopback, as a deployment runs them.

    python scripts/replicas.py --replicas 2 --port 8501   # serve until Ctrl-C

nginx (Debian: ``apt-get install nginx``) listens on the port given, keeps each client
address on one replica (``ip_hash``) and passes WebSocket upgrades; its configuration is
``scripts/nginx-replicas.conf``. With ``--replicas 1`` no nginx is started and the one app
process listens on the port itself. The load scripts use :func:`replicas` the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from corridor_atlas import serve  # noqa: E402

CONF = Path(__file__).with_name("nginx-replicas.conf")
NGINX_START_TIMEOUT_S = 20.0


@dataclass
class Cluster:
    """The app processes, and nginx in front of them when there are several."""

    url: str
    servers: list[serve.AppServer]
    nginx: subprocess.Popen[bytes] | None = None
    run_dir: Path | None = None
    by_address: dict[str, int] = field(default_factory=dict)  # "127.0.0.1:port" → index

    def pids(self) -> list[int]:
        return [s.pid for s in self.servers]


def find_nginx() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None)
    if found is None:
        raise RuntimeError("nginx not found: apt-get install nginx")
    return found


def nginx_config(run_dir: Path, listen: str, upstreams: list[str]) -> str:
    """``nginx-replicas.conf`` filled in: ``listen`` is host:port, upstreams host:port each."""
    text = CONF.read_text(encoding="utf-8")
    servers = "\n".join(f"    server {u} max_fails=1 fail_timeout=10s;" for u in upstreams)
    text = (text.replace("@RUN_DIR@", str(run_dir)).replace("@LISTEN@", listen)
            .replace("@SERVERS@", servers))
    if os.geteuid() == 0:  # root's workers would run as "nobody" and miss the run dir
        text = "user root;\n" + text
    return text


def start_nginx(run_dir: Path, port: int, upstreams: list[str]) -> subprocess.Popen[bytes]:
    conf = run_dir / "nginx.conf"
    conf.write_text(nginx_config(run_dir, f"{serve.HOST}:{port}", upstreams), encoding="utf-8")
    with (run_dir / "stderr.log").open("wb") as err:
        proc = subprocess.Popen([find_nginx(), "-c", str(conf), "-g", "daemon off;"],
                                stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL)
    try:
        serve.wait_healthy(f"http://{serve.HOST}:{port}{serve.HEALTH_PATH}",
                           lambda: proc.poll() is None, NGINX_START_TIMEOUT_S, "nginx")
    except serve.ServerError as err:
        stop_process(proc)
        logs = [run_dir / "stderr.log", run_dir / "error.log"]
        text = "".join(log.read_text() for log in logs if log.exists())
        raise serve.ServerError(f"{err}:\n{text}") from None
    return proc


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=serve.STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=serve.STOP_TIMEOUT_S)


@contextlib.contextmanager
def replicas(count: int, *, port: int | None = None,
             env: Mapping[str, str] | None = None) -> Iterator[Cluster]:
    """Start ``count`` app processes (and nginx if more than one); stop them all after."""
    if count < 1:
        raise ValueError("at least one replica")
    with contextlib.ExitStack() as stack:
        if count == 1:
            server = stack.enter_context(serve.run_app(ROOT, port=port, env=env))
            yield Cluster(server.url, [server], by_address={f"{server.host}:{server.port}": 0})
            return
        servers = [stack.enter_context(serve.run_app(ROOT, env=env)) for _ in range(count)]
        upstreams = [f"{s.host}:{s.port}" for s in servers]
        run_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="atlas-nginx-")))
        front = serve.free_port() if port is None else port
        nginx = start_nginx(run_dir, front, upstreams)
        stack.callback(stop_process, nginx)
        yield Cluster(f"http://{serve.HOST}:{front}", servers, nginx, run_dir,
                      {u: i for i, u in enumerate(upstreams)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8501)
    args = parser.parse_args(argv)
    with replicas(args.replicas, port=args.port) as cluster:
        for i, server in enumerate(cluster.servers):
            print(f"replica {i}: {server.url} (pid {server.pid})")
        print(f"open {cluster.url}/ — Ctrl-C stops everything", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
    return 0


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)  # stop the replicas and nginx on the way out
    sys.exit(main())
