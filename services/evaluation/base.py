"""The declarative base of every evaluation table (models.py and projection_models.py)."""
from services.common.models import make_base

Base = make_base()
