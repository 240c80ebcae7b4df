"""PII-03 over the whole run (tests/support/logcheck.py): the capture is on, server processes'
output is kept, and the grep finds what it must and only that."""

import logging
import subprocess
import sys
import uuid
from pathlib import Path

from services.common.logging import redact
from services.documents.webhooks.signing import new_secret
from tests.support import logcheck
from tests.support.oauth import PASSWORD
from tests.support.processes import ServerProcess
from tests.support.requests import APPLICANT_ID, APPLICANT_NAME, APPLICANT_PHONE
from tests.support.tokens import TokenMinter


def findings(line: str) -> list[str]:
    return [f.what for f in logcheck.scan_lines("x.log", [line])]


def test_the_grep_finds_personal_data_tokens_and_passwords(tokens: TokenMinter) -> None:
    token = tokens.mint(subject="applicant-1", roles=["applicant"])
    assert findings(f"applicant {APPLICANT_ID} submitted") == ["身份证号或手机号"]
    assert findings(f"call me on {APPLICANT_PHONE[:3]}00000000") == ["身份证号或手机号"]
    assert "JWT" in findings(f"token={token}")
    assert "Authorization 头" in findings("Authorization: Bearer abcdefghijklmnop")
    assert "口令或密钥字段" in findings('{"password": "hunter2hunter2"}')
    assert "口令或密钥字段" in findings("client_secret=s3cr3t-value&grant_type=x")
    assert findings(f"login failed for {PASSWORD!r}")
    assert findings(f"subscription created {new_secret()}") == ["推送签名密钥"]
    assert findings(f"name={APPLICANT_NAME}")


def test_the_grep_passes_what_redaction_and_hashes_leave() -> None:
    for line in [
        redact(f"applicant {APPLICANT_ID}, phone {APPLICANT_PHONE}, Bearer abcdefghijk123"),
        "sha256 3f786850e387550fdab836ed7e6dc881de23001b3fa2e1c5a6e1e5b9b2f0c8d1",
        "duration_ms 0.139123456789",
        "request id 1a2b3c4d-0000-4000-8000-139123456780",
        '{"password": "[已隐去]", "refresh_token": "<redacted>"}',
    ]:
        assert findings(line) == [], line


def test_this_process_logs_are_captured_redacted(tokens: TokenMinter) -> None:
    folder = logcheck.directory()
    assert folder is not None
    assert folder.is_dir()
    marker = uuid.uuid4().hex
    token = tokens.mint(subject="applicant-2", roles=["applicant"])
    logging.getLogger("gongkai.test").info("marker %s id %s token %s", marker, APPLICANT_ID, token)
    written = "".join(p.read_text("utf-8") for p in folder.glob("pytest-*.log"))
    line = next(line for line in written.splitlines() if marker in line)
    assert APPLICANT_ID not in line
    assert token not in line
    assert not findings(line)


def test_server_process_output_is_kept_when_it_stops(tmp_path: Path) -> None:
    folder = logcheck.directory()
    assert folder is not None
    log = tmp_path / "server.log"
    process = ServerProcess(["serve"], env={}, log=log)
    with log.open("ab") as output:  # a stand-in for the server: its output is what matters
        process.proc = subprocess.Popen(
            [sys.executable, "-c", "print('Gongkai 日志')"], stdout=output
        )
    process.proc.wait(timeout=60)
    process.stop()
    kept = list(folder.glob(f"process-serve-*-{log.stat().st_ino}.log"))
    assert len(kept) == 1
    assert "Gongkai 日志" in kept[0].read_text("utf-8")
