"""Who may call what: API.md's "who" column and its rule of who sees what, written out for every
gateway route, independently of the gateway's code (tests/e2e/test_access.py runs it).

Each row names the roles let in (``who``). A caller let in gets a success, never 401/403/404/5xx;
a public caller anywhere else gets 401, a signed-in one 403. ``others`` are extra probes of
someone else's row ("404 not found or not visible to you": a deputy on another deputy's
suggestion, a unit on another unit's assignment, station staff on another station). ``note``
says where API.md does not list the route, or says less than the row, and what was decided.

Callers: admin, office, leader, security_admin, auditor; assessor = one named on the world's assessment (assessor2 is not);
deputy = d1, unit = u1, station = st1 (tests/e2e/access_world.py);
``caller`` overrides that per role (the co-unit u2 gives co-unit opinions).
"""
import io
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from gateway.console import DEFAULT_DIST
from scripts.history_year import book
from openpyxl import Workbook

from tests.e2e.access_world import TODAY
from tests.polling import wait_for

STAFF = frozenset({"office", "leader", "admin"})
SIGNED_IN = STAFF | {"deputy", "unit", "station"}  # a third-party assessor calls the assessment routes only
EVERYONE = SIGNED_IN | {"assessor", "security_admin", "auditor", "public"}
ANY_PERSON = EVERYONE - {"public"}  # any signed-in caller, whatever the role (their own sessions)
ROLES = ("admin", "office", "leader", "assessor", "security_admin", "auditor", "deputy", "unit", "station", "public")
EIGHT = dict.fromkeys(("site", "sign", "staff", "rules", "funds", "activities", "records", "results"), True)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # an attached photo (told by its content)
PDF = b"%PDF-1.4\n" + b"\x00" * 64 + b"\n%%EOF\n"  # a reply's signed letter
CSV = "标题,内容,类别,类型,届次,领衔代表,联名代表,来源\n关于某事的建议,内容,天文,大会,十六届三次,1,,调研\n".encode()


@dataclass(frozen=True)
class Probe:
    """Someone else's row: ``ids`` replace the row's, ``caller`` the role's own token, ``body`` the row's."""
    role: str
    ids: dict
    status: int = 404
    caller: str | None = None
    body: Any = None


@dataclass(frozen=True)
class Row:
    method: str
    url: str                                   # as the gateway has it, {placeholder} for <converter:placeholder>
    who: frozenset
    note: str = ""
    ids: dict = field(default_factory=dict)    # placeholder -> world id name, or f(world, role) -> id
    body: Any = None                           # a dict, or f(world, role) -> dict
    query: str = ""
    files: Callable | None = None              # f(world) -> requests' files=
    fresh: Callable | None = None              # f(world, role) -> ids: a new target for each caller let in
    caller: dict = field(default_factory=dict)  # role -> world token name
    expect: dict = field(default_factory=dict)  # role -> status, where the rule above does not apply
    others: tuple = ()

    @property
    def id(self) -> str:
        return f"{self.method} {self.url.removeprefix('/api/v1')}"


def other(role: str, status: int = 404, caller: str | None = None, body=None, **ids) -> Probe:
    return Probe(role, ids, status, caller, body)


def roles(*names: str) -> frozenset:
    return frozenset(names)


def per_role(default: str, **names: str) -> Callable:
    """A placeholder's world id name by the caller's role."""
    return lambda world, role: world.ids[names.get(role, default)]


V = "/api/v1"
# GET / answers the console when its build is there (the test tools build it), else a 503 text
CONSOLE_PAGE = 200 if (DEFAULT_DIST / "index.html").is_file() else 503
S, A, ST = V + "/suggestions/{suggestion_id}", V + "/assignments/{assignment_id}", V + "/stations/{station_id}"
OWN_STATION = ("station",)  # station staff: their station only, another's is 404


def station_others(*extra: Probe) -> tuple:
    return (other("station", station_id="station2"), *extra)


# What a fresh target is, for rows whose first success would leave the next caller a 409.
def fresh_submitted(world, role):
    return {"suggestion_id": world.suggest()["id"]}


def fresh_draft(world, role):
    return {"suggestion_id": world.suggest(draft=True)["id"]}


def fresh_accepted(world, role):
    return {"suggestion_id": world.accepted()}


def s1_photo(world, role):
    """A photo attached to s1 (once, by the office)."""
    if "s1_photo" not in world.ids:
        world.ids["s1_photo"] = world.api.post(f"/suggestions/{world.ids['suggestion_id']}/attachments",
                                               world.tokens["office"], files={"file": ("现场.png", PNG)},
                                               expect=201).json()["id"]
    return world.ids["s1_photo"]


def a1_reply(world, role):
    """The id of u1's reply on a1."""
    if "a1_reply" not in world.ids:
        detail = world.api.get(f"/assignments/{world.ids['assignment_id']}", world.tokens["office"], expect=200)
        world.ids["a1_reply"] = detail.json()["replies"][0]["id"]
    return world.ids["a1_reply"]


def a1_letter(world, role):
    """The signed letter of u1's reply on a1 (once, by the office)."""
    if "a1_letter" not in world.ids:
        world.ids["a1_letter"] = world.api.post(
            f"/assignments/{world.ids['assignment_id']}/replies/{a1_reply(world, role)}/attachments",
            world.tokens["office"], files={"file": ("答复函.pdf", PDF)}, expect=201).json()["id"]
    return world.ids["a1_letter"]


def fresh_published(world, role):
    sid = world.accepted()
    world.api.post(f"/suggestions/{sid}/publish", world.tokens["office"], expect=200)
    return {"suggestion_id": sid}


def fresh_assignment(world, role):
    return {"assignment_id": world.assign(world.accepted(), world.ids["unit1"], [])}


def fresh_replied(world, role):
    """A reply of unit1 to a suggestion d1 leads: each caller let in rates its own."""
    aid = world.assign(world.accepted(), world.ids["unit1"], [])
    world.api.post(f"/assignments/{aid}/sign", world.tokens["unit"], expect=200)
    world.api.post(f"/assignments/{aid}/reply", world.tokens["unit"], world.reply_body(), expect=201)
    return {"assignment_id": aid}


def on_behalf(body: dict | None = None) -> Callable:
    """A unit's step: the unit sends ``body``; the office records it for u1 (``unit_id``)."""
    return lambda world, role: {**(body or {}), **({"unit_id": world.ids["unit1"]} if role == "office" else {})}


def handled_for_office(result_class: str | None = None) -> Callable:
    """The office records u1's step on an assignment of its own (u1 signed; and replied, given a class)."""
    def fresh(world, role):
        if role != "office":
            return {}
        a = world.assign(world.accepted(), world.ids["unit1"], [])
        world.api.post(f"/assignments/{a}/sign", world.tokens["unit"], expect=200)
        if result_class:
            world.api.post(f"/assignments/{a}/reply", world.tokens["unit"], world.reply_body(result_class), expect=201)
        return {"assignment_id": a}
    return fresh


def fresh_opinion(world, role):
    return {"opinion_id": world.opinion()}


def fresh_test(world, role):
    return {"test_id": world.post("/satisfaction-tests", {"title": "测评", "unit_ids": [world.ids["unit1"]],
                                                          "voter_count": 3})["id"]}


def spare_outside(world, role):
    world.api.call("DELETE", f"/api/v1/stations/{world.ids['station_id']}/deputies/{world.ids['spare']}",
                   world.tokens["office"])  # 200, or 404 if not a member
    return {}


def pending_extension(world, role):
    if role == "office":  # something to decide
        world.api.post(f"/assignments/{world.ids['a3']}/extension", world.tokens["unit"],
                       {"days": 10, "reason": "需协调资金"}, expect=201)
    return {}


def spare_member(world, role):
    world.api.post(f"/stations/{world.ids['station_id']}/deputies", world.tokens["office"],
                   {"deputy_id": world.ids["spare"]})  # 201, or 409 if still a member
    return {}


def history_workbook(world) -> dict:
    """A past year of one suggestion, led by the spare deputy (nobody's lists change)."""
    rows = [["编号", "标题", "内容", "类别", "类型", "届次", "领衔代表", "提交日期", "立案日期"],
            [9001, f"关于往年道路修缮的建议{world.tag}", "往年的建议。", "urban", "大会", world.session,
             str(world.ids["spare"]), "2024-01-10", "2024-01-20"]]
    return {"file": ("history.xlsx", book({"建议": rows}))}


def history_job(world, role):
    if "history_import" not in world.ids:
        world.ids["history_import"] = world.api.call(
            "POST", "/api/v1/history/imports", world.tokens["office"], files=history_workbook(world),
            expect=202).json()["id"]
    return {"import_id": world.ids["history_import"]}


def public_opinion_body(world, role):
    return {"content": "小区门口积水", **({"qr_token": world.qr_token()} if role == "public" else {})}


def new_unit(world, role):
    return {"name": "区交通局", "code": f"JT-{world.tag}-{role}", "duties": "交通", "keywords": ["公交"],
            "categories": ["transport"]}


def fresh_unit(world, role):
    return {"unit_id": world.post("/units", new_unit(world, f"patch-{role}"))["id"]}


def new_suggestion(world, role):
    lead = {"lead_deputy_id": world.ids["deputy_id"]} if role == "office" else {}
    return {"title": "关于增设公交站点的建议", "body": "建议增设站点。", "category": "transport", "kind": "session",
            "session": world.session, "source": "visit", **lead}


def new_scheme(world, role):
    # a congress no session of the world starts with ("访问矩阵…"): the world's suggestions keep the default
    return {"name": "分类方案", "congress": f"矩阵{world.tag}-{role}",
            "categories": [{"code": "politics", "name": "政治建设"}]}


def default_scheme(world, role):
    return world.api.get("/categories", world.tokens["office"], expect=200).json()["scheme"]["id"]


def fresh_scheme(world, role):
    return {"scheme_id": world.post("/category-schemes", new_scheme(world, f"put-{role}"))["id"]}


def own_notification(world, role):
    # admin and station staff are never told anything (API.md, Notifications): their probe is
    # the office's notification, which is not theirs (expect below)
    who = {"admin": "office", "station": "office", "public": "office", "assessor": "office",
           "security_admin": "office", "auditor": "office"}.get(role, role)
    return world.ids[f"notification_{who}"]


def person(world) -> dict:
    """A deputy with an account (written into the copy's identity database once), for the sign-in rows."""
    if "person" not in world.ids:
        from sqlalchemy import create_engine

        from tests.e2e.conftest import ENV
        from tests.identity_people import PASSWORD, create_person

        engine = create_engine(f"{ENV['PG_URL']}/{ENV['DB_PREFIX']}_identity")
        login = f"access-{world.tag}"
        account_id = create_person(engine, login, [{"role": "deputy", "deputy_id": world.ids["deputy_id"]}])
        engine.dispose()
        world.ids["person"] = {"id": account_id, "login": login, "password": PASSWORD}
    return world.ids["person"]


def person_credentials(world) -> dict:
    return {"login": person(world)["login"], "password": person(world)["password"]}


def person_refresh(world) -> str:
    """A fresh refresh token of the world's person (each caller uses up its own)."""
    return world.api.post("/auth/sign-in", None, person_credentials(world), expect=200).json()["refresh_token"]


ACTIVITY = {"type": "research", "date": TODAY, "deputy_ids": [], "visitors": 3, "summary": "调研"}



# ---- accounts (identity) ------------------------------------------------------------------


def new_login() -> str:
    return f"acc{uuid.uuid4().hex[:10]}"


def standing_account(world, role=None) -> int:
    """An office account for the rows that only read or change it (made once)."""
    if "account_id" not in world.ids:
        made = world.api.post("/accounts", world.tokens["admin"], {"login": new_login(), "display_name": "常设账号",
                                                                    "roles": [{"role": "office"}]}, expect=201).json()
        world.ids.update(account_id=made["id"], binding_id=made["roles"][0]["id"])
    return world.ids["account_id"]


def standing_binding(world, role=None) -> int:
    standing_account(world)
    return world.ids["binding_id"]


def managed_account(world, role, disabled: bool = False) -> dict:
    """A new account the caller looks after: an administrator a business account, a security
    administrator one holding an administrative role (auditor); disabled first if asked."""
    made = world.api.post("/accounts", world.tokens["admin"], {"login": new_login(), "display_name": "受管账号",
                                                                "roles": [{"role": "office"}]}, expect=201).json()
    if role == "security_admin":
        world.api.post(f"/accounts/{made['id']}/roles", world.tokens["security_admin"], {"role": "auditor"},
                       expect=201)
    if disabled:
        world.api.post(f"/accounts/{made['id']}/disable", world.tokens[role], {"reason": "矩阵"}, expect=200)
    return {"account_id": made["id"]}


def fresh_binding(world, role):
    made = world.api.post("/accounts", world.tokens["admin"], {"login": new_login(), "display_name": "有角色",
                                                                "roles": [{"role": "leader"}]}, expect=201).json()
    return {"account_id": made["id"], "binding_id": made["roles"][0]["id"]}


def workbook_of(rows: list[list]) -> bytes:
    book = Workbook()
    book.active.title = "账号"
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def fresh_roster_deputy(world, role):
    """A deputy new on the roster, once identity's projection has it (a dry-run import says so)."""
    deputy = world.post("/deputies", {"name": "新代表", "level": "city", "delegation": "东城代表团"})
    content = workbook_of([["登录名", "姓名", "角色", "代表编号"], [new_login(), "新代表", "代表", deputy["id"]]])
    wait_for(lambda: world.api.post("/accounts/imports?dry_run=true", world.tokens["admin"],
                                    files={"file": ("x.xlsx", content)}, expect=200).json()["valid"],
             what="the deputy on identity's roster")
    return {"deputy_id": deputy["id"]}


def accounts_workbook(world):
    return {"file": ("账号.xlsx", workbook_of([["登录名", "姓名", "角色", "单位编号"],
                                               [new_login(), "导入办事员", "办理单位", world.ids["unit1"]]]))}


ROWS: list[Row] = [
    # ---- operations (API.md "Operations") ---------------------------------------------
    Row("GET", "/healthz", EVERYONE),
    Row("GET", V + "/openapi.json", EVERYONE),
    Row("GET", "/docs", EVERYONE, note="API.md: the interactive page; its assets are public like it"),
    Row("GET", "/docs/assets/{name}", EVERYONE, ids={"name": lambda world, role: "swagger-ui.css"}),
    Row("GET", "/readyz", EVERYONE),
    *(Row(m, "/{path}", EVERYONE, ids={"path": lambda w, r: "api/v1/no-such-route"}, expect=dict.fromkeys(ROLES, 404),
          note="the catch-all: an unknown path is 404 for everyone, token or not")
      for m in ("GET", "POST", "PUT", "PATCH", "DELETE")),
    # the web console (gateway/console.py): its page for everyone (503 text when console/dist is not built)
    Row("GET", "/", EVERYONE, expect=dict.fromkeys(ROLES, CONSOLE_PAGE),
        note="the console's index.html; make up / the test tools build console/dist"),
    Row("GET", "/assets/{name}", EVERYONE, ids={"name": lambda w, r: "no-such-file.js"},
        expect=dict.fromkeys(ROLES, 404), note="the console's hashed files; an unknown one is a JSON 404"),
    Row("OPTIONS", "/{path}", EVERYONE, ids={"path": lambda w, r: "api/v1/suggestions"}, expect=dict.fromkeys(ROLES, 204),
        note="a CORS preflight, on any path: 204 for everyone, token or not (gateway/cors.py)"),

    # ---- reference data -----------------------------------------------------------------
    Row("POST", V + "/deputies", roles("admin", "office"),
        body={"name": "戊代表", "level": "county", "delegation": "渝北代表团"}),
    Row("GET", V + "/deputies", roles("office", "leader", "admin", "station"),
        note="station staff: their station's deputies (test_access_lists)"),
    Row("GET", V + "/deputies/{deputy_id}", STAFF | {"deputy", "station"},
        note="not in API.md: like the list, plus a deputy's own record; another deputy, or a deputy not "
             "at the caller's station, is 404; units have no roster access (403)",
        others=(other("deputy", deputy_id="deputy3"), other("station", deputy_id="deputy3"))),
    *(Row(m, V + "/deputies/{deputy_id}", roles("admin", "office"), body={"phone": "13900000000"},
          note="not in API.md: whoever registers deputies (POST /deputies) updates them")
      for m in ("PUT", "PATCH")),
    Row("GET", V + "/deputies/{deputy_id}/points", STAFF | {"deputy"},
        note="API.md: the deputy, office; leader and admin too, as they see all; another deputy's is 403",
        others=(other("deputy", 403, deputy_id="deputy3"),)),
    Row("POST", V + "/units", roles("admin", "office"), body=new_unit),
    Row("GET", V + "/units", SIGNED_IN),
    Row("PATCH", V + "/units/{unit_id}", roles("admin", "office"), ids={"unit_id": "unit1"}, fresh=fresh_unit,
        body={"region": "示范省示范市"},
        note="not in API.md (issue 18): whoever registers units (POST /units) corrects them"),
    Row("GET", V + "/unit-kinds", SIGNED_IN, note="not in API.md (issue 18): the kinds of units routing knows"),
    Row("GET", V + "/units/kind", roles("admin", "office"), query="?name=示范市交通运输局",
        note="not in API.md (issue 18): the kind a unit's name says, for the registry form"),
    Row("GET", V + "/categories", SIGNED_IN, query="?session=十六届三次"),
    Row("GET", V + "/category-schemes", STAFF, note="not in API.md (issue 15): the office's category schemes"),
    Row("GET", V + "/category-schemes/{scheme_id}", STAFF, ids={"scheme_id": default_scheme},
        note="not in API.md (issue 15)"),
    Row("POST", V + "/category-schemes", roles("admin", "office"), body=new_scheme,
        note="not in API.md (issue 15): who registers reference data (POST /units) manages category schemes"),
    Row("PUT", V + "/category-schemes/{scheme_id}", roles("admin", "office"), ids={"scheme_id": default_scheme},
        fresh=fresh_scheme, body={"name": "分类方案（修订）"}, note="not in API.md (issue 15)"),

    # ---- suggestions ------------------------------------------------------------------
    Row("POST", V + "/suggestions", roles("deputy", "office"), body=new_suggestion),
    Row("GET", V + "/suggestions", SIGNED_IN, note="scoped (test_access_lists): a deputy their own, co-signed and "
                                                   "public ones; a unit those it handles and public ones (decided); "
                                                   "station staff public ones; staff all"),
    Row("GET", S, SIGNED_IN, ids={"suggestion_id": per_role("suggestion_id", station="s3")},
        note="scoped as the list; a unit reads the suggestions it handles (decided: it must answer them); "
             "station staff read public ones (s3)",
        others=(other("deputy", suggestion_id="s2"), other("unit", suggestion_id="s2"),
                other("station", suggestion_id="s2"), other("unit", caller="unit2", suggestion_id="suggestion_id",
                                                            status=200))),
    Row("POST", S + "/submit", roles("deputy", "office"), fresh=fresh_draft, body={},
        note="API.md: the lead deputy; the office too, as it submits on a deputy's behalf (POST /suggestions). "
             "Another's draft is 404, a co-signer 403",
        others=(other("deputy", suggestion_id="draft3"),)),
    Row("PATCH", S, roles("deputy", "office"), fresh=fresh_draft, body={"body": "补充了调研情况。"},
        note="not in API.md (issue 17): a draft's changes saved, as /submit's rights: the lead deputy, the office "
             "on a deputy's behalf; another's draft is 404",
        others=(other("deputy", suggestion_id="draft3"),)),
    Row("POST", S + "/screening", roles("office"), fresh=fresh_submitted, body={"decision": "accept"}),
    Row("GET", V + "/stats/screening", STAFF, query="?session=十六届三次",
        note="not in API.md (issue 15): screening counts by outcome, for those who see every suggestion"),
    Row("POST", S + "/withdraw", roles("deputy", "office"), fresh=fresh_submitted, body={"reason": "已解决"},
        note="API.md: the lead deputy; the office too, on a deputy's behalf. A suggestion not visible is 404, "
             "one only co-signed is 403",
        others=(other("deputy", suggestion_id="s2"),
                other("deputy", 403, caller="deputy2", suggestion_id="suggestion_id"))),
    Row("POST", S + "/publish", roles("office"), ids={"suggestion_id": "s3"}),
    Row("POST", S + "/unpublish", roles("office"), ids={"suggestion_id": "s3"}, fresh=fresh_published,
        body={"reason": "涉及个人隐私"}, note="not in API.md: withdrawing a disclosure (issue 15), by whoever publishes"),
    Row("GET", S + "/publication", roles("office"), ids={"suggestion_id": "s3"},
        note="not in API.md: the review of what publish would show (issue 13), for whoever publishes"),
    Row("GET", V + "/public/suggestions", EVERYONE, note="API.md: public; a token does not take it away"),
    Row("GET", V + "/public/suggestions/{suggestion_id}", EVERYONE, ids={"suggestion_id": "s3"},
        note="not in API.md: one item of the public list; a suggestion not public is 404 to everyone",
        others=tuple(other(r, suggestion_id="s2") for r in ("public", "office"))),
    Row("POST", V + "/suggestions/import", roles("office"), files=lambda world: {"file": ("batch.csv", CSV)}),
    Row("GET", V + "/suggestions/export.xlsx", STAFF),
    Row("POST", S + "/attachments", roles("deputy", "office"), fresh=fresh_submitted,
        files=lambda world: {"file": ("现场.png", PNG)},
        note="not in API.md (issue 15): the lead deputy while draft or submitted, the office at any time; "
             "another's suggestion is 404, a co-signer 403",
        others=(other("deputy", suggestion_id="s2"), other("deputy", 403, caller="deputy2",
                                                            suggestion_id="suggestion_id"))),
    Row("GET", S + "/attachments/{attachment_id}", STAFF | {"deputy", "unit"}, ids={"attachment_id": s1_photo},
        note="not in API.md (issue 15): who sees the suggestion (its deputies, the units handling it, staff), "
             "never through its disclosure (a deputy or unit who sees it only as published: 404)",
        others=(other("deputy", caller="deputy3"), other("unit", caller="unit3"))),
    Row("POST", V + "/history/imports", roles("office"), query="?dry_run=true", files=history_workbook,
        note="not in API.md: the past-year import (issue 15); a dry run, so nothing is written"),
    Row("GET", V + "/history/imports/{import_id}", roles("office"), fresh=history_job,
        ids={"import_id": lambda world, role: 1}, note="not in API.md: the past-year import's job"),

    # ---- assignment -------------------------------------------------------------------
    Row("GET", S + "/routing", roles("office"), ids={"suggestion_id": "s4"}),
    Row("POST", S + "/assignment", roles("office"), fresh=fresh_accepted,
        body=lambda world, role: {"lead_unit_id": world.ids["unit1"], "co_unit_ids": []}),
    Row("GET", V + "/assignments", STAFF | {"unit"},
        note="scoped: a unit sees its own (test_access_lists); deputies and station staff are not handling "
             "units: 403 (decided; a deputy follows handling in GET /suggestions/{id})"),
    Row("GET", A, STAFF | {"unit"}, others=(other("unit", assignment_id="a2"),
                                            other("unit", caller="unit2", status=200))),
    Row("POST", A + "/sign", roles("unit", "office"), fresh=fresh_assignment, body=on_behalf(),
        note="the office records a unit's signing (paper work) naming unit_id (issue 15)",
        others=(other("unit", assignment_id="a2"),)),
    Row("POST", A + "/contacts", roles("unit", "office"), ids={"assignment_id": "a3"},
        body=on_behalf({"stage": "during", "method": "phone", "note": "电话沟通"}),
        note="the office records a unit's contact naming unit_id (issue 15)",
        others=(other("unit", assignment_id="a2"),)),
    Row("POST", A + "/opinions", roles("unit"), ids={"assignment_id": "a3"}, caller={"unit": "unit2"},
        body={"content": "建议结合雨污分流一并实施"},
        note="the co-unit (u2); the lead unit is told 409 (it replies instead: a rule of the assignment, "
             "tests/e2e/test_assignment.py)",
        others=(other("unit", caller="unit3", assignment_id="a3"),)),
    Row("POST", A + "/dispute", roles("unit"), ids={"assignment_id": "a3"}, body={"reason": "非我单位职责"},
        others=(other("unit", assignment_id="a2"),)),
    Row("POST", A + "/reroute", roles("office"), ids={"assignment_id": "a3"},
        body=lambda world, role: {"lead_unit_id": world.ids["unit1"], "co_unit_ids": [world.ids["unit2"]],
                                  "due_at": world.past_due, "reason": "维持原单位"}),
    Row("POST", A + "/extension", roles("unit", "office"), ids={"assignment_id": "a3"},
        body=lambda world, role: {"days": 10, "reason": "需协调资金"} if role == "unit" else {"approve": True},
        fresh=pending_extension,
        note="the lead unit asks, the office decides",
        others=(other("unit", assignment_id="a2"),)),
    Row("POST", A + "/urge", roles("office", "leader"), ids={"assignment_id": "a3"}, body={"method": "phone"}),
    Row("GET", A + "/letter", roles("office", "leader"), ids={"assignment_id": "a3"},
        note="not in API.md: the urging letter is drafted by those who urge (office, leader)"),
    Row("POST", S + "/supervision", roles("office"), ids={"suggestion_id": "s4"},
        body={"leader": "李主任", "reason": "逾期未复"}),
    Row("POST", A + "/reply", roles("unit", "office"), ids={"assignment_id": "a3"},
        body=lambda world, role: on_behalf(world.reply_body())(world, role), fresh=handled_for_office(),
        note="a handling unit (the lead, or each unit of a separate assignment); a co-unit is told 409 "
             "(tests/e2e/test_assignment.py); the office records a unit's reply naming unit_id (issue 15)",
        others=(other("unit", assignment_id="a2"),)),
    Row("POST", A + "/replies/{reply_id}/attachments", roles("unit", "office"), ids={"reply_id": a1_reply},
        files=lambda world: {"file": ("答复函.pdf", PDF)},
        note="not in API.md (issue 15): the unit that gave the reply, or the office (the paper letter); the "
             "co-unit is 403, a unit not on the assignment 404",
        others=(other("unit", 403, caller="unit2"), other("unit", caller="unit3"))),
    Row("GET", A + "/attachments", STAFF | {"unit", "deputy"},
        note="not in API.md (issue 15): a reply's files, for staff, the units on it and the suggestion's deputies",
        others=(other("unit", caller="unit3"), other("deputy", caller="deputy3"))),
    Row("GET", A + "/attachments/{attachment_id}", STAFF | {"unit", "deputy"}, ids={"attachment_id": a1_letter},
        note="not in API.md (issue 15): as the list; never public",
        others=(other("unit", caller="unit3"), other("deputy", caller="deputy3"))),
    Row("POST", A + "/follow-up", roles("unit", "office"), fresh=handled_for_office("B"),
        body=on_behalf({"content": "已修复完毕。", "signed_by": "王主任"}),
        note="not in API.md: a handling unit's follow-up reply to its B-class reply; the office may record it",
        others=(other("unit", assignment_id="a2"),)),

    # ---- evaluation -------------------------------------------------------------------
    Row("POST", A + "/evaluation", roles("deputy", "office"), fresh=fresh_replied, body={"satisfaction": "satisfied"},
        note="the lead deputy, or the office recording the deputy's paper rating form (issue 15); another deputy "
             "(even a co-signer) is 403",
        others=(other("deputy", 403, assignment_id="a2"), other("deputy", 403, caller="deputy2"))),
    Row("POST", V + "/satisfaction-tests", roles("office"),
        body=lambda world, role: {"title": "测评", "unit_ids": [world.ids["unit1"]], "voter_count": 5}),
    Row("GET", V + "/satisfaction-tests/{test_id}", STAFF, note="not in API.md: staff see all"),
    Row("POST", V + "/satisfaction-tests/{test_id}/ballots", roles("office"),
        body=lambda world, role: {"votes": [{"unit_id": world.ids["unit1"], "choice": "basic"}]}),
    Row("POST", V + "/satisfaction-tests/{test_id}/close", roles("office"), fresh=fresh_test),
    Row("POST", V + "/assessments", roles("office"),
        body=lambda world, role: {"sample_size": 1, "session": world.session, "assessors": ["assessor-x"]}),
    Row("GET", V + "/assessments", STAFF | {"assessor"},
        note="not in API.md: staff see all, an assessor those they are named on (tests/e2e/test_evaluation.py)"),
    Row("GET", V + "/assessments/{assessment_id}", STAFF | {"assessor"},
        note="not in API.md: staff see all, an assessor only those they are named on",
        others=(other("assessor", caller="assessor2", assessment_id="assessment_id"),)),
    Row("POST", V + "/assessments/{assessment_id}/assessors", roles("office"),
        body={"assessors": ["assessor-later"]}, note="not in API.md: the office names assessors later"),
    Row("POST", V + "/assessments/{assessment_id}/scores", roles("office", "assessor"),
        body=lambda world, role: {"suggestion_id": world.ids["suggestion_id"], "score": 90},
        note="not in API.md: an assessor named on it scores; the office may record a score (as itself)",
        others=(other("assessor", caller="assessor2", assessment_id="assessment_id"),)),
    Row("GET", V + "/stats/rates", STAFF | {"unit"}, note="a unit: its own rates, whatever unit_id it asks "
                                                          "(test_access_lists)"),
    Row("GET", V + "/stats/units", STAFF),
    Row("GET", V + "/stats/rates/groups", STAFF | {"unit"}, query="?by=month",
        note="the rates by unit, category, session, kind or month (issue 17's dashboard); a unit its own"),
    Row("GET", V + "/stats/overdue", STAFF | {"unit"},
        note="not in API.md: the overdue list, scoped as the rates (a unit its own)"),
    Row("GET", V + "/reports/rates.xlsx", STAFF),

    # ---- stations ---------------------------------------------------------------------
    # API.md lists office (and admin for registration) where the system also lets admin, or office
    # and admin, act for any station: decided that the people who register and inspect stations may
    # record on a station's behalf (paper records brought in), as tests/e2e/test_stations.py does.
    Row("POST", V + "/stations", roles("admin", "office"),
        body={"name": "新联络站", "type": "point", "region": "渝北区/新区", "address": "新路1号"}),
    Row("GET", V + "/stations", SIGNED_IN, note="station staff: their station only (test_access_lists)"),
    Row("GET", V + "/stations/stats", STAFF, note="not in API.md: the region's figures, for those who see all"),
    Row("GET", V + "/stations/missed-receptions", STAFF, query="?month=2025-01",
        note="API.md: office; a report, so leader and admin too, who see all (fixed: leader was 403)"),
    Row("GET", ST, SIGNED_IN, others=station_others()),
    Row("PUT", ST + "/standards", roles("office", "station", "admin"), body=EIGHT,
        note="API.md: office, station; admin too (decided, see above)", others=station_others()),
    Row("POST", ST + "/inspections", roles("office", "admin"),
        body={"inspectors": ["李检查"], "scores": {"阵地": 40}, "stars": 2, "note": "互检"},
        note="API.md: office; admin too (decided, see above)"),
    Row("GET", ST + "/inspections", SIGNED_IN, note="not in API.md: read like the station itself",
        others=station_others()),
    Row("GET", ST + "/qr.png", SIGNED_IN, others=station_others()),
    Row("POST", ST + "/qr-token", roles("office", "admin", "station"),
        note="not in API.md: a new public link, by those who keep the station", others=station_others()),
    Row("GET", ST + "/stats", SIGNED_IN, others=station_others()),
    Row("POST", ST + "/deputies", roles("office", "station", "admin"), fresh=spare_outside,
        body=lambda world, role: {"deputy_id": world.ids["spare"]},
        note="API.md: office, station; admin too (decided, see above)",
        others=station_others()),
    Row("DELETE", ST + "/deputies/{deputy_id}", roles("office", "admin", "station"), ids={"deputy_id": "spare"},
        fresh=spare_member, note="not in API.md: who adds members removes them",
        others=station_others(other("station", station_id="station2", deputy_id="deputy3"))),
    Row("POST", ST + "/activities", roles("station", "deputy", "office", "admin"), body=ACTIVITY,
        note="API.md: station, deputy (member); office and admin too (decided, see above); a deputy not a member "
             "is 403",
        others=station_others(other("deputy", 403, station_id="station2"))),
    Row("GET", ST + "/activities", SIGNED_IN, note="station staff: their station only",
        others=station_others()),
    Row("GET", V + "/public/stations/{token}", EVERYONE, ids={"token": lambda world, role: world.qr_token()},
        note="not in API.md: what the page behind the QR link needs (no contact data), public"),
    Row("POST", ST + "/opinions", EVERYONE - {"leader", "unit", "assessor", "security_admin", "auditor"}, body=public_opinion_body,
        note="API.md: station, deputy; public with the station's qr_token (without it: 401); office and admin "
             "too (decided, see above)",
        others=station_others(other("public", 401, station_id="station_id", body={"content": "没有令牌"}),
                              other("public", 404, station_id="station2"),
                              other("deputy", 403, station_id="station2"))),
    Row("GET", ST + "/opinions", STAFF | {"station", "deputy"},
        note="not in API.md: the station's staff, its member deputies (others 403), staff who see all; "
             "units have no business with constituents' opinions",
        others=station_others(other("deputy", 403, station_id="station2"))),
    Row("GET", V + "/opinions/{opinion_id}", STAFF | {"station", "deputy"}, note="not in API.md: as the list",
        others=(other("station", opinion_id="opinion2"), other("deputy", 403, opinion_id="opinion2"))),
    Row("POST", V + "/opinions/{opinion_id}/disposition", roles("station", "deputy", "office", "admin"),
        fresh=fresh_opinion, body={"action": "resolved", "note": "已答复群众"},
        note="API.md: station, deputy; office and admin too (decided, see above)",
        others=(other("station", opinion_id="opinion2"), other("deputy", 403, opinion_id="opinion2"))),

    # ---- notifications ----------------------------------------------------------------
    Row("GET", V + "/notifications", SIGNED_IN, note="own inbox only (test_access_lists)"),
    Row("POST", V + "/notifications/{notification_id}/read", SIGNED_IN, ids={"notification_id": own_notification},
        expect={"admin": 404, "station": 404}, note="the owner; anyone else's is 404",
        others=(other("deputy", notification_id="notification_deputy3"),
                other("unit", notification_id="notification_unit3"),
                other("office", notification_id="notification_deputy"))),
    Row("GET", V + "/notifications/{notification_id}/deliveries", SIGNED_IN,
        ids={"notification_id": own_notification}, expect={"station": 404},
        note="not in API.md: the owner, and office and admin who look after delivery; anyone else's is 404",
        others=(other("deputy", notification_id="notification_deputy3"),
                other("unit", notification_id="notification_unit3"),
                other("leader", notification_id="notification_deputy"),
                other("office", 200, notification_id="notification_deputy"))),
    Row("GET", V + "/notifications/preferences", SIGNED_IN, note="not in API.md: read what PUT sets"),
    Row("PUT", V + "/notifications/preferences", SIGNED_IN, body={"email": True, "webhook": False}),

    # ---- accounts (identity; 三员分立) -----------------------------------------------------
    # not in API.md (the identity issue designs them)
    Row("POST", V + "/accounts", roles("admin"), body=lambda world, role: {"login": new_login(), "display_name": "新账号", "roles": [{"role": "unit",
                                                                                          "unit_id": 1}]},
        note="the administrator creates accounts; administrative roles are bound by the security administrator"),
    Row("GET", V + "/accounts", roles("admin", "security_admin")),
    Row("GET", V + "/accounts/{account_id}", roles("admin", "security_admin"), ids={"account_id": standing_account}),
    Row("PATCH", V + "/accounts/{account_id}", roles("admin"), ids={"account_id": standing_account}, body={"phone": "13900000000"}),
    Row("POST", V + "/accounts/{account_id}/disable", roles("admin", "security_admin"), ids={"account_id": standing_account}, body={"reason": "矩阵"}, fresh=managed_account,
        note="an administrative role's holder: the security administrator; anyone else: the administrator"),
    Row("POST", V + "/accounts/{account_id}/enable", roles("admin", "security_admin"), ids={"account_id": standing_account},
        fresh=lambda world, role: managed_account(world, role, disabled=True), note="as disabling"),
    Row("POST", V + "/accounts/{account_id}/reset-password", roles("admin", "security_admin"),
        ids={"account_id": standing_account}, fresh=managed_account, note="as disabling"),
    Row("POST", V + "/accounts/{account_id}/roles", roles("admin", "security_admin"), ids={"account_id": standing_account}, fresh=managed_account, body={"role": "assessor"},
        note="business roles: both; admin, security_admin, auditor: the security administrator only"),
    Row("DELETE", V + "/accounts/{account_id}/roles/{binding_id}", roles("admin", "security_admin"),
        ids={"account_id": standing_account, "binding_id": standing_binding},
        fresh=fresh_binding, note="as binding"),
    Row("POST", V + "/accounts/imports", roles("admin"), files=accounts_workbook,
        note="a workbook of accounts (sheet 账号)"),
    Row("POST", V + "/deputies/{deputy_id}/account", roles("admin", "office"), ids={"deputy_id": "deputy3"}, fresh=fresh_roster_deputy, body={},
        note="a deputy on the roster gets an account in one step"),
    Row("GET", V + "/people", roles("office", "leader", "admin"), query="?role=leader",
        note="the directory the office picks supervising leaders and assessors from"),
    Row("GET", V + "/security/policy", roles("security_admin")),
    Row("PUT", V + "/security/policy", roles("security_admin"), body={"idle_minutes": 30}),
    # ---- the audit trail (issue 16): the auditor only; every other role here is refused -----
    Row("GET", V + "/audit", roles("auditor"), note="issue 16: the auditor reads the trail, changes nothing"),
    Row("GET", V + "/audit/export", roles("auditor"), note="issue 16: as the search, as .xlsx"),
    # ---- sign-in and sessions (issue 16; flows: test_sign_in.py) --------------------------
    Row("POST", V + "/auth/sign-in", EVERYONE, body=lambda world, role: person_credentials(world),
        note="open: a token, if sent, must be valid; the password is the proof"),
    *(Row("POST", V + path, EVERYONE, body=body, expect=dict.fromkeys(ROLES, 401),
          note="open: the sign-in challenge is the proof; a made-up one is 401 invalid_challenge for any caller")
      for path, body in (("/auth/mfa", {"challenge": "ch_made-up", "code": "123456"}),
                         ("/auth/totp/enrol", {"challenge": "ch_made-up"}),
                         ("/auth/totp/confirm", {"challenge": "ch_made-up", "code": "123456"}),
                         ("/auth/password", {"challenge": "ch_made-up", "new_password": "Long-enough-2026"}))),
    Row("POST", V + "/auth/refresh", EVERYONE, body=lambda world, role: {"refresh_token": person_refresh(world)},
        note="open: the refresh token is the proof"),
    Row("POST", V + "/auth/sign-out", EVERYONE, body=lambda world, role: {"refresh_token": person_refresh(world)}),
    Row("POST", V + "/auth/sign-out-everywhere", ANY_PERSON,
        note="any signed-in caller: their own sessions (a development token's caller has none)"),
    Row("GET", V + "/auth/me", ANY_PERSON),
    Row("GET", V + "/auth/sessions", ANY_PERSON),
    Row("POST", V + "/accounts/{account_id}/reset-mfa", roles("security_admin"),
        ids={"account_id": lambda world, role: person(world)["id"]}),
    Row("POST", V + "/security/keys/rotate", roles("security_admin"),
        note="the old key stays in the JWKS until its tokens expired: the other rows' tokens keep working"),
    Row("GET", "/.well-known/jwks.json", EVERYONE),

    # ---- single sign-on (the unified identity platform, OIDC) -------------------------------
    Row("GET", V + "/auth/oidc/start", EVERYONE, query="?return_to=/", expect=dict.fromkeys(ROLES, 404),
        note="public (the way in); the shared e2e copy runs without OIDC_ISSUER, so single sign-on is off: "
             "404 'single sign-on is not configured' for everyone. tests/e2e/test_oidc.py runs it on "
             "(302 to the platform) against a real OpenID provider"),
    Row("GET", V + "/auth/oidc/callback", EVERYONE, query="?code=x&state=y", expect=dict.fromkeys(ROLES, 404),
        note="public (the platform sends the browser back here); off in the shared copy as above: 404; "
             "with single sign-on on, an unknown state is 400 (tests/e2e/test_oidc.py)"),
]
