"""Role bindings under 三员分立: business roles by an administrator or security administrator;
the administrative roles by a security administrator only, never to themselves, never two of the
three in one person, and never the last security administrator removed (domain.py)."""
from services.common.errors import Conflict, Forbidden, NotFound, field_error
from services.common.validation import parse
from services.identity import domain
from services.identity.events import RoleBound, RoleUnbound
from services.identity.models import DeputyRecord, RoleBinding
from services.identity.schemas import BindingIn
from services.identity.store import audit, deputy_holder, enabled_holders, load_account, publish_account, roles_of
from services.identity.views import binding_dict

ERRORS = {"forbidden": Forbidden, "conflict": Conflict}


def refuse(problem: tuple[str, str] | None) -> None:
    if problem:
        kind, message = problem
        raise ERRORS[kind](message)


def bind(tx, actor: dict, account_id: int, data: dict, client: dict | None = None) -> dict:
    form = parse(BindingIn, data)
    account = load_account(tx, account_id, lock=True)
    held = roles_of(tx, account.id)
    refuse(domain.binding_problem(actor.get("role"), actor.get("sub"), domain.subject(account.id), form.role,
                                  [b.role for b in held]))
    if any((b.role, b.deputy_id, b.unit_id, b.station_id) == (form.role, form.deputy_id, form.unit_id,
                                                                form.station_id) for b in held):
        raise Conflict(f"the account holds this {form.role} binding already")
    if form.deputy_id is not None:
        if tx.get(DeputyRecord, form.deputy_id) is None:
            raise field_error("deputy_id", f"deputy {form.deputy_id} is not on the roster")
        other = deputy_holder(tx, form.deputy_id)
        if other is not None:
            raise Conflict(f"deputy {form.deputy_id} is bound to person-{other} already")
    binding = RoleBinding(account_id=account.id, role=form.role, deputy_id=form.deputy_id, unit_id=form.unit_id,
                          station_id=form.station_id, bound_by=actor.get("sub"))
    tx.add(binding)
    tx.flush()
    tx.publish(RoleBound(**event_fields(account.id, binding, actor)))
    publish_account(tx, account)
    audit(tx, actor, "role_bound", {"account_id": [account.id], "binding_id": [binding.id]}, client,
          detail=describe(binding))
    return {**binding_dict(binding), "account_id": account.id, "sub": domain.subject(account.id)}


def unbind(tx, actor: dict, account_id: int, binding_id: int, client: dict | None = None) -> dict:
    account = load_account(tx, account_id, lock=True)
    binding = tx.get(RoleBinding, binding_id, with_for_update=True)
    if binding is None or binding.account_id != account.id:
        raise NotFound(f"no such role binding: {binding_id}")
    others = len([b for b in enabled_holders(tx, "security_admin", lock=True) if b.id != binding.id])
    refuse(domain.unbinding_problem(actor.get("role"), actor.get("sub"), domain.subject(account.id), binding.role,
                                    others))
    answer = {**binding_dict(binding), "account_id": account.id, "sub": domain.subject(account.id)}
    tx.publish(RoleUnbound(**event_fields(account.id, binding, actor)))
    tx.session.delete(binding)
    tx.flush()
    publish_account(tx, account)
    audit(tx, actor, "role_unbound", {"account_id": [account.id], "binding_id": [binding_id]}, client,
          detail=describe(binding))
    return answer


def event_fields(account_id: int, binding: RoleBinding, actor: dict) -> dict:
    return {"account_id": account_id, "sub": domain.subject(account_id), "binding_id": binding.id,
            "role": binding.role, "deputy_id": binding.deputy_id, "unit_id": binding.unit_id,
            "station_id": binding.station_id, "actor": actor.get("sub")}


def describe(binding: RoleBinding) -> str:
    scope = next((f" {k} {v}" for k, v in (("deputy", binding.deputy_id), ("unit", binding.unit_id),
                                           ("station", binding.station_id)) if v is not None), "")
    return f"{binding.role}{scope}"
