"""What the suggestion service tests share: a clean database, registered deputies and a
running service. A pytest plugin (tests/conftest.py), so test modules need no imports."""
import pytest
from sqlalchemy import text

from services.suggestion import taxonomy
from tests.service.conftest import truncate
from tests.service.helpers import envelope, publish, scalar, wait_for

SUGGESTION_TABLES = ("suggestions", "co_signers", "timeline", "deputies", "number_sequences", "replies",
                     "unit_names", "outbox", "processed_events", "dead_letters", "scheme_categories",
                     "category_schemes", "attachments", "history_import_steps",
                     "history_imports")


def seed_default_scheme(engine) -> None:
    """The default category scheme as the migration seeds it: the built-in taxonomy."""
    with engine.begin() as conn:
        scheme_id = conn.execute(text("INSERT INTO category_schemes (name, congress) VALUES ('默认分类', '') "
                                      "RETURNING id")).scalar_one()
        for position, (code, name) in enumerate(taxonomy.load(taxonomy.DEFAULT_FILE).items()):
            conn.execute(text("INSERT INTO scheme_categories (scheme_id, code, name, active, position) "
                              "VALUES (:s, :c, :n, true, :p)"), {"s": scheme_id, "c": code, "n": name, "p": position})
        # as every write of the schemes does: the services' cached catalogs are read anew
        conn.execute(text("UPDATE catalog_version SET token = gen_random_uuid() WHERE id = 1"))


@pytest.fixture
def suggestion_db(db):
    engine = db("suggestion")
    truncate(engine, *SUGGESTION_TABLES)
    seed_default_scheme(engine)
    return engine


def register_deputy(amqp, engine, deputy_id: int, name: str = "张三") -> dict:
    event = envelope("station.deputy_registered", {"deputy_id": deputy_id, "name": name, "level": "city",
                                                    "delegation": "东城", "active": True})
    publish(amqp, event)
    wait_for(lambda: scalar(engine, "select 1 from deputies where id=:i", {"i": deputy_id}),
             what=f"deputy {deputy_id} projected")
    return event


@pytest.fixture
def service(start_service, amqp, suggestion_db):
    """The suggestion service (and the station service, which answers for deputies the
    projection lacks) with four deputies registered: 1 王建国, 2 李红梅, 3 张伟, 4 刘洋."""
    from services.station.service import StationService
    from services.suggestion.service import SuggestionService

    start_service(StationService)
    start_service(SuggestionService)
    for i, name in ((1, "王建国"), (2, "李红梅"), (3, "张伟"), (4, "刘洋")):
        register_deputy(amqp, suggestion_db, i, name)
