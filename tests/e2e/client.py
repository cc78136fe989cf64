"""A small HTTP client for end-to-end tests, and the lifecycle steps they share."""
import uuid

import requests

from gateway.tokens import make_token


def token(role: str, **claims) -> str:
    return make_token(role, **claims)


class Api:
    def __init__(self, url: str):
        self.url = url
        self.http = requests.Session()

    def call(self, method: str, path: str, tok: str | None = None, json=None, expect: int | None = None,
             headers: dict | None = None, **kwargs):
        hdrs = dict(headers or {})
        if tok:
            hdrs["Authorization"] = f"Bearer {tok}"
        response = self.http.request(method, self.url + path, json=json, headers=hdrs, timeout=15, **kwargs)
        if expect is not None:
            assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
        return response

    def post(self, path, tok=None, json=None, expect=None, **kw):
        return self.call("POST", "/api/v1" + path, tok, json, expect, **kw)

    def get(self, path, tok=None, expect=None, **kw):
        return self.call("GET", "/api/v1" + path, tok, None, expect, **kw)


OFFICE = token("office", sub="office-1")


class World:
    """Registers what a lifecycle needs: two deputies and two units."""

    def __init__(self, api: Api):
        self.api = api
        tag = uuid.uuid4().hex[:6]
        self.lead = api.post("/deputies", OFFICE, {"name": "王建国", "level": "city", "delegation": "东城代表团"},
                             expect=201).json()
        self.cosigner = api.post("/deputies", OFFICE, {"name": "李红梅", "level": "city",
                                                        "delegation": "西城代表团"}, expect=201).json()
        self.unit = api.post("/units", OFFICE, {"name": "市交通运输局", "code": f"JT-{tag}", "duties": "公共交通",
                                                "keywords": ["公交"], "categories": ["transport"]},
                             expect=201).json()
        self.co_unit = api.post("/units", OFFICE, {"name": "市公安局交通管理局", "code": f"JG-{tag}",
                                                   "duties": "交通管理", "keywords": ["停车"],
                                                   "categories": ["transport"]}, expect=201).json()
        self.deputy_token = token("deputy", sub=f"deputy-{self.lead['id']}", deputy_id=self.lead["id"])
        self.cosigner_token = token("deputy", sub=f"deputy-{self.cosigner['id']}", deputy_id=self.cosigner["id"])
        self.unit_token = token("unit", sub=f"unit-{self.unit['id']}", unit_id=self.unit["id"])
        self.co_unit_token = token("unit", sub=f"unit-{self.co_unit['id']}", unit_id=self.co_unit["id"])

    def submit(self, title: str = "关于解决某小区居民公交出行问题的建议") -> dict:
        return self.api.post("/suggestions", self.deputy_token, {
            "title": title, "body": "该小区距最近公交站两公里，建议增设站点。", "category": "transport",
            "kind": "session", "session": "十六届三次", "source": "research",
            "co_signer_ids": [self.cosigner["id"]]}, expect=201).json()

    def lifecycle(self) -> dict:
        """提 → 交 → 办 → 评, as the walking skeleton runs it; returns the ids."""
        s = self.submit()
        self.api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
        a = self.api.post(f"/suggestions/{s['id']}/assignment", OFFICE,
                          {"lead_unit_id": self.unit["id"], "co_unit_ids": [self.co_unit["id"]]}, expect=201).json()
        self.api.post(f"/assignments/{a['id']}/sign", self.unit_token, expect=200)
        self.api.post(f"/assignments/{a['id']}/sign", self.co_unit_token, expect=200)
        self.api.post(f"/assignments/{a['id']}/reply", self.unit_token,
                      {"result_class": "A", "content": "已增设公交站点。", "signed_by": "张局长"}, expect=201)
        self.api.post(f"/assignments/{a['id']}/evaluation", self.deputy_token, {"satisfaction": "satisfied"},
                      expect=201)
        return {"suggestion_id": s["id"], "assignment_id": a["id"], "number": s["number"]}

    def inbox(self, tok: str) -> list[dict]:
        return self.api.get("/notifications?limit=200", tok, expect=200).json()["items"]
