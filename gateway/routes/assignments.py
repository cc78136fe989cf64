"""Assignment (交办), handling (办) and supervision (督)."""
from gateway.answers import assignments as A
from gateway.answers.files import ReplyAttachmentAnswer, ReplyAttachmentPage
from gateway.auth import STAFF
from gateway.files import ANY_FILE, file_response, read_upload
from gateway.http import api
from gateway.queries import AssignmentList, LetterQuery, RoutingQuery, page
from gateway.routes.base import Proxies
from services.assignment.schemas import (
    AssignIn,
    CoOpinionIn,
    ContactIn,
    DisputeIn,
    ExtensionDecisionIn,
    ExtensionIn,
    FollowUpIn,
    ReplyIn,
    RerouteIn,
    SignIn,
    SupervisionIn,
    UrgeIn,
)

ASSIGNMENT = "/api/v1/assignments/<int:assignment_id>"
TAGS = ("assignments",)


class AssignmentRoutes(Proxies):

    @api("GET", "/api/v1/suggestions/<int:suggestion_id>/routing", roles=("office",), query=RoutingQuery,
         answer=A.RoutingAnswer, tags=TAGS)
    def routing(self, request, suggestion_id):
        """Recommended lead units for a suggestion, best first, with the reasons, and the co-units
        (会办) likely with the first."""
        return self.call(self.assignment.routing, request.actor, suggestion_id, request.query["limit"])

    @api("POST", "/api/v1/suggestions/<int:suggestion_id>/assignment", roles=("office",), body=AssignIn,
         status=201, creates=True, answer=A.AssignmentAnswer, tags=TAGS)
    def assign(self, request, suggestion_id):
        """Assign an accepted suggestion to a lead unit and co-units (mode lead), or to several units that
        each reply (mode separate, 分办), with a deadline; ``assigned_at``: the real date of 交办."""
        return 201, self.call(self.assignment.assign, request.actor, suggestion_id, self.body(request))

    @api("POST", "/api/v1/suggestions/<int:suggestion_id>/supervision", roles=("office",), body=SupervisionIn,
         status=201, creates=True, answer=A.SupervisionAnswer, tags=TAGS)
    def supervise(self, request, suggestion_id):
        """Put a suggestion under key supervision (重点督办) by named leaders (`leaders`: subs, or
        {sub, name}; `leader`: one leader's sub, a shorthand) and/or a special committee: at least one."""
        return 201, self.call(self.assignment.set_supervision, request.actor, suggestion_id, self.body(request))

    @api("GET", "/api/v1/assignments", roles=(*STAFF, "unit"), query=AssignmentList, answer=A.AssignmentPage,
         tags=TAGS)
    def list_assignments(self, request):
        """Assignments the caller may see: a unit those where it is lead, co-unit or a separately-handling unit."""
        wanted, limit, offset = page(request)
        return self.call(self.assignment.list, request.actor, wanted, limit, offset)

    @api("GET", ASSIGNMENT, roles=(*STAFF, "unit"), answer=A.AssignmentDetailAnswer, tags=TAGS)
    def get_assignment(self, request, assignment_id):
        """One assignment with units' sign state, contacts, opinions, replies and urgings."""
        return self.call(self.assignment.get, request.actor, assignment_id)

    @api("POST", ASSIGNMENT + "/sign", roles=("unit", "office"), body=SignIn, answer=A.AssignmentAnswer, tags=TAGS)
    def sign(self, request, assignment_id):
        """The calling unit signs for the assignment, or the office records a unit's signing
        (``unit_id``, ``signed_at``)."""
        return self.call(self.assignment.sign, request.actor, assignment_id, self.body(request))

    @api("POST", ASSIGNMENT + "/dispute", roles=("unit",), body=DisputeIn, answer=A.DisputeAnswer, tags=TAGS)
    def dispute(self, request, assignment_id):
        """The calling unit disputes the assignment, within the dispute window (409 after it)."""
        return self.call(self.assignment.dispute, request.actor, assignment_id, self.body(request))

    @api("POST", ASSIGNMENT + "/reroute", roles=("office",), body=RerouteIn, answer=A.AssignmentAnswer, tags=TAGS)
    def reroute(self, request, assignment_id):
        """Give the assignment other units; the history is kept."""
        return self.call(self.assignment.reroute, request.actor, assignment_id, self.body(request))

    @api("POST", ASSIGNMENT + "/contacts", roles=("unit", "office"), body=ContactIn, status=201, creates=True,
         answer=A.ContactAnswer, tags=TAGS)
    def add_contact(self, request, assignment_id):
        """Record a contact with the deputy (before, during or after handling); the office names the unit."""
        return 201, self.call(self.assignment.add_contact, request.actor, assignment_id, self.body(request))

    @api("POST", ASSIGNMENT + "/opinions", roles=("unit",), body=CoOpinionIn, status=201, creates=True,
         answer=A.CoOpinionAnswer, tags=TAGS)
    def add_opinion(self, request, assignment_id):
        """A co-unit's opinion for the lead unit."""
        return 201, self.call(self.assignment.add_opinion, request.actor, assignment_id, self.body(request))

    @api("POST", ASSIGNMENT + "/reply", roles=("unit", "office"), body=ReplyIn, status=201, creates=True,
         answer=A.UnitReplyAnswer, tags=TAGS)
    def reply(self, request, assignment_id):
        """A handling unit's reply with its result class (A/B/C), only after signing: the lead unit, or each
        unit of a separate assignment; the office records one on a unit's behalf (``unit_id``, ``replied_at``)."""
        return 201, self.call(self.assignment.reply, request.actor, assignment_id, self.body(request))

    @api("POST", ASSIGNMENT + "/replies/<int:reply_id>/attachments", roles=("unit", "office"), upload=True,
         status=201, creates=True, answer=ReplyAttachmentAnswer, tags=TAGS)
    def attach_to_reply(self, request, assignment_id, reply_id):
        """Attach a file to a reply, e.g. the signed 答复函 as a PDF (multipart field `file`, at most 10 MB).

        The unit that gave the reply, or the office (the paper letter brought in). PDF, JPEG, PNG, DOCX
        or XLSX, told by the content: anything else is a 415 naming `file`; a larger file is a 413."""
        filename, encoded = read_upload(request, self.settings.max_upload_bytes)
        return 201, self.call(self.assignment.attach_to_reply, request.actor, assignment_id, reply_id, filename,
                              encoded, timeout=30)

    @api("GET", ASSIGNMENT + "/attachments", roles=(*STAFF, "unit", "deputy"), answer=ReplyAttachmentPage,
         tags=TAGS)
    def reply_attachments(self, request, assignment_id):
        """Every file of the assignment's replies: for staff, its units, and the suggestion's deputies."""
        return self.call(self.assignment.reply_files, request.actor, assignment_id)

    @api("GET", ASSIGNMENT + "/attachments/<int:attachment_id>", roles=(*STAFF, "unit", "deputy"), media=ANY_FILE,
         tags=TAGS)
    def reply_attachment(self, request, assignment_id, attachment_id):
        """Download a reply's file, with its own media type and name (Content-Disposition, UTF-8).

        For staff, the units on the assignment and the suggestion's lead deputy and co-signers (404 to
        anyone else); never public."""
        return file_response(self.call(self.assignment.reply_file, request.actor, assignment_id, attachment_id,
                                       timeout=30))

    @api("POST", ASSIGNMENT + "/follow-up", roles=("unit", "office"), body=FollowUpIn, status=201, creates=True,
         answer=A.UnitReplyAnswer, tags=TAGS)
    def follow_up(self, request, assignment_id):
        """Progress on a B-class (planned) reply, by its unit or recorded by the office (``unit_id``)."""
        return 201, self.call(self.assignment.follow_up, request.actor, assignment_id, self.body(request))

    @api("POST", ASSIGNMENT + "/extension", roles=("unit", "office"), body=(ExtensionIn, ExtensionDecisionIn),
         status=(201, 200), creates=True, answer=A.ExtensionAnswer, tags=TAGS)
    def extension(self, request, assignment_id):
        """The lead unit asks for more days ({days, reason} → 201); the office decides ({approve} → 200)."""
        if request.actor["role"] == "unit":
            return 201, self.call(self.assignment.request_extension, request.actor, assignment_id, self.body(request))
        return self.call(self.assignment.decide_extension, request.actor, assignment_id, self.body(request))

    @api("POST", ASSIGNMENT + "/urge", roles=("office", "leader"), body=UrgeIn, status=201, creates=True,
         answer=A.UrgeAnswer, tags=TAGS)
    def urge(self, request, assignment_id):
        """Urge a unit by phone or by letter (督办函): `unit_id` any unit of the assignment (lead,
        co-unit, separately handling unit); omitted: the lead unit, or for a separate assignment every
        unit still handling (then `others` lists the further urgings' ids)."""
        return 201, self.call(self.assignment.urge, request.actor, assignment_id, self.body(request))

    @api("GET", ASSIGNMENT + "/letter", roles=("office", "leader"), query=LetterQuery,
         answer=A.UrgingLetterAnswer, tags=TAGS)
    def letter(self, request, assignment_id):
        """The urging letter (督办函) to a unit of this assignment (default: the lead unit), from its template."""
        return self.call(self.assignment.letter, request.actor, assignment_id, request.query.get("unit_id"))
