"""The body of every service's Alembic env.py (online mode only)."""
from alembic import context
from sqlalchemy import create_engine


def run(metadata) -> None:
    config = context.config
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
