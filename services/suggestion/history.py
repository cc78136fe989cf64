"""Past-year import (历年建议导入): a workbook checked in full, then entered step by step as a job.

POST (``start``) reads the workbook (history_workbook.py) and checks every row (history_checks.py):
a dry run answers the bad rows and writes nothing; a real run with a bad row is a 422 listing them
all; otherwise the job is stored with its plan (history_plan.py) and answered at once (202). The service's timer (``run_next``) takes a
job whose lease is free and enters its steps through the services' own use cases, as the office
would through the API: the suggestion (submitted_at) and its acceptance (accepted_at) here, in one
transaction with the step's record; the assignment (assigned_at), each handling unit's sign
(signed_at), reply (replied_at) and rating (evaluated_at) over RPC on the office's behalf
(``unit_id``), each with an Idempotency-Key made of the workbook's sha256 and the step's key.

Resumable and idempotent: a step is recorded done (history_import_steps) once it has happened; a
crash before the record re-runs the step, and its key returns the first answer instead of doing it
twice (a sign, which takes no key, answers 409 when done: taken as done). A crashed worker's lease
runs out and the next tick goes on; a failed job goes on when the same workbook is sent again.
"""
import hashlib
import json
import logging
from datetime import timedelta

from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from services.common.clock import now
from services.common.errors import Conflict, LianxinError, NotFound, Unavailable, ValidationFailed
from services.common.localtime import local_date
from services.common.outages import backing_service_down
from services.suggestion import commands, history_checks, history_plan, history_workbook as workbook, roster, screening
from services.suggestion.models import Deputy, HistoryImport, HistoryImportStep, Suggestion, UnitName
from services.suggestion.store import actor_name

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
RETRY_AFTER = timedelta(seconds=10)  # a service that did not answer: the job waits, then goes on
DEFAULT_RESULT_CLASSES = ("A", "B", "C")
REMOTE = {"assign": ("assignment", "assign"), "sign": ("assignment", "sign"),
          "reply": ("assignment", "reply"), "evaluate": ("evaluation", "evaluate")}


def lookups(tx, rules, result_classes, sessions: set[str]) -> history_checks.Lookups:
    by_name: dict[str, list[int]] = {}
    ids = set()
    # a past year's deputies may have left office since: registered is enough (the API's intake
    # takes active deputies only)
    for deputy_id, name in tx.execute(select(Deputy.id, Deputy.name).order_by(Deputy.id)):
        by_name.setdefault(name, []).append(deputy_id)
        ids.add(deputy_id)
    units: dict[str, list[int]] = {}
    for unit_id, name in tx.execute(select(UnitName.id, UnitName.name).order_by(UnitName.id)):
        units.setdefault(name, []).append(unit_id)
    taken = set(tx.execute(select(Suggestion.session, Suggestion.number).where(
        Suggestion.session.in_(sessions), Suggestion.number.is_not(None))).all()) if sessions else set()
    return history_checks.Lookups(
        deputies_by_name=by_name, deputy_ids=ids, units_by_name=units,
        unit_ids={u for found in units.values() for u in found}, categories=rules.categories,
        taken_numbers={(s, n) for s, n in taken}, result_classes=tuple(result_classes),
        today=local_date(now(), rules.zone), tz=rules.zone)


def start(tx, actor: dict, filename: str, content: bytes, rules, dry_run: bool,
          result_classes=DEFAULT_RESULT_CLASSES) -> dict:
    sha = workbook.digest(content)
    if not dry_run:
        earlier = tx.scalar(select(HistoryImport).where(HistoryImport.sha256 == sha).with_for_update())
        if earlier is not None:  # the same workbook again: its job (a failed one goes on)
            if earlier.status == "failed":
                earlier.status, earlier.lease_until, earlier.updated_at = "queued", None, now()
            return to_dict(earlier)
    try:
        sheets = workbook.read(content)
    except workbook.BadWorkbook as exc:
        raise ValidationFailed(str(exc), [{"field": "file", "message": str(exc)}]) from None
    sessions = {str(v.get("届次") or "").strip() for _, v in sheets["建议"]}
    checked = history_checks.check(sheets, lookups(tx, rules, result_classes, sessions))
    if dry_run:
        return {"dry_run": True, "valid": not checked.errors, "sha256": sha, "counts": checked.counts(),
                "errors": checked.errors}
    if checked.errors:
        raise ValidationFailed(f"the workbook has {len(checked.errors)} bad rows; nothing was imported "
                               "(a dry run lists them the same way)",
                               checked.errors)
    steps = history_plan.plan(checked, rules.zone)
    job = HistoryImport(sha256=sha, filename=(filename or "")[:255], status="queued", counts=checked.counts(),
                        plan=steps, total=len(steps), done=0, attempts=0, created_by=actor_name(actor))
    try:
        with tx.session.begin_nested():
            tx.add(job)
            tx.flush()
    except IntegrityError:  # the same workbook sent twice at once: the other request's job
        return to_dict(tx.scalar(select(HistoryImport).where(HistoryImport.sha256 == sha)))
    return to_dict(job)


def to_dict(job: HistoryImport) -> dict:
    iso = lambda value: value.isoformat() if value else None  # noqa: E731
    return {"id": job.id, "status": job.status, "sha256": job.sha256, "filename": job.filename,
            "counts": job.counts, "total": job.total, "done": job.done,
            "progress": round(job.done / job.total, 4) if job.total else 1.0, "error": job.error,
            "attempts": job.attempts, "created_by": job.created_by, "created_at": iso(job.created_at),
            "updated_at": iso(job.updated_at), "finished_at": iso(job.finished_at)}


def get(session, job_id: int) -> dict:
    job = session.get(HistoryImport, job_id)
    if job is None:
        raise NotFound(f"history import {job_id} not found")
    return to_dict(job)


CLAIM = text(
    "UPDATE history_imports SET status = 'running', lease_until = :until, attempts = attempts + 1, "
    "updated_at = :now WHERE id = (SELECT id FROM history_imports WHERE status IN ('queued', 'running') "
    "AND (lease_until IS NULL OR lease_until < :now) ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id")


def claim(db) -> int | None:
    """A job to work on (queued, or running with a lapsed lease: its worker died), leased to us."""
    with db.transaction() as tx:
        at = now()
        return tx.execute(CLAIM, {"now": at, "until": at + LEASE}).scalar()


def run_next(db, enter_suggestion, remote) -> int | None:
    """Work through one job until it is done, fails or a service does not answer; its id."""
    job_id = claim(db)
    if job_id is not None:
        run(db, job_id, enter_suggestion, remote)
    return job_id


def run(db, job_id: int, enter_suggestion, remote) -> None:
    """``enter_suggestion(tx, actor, step)`` → the suggestion's id; ``remote(service, method, key,
    *args)`` → the RPC's answer (raising as the service did)."""
    with db.read() as session:
        job = session.get(HistoryImport, job_id)
        steps, actor = job.plan, {"role": "office", "sub": job.created_by or "history-import"}
        sha = job.sha256
        results = dict(session.execute(select(HistoryImportStep.key, HistoryImportStep.result)
                                       .where(HistoryImportStep.import_id == job_id)).all())
    for step in steps:
        if step["key"] in results:
            continue
        try:
            if step["kind"] == "suggestion":
                with db.transaction() as tx:
                    result = {"suggestion_id": enter_suggestion(tx, actor, step)}
                    record(tx, job_id, step["key"], result)
            else:
                result = remote_step(step, results, actor, sha, remote)
                with db.transaction() as tx:
                    record(tx, job_id, step["key"], result)
        except Exception as exc:  # noqa: BLE001 - sorted below: an outage waits, a refusal or fault stops
            if not (isinstance(exc, Unavailable) or backing_service_down(exc)):
                stop(db, job_id, step["key"], exc)
                return
            message = exc.message if isinstance(exc, Unavailable) else f"the {backing_service_down(exc)} is down"
            log.warning("history import %s: %s waits: %s", job_id, step["key"], message)
            finish(db, job_id, "running", {"key": step["key"], "message": message, "retrying": True},
                   lease=RETRY_AFTER)  # try again a little later, from this step
            return
        results[step["key"]] = result
    finish(db, job_id, "done", None)


def stop(db, job_id: int, key: str, exc: Exception) -> None:
    """The job fails at ``key``: a service refused the step, or a fault; sending the workbook again resumes it."""
    if isinstance(exc, LianxinError):
        log.warning("history import %s failed at %s: %s", job_id, key, exc.message)
        error = {"key": key, "message": exc.message, "details": exc.details}
    else:
        log.error("history import %s failed at %s", job_id, key, exc_info=exc)
        error = {"key": key, "message": f"{exc.__class__.__name__}: {exc}"}
    finish(db, job_id, "failed", error)


def remote_step(step: dict, results: dict, actor: dict, sha: str, remote) -> dict:
    number = step["number"]
    service, method = REMOTE[step["kind"]]
    key = f"history-{sha[:40]}-{step['key']}"
    if step["kind"] == "assign":
        suggestion_id = results[f"suggestion:{number}"]["suggestion_id"]
        answer = remote(service, method, key, actor, suggestion_id, step["data"])
        return {"assignment_id": answer["id"]}
    assignment_id = results[f"assign:{number}"]["assignment_id"]
    if step["kind"] == "sign":
        try:
            remote(service, method, None, actor, assignment_id, step["data"])
        except Conflict:  # signed already (by this job before a crash): the step is done
            return {"assignment_id": assignment_id, "signed_before": True}
        return {"assignment_id": assignment_id}
    answer = remote(service, method, key, actor, assignment_id, step["data"])
    return {"assignment_id": assignment_id, "id": (answer or {}).get("id")}


def record(tx, job_id: int, key: str, result: dict) -> None:
    tx.add(HistoryImportStep(import_id=job_id, key=key, result=result))
    at = now()
    tx.execute(update(HistoryImport).where(HistoryImport.id == job_id).values(
        done=HistoryImport.done + 1, updated_at=at, lease_until=at + LEASE))


def finish(db, job_id: int, status: str, error: dict | None, lease: timedelta | None = None) -> None:
    with db.transaction() as tx:
        at = now()
        tx.execute(update(HistoryImport).where(HistoryImport.id == job_id).values(
            status=status, error=error, updated_at=at, lease_until=at + lease if lease else None,
            finished_at=at if status == "done" else None))


def registered(tx, fetch_missing):
    """``known_deputies`` for a past year: deputies registered in the roster, active or since retired
    (one missing from the projection is asked of the station service, as for the API)."""
    def known(ids: list[int]) -> set[int]:
        found = set(tx.scalars(select(Deputy.id).where(Deputy.id.in_(ids))))
        missing = [i for i in ids if i not in found]
        return found | (roster.known_deputies(tx, missing, fetch_missing) if missing else set())
    return known


def enter_suggestion(tx, actor: dict, step: dict, known_deputies, rules) -> int:
    """The suggestion as the office submits it with its real date and its 编号, then accepted."""
    s = commands.submit(tx, actor, step["data"], known_deputies, rules, number=step["number"])
    screening.screen(tx, actor, s.id, {"decision": "accept", "accepted_at": step["accepted_at"]})
    return s.id


def fingerprint(method: str, args) -> str:
    return hashlib.sha256(json.dumps([method, args], sort_keys=True, ensure_ascii=False,
                                     default=str).encode()).hexdigest()
