"""Attached files (issue 15): the type told by content, the name made safe, the limits, the download's
header, and who may see a suggestion's or a reply's files."""
import hashlib
import io
import zipfile
from urllib.parse import unquote

import pytest

from gateway.files import content_disposition
from services.assignment import domain as assignment_domain
from services.common import files
from services.common.errors import FileTooLarge, Forbidden, UnsupportedFile
from services.suggestion import domain as suggestion_domain

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 50  # a Windows program


def office_zip(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in ("[Content_Types].xml", *parts):
            archive.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize("content, media_type", [
    (PDF, files.PDF), (JPEG, files.JPEG), (PNG, files.PNG),
    (office_zip("word/document.xml"), files.DOCX), (office_zip("xl/workbook.xml"), files.XLSX),
    (EXE, None), (b"", None), (b"hello", None), (b"PK\x03\x04 not a zip", None),
    (office_zip("ppt/presentation.xml"), None),  # an Office file of a type not allowed
])
def test_the_type_is_told_by_the_content(content, media_type):
    assert files.sniff(content) == media_type


def test_a_program_renamed_pdf_is_refused_naming_the_field():
    with pytest.raises(UnsupportedFile) as err:
        files.check(EXE, "答复函.pdf", 1000)
    assert err.value.status == 415 and err.value.details[0]["field"] == "file"


def test_a_name_that_claims_another_allowed_type_is_refused():
    with pytest.raises(UnsupportedFile, match="the name says PDF but the content is PNG"):
        files.check(PNG, "scan.pdf", 1000)


def test_a_good_file_gets_its_type_size_digest_and_a_safe_name():
    checked = files.check(PDF, "C:\\扫描件\\答复函（盖章）.PDF", 1000)
    assert checked == files.Checked(files.PDF, "答复函（盖章）.PDF", len(PDF), hashlib.sha256(PDF).hexdigest())
    assert files.check(JPEG, "../../etc/现场照片.jpeg", 1000).filename == "现场照片.jpeg"
    # no name, or an extension of no allowed type: the content's extension is added
    assert files.check(PNG, "", 1000).filename == "附件.png"
    assert files.check(PDF, "letter.exe", 1000).filename == "letter.exe.pdf"
    assert files.check(PDF, "line\nbreak\x00.pdf", 1000).filename == "linebreak.pdf"
    assert len(files.check(PDF, "长" * 300 + ".pdf", 1000).filename) == files.MAX_NAME_CHARS


def test_the_size_limit_is_a_413_and_an_empty_file_a_415():
    files.check(PDF, "a.pdf", len(PDF))  # at the limit: taken
    with pytest.raises(FileTooLarge) as err:
        files.check(PDF, "a.pdf", len(PDF) - 1)
    assert err.value.status == 413 and err.value.details[0] == {"field": "file", "message": f"at most {len(PDF) - 1} bytes"}
    with pytest.raises(UnsupportedFile, match="empty"):
        files.check(b"", "a.pdf", 100)


def test_the_download_names_the_file_in_utf8_with_an_ascii_fallback():
    header = content_disposition('答复函 "终稿";v2.pdf')
    assert header.startswith('attachment; filename="___ _____v2.pdf"; ')
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == '答复函 "终稿";v2.pdf' and " " not in encoded and '"' not in encoded


# -- who sees which files ---------------------------------------------------------------

def test_a_suggestions_files_are_never_public():
    lead, co = 1, [2]
    for actor in ({"role": "public"}, {"role": "station", "station_id": 1}, {"role": "deputy", "deputy_id": 3},
                  {"role": "unit", "unit_id": 9}):
        assert not suggestion_domain.files_visible_to(actor, lead, co, "accepted")
    for actor in ({"role": "office"}, {"role": "deputy", "deputy_id": 1}, {"role": "deputy", "deputy_id": 2},
                  {"role": "unit", "unit_id": 9}):
        assert suggestion_domain.files_visible_to(actor, lead, co, "assigned", unit_ids=[9])
    assert not suggestion_domain.files_visible_to({"role": "deputy", "deputy_id": 2}, lead, co, "draft")


@pytest.mark.parametrize("status, deputy_may", [("draft", True), ("submitted", True), ("accepted", False),
                                                ("assigned", False), ("closed", False)])
def test_the_lead_deputy_attaches_until_screening_the_office_always(status, deputy_may):
    suggestion_domain.check_attach("office", status)
    if deputy_may:
        suggestion_domain.check_attach("deputy", status)
    else:
        with pytest.raises(Exception, match="draft or a submitted"):
            suggestion_domain.check_attach("deputy", status)


def test_a_replys_file_is_attached_by_its_unit_or_the_office():
    assignment_domain.check_reply_file({"role": "office"}, 5, False)
    assignment_domain.check_reply_file({"role": "unit", "unit_id": 5}, 5, True)
    for actor, on in (({"role": "unit", "unit_id": 6}, True),   # the co-unit did not reply
                      ({"role": "unit", "unit_id": 5}, False),  # rerouted away from it
                      ({"role": "deputy", "deputy_id": 5}, True)):
        with pytest.raises(Forbidden):
            assignment_domain.check_reply_file(actor, 5, on)


def test_a_replys_files_are_read_by_staff_its_units_and_the_suggestions_deputies_only():
    def sees(actor):
        return assignment_domain.reply_files_visible_to(actor, [5, 6], 21, [22])
    assert all(sees({"role": r}) for r in ("office", "leader", "admin"))
    assert sees({"role": "unit", "unit_id": 6}) and not sees({"role": "unit", "unit_id": 7})
    assert sees({"role": "deputy", "deputy_id": 21}) and sees({"role": "deputy", "deputy_id": 22})
    assert not sees({"role": "deputy", "deputy_id": 23}) and not sees({"role": "deputy"})
    assert not sees({"role": "public"}) and not sees({"role": "station", "station_id": 1})
