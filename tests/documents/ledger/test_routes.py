"""The deadline ledger: N working days after 成文日期 (day 0), across the 国庆 holiday."""

from tests.support.documents import DOCS, World

LEDGER = f"{DOCS}/ledger"
CATALOG_ADMIN = {"roles": ["platform_admin"], "scopes": ["catalog:manage"]}


async def test_due_dates_cross_the_national_day_holiday(world: World) -> None:
    # 2020-09-17 + 20 working days: make-up days 09-27 and 10-10 count, 10-01 … 10-08 do not.
    on_time = await world.create(doc_number="张政办函〔2020〕1号", written_on="2020-09-17")
    late = await world.create(doc_number="张政办函〔2020〕2号", written_on="2020-09-17")
    overdue = await world.create(doc_number="张政办函〔2020〕3号", written_on="2020-09-17")
    withheld = await world.create(
        doc_number="张政办函〔2020〕4号",
        written_on="2020-09-17",
        disclosure="withheld",
        disclosure_reason="内部事务",
        disclosure_legal_basis="第十六条",
    )
    await world.publish(on_time, "2020-10-21")
    await world.publish(late, "2020-10-23")

    # 甘州区 publishes within 3 working days (a local rule): 09-30 + 3 → 10-12.
    patch = await world.catalog.patch(
        f"/api/v1/catalog/agencies/{world.other['id']}",
        json={"publication_deadline_days": 3},
        headers=world.tokens.headers(**CATALOG_ADMIN),
    )
    assert patch.status_code == 200, patch.text
    quick = await world.create(
        world.other, doc_number="区政办发〔2020〕9号", written_on="2020-09-30"
    )
    assert quick["deadline_days"] == 3
    assert quick["publish_due_on"] == "2020-10-12"

    response = await world.docs.get(LEDGER, headers=world.staff())
    assert response.status_code == 200, response.text
    entries = {e["document_id"]: e for e in response.json()["items"]}
    assert set(entries) == {on_time["id"], late["id"], overdue["id"]}  # 主动公开 only, own agency
    assert entries[on_time["id"]]["due_on"] == "2020-10-21"
    assert (entries[on_time["id"]]["state"], entries[on_time["id"]]["working_days_late"]) == (
        "on_time",
        0,
    )
    assert (entries[late["id"]]["state"], entries[late["id"]]["working_days_late"]) == ("late", 2)
    assert entries[overdue["id"]]["state"] == "overdue"
    assert entries[overdue["id"]]["state_label"] == "已逾期未发布"
    assert withheld["id"] not in entries

    only_late = await world.docs.get(LEDGER, params={"state": "late"}, headers=world.staff())
    assert [e["document_id"] for e in only_late.json()["items"]] == [late["id"]]
    summary = await world.docs.get(f"{LEDGER}/summary", headers=world.admin())
    tallies = {t["agency_name"]: t for t in summary.json()["agencies"]}
    assert tallies["张掖市人民政府办公室"] | {"agency_id": None} == {
        "agency_id": None, "agency_name": "张掖市人民政府办公室",
        "due": 0, "overdue": 1, "on_time": 1, "late": 1,
    }  # fmt: skip
    assert tallies["甘州区人民政府办公室"]["overdue"] == 1

    # Another agency's staff see none of our unpublished drafts; the public may not ask.
    theirs = await world.docs.get(LEDGER, headers=world.staff(world.other))
    assert overdue["id"] not in {e["document_id"] for e in theirs.json()["items"]}
    assert (await world.docs.get(LEDGER)).status_code == 401
