"""Suggestion intake and screening over HTTP: drafts, merge, withdraw, search, disclosure,
batch import and export."""
import io
import uuid

from openpyxl import load_workbook

from tests.e2e.client import OFFICE, World, token
from tests.polling import wait_for
from tests.sheets import xlsx


def new_session() -> str:
    return f"十六届{uuid.uuid4().hex[:6]}次"


def body(session: str, title: str, **fields) -> dict:
    return {"title": title, "body": "该小区距最近公交站两公里，居民出行不便。", "category": "transport",
            "kind": "session", "session": session, "source": "research", **fields}


def test_bad_intake_is_a_422_naming_each_field(api):
    world = World(api)
    answer = api.post("/suggestions", world.deputy_token,
                      {**body("十六届三次", "短"), "category": "space", "co_signer_ids": [world.lead["id"]]},
                      expect=422).json()
    assert {d["field"] for d in answer["error"]["details"]} == {"title"}
    answer = api.post("/suggestions", world.deputy_token,
                      body("十六届三次", "关于增设公交站点的建议", category="space",
                           co_signer_ids=[world.lead["id"]]), expect=422).json()
    assert {d["field"] for d in answer["error"]["details"]} == {"category", "co_signer_ids"}


def test_draft_submitted_later_gets_the_next_number(api):
    world, session = World(api), new_session()
    draft = api.post("/suggestions", world.deputy_token, body(session, "关于增设公交站点的建议", draft=True),
                     expect=201).json()
    assert draft["status"] == "draft" and draft["number"] is None
    api.get(f"/suggestions/{draft['id']}", world.cosigner_token, expect=404)
    api.post(f"/suggestions/{draft['id']}/submit", world.cosigner_token, {}, expect=404)
    done = api.post(f"/suggestions/{draft['id']}/submit", world.deputy_token,
                    {"co_signer_ids": [world.cosigner["id"]]}, expect=200).json()
    assert done["status"] == "submitted" and done["number"] == "第0001号"
    api.post(f"/suggestions/{draft['id']}/submit", world.deputy_token, {}, expect=409)


def test_screening_shows_similar_titles_and_merge_joins_co_signers(api):
    world, other, session = World(api), World(api), new_session()
    target = api.post("/suggestions", world.deputy_token, body(session, "关于加大城区幼儿园建设力度的建议"),
                      expect=201).json()
    source = api.post("/suggestions", other.deputy_token,
                      body(session, "关于加快城区幼儿园建设的建议", co_signer_ids=[other.cosigner["id"]]),
                      expect=201).json()
    seen = api.get(f"/suggestions/{source['id']}", OFFICE, expect=200).json()
    assert seen["similar"][0]["id"] == target["id"]
    api.post(f"/suggestions/{source['id']}/screening", OFFICE, {"decision": "merge"}, expect=422)
    api.post(f"/suggestions/{source['id']}/screening", OFFICE,
             {"decision": "merge", "merge_into_id": target["id"]}, expect=200)
    merged = api.get(f"/suggestions/{target['id']}", OFFICE, expect=200).json()
    assert merged["co_signer_ids"] == sorted([other.lead["id"], other.cosigner["id"]])
    assert merged["merged_from_ids"] == [source["id"]] and merged["timeline"][-1]["type"] == "merged_in"
    # the merged suggestion's lead now sees the target as a co-signer
    api.get(f"/suggestions/{target['id']}", other.deputy_token, expect=200)


def test_withdraw_before_assignment_only(api):
    world = World(api)
    s = world.submit()
    api.post(f"/suggestions/{s['id']}/withdraw", world.cosigner_token, {"reason": "x"}, expect=403)
    api.post(f"/suggestions/{s['id']}/withdraw", world.deputy_token, {}, expect=422)
    done = api.post(f"/suggestions/{s['id']}/withdraw", world.deputy_token, {"reason": "问题已解决"},
                    expect=200).json()
    assert done["status"] == "withdrawn"
    api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=409)
    ids = world.lifecycle()
    api.post(f"/suggestions/{ids['suggestion_id']}/withdraw", world.deputy_token, {"reason": "晚了"}, expect=409)


def test_keyword_search_and_public_disclosure_with_replies(api):
    world = World(api)
    tag = uuid.uuid4().hex[:4]
    ids = world.lifecycle()
    sid = ids["suggestion_id"]
    api.post(f"/suggestions/{sid}/publish", world.deputy_token, expect=403)
    api.post(f"/suggestions/{sid}/publish", OFFICE, expect=200)
    found = api.get("/suggestions?q=公交出行&limit=200", OFFICE, expect=200).json()
    assert sid in [s["id"] for s in found["items"]]
    assert all("公交出行" in s["title"] + s["body"] for s in found["items"])
    unique = api.post("/suggestions", world.deputy_token, body("十六届三次", f"关于{tag}号线延伸的建议"),
                      expect=201).json()
    assert [s["id"] for s in api.get(f"/suggestions?q={tag}号线", OFFICE, expect=200).json()["items"]] == [unique["id"]]

    public = wait_for(lambda: [s for s in api.get("/public/suggestions?q=公交出行&limit=200").json()["items"]
                               if s["id"] == sid and s["replies"]], what="reply on the public page")[0]
    assert public["replies"][0]["content"] == "已增设公交站点。" and public["lead_deputy_name"] == "王建国"
    assert "lead_deputy_id" not in public and "co_signer_ids" not in public
    api.get(f"/public/suggestions/{unique['id']}", expect=404)


def test_batch_import_reports_rejected_rows_and_export_downloads_the_list(api):
    world, session = World(api), new_session()
    content = xlsx(["标题", "内容", "类别", "类型", "届次", "领衔代表", "联名代表", "来源"],
                   ["关于增设公交站点的建议", "小区距公交站两公里。", "交通邮电", "大会", session,
                    str(world.lead["id"]), str(world.cosigner["id"]), "调研"],
                   ["关于治理河道污染的建议", "河道发黑。", "天文", "大会", session, str(world.lead["id"]), "", ""])
    files = {"file": ("batch.xlsx", content)}
    api.call("POST", "/api/v1/suggestions/import", world.deputy_token, files=files, expect=403)
    api.call("POST", "/api/v1/suggestions/import", OFFICE, expect=422)
    report = api.call("POST", "/api/v1/suggestions/import", OFFICE, files=files, expect=200).json()
    assert report["imported"] == 1 and report["rejected"] == [
        {"row": 3, "errors": [{"field": "category", "message": report["rejected"][0]["errors"][0]["message"],
                               "allowed": ["edu", "transport", "agri", "industry", "urban", "finance", "law",
                                           "civil", "eco", "other"]}]}]

    leader = token("leader", sub="leader-1")
    response = api.get(f"/suggestions/export.xlsx?session={session}", leader, expect=200)
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and [r[2] for r in rows[1:]] == ["关于增设公交站点的建议"]
    api.get("/suggestions/export.xlsx", world.deputy_token, expect=403)


def test_conversions_tell_the_deputy_their_own_text_and_are_counted(api):
    world, session = World(api), new_session()
    letter = api.post("/suggestions", world.deputy_token, body(session, "关于解决本人子女入学问题的建议"),
                      expect=201).json()
    reference = api.post("/suggestions", world.deputy_token, body(session, "关于加强城市管理工作的建议"),
                         expect=201).json()
    api.post(f"/suggestions/{letter['id']}/screening", OFFICE, {"decision": "convert_letter"}, expect=422)
    api.post(f"/suggestions/{letter['id']}/screening", world.deputy_token,
             {"decision": "convert_letter", "reason": "属个人诉求"}, expect=403)
    done = api.post(f"/suggestions/{letter['id']}/screening", OFFICE,
                    {"decision": "convert_letter", "reason": "反映个人具体诉求，宜作来信办理"}, expect=200).json()
    assert done["status"] == "converted_letter" and done["conversion_reason"] == "反映个人具体诉求，宜作来信办理"
    api.post(f"/suggestions/{reference['id']}/screening", OFFICE,
             {"decision": "convert_reference", "reason": "内容为一般性工作意见"}, expect=200)

    def converted():
        found = [n for n in world.inbox(world.deputy_token) if n["type"] == "suggestion.converted"]
        return found if len(found) == 2 else None
    notices = wait_for(converted, what="two conversion notices")
    by_id = {n["suggestion_id"]: n for n in notices}
    assert by_id[letter["id"]]["body"] == ("您领衔提出的建议《关于解决本人子女入学问题的建议》经审查，转为代表来信办理，"
                                           "理由：反映个人具体诉求，宜作来信办理")
    assert "转作参考材料" in by_id[reference["id"]]["body"] and "内容为一般性工作意见" in by_id[reference["id"]]["body"]
    assert all("未予立案" not in n["body"] for n in notices)

    listed = api.get(f"/suggestions?status=converted_reference&session={session}", OFFICE, expect=200).json()
    assert [s["id"] for s in listed["items"]] == [reference["id"]]
    stats = api.get(f"/stats/screening?session={session}", OFFICE, expect=200).json()
    assert (stats["converted_letter"], stats["converted_reference"], stats["screened"], stats["total"]) == (1, 1, 2, 2)
    api.get(f"/stats/screening?session={session}", world.deputy_token, expect=403)
    api.get("/stats/screening?status=x", OFFICE, expect=400)
    rows = list(load_workbook(io.BytesIO(api.get(f"/suggestions/export.xlsx?session={session}", OFFICE,
                                                 expect=200).content)).active.iter_rows(values_only=True))
    assert sorted(r[8] for r in rows[1:]) == sorted(["转为代表来信", "转作参考材料"])


def test_shiyan_classifies_by_its_own_five_categories(api):
    congress = f"十堰{uuid.uuid4().hex[:6]}届"
    five = [{"code": c, "name": n} for c, n in (("politics", "政治建设"), ("economy", "经济建设"),
                                                ("culture", "文化建设"), ("society", "社会建设"),
                                                ("ecology", "生态文明建设"))]
    api.post("/category-schemes", token("deputy", deputy_id=1), {"name": "x", "congress": congress,
                                                                   "categories": five}, expect=403)
    api.post("/category-schemes", OFFICE, {"name": "x", "congress": congress, "categories": []}, expect=422)
    scheme = api.post("/category-schemes", OFFICE, {"name": "十堰市人大代表建议分类", "congress": congress,
                                                    "categories": five}, expect=201).json()
    assert [c["name"] for c in scheme["categories"]] == ["政治建设", "经济建设", "文化建设", "社会建设", "生态文明建设"]
    api.post("/category-schemes", OFFICE, {"name": "重复", "congress": congress, "categories": five}, expect=409)

    world, session = World(api), f"{congress}一次"
    in_force = api.get(f"/categories?session={session}", world.deputy_token, expect=200).json()
    assert in_force["scheme"]["id"] == scheme["id"] and [c["code"] for c in in_force["items"]] == [
        c["code"] for c in five]
    assert api.get("/categories", world.deputy_token, expect=200).json()["scheme"]["default"] is True

    wrong = api.post("/suggestions", world.deputy_token, body(session, "关于加快产业转型升级的建议"),
                     expect=422).json()["error"]["details"]
    assert [d["field"] for d in wrong] == ["category"] and "economy" in wrong[0]["message"]
    assert wrong[0]["allowed"] == [c["code"] for c in five]
    s = api.post("/suggestions", world.deputy_token, body(session, "关于加快产业转型升级的建议", category="economy"),
                 expect=201).json()
    assert s["category_name"] == "经济建设"

    api.call("PUT", f"/api/v1/category-schemes/{scheme['id']}", OFFICE, {"categories": five[1:]}, expect=200)
    kept = api.get(f"/category-schemes/{scheme['id']}", OFFICE, expect=200).json()
    assert kept["categories"][-1] == {"code": "politics", "name": "政治建设", "parent": None, "active": False}
    retired = api.post("/suggestions", world.deputy_token, body(session, "关于加强基层党建的建议", category="politics"),
                       expect=422).json()
    assert "retired" in retired["error"]["details"][0]["message"]
    assert api.get(f"/suggestions/{s['id']}", OFFICE, expect=200).json()["category_name"] == "经济建设"
