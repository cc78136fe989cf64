"""The route registry: what each route takes and answers, and who may call it.

One declaration per route (``@api(...)`` in gateway/http.py) is the single source for
enforcement (roles, query parsing) and for the OpenAPI document (gateway/openapi.py).
"""
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from gateway.auth import actor_from, require
from gateway.errors import ApiError
from services.common.errors import from_pydantic

JSON = "application/json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
TEXT = "text/plain"
HTML = "text/html"


@dataclass(frozen=True)
class Route:
    method: str                      # "GET", or several joined by commas ("PUT,PATCH")
    url: str                         # the werkzeug rule, e.g. /api/v1/suggestions/<int:suggestion_id>
    name: str                        # the handler's name: the OpenAPI operationId
    roles: tuple[str, ...]           # who may call it; "public" = without a token
    body: tuple = ()                 # request models (more than one: any of them)
    answer: Any = None               # the success answer's model (None: any JSON object)
    query: type[BaseModel] | None = None
    status: tuple[int, ...] = (200,)
    creates: bool = False            # a creating POST: Idempotency-Key is honoured
    media: str = JSON                # the success answer's media type
    upload: bool = False             # the body is multipart/form-data with a `file`
    hidden: bool = False             # not part of the API document (metrics, catch-all)
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = field(default=())

    @property
    def methods(self) -> list[str]:
        return self.method.split(",")

    @property
    def public(self) -> bool:
        return "public" in self.roles


def authorize(request, route: Route, settings) -> dict:
    """The caller, if the route lets them in: no token → 401, a role not listed → 403.

    Operations routes (no roles: health, metrics) do not look at the token at all.
    ``settings``: the gateway's (gateway/settings.py), with the identity service's keys."""
    if not route.roles:
        return {"role": "public", "sub": None}
    return require(actor_from(request, settings, settings.keys), *route.roles)


def parse_query(request, model: type[BaseModel]) -> dict:
    """The query string read through the route's model: 422 naming the parameter if bad.

    Empty values count as absent; a parameter the route does not know is a 400
    ``unknown_parameter`` naming it (a filter silently ignored would answer the wrong list).
    """
    unknown = sorted(set(request.args) - known_parameters(model))
    if unknown:
        raise ApiError(400, "unknown_parameter", f"unknown query parameter: {', '.join(unknown)}",
                       [{"field": name, "message": "unknown query parameter"} for name in unknown])
    raw = {k: v for k, v in request.args.items() if v != ""}
    try:
        parsed = model.model_validate(raw)
    except ValidationError as exc:
        raise from_pydantic(exc) from None
    return parsed.model_dump(exclude_none=True, by_alias=True)


def known_parameters(model: type[BaseModel]) -> set[str]:
    return {field.alias or name for name, field in model.model_fields.items()}


def describe(fn) -> tuple[str, str]:
    """The handler's docstring as the operation's summary (first line) and description (rest)."""
    doc = (fn.__doc__ or "").strip()
    summary, _, rest = doc.partition("\n")
    return summary.strip(), rest.strip()
