"""PII-03 over the whole run: every log line the suite produced is kept and grepped at the end.

The test processes log through the same redacting JSON formatter as production, at INFO (as
production does), into one file per pytest process; server processes started by tests
(tests/support/processes.py) add their output when they stop. After the run the controller
searches all of it for ID numbers, mobile numbers, the test applicants' names, tokens,
passwords and other secrets; one finding fails the run.
"""

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from services.common.logging import JsonFormatter
from tests.support.oauth import PASSWORD
from tests.support.requests import APPLICANT_NAME, APPLICANT_PHONE

ENV = "GONGKAI_TEST_LOG_DIR"

# What must never be in a log line.
PATTERNS: dict[str, re.Pattern[str]] = {
    # an 18-digit resident ID or a mainland mobile number standing alone
    "身份证号或手机号": re.compile(r"(?<![0-9A-Za-z.])(\d{17}[\dXx]|1[3-9]\d{9})(?![0-9A-Za-z])"),
    "JWT": re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
    "Authorization 头": re.compile(r"(?i)\b(bearer|basic)\s+(?!\[)[A-Za-z0-9._~+/=-]{8,}"),
    "口令或密钥字段": re.compile(
        r"(?i)\b(password|passwd|client_secret|refresh_token|access_token|code_verifier|"
        r"query_code|cookie)\b[\"']?\s*[:=]\s*[\"']?(?![\[<*])[^\s\"',;&}\]]{6,}"
    ),
    # a webhook signing secret (Standard Webhooks form), shown to its integrator once
    "推送签名密钥": re.compile(r"whsec_[A-Za-z0-9+/]{16,}"),
}
# Values the tests use that are personal data or secrets but match no pattern.
LITERALS = [APPLICANT_NAME, APPLICANT_PHONE, PASSWORD, "secret-cookie"]


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    what: str
    excerpt: str


def scan_lines(name: str, lines: Iterable[str]) -> Iterator[Finding]:
    for number, line in enumerate(lines, 1):
        for what, pattern in PATTERNS.items():
            match = pattern.search(line)
            if match:
                yield Finding(name, number, what, _excerpt(line, match.start(), match.end()))
        for literal in LITERALS:
            at = line.find(literal)
            if at >= 0:
                yield Finding(name, number, f"测试数据 {literal!r}", _excerpt(line, at, at))


def scan(directory: Path) -> list[Finding]:
    findings: list[Finding] = []
    for path in sorted(directory.glob("*.log")):
        with path.open(encoding="utf-8", errors="replace") as handle:
            findings.extend(scan_lines(path.name, handle))
    return findings


def _excerpt(line: str, start: int, end: int) -> str:
    return line[max(0, start - 60) : end + 60].strip()


def directory() -> Path | None:
    value = os.environ.get(ENV)
    return Path(value) if value else None


def keep_process_log(log: Path, label: str) -> None:
    """Add a server process's output to the run's logs (called when the process stops)."""
    target = directory()
    if target is None or not log.exists():
        return
    destination = target / f"process-{label}-{os.getpid()}-{log.stat().st_ino}.log"
    shutil.copyfile(log, destination)


def configure(config: pytest.Config) -> None:
    """Every pytest process writes what it logs to the run's directory."""
    if not hasattr(config, "workerinput"):  # the controller (or the only process)
        os.environ[ENV] = tempfile.mkdtemp(prefix="gongkai-logs-")
    folder = directory()
    if folder is None:
        return
    worker = getattr(config, "workerinput", {}).get("workerid", "main")
    handler = logging.FileHandler(folder / f"pytest-{worker}.log", encoding="utf-8")
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)  # what production logs


def finish(session: pytest.Session) -> None:
    """In the controller: grep everything; a finding fails the run."""
    if hasattr(session.config, "workerinput"):
        return
    folder = directory()
    if folder is None:
        return
    for handler in logging.getLogger().handlers:
        handler.flush()
    findings = scan(folder)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if findings:
        lines = [f"{f.file}:{f.line} {f.what}: …{f.excerpt}…" for f in findings[:20]]
        message = (
            f"PII-03：测试运行的日志中发现 {len(findings)} 处个人信息或凭据"
            f"（日志保存在 {folder}）：\n" + "\n".join(lines)
        )
        if reporter is not None:
            reporter.write("\n")
            reporter.write_line(message, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    size = sum(p.stat().st_size for p in folder.glob("*.log"))
    if reporter is not None:
        reporter.write("\n")
        reporter.write_line(
            f"PII-03：已检查测试运行的全部日志（{len(list(folder.glob('*.log')))} 个文件，"
            f"{size / 1024:.0f} KiB），未发现个人信息或凭据"
        )
    shutil.rmtree(folder, ignore_errors=True)
