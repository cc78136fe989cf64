"""Idempotency-Key's pure parts: the header's rules, the caller's scope, the request's fingerprint."""
import inspect
import io

import pytest
from werkzeug.test import EnvironBuilder, encode_multipart
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Request

from gateway.errors import ApiError
from gateway.idempotency import canonical_json, context_for, fingerprint, scope_of
from services.common.idempotency import FINGERPRINT, KEY, SCOPE, once
from tests.unit.test_platform import load_config

DEPUTY = {"role": "deputy", "sub": "deputy-7", "deputy_id": 7}
PUBLIC = {"role": "public", "sub": None}


def request(path="/api/v1/suggestions", method="POST", key=None, **kwargs) -> Request:
    headers = dict(kwargs.pop("headers", {}))
    if key is not None:
        headers["Idempotency-Key"] = key
    return Request(EnvironBuilder(path=path, method=method, headers=headers, **kwargs).get_environ())


def json_request(body: str, **kwargs) -> Request:
    return request(data=body.encode(), content_type="application/json", **kwargs)


def upload(name: str, content: bytes, filename="a.csv", boundary="boundary-one") -> Request:
    boundary, data = encode_multipart({name: FileStorage(io.BytesIO(content), filename)}, boundary=boundary)
    return request("/api/v1/suggestions/import", data=data,
                   content_type=f"multipart/form-data; boundary={boundary}")


def test_no_header_adds_nothing():
    assert context_for(json_request('{"a": 1}'), DEPUTY, 0) == {}


def test_the_context_carries_key_scope_and_fingerprint_as_strings():
    context = context_for(json_request('{"a": 1}', key="order-42"), DEPUTY, 0)
    assert context[KEY] == "order-42"
    assert context[SCOPE] == '{"deputy_id":7,"role":"deputy","sub":"deputy-7"}'
    assert len(context[FINGERPRINT]) == 64 and all(isinstance(v, str) for v in context.values())


@pytest.mark.parametrize("key", ["a", "x" * 255, "9b2f6c1e-4f7d-4a43-9a0c-1f6ab1c0d9e2", "~!{}:/+="])
def test_keys_of_printable_ascii_are_taken(key):
    assert context_for(json_request("{}", key=key), DEPUTY, 0)[KEY] == key


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "tab\there", "键", "bell\x07"])
def test_other_keys_are_a_400_naming_the_header(key):
    with pytest.raises(ApiError) as caught:
        context_for(json_request("{}", headers={"Idempotency-Key": key}), DEPUTY, 0)
    assert caught.value.status == 400
    assert caught.value.details[0]["field"] == "Idempotency-Key"
    assert "Idempotency-Key" in caught.value.message


def test_scope_is_the_signed_in_caller_or_the_public_clients_address():
    assert scope_of(DEPUTY, json_request("{}"), 0) == '{"deputy_id":7,"role":"deputy","sub":"deputy-7"}'
    assert scope_of({"role": "unit", "sub": "deputy-7"}, json_request("{}"), 0) == '{"role":"unit","sub":"deputy-7"}'
    here = json_request("{}", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    there = json_request("{}", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert scope_of(PUBLIC, here, 0) == "public:10.1.2.3"
    assert scope_of(PUBLIC, here, 0) != scope_of(PUBLIC, there, 0)


def test_scope_is_the_whole_identity_not_just_role_and_sub():
    """Two deputies whose tokens share a sub (hand-made, or `make token` once) are two callers."""
    other = {**DEPUTY, "deputy_id": 8}
    assert scope_of(DEPUTY, json_request("{}"), 0) != scope_of(other, json_request("{}"), 0)
    for claim in ("unit_id", "station_id"):
        assert scope_of({**DEPUTY, claim: 1}, json_request("{}"), 0) != scope_of({**DEPUTY, claim: 2}, json_request("{}"), 0)
    # a sub made to look like more claims is still one sub
    assert scope_of({"role": "deputy", "sub": 'deputy-7","deputy_id":7', "deputy_id": 7},
                    json_request("{}"), 0) != scope_of(DEPUTY, json_request("{}"), 0)


def test_json_key_order_and_spacing_do_not_change_the_fingerprint():
    one = fingerprint(json_request('{"title": "关于公交", "co_signer_ids": [1, 2], "n": {"b": 1, "a": 2}}'))
    two = fingerprint(json_request('{"n":{"a":2,"b":1},"co_signer_ids":[1,2],\n "title":"\\u5173\\u4e8e\\u516c\\u4ea4"}'))
    assert one == two


@pytest.mark.parametrize("other", [
    json_request('{"title": "关于公交", "co_signer_ids": [2, 1]}'),       # list order matters
    json_request('{"title": "关于公交 "}'),                                  # a value differs
    json_request('{"title": "关于公交"}', path="/api/v1/units"),            # another route
    json_request('{"title": "关于公交"}', method="PUT"),                    # another method
    json_request('{"title": "关于公交"}', query_string="qr_token=abc"),      # a query differs
])
def test_anything_else_changes_it(other):
    assert fingerprint(json_request('{"title": "关于公交", "co_signer_ids": [1, 2]}')) != fingerprint(other)


def test_an_empty_body_is_the_empty_object_and_broken_json_is_kept_as_sent():
    assert canonical_json(b"") == canonical_json(b"  ") == canonical_json(b"{ }") == b"{}"
    assert canonical_json(b"{broken") == b"{broken"
    assert fingerprint(json_request("{broken")) != fingerprint(json_request("{broken2"))


def test_hostile_bodies_are_fingerprinted_not_raised_on():
    """The route refuses them (422); the fingerprint, taken first, must not be a 500."""
    assert canonical_json(b"[" * 100_000) == b"[" * 100_000
    assert canonical_json(b'{"a": "\\ud800"}') != canonical_json(b'{"a": "\\ud801"}')


def test_multipart_is_fingerprinted_by_names_and_contents_not_by_its_boundary():
    first = upload("file", b"title,body\n1,2\n")
    again = upload("file", b"title,body\n1,2\n", boundary="another-boundary")
    assert fingerprint(first) == fingerprint(again)
    assert fingerprint(upload("file", b"title,body\n1,3\n")) != fingerprint(first)
    assert fingerprint(upload("file", b"title,body\n1,2\n", filename="b.csv")) != fingerprint(first)


def test_the_route_still_reads_the_file_after_the_fingerprint():
    sent = upload("file", b"x" * 200_000)
    fingerprint(sent)
    assert sent.files["file"].filename == "a.csv"
    assert sent.files["file"].read() == b"x" * 200_000


def test_the_wrapped_method_keeps_its_signature_for_nameko():
    def submit(self, actor, data):
        return data

    wrapped = once(submit)
    assert inspect.signature(wrapped) == inspect.signature(submit)
    with pytest.raises(TypeError):  # nameko's check_signature: a wrong call is refused, not run
        inspect.getcallargs(wrapped, None, {"role": "office"})


@pytest.mark.parametrize("service", ["suggestion", "assignment", "station", "evaluation", "notify"])
def test_every_service_has_the_ttl_and_the_purge_interval(service):
    defaults = load_config(f"services/{service}/config.yml", {})
    assert float(defaults["IDEMPOTENCY_TTL_HOURS"]) == 24
    assert float(defaults["IDEMPOTENCY_PURGE_INTERVAL"]) > 0
    custom = load_config(f"services/{service}/config.yml", {"IDEMPOTENCY_TTL_HOURS": "2"})
    assert float(custom["IDEMPOTENCY_TTL_HOURS"]) == 2
