from services.common.migrations_env import run
from services.assignment.models import Base

run(Base.metadata)
