"""A PostgreSQL server of a test's own, so the test may stop and restart it.

The shared server (GONGKAI_TEST_POSTGRES_URL) serves every other test and must never be
restarted. initdb refuses to run as root, so the cluster belongs to the ``postgres`` user
(tests run as root in CI) and lives in a directory of its own under the system temp dir.
"""

import asyncio
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import asyncpg

from tests.support.processes import free_port

BIN_DIRS = [Path("/usr/local/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"))]


def _binary(name: str) -> Path | None:
    for folder in BIN_DIRS:
        if (folder / name).is_file():
            return folder / name
    found = shutil.which(name)
    return Path(found) if found else None


def unavailable() -> str | None:
    """Why a private cluster cannot be made here, or None."""
    missing = [n for n in ("initdb", "postgres") if _binary(n) is None]
    if missing:
        return f"找不到 PostgreSQL 程序：{'、'.join(missing)}（需要 initdb 与 postgres）"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "以 root 运行时需要 postgres 用户来运行 initdb（initdb 拒绝以 root 运行）"
    return None


class PrivatePostgres:
    """initdb, start, stop (fast or immediate) and restart a throw-away cluster."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="gongkai-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.log_path = self.root / "postgres.log"
        self.proc: subprocess.Popen[bytes] | None = None
        # as root: run everything as the postgres user, in a directory it owns
        self._as: dict[str, object] = {}
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self._as = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> "PrivatePostgres":
        subprocess.run(
            [str(_binary("initdb")), "-D", str(self.data), "-U", "postgres", "--auth=trust",
             "--encoding=UTF8", "--locale=C", "--no-sync"],
            check=True, capture_output=True, cwd=self.root, **self._as,  # type: ignore[call-overload]
        )  # fmt: skip
        return self

    def start(self, timeout: float = 60) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [str(_binary("postgres")), "-D", str(self.data), "-p", str(self.port),
                 "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.root}",
                 "-c", "fsync=off", "-c", "max_connections=200", "-c", "shared_buffers=32MB"],
                stdout=log, stderr=subprocess.STDOUT, cwd=self.root, **self._as,  # type: ignore[call-overload]
            )  # fmt: skip
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"postgres exited:\n{self.log()}")
            try:
                asyncio.run(self._ping())
                return
            except (OSError, asyncpg.PostgresError, TimeoutError):
                time.sleep(0.1)
        raise TimeoutError(f"private PostgreSQL not ready after {timeout}s:\n{self.log()}")

    async def _ping(self) -> None:
        conn = await asyncio.wait_for(asyncpg.connect(self.admin_url), timeout=2)
        await conn.close()

    def stop(self, *, immediate: bool = False) -> None:
        """Fast shutdown (SIGINT: sessions are cut, a checkpoint is written) or immediate
        (SIGQUIT: like a crash, recovery replays the WAL on the next start)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGQUIT if immediate else signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def restart(self, *, immediate: bool = False, down_for: float = 0.0) -> None:
        self.stop(immediate=immediate)
        time.sleep(down_for)
        self.start()

    async def execute(self, sql: str, database: str = "postgres") -> None:
        conn = await asyncpg.connect(self.url(database))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
