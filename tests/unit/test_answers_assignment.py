"""Answer models of assignment and evaluation: their enums follow the services' rules."""
import io
from typing import get_args

from openpyxl import Workbook, load_workbook

from gateway.answers import assignments as A
from gateway.answers import evaluation as E
from services.assignment import domain as assignment_domain
from services.assignment import schemas as assignment_schemas
from services.assignment.handling import METHODS, STAGES
from services.evaluation import domain as evaluation_domain
from services.evaluation import report
from services.evaluation.stats import UNREPLIED


def enum(model, field: str) -> set:
    annotation = model.model_fields[field].annotation
    return {value for arg in (get_args(annotation) or (annotation,)) for value in (get_args(arg) or (arg,))
            if value is not type(None)}


def test_assignment_states_and_handling_enums_are_the_services():
    assert enum(A.AssignmentAnswer, "state") == set(assignment_schemas.STATES)
    assert enum(A.ContactAnswer, "stage") == set(STAGES)
    assert enum(A.ContactAnswer, "method") == set(METHODS)
    # overdue rows are assignments without a reply in this round
    assert enum(E.OverdueAssignment, "state") == set(assignment_domain.HANDLING)
    assert all(f"'{s}'" in UNREPLIED for s in assignment_domain.HANDLING)


def test_evaluation_enums_are_the_services():
    assert enum(E.RatingAnswer, "satisfaction") == set(evaluation_domain.CHOICES)
    assert enum(E.BallotVote, "choice") == set(evaluation_domain.BALLOT_CHOICES)  # and abstain (弃权)
    assert enum(E.SatisfactionTestAnswer, "subject") == {"report", "units"}
    assert enum(E.RatesFilters, "level") == set(evaluation_domain.LEVELS)
    assert set(E.ResultClassCounts.model_fields) == set(evaluation_domain.RESULT_CLASSES)


def test_rates_are_fractions_or_null():
    rates = evaluation_domain.rates({"assigned": 2, "replied": 1, "completed": 1, "evaluated": 0, "satisfied": 0,
                                     "basic": 0, "dissatisfied": 0, "on_time": 1, "overdue": 1,
                                     "classes": {"A": 1, "D": 0}})
    parsed = E.RatesAnswer.model_validate({**rates, "filters": {}})
    assert parsed.completion_rate == 0.5 and parsed.satisfaction_rate is None
    assert parsed.classes.model_extra == {"D": 0}  # a configured class beyond A-C


def test_workbook_rows_drop_control_characters_and_carry_their_formats():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    report._row(ws, ["a\x01b", 1, "标题\x0b", 0.25, None], {3: report.PERCENT, 4: report.PERCENT}, font=report.BOLD)
    buffer = io.BytesIO()
    wb.save(buffer)
    row = load_workbook(buffer).active[1]
    assert [c.value for c in row] == ["ab", 1, "标题", 0.25, None]
    assert row[3].number_format == "0.00%" and row[0].font.bold
