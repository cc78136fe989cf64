"""The OpenAPI 3.1 document, generated from the route registry and its pydantic models."""
import re

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from gateway.answers.common import ErrorAnswer
from gateway.auth import EVERYONE
from gateway.contract import JSON, Route
from services.common.schemas import MAX_ID

TITLE = "Lianxin (连心) API"
VERSION = "1.0.0"
DESCRIPTION = (
    "Deputies' suggestions (代表建议) and liaison stations (代表联络站). "
    "Send `Authorization: Bearer <JWT>` (HS256; claims sub, role, exp, and deputy_id, unit_id or "
    "station_id where the role needs it); without a token the caller is `public`. Each operation "
    "lists the roles that may call it (`x-roles`). Errors have one format: "
    "`{\"error\": {\"code\", \"message\", \"details\": [{\"field\", \"message\"}]}}`. "
    "Creating POSTs honour `Idempotency-Key`. Request bodies reject unknown fields (422); "
    "an unknown query parameter is a 400 `unknown_parameter` naming it."
)
TAGS = [  # in the order a reader meets them: 提 → 交 → 办 → 评, then stations and the rest
    {"name": "suggestions", "description": "提: intake, drafts, screening, withdrawal, import and export"},
    {"name": "assignments", "description": "交办, 办, 督: routing, assignment, handling, replies, urging"},
    {"name": "evaluation", "description": "评: ratings, satisfaction tests, assessments, rates"},
    {"name": "history", "description": "历年建议导入: a past year entered from the office's workbook, with its real dates"},
    {"name": "stations", "description": "代表联络站: registry, standards, members, activities, stats"},
    {"name": "opinions", "description": "constituents' opinions collected at stations"},
    {"name": "reference", "description": "deputies, units and the category taxonomy"},
    {"name": "notifications", "description": "each person's inbox and delivery preferences"},
    {"name": "public", "description": "what anyone may read without signing in"},
    {"name": "operations", "description": "health and readiness"},
]
RULE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
BINARY = {"type": "string", "contentMediaType": "application/octet-stream"}

ERRORS = {
    400: "malformed request (body is not a JSON object, bad header, an unknown query parameter)",
    401: "no token, or a bad one",
    403: "the caller's role may not do this",
    404: "not found, or not visible to the caller",
    409: "not allowed in the current state, or a duplicate",
    413: "the body is too large",
    414: "the URL with its query is longer than 8 KiB (the HTTP server's limit; no body)",
    415: "unsupported content type",
    422: "validation failed; details name each field",
    423: "locked: too many failed sign-ins for this login name; the message says until when",
    429: "rate limited; retry after Retry-After seconds",
    503: "a backing service did not answer in time",
}


def routes_of(service_cls) -> list[Route]:
    """Every declared route of the gateway service class, in path order."""
    found = [getattr(getattr(service_cls, name), "route", None) for name in dir(service_cls)]
    return sorted((r for r in found if r is not None and not r.hidden), key=lambda r: (r.url, r.method))


def openapi_path(url: str) -> str:
    return RULE_PARAM.sub(lambda m: "{" + m.group(2) + "}", url)


def path_parameters(url: str) -> list[dict]:
    params = []
    for converter, name in RULE_PARAM.findall(url):
        schema = ({"type": "integer", "minimum": 1, "maximum": MAX_ID} if converter == "int"
                  else {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"})
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return params


def query_parameters(model: type[BaseModel] | None) -> list[dict]:
    if model is None:
        return []
    schema = model.model_json_schema(by_alias=True)
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        prop.pop("title", None)
        param = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if "description" in prop:
            param["description"] = prop["description"]
        params.append(param)
    return params


def error_codes(route: Route, method: str) -> list[int]:
    codes = [400, 401, 404, 422, 503]
    if set(route.roles) != set(EVERYONE):
        codes.append(403)
    if method != "GET":
        codes += [409, 413, 415]
    if route.public:
        codes.append(429)
    if route.query is not None:  # only a query string can make the URL too long
        codes.append(414)
    return sorted(set(codes) | set(route.errors))


class Builder:
    """Collects the models every operation names, then writes them once under components."""

    def __init__(self, routes: list[Route]):
        self.routes = routes
        pairs = {(ErrorAnswer, "serialization")}
        for route in routes:
            pairs.update((model, "validation") for model in route.body)
            if isinstance(route.answer, type) and issubclass(route.answer, BaseModel):
                pairs.add((route.answer, "serialization"))
        self.refs, defs = models_json_schema(sorted(pairs, key=lambda p: (p[0].__module__, p[0].__name__, p[1])),
                                             ref_template="#/components/schemas/{model}")
        self.schemas = defs.get("$defs", {})

    def ref(self, model, mode: str) -> dict:
        return self.refs[(model, mode)]

    def request_body(self, route: Route) -> dict | None:
        if route.upload:
            return {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {**BINARY, "description": ".xlsx or .csv" if route.url.endswith("/import")
                                        else "PDF, JPEG, PNG, DOCX or XLSX (told by content), at most 10 MB"}}}}}}
        if not route.body:
            return None
        refs = [self.ref(model, "validation") for model in route.body]
        schema = refs[0] if len(refs) == 1 else {"anyOf": refs}
        required = any(m.model_json_schema().get("required") for m in route.body)
        return {"required": required, "content": {JSON: {"schema": schema}}}

    def answer_schema(self, route: Route) -> dict:
        if route.media != JSON:
            return BINARY
        if isinstance(route.answer, type) and issubclass(route.answer, BaseModel):
            return self.ref(route.answer, "serialization")
        return route.answer or {"type": "object"}

    def responses(self, route: Route, method: str) -> dict:
        request_id = {"X-Request-Id": {"schema": {"type": "string"}, "description": "the request's id"}}
        answers = {}
        for status in route.status:
            if 300 <= status < 400:  # a redirect (single sign-on): where to, no body
                answers[str(status)] = {"description": "redirect", "headers": {
                    **request_id, "Location": {"schema": {"type": "string"}, "description": "where to go"}}}
                continue
            answers[str(status)] = {"description": "success" if status < 400 else "not ready",
                                    "headers": request_id,
                                    "content": {route.media: {"schema": self.answer_schema(route)}}}
        error = {"schema": self.ref(ErrorAnswer, "serialization")}
        for code in error_codes(route, method):
            if str(code) in answers:
                continue
            if code == 414:  # answered by eventlet's HTTP server before the gateway sees the request
                answers[str(code)] = {"description": ERRORS[code]}
                continue
            headers = dict(request_id)
            if code == 429:
                headers["Retry-After"] = {"schema": {"type": "integer"}, "description": "seconds to wait"}
            answers[str(code)] = {"description": ERRORS[code], "headers": headers, "content": {JSON: error}}
        return answers

    def operation(self, route: Route, method: str) -> dict:
        roles = ", ".join(r for r in route.roles) or "anyone (operations)"
        op = {
            "operationId": route.name if len(route.methods) == 1 else f"{route.name}_{method.lower()}",
            "summary": route.summary or route.name.replace("_", " "),
            "description": (route.description + "\n\n" if route.description else "") + f"Roles: {roles}.",
            "tags": list(route.tags),
            "x-roles": list(route.roles),
            "parameters": path_parameters(route.url) + query_parameters(route.query),
            "responses": self.responses(route, method),
        }
        if route.creates:
            op["parameters"].append({
                "name": "Idempotency-Key", "in": "header", "required": False,
                "description": "the same key from the same caller returns the first answer and creates "
                               "nothing new; the same key with a different request is a 409",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"}})
        if route.public:
            op["security"] = [{}, {"bearer": []}]
        elif route.roles:
            op["security"] = [{"bearer": []}]
        else:
            op["security"] = []
        body = self.request_body(route)
        if body:
            op["requestBody"] = body
        return op

    def document(self) -> dict:
        paths: dict = {}
        for route in self.routes:
            item = paths.setdefault(openapi_path(route.url), {})
            for method in route.methods:
                item[method.lower()] = self.operation(route, method)
        return {
            "openapi": "3.1.0",
            "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION},
            "servers": [{"url": "/"}],
            "tags": TAGS,
            "paths": paths,
            "components": {
                "schemas": self.schemas,
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            },
        }


def document(service_cls) -> dict:
    return Builder(routes_of(service_cls)).document()
