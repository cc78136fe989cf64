"""Pure rules of suggestions: statuses, numbering, screening, visibility."""
from services.common.errors import Conflict

# The taxonomy offices use (code -> 名称); overridable with CATEGORIES in config.yml.
DEFAULT_CATEGORIES = {
    "edu": "教科文卫体", "transport": "交通邮电", "agri": "农林水利", "industry": "工业经济",
    "urban": "城乡建设与管理", "finance": "财政金融", "law": "政治法律", "civil": "民政社会",
    "eco": "生态环境", "other": "其他",
}

STATUSES = ("draft", "submitted", "accepted", "returned", "merged", "withdrawn", "assigned",
            "signed", "replied", "evaluated", "rehandling", "closed")

SCREENING_DECISIONS = {"accept": "accepted", "return": "returned", "merge": "merged"}

# Status each assignment/evaluation event moves a suggestion to.
STATUS_BY_EVENT = {
    "assignment.assigned": "assigned",
    "assignment.rerouted": "assigned",
    "assignment.signed": "signed",
    "assignment.replied": "replied",
    "assignment.rehandling_opened": "rehandling",
    "assignment.closed": "closed",
    "evaluation.evaluated": "evaluated",
}


def number_label(number: int | None) -> str | None:
    return None if number is None else f"第{number:04d}号"


def screening_status(current: str, decision: str) -> str:
    if current != "submitted":
        raise Conflict(f"only a submitted suggestion can be screened (status is {current})")
    return SCREENING_DECISIONS[decision]


def can_withdraw(status: str) -> bool:
    return status in ("draft", "submitted", "accepted")


def visible_to(actor: dict, lead_deputy_id: int, co_signer_ids: list[int], public: bool) -> bool:
    role = actor.get("role")
    if role in ("office", "leader", "admin"):
        return True
    if role == "deputy":
        me = actor.get("deputy_id")
        return public or me == lead_deputy_id or me in co_signer_ids
    return public


def status_after_event(event_type: str, payload: dict) -> str | None:
    """The suggestion status an event implies (signed counts for the lead unit only)."""
    if event_type == "assignment.signed" and not payload.get("is_lead", True):
        return None
    if event_type == "evaluation.evaluated" and payload.get("satisfaction") == "dissatisfied" \
            and not payload.get("final"):
        return "rehandling"
    return STATUS_BY_EVENT.get(event_type)
