"""``gongkai serve`` as an operator runs it: migrations, then one process on IPv6 and IPv4."""

import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.processes import ROOT, ServerProcess, free_port

pytestmark = pytest.mark.slow


def _ipv6_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


def test_serve_on_ipv6_and_ipv4(tmp_path: Path) -> None:
    if not _ipv6_available():
        pytest.fail("这台机器没有 IPv6 回环地址 ::1，无法验证 IPv6 监听")
    env = {"GONGKAI_DATA_DIR": str(tmp_path / "data"), "GONGKAI_ENVIRONMENT": "development"}
    migrate = subprocess.run(
        [sys.executable, "-m", "gongkai", "migrate"],
        env={**ServerProcess([], env=env, log=tmp_path / "x").env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    port = free_port("::")
    server = ServerProcess(
        ["serve", "--host", "::", "--port", str(port)], env=env, log=tmp_path / "serve.log"
    ).start()
    try:
        server.wait_ready(f"http://[::1]:{port}/readyz")
        for base in (f"http://[::1]:{port}", f"http://127.0.0.1:{port}"):
            response = httpx.get(f"{base}/api/v1/catalog", timeout=5)
            assert response.status_code == 200, base
            assert "server" not in response.headers
    finally:
        server.stop()
