"""Starting and stopping the app server (``corridor_atlas.serve``)."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from corridor_atlas import serve


def test_free_port_can_be_bound():
    port = serve.free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((serve.HOST, port))


def test_nothing_listening_is_not_healthy():
    assert serve.healthy(f"http://{serve.HOST}:{serve.free_port()}{serve.HEALTH_PATH}") is False


def test_the_command_serves_headless_on_loopback_without_usage_statistics():
    cmd = serve.app_command(Path("/srv/app.py"), 8600)
    assert cmd[:4] == [sys.executable, "-m", "streamlit", "run"]
    flags = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert flags == {"--server.port": "8600", "--server.address": "127.0.0.1",
                     "--server.headless": "true", "--browser.gatherUsageStats": "false"}


def test_a_server_that_cannot_start_is_reported_with_its_output(tmp_path: Path):
    with pytest.raises(serve.ServerError, match=r"exited(.|\n)*File does not exist"):
        serve.start_app(tmp_path, "missing.py")


def test_run_app_serves_until_the_block_ends(tmp_path: Path):
    (tmp_path / "hello.py").write_text("import streamlit as st\nst.write('hello')\n")
    with serve.run_app(tmp_path, "hello.py") as server:
        assert server.running()
        assert serve.healthy(server.url + serve.HEALTH_PATH)
    assert not server.running()
    assert not serve.healthy(server.url + serve.HEALTH_PATH)


def test_a_killed_server_is_gone_at_once(tmp_path: Path):
    (tmp_path / "hello.py").write_text("import streamlit as st\nst.write('hello')\n")
    server = serve.start_app(tmp_path, "hello.py")
    try:
        server.kill()
        assert server.proc.returncode == -9
    finally:
        server.stop()
