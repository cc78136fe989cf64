"""A valid payload of every published event type, as its producer would send it.

``sample(type_, **changes)`` validates the result against the type's model, so a test
that publishes a sample publishes what the contract (services/<producer>/events.py) allows.
"""
from services.common.events import model_for

SUGGESTION = {"suggestion_id": 11, "number": 11, "number_label": "第0011号", "session": "十六届三次",
              "title": "关于增开公交线路的建议", "category": "transport", "kind": "session", "source": "research",
              "lead_deputy_id": 21, "co_signer_ids": [22, 23], "status": "accepted", "reason": None,
              "station_opinion_id": None, "merged_into_id": None, "at": "2024-03-10T09:30:00+00:00"}
ASSIGNMENT = {"assignment_id": 3, "suggestion_id": 11, "state": "assigned", "round": 1,
              "lead_unit_id": 5, "lead_unit_name": "市交通运输局", "co_unit_ids": [6, 7],
              "due_at": "2024-06-08T09:30:00+00:00", "number": "第0011号",
              "title": "关于增开公交线路的建议", "session": "十六届三次", "category": "transport",
              "lead_deputy_id": 21, "co_signer_ids": [22, 23], "actor": "unit-dev", "note": None}
# 分办 (issue 15): what a separate assignment's per-unit event adds (``sample(type_, **SEPARATE)``): no
# lead unit, its handling units, the unit concerned with that unit's own state, round and due date
SEPARATE = {"mode": "separate", "lead_unit_id": None, "lead_unit_name": None, "co_unit_ids": [],
            "handling_unit_ids": [5, 6], "handling_unit_names": ["市交通运输局", "市财政局"], "unit_id": 6,
            "unit_name": "市财政局", "assignment_state": "signed", "assignment_due_at": "2024-06-08T09:30:00+00:00",
            "on_behalf": False}
DEPUTY = {"deputy_id": 21, "name": "王建国", "level": "city", "delegation": "东城代表团", "phone": None,
          "email": None, "active": True, "station_ids": [2]}

EXTRA = {
    "assignment.signed": {"unit_id": 5, "is_lead": True},
    "assignment.disputed": {"unit_id": 5, "unit_name": "市交通运输局", "reason": "不属于本单位职责", "dispute_id": 1},
    "assignment.rerouted": {"previous_lead_unit_id": 8, "previous_co_unit_ids": [], "reason": None},
    "assignment.contact_added": {"unit_id": 5, "contact_id": 1, "stage": "before", "method": "phone"},
    "assignment.co_opinion_added": {"unit_id": 6, "opinion_id": 1, "on_time": True},
    "assignment.replied": {"state": "replied", "reply_id": 1, "result_class": "A", "content": "已增设站点。",
                           "on_time": True, "replied_at": "2024-05-08T09:30:00+00:00", "contact_before": True,
                           "follow_up": False},
    "assignment.followed_up": {"reply_id": 2, "follows_reply_id": 1, "result_class": "A"},
    "assignment.urged": {"method": "phone", "days_late": 0, "urging_id": 1},
    "assignment.supervision_set": {"leader": "张副主任", "committee": None, "reason": "群众关注"},
    "assignment.extension_requested": {"extension_id": 1, "days": 30, "reason": "需跨部门协调", "unit_id": 5},
    "assignment.extension_decided": {"extension_id": 1, "approved": True, "days": 30},
    "assignment.due_soon": {"days_left": 3, "threshold": 3},
    "assignment.overdue": {"days_late": 2},
}
OTHERS = {
    "assignment.unit_registered": {"id": 5, "name": "市交通运输局", "code": "JT", "duties": "公共交通",
                                   "keywords": ["公交"], "categories": ["transport"], "email": None,
                                   "webhook_url": None},
    "assignment.unit_updated": {"id": 5, "name": "曲靖市交通运输局", "code": "JT", "duties": "公共交通",
                                "keywords": ["公交"], "categories": ["transport"], "email": None,
                                "webhook_url": None, "kind": "transport", "level": "city", "region": "云南省曲靖市"},
    "evaluation.evaluated": {"assignment_id": 3, "suggestion_id": 11, "round": 1, "satisfaction": "dissatisfied",
                             "final": False, "deputy_id": 21, "lead_deputy_id": 21, "lead_unit_id": 5,
                             "number": "第0011号", "title": "关于增开公交线路的建议", "actor": "deputy:21",
                             "note": "不满意"},
    "evaluation.test_closed": {"test_id": 1, "title": "2024年度满意度测评", "voter_count": 10, "ballots": 9,
                               "tallies": [], "actor": "office-dev", "note": "满意度测评结束"},
    "station.station_registered": {"station_id": 2, "id": 2, "name": "东华门联络站", "type": "station",
                                   "region": "东城区", "address": "东华门大街1号", "parent_id": None, "stars": 0,
                                   "actor": "office-dev", "note": "登记联络站"},
    "station.rating_changed": {"station_id": 2, "station_name": "东华门联络站", "stars": 2, "previous_stars": 1,
                               "inspection_id": 1, "actor": "office-dev", "note": "星级变化"},
    "station.activity_logged": {"activity_id": 1, "station_id": 2, "station_name": "东华门联络站",
                                "type": "reception", "date": "2024-06-10", "deputy_ids": [21], "visitors": 5,
                                "actor": "office-dev", "note": "接待选民"},
    "station.opinion_received": {"opinion_id": 4, "station_id": 2, "station_name": "东华门联络站",
                                 "channel": "qr", "activity_id": None, "content": "小区门口缺少公交站。",
                                 "actor": None, "note": "扫码提交"},
    "station.opinion_escalated": {"opinion_id": 4, "station_id": 2, "station_name": "东华门联络站",
                                  "deputy_id": 21, "content": "小区门口缺少公交站。", "title": "关于增设公交站的建议",
                                  "category": "transport", "actor": "deputy-dev", "note": ""},
    "audit.recorded": {"at": "2026-11-30T02:00:00+00:00", "service": "suggestion",
                       "action": "POST /api/v1/suggestions/{id}/accept", "outcome": "ok", "status": 200,
                       "sub": "person-3", "role": "office", "login": None, "path": "/api/v1/suggestions/5/accept",
                       "targets": {"suggestion_id": [5]}, "client": "10.0.0.8", "user_agent": "Mozilla/5.0",
                       "request_id": "9f1c", "detail": None},
    "identity.account_created": {"account_id": 7, "sub": "person-7", "login": "wangfang", "display_name": "王芳",
                                 "phone": "13800000000", "email": "wangfang@example.gov.cn", "disabled": False,
                                 "roles": [{"role": "unit", "unit_id": 3}]},
    "identity.account_updated": {"account_id": 7, "sub": "person-7", "login": "wangfang", "display_name": "王芳",
                                 "phone": None, "email": None, "disabled": True, "roles": []},
    "identity.role_bound": {"account_id": 7, "sub": "person-7", "binding_id": 9, "role": "unit", "deputy_id": None,
                            "unit_id": 3, "station_id": None, "actor": "person-1"},
    "identity.role_unbound": {"account_id": 7, "sub": "person-7", "binding_id": 9, "role": "unit",
                              "deputy_id": None, "unit_id": 3, "station_id": None, "actor": "person-1"},
}


def raw(type_: str) -> dict:
    producer = type_.split(".", 1)[0]
    if type_ in OTHERS:
        return dict(OTHERS[type_])
    if producer == "suggestion":
        return {**SUGGESTION, "status": type_.split(".", 1)[1]}
    if producer == "station":  # deputy_registered / deputy_updated
        return dict(DEPUTY)
    return {**ASSIGNMENT, **EXTRA.get(type_, {})}


def sample(type_: str, **changes) -> dict:
    """A valid payload of ``type_`` with ``changes``, as JSON (raises if it does not validate)."""
    model = model_for(type_)
    assert model is not None, f"no published model for {type_}"
    return model.model_validate({**raw(type_), **changes}).model_dump(mode="json")
