"""A small world for the access matrix: two of everything a role is scoped to, so each caller
has a row of its own and someone else's (tests/e2e/test_access*.py).

    deputies  d1 (the deputy caller; member of st1, leads s1, s4), d2 (co-signs s1),
              d3 (member of st2, leads s2, s3), spare (joins and leaves st1 in the matrix)
    units     u1 (the unit caller; leads a1, a3), u2 (co-unit of a1, a3), u3 (leads a2)
    stations  st1 (the station caller), st2
    s1 → a1   accepted, assigned, signed, contacted, replied (class B), under key supervision
    s2 → a2   d3's, u3's, overdue; nobody else's
    s3        d3's, accepted and public: everyone's
    s4 → a3   accepted, assigned, signed by u1, overdue: the one being handled
    opinions  o1 at st1, o2 at st2; an activity at each; a satisfaction test; an assessment
"""
import uuid
from datetime import datetime, timedelta, timezone

from tests.e2e.client import Api, token
from tests.polling import wait_for

PAST_DUE = (datetime.now(timezone.utc) - timedelta(days=3)).isoformat()
TODAY = (datetime.now(timezone.utc) + timedelta(hours=8)).date().isoformat()  # China's calendar


class AccessWorld:
    def __init__(self, api: Api):
        self.api = api
        self.tag = uuid.uuid4().hex[:6]
        self.session = f"访问矩阵{self.tag}"
        self.past_due = PAST_DUE
        self.tokens = {"admin": token("admin", sub="admin-access"), "office": token("office", sub="office-access"),
                       "leader": token("leader", sub="leader-access"), "public": None,
                       "assessor": token("assessor", sub="assessor-access"),
                       "assessor2": token("assessor", sub="assessor-access2"),
                       # 三员分立: the security administrator and the auditor are no business callers
                       "security_admin": token("security_admin", sub="security-admin-access"),
                       "auditor": token("auditor", sub="auditor-access")}
        office = self.tokens["office"]
        self.ids: dict[str, int | str] = {}
        st1, st2 = (self.post("/stations", {"name": f"{n}联络站", "type": "station", "region": f"渝北区{self.tag}/{n}",
                                            "address": f"{n}1号"}) for n in ("龙溪", "回兴"))
        d1, d2, d3, spare = (self.post("/deputies", {"name": n, "level": "county", "delegation": "渝北代表团"})
                             for n in ("甲代表", "乙代表", "丙代表", "丁代表"))
        self.api.post(f"/stations/{st1['id']}/deputies", office, {"deputy_id": d1["id"]}, expect=201)
        self.api.post(f"/stations/{st2['id']}/deputies", office, {"deputy_id": d3["id"]}, expect=201)
        u1, u2, u3 = (self.post("/units", {"name": n, "code": f"{c}-{self.tag}", "duties": "城市道路管理",
                                           "keywords": ["道路"], "categories": ["urban"]})
                      for n, c in (("区住建委", "ZJ"), ("区城管局", "CG"), ("区水务局", "SW")))
        self.ids.update(station_id=st1["id"], station2=st2["id"], deputy_id=d1["id"], deputy2=d2["id"],
                        deputy3=d3["id"], spare=spare["id"], unit1=u1["id"], unit2=u2["id"], unit3=u3["id"])
        self.tokens.update(
            deputy=token("deputy", sub=f"deputy-{d1['id']}", deputy_id=d1["id"]),
            deputy2=token("deputy", sub=f"deputy-{d2['id']}", deputy_id=d2["id"]),
            deputy3=token("deputy", sub=f"deputy-{d3['id']}", deputy_id=d3["id"]),
            unit=token("unit", sub=f"unit-{u1['id']}", unit_id=u1["id"]),
            unit2=token("unit", sub=f"unit-{u2['id']}", unit_id=u2["id"]),
            unit3=token("unit", sub=f"unit-{u3['id']}", unit_id=u3["id"]),
            station=token("station", sub=f"station-{st1['id']}", station_id=st1["id"]),
            station2=token("station", sub=f"station-{st2['id']}", station_id=st2["id"]))

        s1 = self.accepted("deputy", co_signer_ids=[d2["id"]])
        a1 = self.assign(s1, u1["id"], [u2["id"]])
        self.api.post(f"/assignments/{a1}/sign", self.tokens["unit"], expect=200)
        self.api.post(f"/assignments/{a1}/sign", self.tokens["unit2"], expect=200)
        self.api.post(f"/assignments/{a1}/contacts", self.tokens["unit"],
                      {"stage": "before", "method": "visit", "note": "上门面商"}, expect=201)
        self.api.post(f"/assignments/{a1}/reply", self.tokens["unit"], self.reply_body("B"), expect=201)
        # the leader whose token the matrix uses: a named leader is told in their own inbox
        self.api.post(f"/suggestions/{s1}/supervision", office,
                      {"leaders": [{"sub": "leader-access", "name": "张主任"}], "reason": "群众关注"}, expect=201)
        s2 = self.accepted("deputy3")
        a2 = self.assign(s2, u3["id"], [], due_at=PAST_DUE)
        s3 = self.accepted("deputy3")
        self.api.post(f"/suggestions/{s3}/publish", office, expect=200)
        s4 = self.accepted("deputy", co_signer_ids=[])
        a3 = self.assign(s4, u1["id"], [u2["id"]], due_at=PAST_DUE)
        self.api.post(f"/assignments/{a3}/sign", self.tokens["unit"], expect=200)
        draft3 = self.suggest("deputy3", draft=True)["id"]
        self.ids.update(suggestion_id=s1, assignment_id=a1, s2=s2, a2=a2, s3=s3, s4=s4, a3=a3, draft3=draft3)

        self.ids["opinion_id"] = self.opinion("station")
        self.ids["opinion2"] = self.opinion("station2", st2["id"])
        for who, station in (("station", st1), ("station2", st2)):
            self.ids[f"activity_{who}"] = self.api.post(
                f"/stations/{station['id']}/activities", self.tokens[who],
                {"type": "reception", "date": TODAY, "deputy_ids": [], "visitors": 5, "summary": "接待选民"},
                expect=201).json()["id"]
        self.ids["test_id"] = self.post("/satisfaction-tests", {"title": "年度测评", "unit_ids": [u1["id"], u2["id"]],
                                                                "voter_count": 1000})["id"]
        self.ids["assessment_id"] = wait_for(  # once evaluation has a1's reply
            lambda: (r := api.post("/assessments", office, {"sample_size": 1, "session": self.session,
                                                     "assessors": ["assessor-access"]}))
            .status_code == 201 and r.json()["id"], what="an assessment of the session")
        self.settle()

    # ---- building blocks (also used by the matrix for fresh targets) -----------------
    def post(self, path: str, data: dict) -> dict:
        return self.api.post(path, self.tokens["office"], data, expect=201).json()

    def suggest(self, who: str = "deputy", **extra) -> dict:
        return self.api.post("/suggestions", self.tokens[who], {
            "title": "关于整治小区周边道路破损问题的建议", "body": "道路坑洼多年，建议尽快修复。",
            "category": "urban", "kind": "recess", "session": self.session, "source": "research", **extra},
            expect=201).json()

    def accepted(self, who: str = "deputy", **extra) -> int:
        sid = self.suggest(who, **extra)["id"]
        self.api.post(f"/suggestions/{sid}/screening", self.tokens["office"], {"decision": "accept"}, expect=200)
        return sid

    def assign(self, suggestion_id: int, lead: int, co: list[int], **extra) -> int:
        return self.api.post(f"/suggestions/{suggestion_id}/assignment", self.tokens["office"],
                             {"lead_unit_id": lead, "co_unit_ids": co, **extra}, expect=201).json()["id"]

    def opinion(self, who: str = "station", station_id: int | None = None) -> int:
        station_id = station_id or self.ids["station_id"]
        return self.api.post(f"/stations/{station_id}/opinions", self.tokens[who], {"content": "路灯不亮"},
                             expect=201).json()["id"]

    @staticmethod
    def reply_body(result_class: str = "A") -> dict:
        return {"result_class": result_class, "content": "已列入年度计划修复。", "signed_by": "王主任"}

    def qr_token(self) -> str:
        """The station's current public link token (the matrix rotates it)."""
        return self.api.get(f"/stations/{self.ids['station_id']}", self.tokens["office"], expect=200).json()["qr_token"]

    def inbox(self, who: str) -> list[dict]:
        return self.api.get("/notifications?limit=200", self.tokens[who], expect=200).json()["items"]

    # ---- waiting for what events carry ---------------------------------------------------
    def settle(self) -> None:
        """Until the projections the matrix reads have caught up: units see what they handle,
        each identity with an inbox has a notification in it."""
        for who, sid in (("unit", "suggestion_id"), ("unit", "s4"), ("unit2", "suggestion_id"), ("unit3", "s2")):
            wait_for(lambda: self.api.get(f"/suggestions/{self.ids[sid]}", self.tokens[who]).status_code == 200,
                     what=f"{who} seeing {sid}")
        for who in ("office", "leader", "deputy", "deputy3", "unit", "unit3"):
            self.ids[f"notification_{who}"] = wait_for(lambda: [n["id"] for n in self.inbox(who)],
                                                       what=f"a notification for {who}")[0]
