"""What units and the public need (issue 15), over HTTP: the lead deputy's contact for 面商, a reply's
signed letter as a PDF and a suggestion's photos (upload, download byte-identical, refused by
content or size), and the disclosure's end date and withdrawal."""
import hashlib
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from tests.e2e.client import OFFICE, World
from tests.e2e.contract import Contract
from tests.polling import wait_for

LETTER = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n"
          + bytes(range(256)) * 64 + b"\n%%EOF\n")
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 500  # a Windows program
PHOTO = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200
LIMIT = 10 * 1024 * 1024  # ATTACHMENT_MAX_BYTES' default
A = "/api/v1/assignments/{assignment_id}"
S = "/api/v1/suggestions/{suggestion_id}"


@pytest.fixture
def check(system):
    return Contract(system.url).check


def replied(world: World, api, phone: str | None = None) -> dict:
    """A suggestion led by the world's deputy, assigned to its unit (lead) and co-unit, replied."""
    if phone:
        api.call("PATCH", f"/api/v1/deputies/{world.lead['id']}", OFFICE,
                 {"phone": phone, "email": "wangjg@example.cn"}, expect=200)
    s = world.submit()
    api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
    a = api.post(f"/suggestions/{s['id']}/assignment", OFFICE,
                 {"lead_unit_id": world.unit["id"], "co_unit_ids": [world.co_unit["id"]]}, expect=201).json()
    api.post(f"/assignments/{a['id']}/sign", world.unit_token, expect=200)
    reply = api.post(f"/assignments/{a['id']}/reply", world.unit_token,
                     {"result_class": "A", "content": "已增设公交站点。", "signed_by": "张局长"}, expect=201).json()
    return {"suggestion_id": s["id"], "assignment_id": a["id"], "reply_id": reply["id"]}


def test_the_units_of_an_assignment_see_the_lead_deputys_phone_another_unit_does_not(api, check):
    world, stranger = World(api), World(api)  # the stranger's unit has nothing to do with this one
    ids = replied(world, api, phone="13912345678")
    path = f"/assignments/{ids['assignment_id']}"
    for tok in (world.unit_token, world.co_unit_token, OFFICE):
        lead = wait_for(lambda: (d := api.get(path, tok, expect=200).json()["lead_deputy"])["phone"] and d,
                        what="the lead deputy's phone")
        assert (lead["id"], lead["name"], lead["phone"], lead["email"]) == (
            world.lead["id"], "王建国", "13912345678", "wangjg@example.cn")
    check(api.get(path, world.unit_token), "GET", A, 200)
    # another unit: not its assignment (404, as for any other of its items), and no roster access (403)
    api.get(path, stranger.unit_token, expect=404)
    assert api.get(f"/deputies/{world.lead['id']}", stranger.unit_token, expect=403).json()["error"]["code"]
    api.get(f"/deputies/{world.lead['id']}", world.unit_token, expect=403)  # the roster stays closed to units
    api.get(path, world.deputy_token, expect=403)  # deputies follow handling in GET /suggestions/{id}


def test_a_signed_letter_uploaded_to_a_reply_downloads_byte_identical(api, check):
    world, stranger = World(api), World(api)
    ids = replied(world, api)
    files = f"/assignments/{ids['assignment_id']}/replies/{ids['reply_id']}/attachments"
    answer = check(api.post(files, world.unit_token, files={"file": ("答复函（盖章）.pdf", LETTER, "application/pdf")}),
                   "POST", A + "/replies/{reply_id}/attachments", 201)
    assert (answer["media_type"], answer["size"], answer["sha256"]) == (
        "application/pdf", len(LETTER), hashlib.sha256(LETTER).hexdigest())

    # the unit, the office, the lead deputy and the co-signer download it as it was sent
    download = f"/assignments/{ids['assignment_id']}/attachments/{answer['id']}"
    for tok in (world.unit_token, world.co_unit_token, OFFICE, world.deputy_token, world.cosigner_token):
        got = api.get(download, tok, expect=200)
        assert got.content == LETTER and got.headers["Content-Type"] == "application/pdf"
        assert got.headers["Content-Disposition"] == (
            "attachment; filename=\"_______.pdf\"; filename*=UTF-8''" + quote("答复函（盖章）.pdf"))
    for tok in (stranger.unit_token, stranger.deputy_token):
        api.get(download, tok, expect=404)
    api.get(download, expect=401)  # never public
    listed = check(api.get(f"/assignments/{ids['assignment_id']}/attachments", world.deputy_token),
                   "GET", A + "/attachments", 200)
    assert [f["id"] for f in listed["items"]] == [answer["id"]]
    detail = api.get(f"/assignments/{ids['assignment_id']}", OFFICE, expect=200).json()
    assert [f["filename"] for f in detail["replies"][0]["attachments"]] == ["答复函（盖章）.pdf"]

    # a program renamed .pdf: refused by its content, naming the field
    refused = api.post(files, world.unit_token, files={"file": ("答复函.pdf", PROGRAM, "application/pdf")},
                       expect=415).json()["error"]
    assert refused["details"][0]["field"] == "file"
    # the co-unit did not reply; JSON instead of a file; no file at all
    api.post(files, world.co_unit_token, files={"file": ("x.pdf", LETTER)}, expect=403)
    api.post(files, world.unit_token, {"file": "x"}, expect=415)
    api.post(files, world.unit_token, files={"other": ("x.pdf", LETTER)}, expect=422)


def test_an_oversize_file_is_a_413_and_nothing_is_stored(api):
    world = World(api)
    ids = replied(world, api)
    files = f"/assignments/{ids['assignment_id']}/replies/{ids['reply_id']}/attachments"
    big = LETTER[:9] + b"\x00" * LIMIT  # just over 10 MB: within the body's framing allowance, the file's limit
    answer = api.post(files, world.unit_token, files={"file": ("大文件.pdf", big)}, expect=413).json()["error"]
    assert answer["code"] == "too_large" and "10 MB" in answer["message"]
    huge = b"%PDF-" + b"\x00" * (2 * LIMIT)  # far over: refused before the body is read
    assert api.post(files, world.unit_token, files={"file": ("巨大.pdf", huge)}).status_code == 413
    assert api.get(f"/assignments/{ids['assignment_id']}/attachments", OFFICE, expect=200).json()["items"] == []


def test_a_deputy_attaches_a_photo_to_a_submitted_suggestion(api, check):
    world, stranger = World(api), World(api)
    s = world.submit()
    path = f"/suggestions/{s['id']}/attachments"
    photo = check(api.post(path, world.deputy_token, files={"file": ("现场.png", PHOTO)}), "POST",
                  S + "/attachments", 201)
    assert photo["media_type"] == "image/png"
    api.post(path, world.cosigner_token, files={"file": ("b.png", PHOTO)}, expect=403)
    api.post(path, world.unit_token, files={"file": ("b.png", PHOTO)}, expect=403)
    got = api.get(f"{path}/{photo['id']}", world.cosigner_token, expect=200)
    assert got.content == PHOTO and got.headers["Content-Type"] == "image/png"
    api.get(f"{path}/{photo['id']}", stranger.deputy_token, expect=404)
    detail = api.get(f"/suggestions/{s['id']}", world.deputy_token, expect=200).json()
    assert [a["id"] for a in detail["attachments"]] == [photo["id"]]
    api.post(f"/suggestions/{s['id']}/screening", OFFICE, {"decision": "accept"}, expect=200)
    api.post(path, world.deputy_token, files={"file": ("c.png", PHOTO)}, expect=409)  # no longer the deputy's to change
    api.post(path, OFFICE, files={"file": ("纸质材料.png", PHOTO)}, expect=201)


def test_publish_with_an_end_date_then_withdraw_with_a_reason(api, check):
    world = World(api)
    ids = world.lifecycle()
    sid = ids["suggestion_id"]
    today = (datetime.now(timezone.utc) + timedelta(hours=8)).date()  # the office's day (Asia/Shanghai)
    api.post(f"/suggestions/{sid}/publish", OFFICE, {"until": (today - timedelta(days=1)).isoformat()}, expect=422)
    until = (today + timedelta(days=30)).isoformat()
    published = check(api.post(f"/suggestions/{sid}/publish", OFFICE, {"until": until}), "POST", S + "/publish", 200)
    assert (published["public"], published["public_until"]) == (True, until)
    item = api.get(f"/public/suggestions/{sid}", expect=200).json()
    assert item["public_until"] == until

    api.post(f"/suggestions/{sid}/unpublish", OFFICE, {}, expect=422)  # the reason is required
    api.post(f"/suggestions/{sid}/unpublish", world.deputy_token, {"reason": "不想公开"}, expect=403)
    withdrawn = check(api.post(f"/suggestions/{sid}/unpublish", OFFICE, {"reason": "涉及个人隐私"}),
                      "POST", S + "/unpublish", 200)
    assert (withdrawn["public"], withdrawn["unpublish_reason"], withdrawn["unpublished_by"]) == (
        False, "涉及个人隐私", "office-1")
    api.get(f"/public/suggestions/{sid}", expect=404)
    assert sid not in [s["id"] for s in api.get("/public/suggestions?limit=200", expect=200).json()["items"]]
    api.post(f"/suggestions/{sid}/unpublish", OFFICE, {"reason": "再撤一次"}, expect=409)
    timeline = api.get(f"/suggestions/{sid}", OFFICE, expect=200).json()["timeline"]
    steps = [(t["type"], t["note"]) for t in timeline if t["type"] in ("published", "unpublished")]
    y, m, d = (int(x) for x in until.split("-"))
    assert steps == [("published", f"公开（至{y}年{m}月{d}日）"), ("unpublished", "撤回公开：涉及个人隐私")]
