"""A suggestion's photos and documents (issue 15), on real PostgreSQL and RabbitMQ: who attaches
when, the type told by content, the file kept byte for byte in the database, who downloads it."""
import base64
import hashlib
from datetime import datetime, timedelta, timezone

import pytest

from services.common.errors import Conflict, FileTooLarge, Forbidden, NotFound, UnsupportedFile
from tests.service.helpers import scalar
from tests.service.test_suggestion_intake import OFFICE, deputy, submit
from tests.service.test_suggestion_reads import assign

PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 40  # a JPEG's magic bytes, then anything
PROGRAM = b"MZ\x90\x00" + b"\x00" * 200


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def test_the_lead_deputy_attaches_a_photo_and_who_may_see_the_suggestion_downloads_it(service, rpc, amqp,
                                                                                        suggestion_db):
    s = submit(rpc, 1, "关于修复小区破损道路的建议", co_signer_ids=[2])
    answer = rpc.suggestion.attach(deputy(1), s["id"], "现场照片.jpg", b64(PHOTO))
    assert (answer["filename"], answer["media_type"], answer["size"]) == ("现场照片.jpg", "image/jpeg", len(PHOTO))
    assert answer["sha256"] == hashlib.sha256(PHOTO).hexdigest() and answer["uploaded_by"] == "deputy-1"
    stored = scalar(suggestion_db, "select content from attachments where id = :i", {"i": answer["id"]})
    assert bytes(stored) == PHOTO  # in the database, byte for byte

    with pytest.raises(UnsupportedFile) as err:  # a program called .jpg
        rpc.suggestion.attach(deputy(1), s["id"], "照片.jpg", b64(PROGRAM))
    assert err.value.details[0]["field"] == "file"
    with pytest.raises(Forbidden):  # a co-signer is not the lead deputy
        rpc.suggestion.attach(deputy(2), s["id"], "b.jpg", b64(PHOTO))
    with pytest.raises(NotFound):  # another deputy does not see it at all
        rpc.suggestion.attach(deputy(3), s["id"], "c.jpg", b64(PHOTO))

    detail = rpc.suggestion.get(deputy(2), s["id"])
    assert [a["id"] for a in detail["attachments"]] == [answer["id"]]
    assert "附件：现场照片.jpg" in [t["note"] for t in detail["timeline"]]
    download = rpc.suggestion.attachment(deputy(2), s["id"], answer["id"])
    assert base64.b64decode(download["content"]) == PHOTO and download["media_type"] == "image/jpeg"
    with pytest.raises(NotFound):
        rpc.suggestion.attachment(deputy(3), s["id"], answer["id"])
    with pytest.raises(NotFound):  # an attachment of another suggestion through this one
        other = submit(rpc, 1, "关于增设公交站点的建议")
        rpc.suggestion.attachment(deputy(1), other["id"], answer["id"])

    # accepted: the deputy may no longer add, the office may; assigned: the handling unit downloads
    rpc.suggestion.screen(OFFICE, s["id"], {"decision": "accept"})
    with pytest.raises(Conflict):
        rpc.suggestion.attach(deputy(1), s["id"], "d.jpg", b64(PHOTO))
    rpc.suggestion.attach(OFFICE, s["id"], "纸质材料扫描.jpg", b64(PHOTO))
    assign(amqp, rpc, s, 9, [], datetime.now(timezone.utc) + timedelta(days=90))
    unit = {"role": "unit", "unit_id": 9, "sub": "unit-9"}
    assert len(rpc.suggestion.get(unit, s["id"])["attachments"]) == 2
    assert base64.b64decode(rpc.suggestion.attachment(unit, s["id"], answer["id"])["content"]) == PHOTO

    # published: the public reads the suggestion, never its files
    rpc.suggestion.publish(OFFICE, s["id"], {})
    assert rpc.suggestion.get(deputy(3), s["id"])["attachments"] == []
    with pytest.raises(NotFound):
        rpc.suggestion.attachment(deputy(3), s["id"], answer["id"])
    with pytest.raises(NotFound):
        rpc.suggestion.attachment({"role": "unit", "unit_id": 10, "sub": "unit-10"}, s["id"], answer["id"])


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(service, rpc, suggestion_db):
    s = submit(rpc, 1, "关于修复小区破损道路的建议")
    big = PHOTO[:4] + b"\x00" * (10 * 1024 * 1024)  # ATTACHMENT_MAX_BYTES is 10 MiB by default
    with pytest.raises(FileTooLarge) as err:
        rpc.suggestion.attach(deputy(1), s["id"], "big.jpg", b64(big))
    assert err.value.details[0]["field"] == "file" and "at most 10 MB" in err.value.message
    assert scalar(suggestion_db, "select count(*) from attachments") == 0
