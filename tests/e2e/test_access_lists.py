"""List scoping (issue 8; API.md "Who sees what"): in every list a scoped caller sees only its rows
(a deputy the suggestions they lead or co-signed and public ones, a unit the assignments where it
is lead or co-unit, station staff their station), and office, leader and admin see all.

The world is tests/e2e/access_world.py (two deputies, units and stations with rows of their own);
each check names the rows it knows and which of them each caller must see, and checks every row
a scoped caller is shown against the rule, so a row of another test leaking in fails too.
"""
from tests.polling import wait_for

STAFF = ("office", "leader", "admin")


def listed(world, path: str, who: str) -> list[dict]:
    return world.api.get(path, world.tokens[who], expect=200).json()["items"]


def ids(items: list[dict]) -> set:
    return {item["id"] for item in items}


def test_suggestions_a_deputy_leads_or_co_signed_a_unit_handles_and_public_ones(access_world):
    w = access_world
    s1, s2, s3, s4 = (w.ids[k] for k in ("suggestion_id", "s2", "s3", "s4"))
    sees = {"deputy": {s1, s3, s4}, "deputy2": {s1, s3}, "deputy3": {s2, s3}, "unit": {s1, s3, s4},
            "unit2": {s1, s3, s4}, "unit3": {s2, s3}, "station": {s3}, "station2": {s3},
            **dict.fromkeys(STAFF, {s1, s2, s3, s4})}
    for who, wanted in sees.items():
        assert ids(listed(w, f"/suggestions?session={w.session}&limit=200", who)) & {s1, s2, s3, s4} == wanted, who
    for who, key in (("deputy", "deputy_id"), ("deputy3", "deputy3")):
        me = w.ids[key]
        assert all(s["public"] or me == s["lead_deputy_id"] or me in s["co_signer_ids"]
                   for s in listed(w, "/suggestions?limit=200", who)), who
    for who, key in (("unit", "unit1"), ("unit2", "unit2"), ("unit3", "unit3")):
        me = w.ids[key]
        assert all(s["public"] or me == s["assignment"]["lead_unit_id"] or me in s["assignment"]["co_unit_ids"]
                   for s in listed(w, "/suggestions?limit=200", who)), who
    assert all(s["public"] for s in listed(w, "/suggestions?limit=200", "station"))
    # a filter naming someone else's rows narrows the caller's own view, it does not widen it
    assert ids(listed(w, f"/suggestions?session={w.session}&deputy_id={w.ids['deputy3']}", "deputy")) == {s3}
    assert ids(listed(w, f"/suggestions?session={w.session}&unit_id={w.ids['unit3']}", "unit")) == set()
    for who in ("public", "office", "deputy"):
        assert ids(listed(w, f"/public/suggestions?session={w.session}", who)) == {s3}


def test_assignments_where_a_unit_is_lead_or_co_unit(access_world):
    w = access_world
    a1, a2, a3 = (w.ids[k] for k in ("assignment_id", "a2", "a3"))
    units = {"unit": "unit1", "unit2": "unit2", "unit3": "unit3"}
    sees = {"unit": {a1, a3}, "unit2": {a1, a3}, "unit3": {a2}}
    for who, wanted in sees.items():
        mine = listed(w, "/assignments?limit=200", who)
        assert ids(mine) & {a1, a2, a3} == wanted, who
        me = w.ids[units[who]]
        assert mine and all(me == a["lead_unit_id"] or me in a["co_unit_ids"] for a in mine), who
        for staff in STAFF:  # staff see the same rows through the filter, and every unit's
            assert ids(listed(w, f"/assignments?unit_id={me}&limit=200", staff)) == ids(mine), (who, staff)
    assert listed(w, f"/assignments?unit_id={w.ids['unit3']}", "unit") == []


def test_rates_and_overdue_of_a_unit_are_its_own(access_world):
    w = access_world
    u1, u3 = w.ids["unit1"], w.ids["unit3"]
    late = w.assign(w.accepted(), u1, [], due_at=w.past_due)

    def overdue(who, query=""):
        return {a["assignment_id"] for a in listed(w, f"/stats/overdue{query}", who)}
    wait_for(lambda: late in overdue("office"), what="the late assignment in the overdue list")
    assert late in overdue("unit") and w.ids["a2"] not in overdue("unit")
    assert all(a["lead_unit_id"] == u1 for a in listed(w, "/stats/overdue", "unit"))
    assert overdue("unit", f"?unit_id={u3}") == overdue("unit")  # its own, whatever it asks
    assert w.ids["a2"] in overdue("unit3") and late not in overdue("unit3")
    for staff in STAFF:
        assert {late, w.ids["a2"]} <= overdue(staff)

    def rates(who, query=""):
        return w.api.get(f"/stats/rates{query}", w.tokens[who], expect=200).json()
    # (compared until equal: events of earlier steps may still be moving the figures)
    wait_for(lambda: rates("unit") == rates("office", f"?unit_id={u1}") == rates("unit", f"?unit_id={u3}"),
             what="a unit's rates equal to the office's view of that unit")
    assert rates("unit3") == rates("leader", f"?unit_id={u3}") != rates("unit")
    assert rates("unit3")["assigned"] == 1


def test_stations_their_opinions_activities_and_deputies(access_world):
    w = access_world
    st1, st2 = w.ids["station_id"], w.ids["station2"]
    region = f"?region=渝北区{w.tag}"
    assert ids(listed(w, "/stations?limit=200", "station")) == {st1}
    assert ids(listed(w, "/stations?limit=200", "station2")) == {st2}
    for who in (*STAFF, "deputy", "unit"):
        assert ids(listed(w, f"/stations{region}", who)) == {st1, st2}, who

    for kind, own in (("opinions", "opinion"), ("activities", "activity")):
        mine = {"station": st1, "station2": st2}
        for who, station in mine.items():
            items = listed(w, f"/stations/{station}/{kind}?limit=200", who)
            assert items and all(i["station_id"] == station for i in items), (kind, who)
            other = st2 if station == st1 else st1
            w.api.get(f"/stations/{other}/{kind}", w.tokens[who], expect=404)
        for who in STAFF:
            assert {i["station_id"] for i in listed(w, f"/stations/{st2}/{kind}?limit=200", who)} == {st2}
    assert w.ids["opinion_id"] in ids(listed(w, f"/stations/{st1}/opinions?limit=200", "deputy"))  # a member
    w.api.get(f"/stations/{st2}/opinions", w.tokens["deputy"], expect=403)
    for who in ("deputy", "unit"):  # activities are open to every signed-in caller
        assert w.ids["activity_station2"] in ids(listed(w, f"/stations/{st2}/activities?limit=200", who))

    members = listed(w, "/deputies?limit=200", "station")
    assert w.ids["deputy_id"] in ids(members) and w.ids["deputy3"] not in ids(members)
    assert all(st1 in d["station_ids"] for d in members)
    assert listed(w, f"/deputies?station_id={st2}", "station") == []
    for who in STAFF:
        assert w.ids["deputy3"] in ids(listed(w, f"/deputies?station_id={st2}", who))


def test_notifications_are_each_callers_own(access_world):
    w = access_world
    inboxes = {who: w.inbox(who) for who in ("office", "leader", "deputy", "deputy3", "unit", "unit3",
                                             "station")}
    for who in ("office", "leader", "deputy", "deputy3", "unit", "unit3"):
        assert inboxes[who], who
    seen = [ids(items) for items in inboxes.values()]
    assert sum(len(s) for s in seen) == len(set().union(*seen)), "a notification in two inboxes"
    for who in ("deputy", "deputy3", "unit", "unit3"):  # about suggestions the caller may see
        for sid in {n["suggestion_id"] for n in inboxes[who] if n["suggestion_id"]}:
            w.api.get(f"/suggestions/{sid}", w.tokens[who], expect=200)


def test_points_are_the_deputys_own(access_world):
    w = access_world
    d1, d3 = w.ids["deputy_id"], w.ids["deputy3"]
    points = w.api.get(f"/deputies/{d1}/points?limit=200", w.tokens["deputy"], expect=200).json()
    assert points["deputy_id"] == d1 and points["items"]
    for entry in points["items"]:
        if entry["source_type"] == "suggestion":
            w.api.get(f"/suggestions/{entry['source_id']}", w.tokens["deputy"], expect=200)
    w.api.get(f"/deputies/{d3}/points", w.tokens["deputy"], expect=403)
    for who in STAFF:
        assert w.api.get(f"/deputies/{d3}/points", w.tokens[who], expect=200).json()["deputy_id"] == d3
