"""Embedded search engine (tantivy + rjieba) against SQLite FTS5 on the same synthetic corpus.

Builds N documents (default 100,000, ~13 KB each) from the five samples — paragraphs
shuffled, agencies, numbers, dates and attributes varied, so common words such as 公开 occur
in nearly every document (the worst case) — indexes them into both engines, then measures
query latency p50/p95/p99 for plain queries (top 10 + total + highlighted snippets), queries
with filters and five facets, and queries sorted by date. Each phase runs in its own process
so its peak memory (max RSS) is its own.

    .venv/bin/python benchmarks/search.py [--docs 100000] [--workers 2] [--queries 3]

Both engines get the same pre-segmented text (the same analyzer), so the comparison is of
the engines; indexing throughput includes the analysis for both.
"""

import argparse
import datetime as dt
import multiprocessing
import platform
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.documents.search.analysis import AgencyAliases, Analyzer, load_vocabulary
from services.documents.search.highlight import snippet
from services.documents.search.models import FacetName, IndexedDocument, SearchQuery, Sort
from services.documents.search.plan import plan_query
from services.documents.search.tantivy_index import TantivySearchIndex, analyse

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIRS = [ROOT.parent / "shared" / "samples", ROOT / "services" / "documents" / "samples"]
NAMESPACE = uuid.UUID("b5e4c0de-0000-4000-8000-000000000005")
TARGET_BYTES = 13_000
CITIES = [
    "交城县",
    "博山区",
    "石家庄市",
    "张掖市",
    "资阳市",
    "太原市",
    "济南市",
    "兰州市",
    "成都市",
    "临汾市",
    "淄博市",
    "保定市",
    "酒泉市",
    "内江市",
    "大同市",
    "青岛市",
    "邯郸市",
    "武威市",
    "绵阳市",
    "晋中市",
]
OFFICES = ["人民政府办公室", "人民政府", "发展和改革委员会", "财政局"]
PREFIXES = ["政办发", "政办函", "政发", "政办字", "府办发", "发改发", "财发"]
BRACKETS = [("〔", "〕"), ("[", "]"), ("(", ")"), ("（", "）"), ("【", "】")]
TYPES = ["normative", "rule", "notice", "plan"]
CATEGORIES = [
    "政务公开",
    "财政",
    "教育",
    "卫生健康",
    "营商环境",
    "农业农村",
    "交通",
    "环境保护",
    "民政",
    "其它",
]
VALIDITIES = ["in_force", "in_force", "in_force", "amended", "repealed"]
QUERIES = [
    "政务公开",
    "公开",
    "规范性文件",
    "依申请公开",
    "政府信息公开条例",
    "营商环境",
    "疫情防控",
    "政务新媒体",
    "一窗受理",
    "循环化工园区",
    "重点工作推进方案",
    "标准化规范化",
    "权责清单",
    "政策解读",
    "信息公开 平台",
    "放管服 改革",
    "基层 政务公开",
    "公共企事业单位",
    "减税降费",
    "交政办发〔2020〕78号",
    "张政办函[2020]100号",
    "石政办函(2020)28号",
    "政務公開",
    "工作要点",
    "领导小组",
    "考核评估",
    "政府网站",
    "数据开放",
    "办事指南",
    "申请",
    "年度报告",
    "社会公开",
    "资阳市",
    "张掖市 政务公开",
    "临空经济区",
    "决策部署",
]


def _samples() -> list[str]:
    for directory in SAMPLE_DIRS:
        files = sorted(directory.glob("*.txt"))
        if files:
            return [f.read_text("utf-8") for f in files]
    raise SystemExit("找不到样例文件（shared/samples 或 services/documents/samples）")


def corpus(size: int, seed: int = 5) -> Iterator[IndexedDocument]:
    """The same documents for the same (size, seed), generated lazily (1.3 GB at 100k)."""
    texts = _samples()
    paragraphs = [p.strip() for t in texts for p in t.splitlines() if len(p.strip()) >= 20]
    titles = [p for p in paragraphs if p.startswith("关于") and len(p) < 60] or [
        "关于印发工作要点的通知"
    ]
    agencies = [(c, o) for c in CITIES for o in OFFICES]
    agency_ids = [uuid.uuid5(NAMESPACE, c + o) for c, o in agencies]
    items = [uuid.uuid5(NAMESPACE, f"item{i}") for i in range(100)]
    rng = random.Random(seed)
    for i in range(size):
        a = rng.randrange(len(agencies))
        city, office = agencies[a]
        year = rng.randint(2010, 2025)
        opening, closing = rng.choice(BRACKETS)
        number = f"{city[0]}{rng.choice(PREFIXES)}{opening}{year}{closing}{rng.randint(1, 300)}号"
        body_parts = [f"{city}{office}", number]
        size_bytes = 0
        while size_bytes < TARGET_BYTES:
            paragraph = rng.choice(paragraphs)
            body_parts.append(paragraph)
            size_bytes += len(paragraph.encode())
        published = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        yield IndexedDocument(
            id=uuid.uuid5(NAMESPACE, f"doc{i}"),
            version=1,
            title=rng.choice(titles).replace("石家庄市", city).replace("张掖市", city),
            doc_number=number,
            keywords=(rng.choice(CATEGORIES),),
            body="\n".join(body_parts),
            attachment_text=rng.choice(paragraphs) if rng.random() < 0.2 else "",
            agency_ids=(agency_ids[a],),
            agency_names=(city + office,),
            year=year,
            doc_type=rng.choice(TYPES),
            category=rng.choice(CATEGORIES),
            validity=rng.choice(VALIDITIES),
            effective_from=published,
            effective_until=published + dt.timedelta(days=5 * 365) if rng.random() < 0.3 else None,
            disclosure="proactive",
            is_public=rng.random() < 0.92,
            catalog_item_ids=(rng.choice(items),),
            issued_on=published,
            published_on=published,
        )


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """CPU time of this process and its finished workers: a figure the machine's load does
    not distort (other work shares these cores)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "mean": statistics.fmean(ordered)}


def _timed(run: Callable[[str], Any], queries: list[str], rounds: int) -> dict[str, float]:
    for q in queries[:5]:  # warm the caches
        run(q)
    latencies = []
    cpu = time.process_time()
    for _ in range(rounds):
        for q in queries:
            start = time.perf_counter()
            run(q)
            latencies.append((time.perf_counter() - start) * 1000)
    # CPU per query (all threads of this process): what the machine's other load distorts least
    cpu_ms = (time.process_time() - cpu) * 1000 / len(latencies)
    return {**_percentiles(latencies), "cpu": cpu_ms}


# -- tantivy -------------------------------------------------------------------------------


def tantivy_index(path: str, size: int, workers: int, out: Any) -> None:
    index = TantivySearchIndex(Path(path), analyzer=Analyzer(), writable=True, writer_threads=2)
    start = time.perf_counter()
    count = index.bulk_load(corpus(size), workers=workers)
    loaded = time.perf_counter() - start
    index.close()  # waits for segment merges
    total = time.perf_counter() - start
    out.put(
        {
            "docs": count,
            "seconds": loaded,
            "with_merges": total,
            "rss": _max_rss_mb(),
            "cpu": _cpu_seconds(),
        }
    )


def tantivy_query(path: str, rounds: int, out: Any) -> None:
    index = TantivySearchIndex(Path(path), analyzer=Analyzer())
    facets = (
        FacetName.AGENCY,
        FacetName.YEAR,
        FacetName.DOC_TYPE,
        FacetName.CATEGORY,
        FacetName.VALIDITY,
    )
    results = {
        "plain": _timed(lambda q: index.search(SearchQuery(q=q, limit=10)), QUERIES, rounds),
        "filters+facets": _timed(
            lambda q: index.search(
                SearchQuery(
                    q=q,
                    limit=10,
                    facets=facets,
                    in_force_on=dt.date(2020, 6, 1),
                    doc_types=("normative", "notice"),
                )
            ),
            QUERIES,
            rounds,
        ),
        "sorted by date": _timed(
            lambda q: index.search(SearchQuery(q=q, limit=10, sort=Sort.NEWEST)), QUERIES, rounds
        ),
    }
    out.put({"latency": results, "rss": _max_rss_mb()})


# -- SQLite FTS5 ---------------------------------------------------------------------------

FTS_COLUMNS = (
    "title",
    "doc_number_text",
    "keywords",
    "agency_names",
    "body",
    "attachment",
    "subwords",
)
FTS_WEIGHTS = (5.0, 4.0, 3.0, 2.0, 1.0, 0.5, 0.3)


_ANALYZER: Analyzer | None = None


def _analyse_pair(doc: IndexedDocument) -> tuple[IndexedDocument, dict[str, str]]:
    global _ANALYZER  # noqa: PLW0603 (one analyzer per worker process)
    if _ANALYZER is None:
        _ANALYZER = Analyzer(load_vocabulary())
    return doc, analyse(doc, _ANALYZER)


def sqlite_index(path: str, size: int, workers: int, out: Any) -> None:
    db = sqlite3.connect(path)
    db.executescript(
        f"""
        PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
        CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, public INT, agency TEXT,
          year INT, doc_type TEXT, category TEXT, validity TEXT, eff_from INT, eff_until INT,
          sort_day INT, payload BLOB);
        CREATE INDEX docs_sort ON docs(sort_day);
        CREATE VIRTUAL TABLE fts USING fts5({", ".join(FTS_COLUMNS)}, tokenize='unicode61');
        """
    )
    start = time.perf_counter()
    pool = multiprocessing.get_context("spawn").Pool(workers) if workers > 1 else None
    pairs = (
        pool.imap(_analyse_pair, corpus(size), chunksize=32)
        if pool
        else map(_analyse_pair, corpus(size))
    )
    count = 0
    for doc, texts in pairs:
        count += 1
        payload = orjson.dumps(
            {
                "title": doc.title,
                "doc_number": doc.doc_number,
                "body": doc.body,
                "attachment_text": doc.attachment_text,
            }
        )
        db.execute(
            "INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                count,
                str(doc.id),
                int(doc.is_public),
                str(doc.agency_ids[0]),
                doc.year,
                doc.doc_type,
                doc.category,
                doc.validity,
                doc.effective_from.toordinal() if doc.effective_from else -(10**9),
                doc.effective_until.toordinal() if doc.effective_until else 10**9,
                doc.sort_date.toordinal(),
                payload,
            ),
        )
        db.execute(
            f"INSERT INTO fts(rowid, {', '.join(FTS_COLUMNS)}) VALUES (?{',?' * len(FTS_COLUMNS)})",
            (count, *(texts.get(c, "") for c in FTS_COLUMNS)),
        )
        if count % 5000 == 0:
            db.commit()
    db.commit()
    if pool:
        pool.close()
        pool.join()
    seconds = time.perf_counter() - start
    out.put({"docs": count, "seconds": seconds, "rss": _max_rss_mb(), "cpu": _cpu_seconds()})


def sqlite_query(path: str, rounds: int, out: Any) -> None:
    db = sqlite3.connect(path)
    analyzer = Analyzer()
    aliases = AgencyAliases()
    weights = ", ".join(str(w) for w in FTS_WEIGHTS)

    def match(q: str) -> tuple[str, list[str]]:
        plan = plan_query(q, analyzer, aliases)
        parts = []
        for number in plan.doc_numbers:
            parts.append('"' + " ".join(analyzer.words(number)) + '"')
        for term in plan.terms:
            tokens = " ".join(term.variants[0]).replace('"', "")
            parts.append(f'"{tokens}"')
        return " AND ".join(parts), list(plan.needles)

    def search(q: str, *, filters: str = "", facets: bool = False, order: str = "rank") -> None:
        expression, needles = match(q)
        where = f"fts MATCH ? AND d.public = 1 {filters}"
        rows = db.execute(
            f"SELECT d.payload, bm25(fts, {weights}) AS rank FROM fts "
            f"JOIN docs d ON d.rowid = fts.rowid WHERE {where} ORDER BY {order} LIMIT 10",
            (expression,),
        ).fetchall()
        db.execute(
            f"SELECT count(*) FROM fts JOIN docs d ON d.rowid = fts.rowid WHERE {where}",
            (expression,),
        ).fetchone()
        for payload, _ in rows:
            stored = orjson.loads(payload)
            snippet(stored["body"], needles)
        if facets:
            for column in ("agency", "year", "doc_type", "category", "validity"):
                db.execute(
                    f"SELECT d.{column}, count(*) FROM fts JOIN docs d ON d.rowid = fts.rowid "
                    f"WHERE {where} GROUP BY d.{column}",
                    (expression,),
                ).fetchall()

    today = dt.date(2020, 6, 1).toordinal()
    results = {
        "plain": _timed(search, QUERIES, rounds),
        "filters+facets": _timed(
            lambda q: search(
                q,
                filters=f"AND d.eff_from <= {today} AND d.eff_until >= {today} "
                "AND d.doc_type IN ('normative','notice')",
                facets=True,
            ),
            QUERIES,
            rounds,
        ),
        "sorted by date": _timed(lambda q: search(q, order="d.sort_day DESC"), QUERIES, rounds),
    }
    out.put({"latency": results, "rss": _max_rss_mb()})


# -- driver --------------------------------------------------------------------------------


def _run(target: Callable[..., None], *args: Any) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result: dict[str, Any] = queue.get()
    process.join()
    return result


def _directory_mb(path: Path) -> float:
    files = [path] if path.is_file() else list(path.rglob("*"))
    return sum(f.stat().st_size for f in files if f.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000, help="corpus size (default 100000)")
    parser.add_argument("--workers", type=int, default=2, help="analysis worker processes")
    parser.add_argument("--queries", type=int, default=3, help="rounds over the 36 queries")
    parser.add_argument("--dir", type=Path, default=None, help="where to build the indexes")
    args = parser.parse_args()
    work = Path(args.dir or tempfile.mkdtemp(prefix="gongkai-search-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"# {args.docs} documents, {args.workers} analysis workers, {platform.machine()} "
        f"{multiprocessing.cpu_count()} cores, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )
    rows = []
    for name, build, query, path in (
        ("tantivy", tantivy_index, tantivy_query, work / "tantivy"),
        ("sqlite-fts5", sqlite_index, sqlite_query, work / "fts.db"),
    ):
        built = _run(build, str(path), args.docs, args.workers)
        rate = built["docs"] / built["seconds"]
        print(
            f"{name}: indexed {built['docs']} docs in {built['seconds']:.1f} s = {rate:.0f} docs/s"
            f" (index {_directory_mb(path):.0f} MB, indexer max RSS {built['rss']:.0f} MB,"
            f" {built['cpu'] / built['docs'] * 1000:.1f} CPU-ms/doc incl. workers)",
            flush=True,
        )
        measured = _run(query, str(path), args.queries)
        for kind, p in measured["latency"].items():
            print(
                f"  {kind:15s} p50 {p['p50']:7.1f}  p95 {p['p95']:7.1f}  p99 {p['p99']:7.1f} ms"
                f"  ({p['cpu']:.1f} CPU-ms/query)",
                flush=True,
            )
        print(f"  query process max RSS {measured['rss']:.0f} MB", flush=True)
        rows.append((name, rate, measured))
    print()
    print(
        "| engine | indexing docs/s | plain p50/p95/p99 ms | filters+facets p50/p95/p99 ms "
        "| sorted p50/p95/p99 ms | query RSS MB |"
    )
    print("|---|---|---|---|---|---|")
    for name, rate, measured in rows:
        lat = measured["latency"]
        cells = [
            " / ".join(f"{lat[k][p]:.1f}" for p in ("p50", "p95", "p99"))
            for k in ("plain", "filters+facets", "sorted by date")
        ]
        print(f"| {name} | {rate:,.0f} | {' | '.join(cells)} | {measured['rss']:.0f} |")


if __name__ == "__main__":
    main()
