"""Reads of the identity service: accounts (paged, filtered), one account, the people directory."""
from sqlalchemy import exists, func, or_, select

from services.common.like import ESCAPE, contains_pattern as contains
from services.common.store import load_or_404
from services.identity.domain import subject
from services.identity.models import Account, Credential, RoleBinding


def binding_dict(b: RoleBinding) -> dict:
    return {"id": b.id, "role": b.role, "deputy_id": b.deputy_id, "unit_id": b.unit_id, "station_id": b.station_id,
            "bound_by": b.bound_by, "bound_at": b.bound_at}


def account_dict(a: Account, bindings: list[RoleBinding], credential: Credential | None = None) -> dict:
    answer = {"id": a.id, "sub": subject(a.id), "login": a.login, "display_name": a.display_name, "phone": a.phone,
              "email": a.email, "disabled": a.disabled, "disabled_reason": a.disabled_reason,
              "created_by": a.created_by, "created_at": a.created_at, "updated_at": a.updated_at,
              "roles": [binding_dict(b) for b in bindings]}
    if credential is not None:
        answer["must_change_password"] = credential.must_change
        answer["password_changed_at"] = credential.changed_at
    return answer


def bindings_by_account(session, ids: list[int]) -> dict[int, list[RoleBinding]]:
    found: dict[int, list[RoleBinding]] = {i: [] for i in ids}
    if ids:
        for b in session.scalars(select(RoleBinding).where(RoleBinding.account_id.in_(ids)).order_by(RoleBinding.id)):
            found[b.account_id].append(b)
    return found


def get_account(session, account_id: int) -> dict:
    account = load_or_404(session, Account, account_id, "account")
    return account_dict(account, bindings_by_account(session, [account_id])[account_id],
                        session.get(Credential, account_id))


def list_accounts(session, filters: dict, limit: int, offset: int) -> dict:
    query = select(Account)
    role, unit_id = filters.get("role"), filters.get("unit_id")
    if role or unit_id:
        match = [RoleBinding.account_id == Account.id]
        if role:
            match.append(RoleBinding.role == role)
        if unit_id:
            match.append(RoleBinding.unit_id == unit_id)
        query = query.where(exists().where(*match))
    if filters.get("q"):
        pattern = contains(filters["q"])
        query = query.where(or_(Account.login.ilike(pattern, escape=ESCAPE),
                                Account.display_name.ilike(pattern, escape=ESCAPE)))
    if filters.get("disabled") is not None:
        query = query.where(Account.disabled.is_(bool(filters["disabled"])))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = list(session.scalars(query.order_by(Account.id).limit(limit).offset(offset)))
    bindings = bindings_by_account(session, [a.id for a in rows])
    return {"items": [account_dict(a, bindings[a.id]) for a in rows], "total": total, "limit": limit,
            "offset": offset}


DIRECTORY_ROLES = ("leader", "assessor", "office", "unit")


def people(session, filters: dict, limit: int, offset: int) -> dict:
    """Enabled people holding a role, one item per binding: {sub, display_name, role, unit_id?}."""
    query = (select(Account, RoleBinding).join(RoleBinding, RoleBinding.account_id == Account.id)
             .where(Account.disabled.is_(False), RoleBinding.role.in_(DIRECTORY_ROLES)))
    if filters.get("role"):
        query = query.where(RoleBinding.role == filters["role"])
    if filters.get("unit_id"):
        query = query.where(RoleBinding.unit_id == filters["unit_id"])
    if filters.get("q"):
        query = query.where(Account.display_name.ilike(contains(filters["q"]), escape=ESCAPE))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    items = []
    for account, binding in session.execute(query.order_by(Account.display_name, Account.id, RoleBinding.id)
                                            .limit(limit).offset(offset)):
        item = {"sub": subject(account.id), "display_name": account.display_name, "role": binding.role}
        if binding.unit_id is not None:
            item["unit_id"] = binding.unit_id
        items.append(item)
    return {"items": items, "total": total, "limit": limit, "offset": offset}
