"""The past-year import over HTTP (历年建议导入): a Harbin-shaped year entered from the office's
workbook with its real 2024 dates, the rates it gives, the timeline, and the dry run's report.

test_a_harbin_shaped_year_gives_its_rates needs the shared 分办 contract on the assignment and
evaluation side (assigned_at, signed_at/replied_at with unit_id, mode separate, evaluated_at): it
passes once branches i15-separate-assignment and i15-separate-evaluation are merged. The others
pass on their own."""
import uuid
from datetime import datetime, timezone

import pytest

from scripts.history_year import book, deputy_names, unit_names, year_sheets
from tests.e2e.client import OFFICE, token
from tests.e2e.contract import Contract
from tests.polling import wait_for

SCALE = {"suggestions": 40, "assignments": 35, "separate": 3, "a_replies": 37, "deputies": 6, "units": 8}


class Year:
    """A year's people registered over the API, named with a tag of their own, in a session of its own."""

    def __init__(self, api):
        self.api, self.tag = api, uuid.uuid4().hex[:6]
        self.session = f"十五届五次{self.tag}"
        for name in deputy_names(SCALE["deputies"], self.tag):
            api.post("/deputies", OFFICE, {"name": name, "level": "city", "delegation": "道里区代表团"}, expect=201)
        self.units = {}
        for i, name in enumerate(unit_names(SCALE["units"], self.tag)):
            self.units[name] = api.post("/units", OFFICE, {"name": name, "code": f"H{i}-{self.tag}", "duties": "城市管理",
                                                           "keywords": ["冰雪"], "categories": ["urban"]},
                                        expect=201).json()["id"]

    def sheets(self, **changes) -> dict:
        return year_sheets(**{**SCALE, **changes}, session=self.session, tag=self.tag)

    def upload(self, sheets: dict | bytes, dry_run: bool = False, expect: int | None = None, tok: str = OFFICE):
        query = "?dry_run=true" if dry_run else ""
        content = sheets if isinstance(sheets, bytes) else book(sheets)
        return self.api.post(f"/history/imports{query}", tok, files={"file": ("2024年建议.xlsx", content)},
                             expect=expect)

    def ready(self) -> None:
        """Until the suggestion service has heard of every deputy and unit (their events)."""
        wait_for(lambda: self.upload(self.sheets(), dry_run=True, expect=200).json()["valid"], timeout=30,
                 what="deputies and units projected")

    def run(self, sheets: dict | bytes) -> dict:
        job = self.upload(sheets, expect=202).json()
        assert job["status"] in ("queued", "running", "done") and job["total"] > 0
        return wait_for(lambda: (j := self.api.get(f"/history/imports/{job['id']}", OFFICE, expect=200).json())
                        ["status"] in ("done", "failed") and j, timeout=300, interval=0.5, what="the import")

    def suggestion(self, number: int) -> dict:
        items = self.api.get(f"/suggestions?session={self.session}&limit=200", OFFICE, expect=200).json()["items"]
        [found] = [s for s in items if s["seq"] == number]
        return self.api.get(f"/suggestions/{found['id']}", OFFICE, expect=200).json()


@pytest.fixture
def year(api) -> Year:
    y = Year(api)
    y.ready()
    return y


@pytest.fixture
def contract(system) -> Contract:
    return Contract(system.url)


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_a_dry_run_lists_every_bad_row_and_a_real_run_refuses_them(api, year, contract):
    sheets = year.sheets()
    sheets["建议"][1][6] = "查无此人"  # 建议 row 2: no such deputy
    sheets["建议"][2][9] = "2023-12-31"  # row 3: accepted before it was submitted
    sheets["交办"][4][1] = "协办"  # 交办 row 5: neither 主办 nor 分办
    sheets["答复"][6][2] = "D"  # 答复 row 7: not a class
    sheets["评价"][8][3] = "2099-01-01"  # 评价 row 9: in the future
    report = contract(year.upload(sheets, dry_run=True), "POST", "/api/v1/history/imports")
    assert report["valid"] is False and report["counts"]["suggestions"] == 40
    assert [(e["sheet"], e["row"], e["field"]) for e in report["errors"]] == [
        ("建议", 2, "领衔代表"), ("建议", 3, "立案日期"), ("交办", 5, "方式"), ("答复", 7, "类别"), ("评价", 9, "评价日期")]
    refused = year.upload(sheets, expect=422).json()["error"]
    assert refused["code"] == "validation_failed" and len(refused["details"]) == 5
    assert api.get(f"/suggestions?session={year.session}", OFFICE, expect=200).json()["total"] == 0
    deputy = token("deputy", sub="deputy-1", deputy_id=1)
    year.upload(sheets, dry_run=True, expect=403, tok=deputy)
    api.get("/history/imports/1", deputy, expect=403)
    api.post("/history/imports?dry_run=maybe", OFFICE, files={"file": ("x.xlsx", b"x")}, expect=422)
    bad_file = api.post("/history/imports?dry_run=true", OFFICE, files={"file": ("x.xlsx", b"x")}, expect=422)
    assert bad_file.json()["error"]["details"][0]["field"] == "file"


def test_a_year_of_suggestions_keeps_its_numbers_and_real_dates(api, year, contract):
    only = book({"建议": year.sheets()["建议"][:11]})  # ten suggestions, before anything was assigned
    job = year.run(only)
    assert (job["status"], job["done"], job["total"], job["error"]) == ("done", 10, 10, None)
    s = year.suggestion(7)
    assert s["number"] == "第0007号" and s["status"] == "accepted"
    # 提交日期 2024-01-10, 立案日期 2024-01-30: each step at 12:00 in the office's zone
    assert at(s["submitted_at"]) == datetime(2024, 1, 10, 4, tzinfo=timezone.utc)
    assert at(s["accepted_at"]) == datetime(2024, 1, 30, 4, tzinfo=timezone.utc)
    assert [(t["type"], at(t["at"])) for t in s["timeline"]] == [
        ("submitted", datetime(2024, 1, 10, 4, tzinfo=timezone.utc)),
        ("accepted", datetime(2024, 1, 30, 4, tzinfo=timezone.utc))]
    again = year.upload(only, expect=202).json()  # the same file again: the same job, nothing new
    assert (again["id"], again["status"]) == (job["id"], "done")
    contract(api.get(f"/history/imports/{job['id']}", OFFICE), "GET", "/api/v1/history/imports/{import_id}")
    contract(year.upload(only), "POST", "/api/v1/history/imports", 202)
    api.get("/history/imports/999999", OFFICE, expect=404)
    assert api.get(f"/suggestions?session={year.session}", OFFICE, expect=200).json()["total"] == 10


def test_a_deputy_cannot_give_real_dates_and_the_office_can(api, year):
    deputy = api.get(f"/deputies?q=代表001{year.tag}", OFFICE, expect=200).json()["items"][0]
    mine = token("deputy", sub=f"deputy-{deputy['id']}", deputy_id=deputy["id"])
    body = {"title": "关于冬季道路积雪清理的建议", "body": "主干道积雪清理不及时。", "category": "urban",
            "kind": "session", "session": year.session, "source": "research"}
    refused = api.post("/suggestions", mine, {**body, "submitted_at": "2024-01-10T12:00:00+08:00"},
                       expect=403).json()["error"]
    assert refused["details"][0]["field"] == "submitted_at"
    s = api.post("/suggestions", OFFICE, {**body, "lead_deputy_id": deputy["id"],
                                          "submitted_at": "2024-01-10T12:00:00+08:00"}, expect=201).json()
    api.post(f"/suggestions/{s['id']}/screening", OFFICE,
             {"decision": "accept", "accepted_at": "2024-01-09T12:00:00+08:00"}, expect=422)
    done = api.post(f"/suggestions/{s['id']}/screening", OFFICE,
                    {"decision": "accept", "accepted_at": "2024-01-20T12:00:00+08:00"}, expect=200).json()
    assert at(done["submitted_at"]) == datetime(2024, 1, 10, 4, tzinfo=timezone.utc)
    assert at(done["accepted_at"]) == datetime(2024, 1, 20, 4, tzinfo=timezone.utc)


def test_a_harbin_shaped_year_gives_its_rates(api, year):
    """40 suggestions, 35 assignments of which 3 分办 to two units: 38 replies, 37 of class A."""
    job = year.run(year.sheets())
    assert job["status"] == "done", job["error"]
    assert job["counts"] == {"suggestions": 40, "assignments": 35, "replies": 38, "evaluations": 38}
    rates = wait_for(lambda: (r := api.get(f"/stats/rates?session={year.session}", OFFICE, expect=200).json())
                     ["replied"] == 38 and r, timeout=60, what="the year's rates")
    assert rates["assigned"] == 35 and rates["replies_due"] == 38 and rates["classes"]["A"] == 37
    assert rates["resolution_rate"] == pytest.approx(37 / 38, abs=1e-4)
    assert rates["completion_rate"] == 1.0
    s = year.suggestion(1)  # 分办 to two units, each replied and rated with its 2024 dates
    steps = [(t["type"], at(t["at"]).date().isoformat()) for t in s["timeline"]]
    assert steps[:3] == [("submitted", "2024-01-09"), ("accepted", "2024-01-29"), ("assigned", "2024-02-08")]
    assert sum(1 for kind, _ in steps if kind == "replied") == 2
    assert all(day.startswith("2024-") for _, day in steps)
