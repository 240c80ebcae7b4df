"""The five sample documents as IndexedDocument builders (a minimal parse of our own; the
real importer belongs to the documents service)."""

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from services.documents.search.analysis import find_doc_numbers
from services.documents.search.models import IndexedDocument

SAMPLES_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "samples"

# Stable ids so failures name the document.
NAMESPACE = uuid.UUID("5a1d7c1e-0000-4000-8000-000000000005")


@dataclass(frozen=True)
class Sample:
    key: str
    document: IndexedDocument


def _samples_dir() -> Path:
    for candidate in (
        SAMPLES_DIR,
        Path("/work/shared/samples"),
        Path(__file__).resolve().parents[3] / "services" / "documents" / "samples",
    ):
        if candidate.is_dir() and any(candidate.glob("*.txt")):
            return candidate
    raise FileNotFoundError("找不到样例文件目录 shared/samples")


def _title(lines: list[str]) -> str:
    """The notice title: from the line starting 关于 to the line ending 通知 (joined)."""
    for i, line in enumerate(lines):
        if line.startswith("标题"):
            return line[2:].strip()
        if line.startswith("关于"):
            parts = []
            for following in lines[i : i + 4]:
                parts.append(following)
                if following.endswith("通知"):
                    break
            return "".join(parts).replace(" ", "")
    raise ValueError("no title")


def agency_id(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "agency:" + name)


def load_samples() -> dict[str, Sample]:
    samples: dict[str, Sample] = {}
    for path in sorted(_samples_dir().glob("*.txt")):
        text = path.read_text("utf-8")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        head = "\n".join(lines[:15]).replace("发文字号", "\n")
        number = find_doc_numbers(head)[0]
        agency = next(
            re.sub(r"^发文机关|主题词.*$", "", line).strip()
            for line in lines
            if line.endswith("人民政府办公室") or line.startswith("发文机关")
        )
        year = int(re.search(r"〔(\d{4})〕", number)[1])  # type: ignore[index]
        dates = re.findall(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", text)
        issued = dt.date(*map(int, dates[0])) if dates else dt.date(year, 1, 1)
        key = path.stem.split("-")[0]
        samples[key] = Sample(
            key,
            IndexedDocument(
                id=uuid.uuid5(NAMESPACE, key),
                version=1,
                title=_title(lines),
                doc_number=number,
                keywords=("政务公开",),
                body=text,
                agency_ids=(agency_id(agency),),
                agency_names=(agency,),
                year=year,
                doc_type="normative",
                category="政务公开",
                validity="in_force",
                effective_from=issued,
                disclosure="proactive",
                is_public=True,
                issued_on=issued,
                published_on=issued,
            ),
        )
    return samples
