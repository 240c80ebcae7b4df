"""The distributed mode as real processes: each service and the gateway on its own port.

Unlike the fixture of tests/e2e/test_distributed.py, a ``ProcessCluster`` can kill, restart
and reconfigure one service while the others keep running (the fault tests).
"""

import os
import shutil
import signal
from collections.abc import Mapping
from pathlib import Path

from gateway.services import SERVICES
from tests.support.processes import ServerProcess, free_port


class ProcessCluster:
    def __init__(self, data_dir: Path, database_urls: Mapping[str, str], **env: str) -> None:
        self.data_dir = data_dir
        self.ports = {e.name: free_port() for e in SERVICES}
        self.urls = {name: f"http://127.0.0.1:{port}" for name, port in self.ports.items()}
        self.gateway_url = f"http://127.0.0.1:{free_port()}"
        self.env = {
            "GONGKAI_ENVIRONMENT": "test",
            "GONGKAI_DATA_DIR": str(data_dir),
            "GONGKAI_LOG_FORMAT": "json",
            **{f"GONGKAI_{n.upper()}_URL": url for n, url in self.urls.items()},
            **{f"GONGKAI_{n.upper()}_DATABASE_URL": u for n, u in database_urls.items()},
            **env,
        }
        self.extra: dict[str, dict[str, str]] = {}
        self.processes: dict[str, ServerProcess] = {}

    def _process(self, name: str) -> ServerProcess:
        env = {**self.env, **self.extra.get(name, {})}
        log = self.data_dir / f"{name}.log"
        if name == "gateway":
            port = self.gateway_url.rsplit(":", 1)[1]
            return ServerProcess(["serve", "--port", port], env=env, log=log)
        return ServerProcess(
            ["serve-service", name, "--port", str(self.ports[name])], env=env, log=log
        )

    def url(self, name: str) -> str:
        return self.gateway_url if name == "gateway" else self.urls[name]

    def start(self) -> "ProcessCluster":
        for entry in SERVICES:
            self.processes[entry.name] = self._process(entry.name).start()
        for entry in SERVICES:
            self.processes[entry.name].wait_ready(self.urls[entry.name] + "/readyz")
        self.processes["gateway"] = self._process("gateway").start()
        self.processes["gateway"].wait_ready(self.gateway_url + "/readyz")
        return self

    def start_one(self, name: str, **extra: str) -> None:
        """(Re)start one process, with ``extra`` variables on top of the cluster's."""
        self.stop_one(name)
        self.extra[name] = dict(extra)
        self.processes[name] = self._process(name).start()
        self.processes[name].wait_ready(self.url(name) + "/readyz")

    def ensure(self, name: str, **extra: str) -> None:
        """Running with exactly these extra variables (restarted only when it is not)."""
        process = self.processes.get(name)
        running = process is not None and process.proc is not None and process.proc.poll() is None
        if not running or self.extra.get(name, {}) != extra:
            self.start_one(name, **extra)

    def ensure_running(self, name: str) -> None:
        """Running, in whatever configuration it was last started with."""
        process = self.processes.get(name)
        if process is None or process.proc is None or process.proc.poll() is not None:
            self.start_one(name, **self.extra.get(name, {}))

    def kill(self, name: str) -> None:
        """SIGKILL: no shutdown, no goodbye (a crash)."""
        process = self.processes[name]
        if process.proc is not None and process.proc.poll() is None:
            os.kill(process.proc.pid, signal.SIGKILL)
            process.proc.wait()

    def stop_one(self, name: str) -> None:
        if name in self.processes:
            self.processes[name].stop()

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()

    def pid(self, name: str) -> int:
        proc = self.processes[name].proc
        assert proc is not None
        return proc.pid

    def log(self, name: str) -> str:
        return self.processes[name].log()

    def remove_data(self) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)
