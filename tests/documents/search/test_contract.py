"""Behaviour every SearchIndex adapter must show, on the five sample documents."""

import datetime as dt
import uuid

import pytest

from services.common.errors import BadRequest
from services.documents.search.models import (
    FacetName,
    IndexedDocument,
    Scope,
    SearchQuery,
    Sort,
    SuggestionKind,
)
from services.documents.search.port import SearchIndex
from tests.documents.search.conftest import IndexFactory
from tests.documents.search.samples import Sample, agency_id


def ids(index: SearchIndex, q: str, **kwargs: object) -> list[uuid.UUID]:
    return [h.id for h in index.search(SearchQuery(q=q, **kwargs)).hits]  # type: ignore[arg-type]


def sample_id(samples: dict[str, Sample], key: str) -> uuid.UUID:
    return samples[key].document.id


def variant(doc: IndexedDocument, **changes: object) -> IndexedDocument:
    return doc.model_copy(update={"id": uuid.uuid4(), **changes})


# -- 发文字号 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "交政办发〔2020〕78号",
        "交政办发[2020]78号",
        "交政办发(2020)78号",
        "交政办发（2020）78号",
        "交政办发【2020】78号",
        "交政办发 〔 2020 〕 78 号",
        "交政办发（２０２０）７８号",  # full-width digits
        "交政辦發〔2020〕78號",  # traditional characters
        "查找交政办发[2020]78号",
    ],
)
def test_document_number_in_every_bracket_form_finds_jiaocheng_first(
    index: SearchIndex, samples: dict[str, Sample], q: str
) -> None:
    found = ids(index, q)
    assert found[:1] == [sample_id(samples, "jiaocheng")]


def test_document_number_of_another_sample_finds_that_sample_first(
    index: SearchIndex, samples: dict[str, Sample]
) -> None:
    assert ids(index, "张政办函（2020）100号")[0] == sample_id(samples, "zhangye")
    assert ids(index, "博政办字[2020]45号")[0] == sample_id(samples, "boshan")


# -- phrases, folding, fallback -----------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "key"),
    [
        ("循环化工园区", "shijiazhuang"),
        ("一窗受理", "boshan"),
        ("张掖市中小企业公共服务平台", "zhangye"),
        ("临空经济区管委会", "ziyang"),
    ],
)
def test_phrase_found_in_one_sample_returns_only_it(
    index: SearchIndex, samples: dict[str, Sample], q: str, key: str
) -> None:
    assert ids(index, q) == [sample_id(samples, key)]


def test_common_word_finds_every_sample_with_exact_total(
    index: SearchIndex, samples: dict[str, Sample]
) -> None:
    results = index.search(SearchQuery(q="政务公开"))
    assert results.total == len(samples)
    assert results.total_exact


def test_traditional_and_full_width_queries_are_folded(
    index: SearchIndex, samples: dict[str, Sample]
) -> None:
    assert ids(index, "循環化工園區") == [sample_id(samples, "shijiazhuang")]
    assert ids(index, "張掖市") == [sample_id(samples, "zhangye")]


def test_two_character_query_finds_word_the_segmenter_kept_longer(
    make_index: IndexFactory,
) -> None:
    index = make_index()
    doc = IndexedDocument(
        id=uuid.uuid4(),
        version=1,
        title="关于做好依申请公开工作的通知",
        body="各单位要做好依申请公开答复。",
        is_public=True,
    )
    index.upsert([doc])
    assert ids(index, "申请") == [doc.id]


def test_words_separated_by_spaces_must_all_match(
    index: SearchIndex, samples: dict[str, Sample]
) -> None:
    assert ids(index, "政务公开 循环化工园区") == [sample_id(samples, "shijiazhuang")]
    assert ids(index, "循环化工园区 临空经济区") == []


def test_agency_alias_finds_full_name(index: SearchIndex, samples: dict[str, Sample]) -> None:
    assert sample_id(samples, "jiaocheng") in ids(index, "交城县府办")


def test_punctuation_only_query_finds_nothing(index: SearchIndex) -> None:
    assert index.search(SearchQuery(q="《》，。")).total == 0


# -- results ----------------------------------------------------------------------------


def test_hit_carries_highlighted_title_and_snippet(index: SearchIndex) -> None:
    hit = index.search(SearchQuery(q="循环化工园区")).hits[0]
    assert "<em>循环化工园区</em>" in hit.snippet
    assert not hit.matched_in_attachment
    title_hit = index.search(SearchQuery(q="张掖市")).hits[0]
    assert "<em>张掖市</em>" in title_hit.title_highlight


def test_match_only_in_attachment_is_flagged(
    make_index: IndexFactory, samples: dict[str, Sample]
) -> None:
    index = make_index()
    doc = variant(
        samples["ziyang"].document,
        attachment_text="附件：资阳市政务公开考核细则，含雁江区安岳县评分表。",
    )
    index.upsert([doc, samples["boshan"].document])
    hit = index.search(SearchQuery(q="安岳县")).hits[0]
    assert hit.id == doc.id
    assert hit.matched_in_attachment
    assert "<em>安岳县</em>" in hit.snippet
    body_hit = index.search(SearchQuery(q="一窗受理")).hits[0]
    assert not body_hit.matched_in_attachment


def test_html_in_text_is_escaped(make_index: IndexFactory) -> None:
    index = make_index()
    doc = IndexedDocument(
        id=uuid.uuid4(),
        version=1,
        title="<script>x</script>关于测试转义的通知",
        body="正文<b>加粗</b>转义测试",
        is_public=True,
    )
    index.upsert([doc])
    hit = index.search(SearchQuery(q="转义")).hits[0]
    assert "<script>" not in hit.title_highlight
    assert "&lt;script&gt;" in hit.title_highlight
    assert "<b>" not in hit.snippet


# -- visibility and facets ----------------------------------------------------------------


def test_non_public_document_is_hidden_and_never_counted_for_the_public(
    make_index: IndexFactory, samples: dict[str, Sample]
) -> None:
    index = make_index()
    secret_agency = agency_id("保密机关")
    hidden = variant(
        samples["jiaocheng"].document,
        is_public=False,
        agency_ids=(secret_agency,),
        category="内部事务",
        year=2021,
    )
    index.upsert([*(s.document for s in samples.values()), hidden])
    facets = (FacetName.AGENCY, FacetName.YEAR, FacetName.CATEGORY)

    public = index.search(SearchQuery(q="政务公开", facets=facets))
    assert hidden.id not in [h.id for h in public.hits]
    assert public.total == 5
    assert str(secret_agency) not in [f.value for f in public.facets[FacetName.AGENCY]]
    assert [(f.value, f.count) for f in public.facets[FacetName.YEAR]] == [("2020", 5)]
    assert "内部事务" not in [f.value for f in public.facets[FacetName.CATEGORY]]
    assert ids(index, "交政办发〔2020〕78号") == [samples["jiaocheng"].document.id]

    staff = index.search(
        SearchQuery(q="政务公开", facets=facets, scope=Scope.staff({secret_agency}))
    )
    assert staff.total == 6
    years = {f.value: f.count for f in staff.facets[FacetName.YEAR]}
    assert years == {"2020": 5, "2021": 1}

    other_staff = index.search(SearchQuery(q="政务公开", scope=Scope.staff({uuid.uuid4()})))
    assert other_staff.total == 5
    assert index.search(SearchQuery(q="政务公开", scope=Scope(everything=True))).total == 6


def test_facet_counts_follow_the_query(index: SearchIndex, samples: dict[str, Sample]) -> None:
    result = index.search(SearchQuery(q="循环化工园区", facets=(FacetName.AGENCY,)))
    agency = samples["shijiazhuang"].document.agency_ids[0]
    assert [(f.value, f.count) for f in result.facets[FacetName.AGENCY]] == [(str(agency), 1)]


# -- filters, sorting, paging -------------------------------------------------------------


def test_filters(make_index: IndexFactory, samples: dict[str, Sample]) -> None:
    index = make_index()
    base = samples["boshan"].document
    item = uuid.uuid4()
    repealed = variant(
        base,
        validity="repealed",
        effective_until=dt.date(2021, 6, 30),
        doc_type="rule",
        catalog_item_ids=(item,),
        published_on=dt.date(2021, 1, 5),
        year=2021,
    )
    future = variant(base, effective_from=dt.date(2030, 1, 1), category="财政")
    index.upsert([base, repealed, future])

    def found(**kwargs: object) -> set[uuid.UUID]:
        return set(ids(index, "一窗受理", **kwargs))

    assert found() == {base.id, repealed.id, future.id}
    assert found(in_force_on=dt.date(2022, 1, 1)) == {base.id}
    assert found(in_force_on=dt.date(2021, 6, 30)) == {base.id, repealed.id}
    assert found(in_force_on=dt.date(2031, 1, 1)) == {base.id, future.id}
    assert found(validities=("repealed",)) == {repealed.id}
    assert found(doc_types=("rule",)) == {repealed.id}
    assert found(categories=("财政",)) == {future.id}
    assert found(catalog_item_ids=(item,)) == {repealed.id}
    assert found(year=2021) == {repealed.id}
    assert found(date_from=dt.date(2021, 1, 1)) == {repealed.id}
    assert found(date_to=dt.date(2020, 12, 31)) == {base.id, future.id}
    assert found(agency_ids=base.agency_ids) == {base.id, repealed.id, future.id}
    assert found(agency_ids=(uuid.uuid4(),)) == set()


def test_sort_by_date(index: SearchIndex, samples: dict[str, Sample]) -> None:
    by_date = sorted(samples.values(), key=lambda s: s.document.sort_date)
    oldest_first = [s.document.id for s in by_date]
    assert ids(index, "政务公开", sort=Sort.OLDEST) == oldest_first
    assert ids(index, "政务公开", sort=Sort.NEWEST) == oldest_first[::-1]
    assert ids(index, "", sort=Sort.RELEVANCE) == oldest_first[::-1]  # no words: newest first


def test_cursor_pages_through_every_result_once(
    index: SearchIndex, samples: dict[str, Sample]
) -> None:
    seen: list[uuid.UUID] = []
    query = SearchQuery(q="政务公开", limit=2, sort=Sort.NEWEST)
    while True:
        page = index.search(query)
        seen += [h.id for h in page.hits]
        assert page.total == 5
        if page.next_cursor is None:
            break
        query = query.model_copy(update={"cursor": page.next_cursor})
    assert sorted(seen) == sorted(s.document.id for s in samples.values())


def test_cursor_of_another_query_is_refused(index: SearchIndex) -> None:
    page = index.search(SearchQuery(q="政务公开", limit=2))
    assert page.next_cursor
    with pytest.raises(BadRequest):
        index.search(SearchQuery(q="工作要点", limit=2, cursor=page.next_cursor))
    with pytest.raises(BadRequest):
        index.search(SearchQuery(q="政务公开", cursor="not-a-cursor"))


# -- versions -----------------------------------------------------------------------------


def test_upsert_is_idempotent_and_never_goes_back_a_version(
    make_index: IndexFactory, samples: dict[str, Sample]
) -> None:
    index = make_index()
    v1 = samples["boshan"].document
    v2 = v1.model_copy(
        update={"version": 2, "title": "关于印发博山区政务公开工作要点（修订）的通知"}
    )
    assert index.upsert([v2]) == 1
    assert index.upsert([v1]) == 0
    assert index.upsert([v2]) == 0
    assert index.indexed_version(v1.id) == 2
    assert index.count() == 1
    assert index.search(SearchQuery(q="修订")).hits[0].version == 2
    assert index.upsert([v1, v2.model_copy(update={"version": 3})]) == 1
    assert index.indexed_version(v1.id) == 3


def test_delete_respects_versions(make_index: IndexFactory, samples: dict[str, Sample]) -> None:
    index = make_index()
    doc = samples["boshan"].document.model_copy(update={"version": 4})
    index.upsert([doc])
    assert not index.delete(doc.id, version=3)  # a stale delete keeps the newer version
    assert index.indexed_version(doc.id) == 4
    assert index.delete(doc.id, version=4)
    assert index.indexed_version(doc.id) is None
    assert ids(index, "一窗受理") == []
    assert not index.delete(doc.id)


def test_clear_empties_the_index(index: SearchIndex) -> None:
    assert index.count() == 5
    index.clear()
    assert index.count() == 0


# -- suggestions --------------------------------------------------------------------------


def test_suggest_by_pinyin_initials(index: SearchIndex) -> None:
    suggestions = index.suggest("zwgk", Scope.public())
    assert suggestions[0].text == "政务公开"
    assert suggestions[0].kind is SuggestionKind.TERM
    assert any(s.kind is SuggestionKind.TITLE for s in suggestions)


def test_suggest_titles_and_document_numbers(
    index: SearchIndex, samples: dict[str, Sample]
) -> None:
    numbers = index.suggest("交政办发", Scope.public())
    assert numbers[0].kind is SuggestionKind.DOC_NUMBER
    assert numbers[0].document_id == samples["jiaocheng"].document.id
    titles = index.suggest("张掖市落实", Scope.public())
    assert titles
    assert titles[0].document_id == samples["zhangye"].document.id


def test_suggest_hides_non_public_titles(
    make_index: IndexFactory, samples: dict[str, Sample]
) -> None:
    index = make_index()
    hidden = variant(samples["zhangye"].document, is_public=False, title="关于内部考核的通知")
    index.upsert([hidden])
    assert index.suggest("nbkh", Scope.public()) == []
    assert index.suggest("关于内部", Scope.public()) == []
    staff = index.suggest("nbkh", Scope.staff(set(hidden.agency_ids)))
    assert staff[0].text == "内部考核"
