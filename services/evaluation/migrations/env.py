from services.common.migrations_env import run
from services.evaluation.models import Base

run(Base.metadata)
