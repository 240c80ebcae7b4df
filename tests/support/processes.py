"""Real server processes on loopback for end-to-end tests."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx

from tests.support import logcheck

ROOT = Path(__file__).resolve().parents[2]


def free_port(host: str = "127.0.0.1") -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """``python -m gongkai …`` in a subprocess, with its output kept in a log file."""

    def __init__(
        self, args: Sequence[str], *, env: Mapping[str, str], log: Path, cwd: Path | None = None
    ) -> None:
        self.args = list(args)
        self.env = {**_clean_env(), **env}
        self.log_path = log
        self.cwd = cwd or ROOT
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> "ServerProcess":
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gongkai", *self.args],
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    # Starting costs ~8 CPU-seconds of imports; with four processes starting at once on a
    # loaded two-core machine (load 12-19) 90 s was not enough (measured, 2026-11-23).
    def wait_ready(self, url: str, timeout: float = 300.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{url} not ready after {timeout}s:\n{self.log()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None:
            logcheck.keep_process_log(self.log_path, self.args[0])  # grepped after the run

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_")}
    env["PYTHONUNBUFFERED"] = "1"
    return env
