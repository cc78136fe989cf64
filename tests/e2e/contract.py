"""Answers checked against the OpenAPI document the running gateway serves (issue 8)."""
import jsonschema_rs
import requests


class Contract:
    """Validates each answer (types, nullability, enums, date and date-time formats) against the schema
    the document gives for its operation and status; records which operations were checked."""

    def __init__(self, url: str):
        self.document = requests.get(url + "/api/v1/openapi.json", timeout=10).json()
        self.checked: set[tuple[str, str]] = set()

    def schema(self, method: str, path: str, status: int) -> dict:
        answers = self.document["paths"][path][method.lower()]["responses"]
        assert str(status) in answers, f"{method} {path}: {status} is not documented"
        schema = answers[str(status)]["content"]["application/json"]["schema"]
        assert "$ref" in schema or "anyOf" in schema, f"{method} {path}: the answer has no model"
        return schema

    def check(self, response, method: str, path: str, status: int | None = None, schema: dict | None = None):
        """The answer's JSON; ``path`` is the document's template, e.g. /api/v1/suggestions/{suggestion_id};
        without ``status`` the answer's own status is checked against the document."""
        status = status or response.status_code
        assert response.status_code == status, f"{method} {path}: {response.status_code} {response.text}"
        schema = schema or self.schema(method, path, status)
        validator = jsonschema_rs.validator_for({**schema, "components": self.document["components"]},
                                                validate_formats=True)
        body = response.json()
        errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(body)]
        assert not errors, f"{method} {path} answered {body}\nwhich breaks its schema: {errors}"
        self.checked.add((method, path))
        return body

    def __call__(self, response, method: str, path: str, status: int = 200) -> dict:
        return self.check(response, method, path, status)
