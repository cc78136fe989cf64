"""The console in headless Chromium, the third-party assessor's journey: the office samples replied
suggestions over the API and names the assessor on the assessment; the assessor, in the browser, finds
it among their tasks, opens the sample, reads an item (its published text and reply), is told under
the field that a score is needed, scores it, and goes on to the next item. Asserted over the API;
screenshots in .run/screenshots/console-assessor-*.png."""
from tests.e2e import browser
from tests.e2e.client import OFFICE, World
from tests.e2e.console_driver import Console, field, person, q, row_with
from tests.polling import wait_for


def test_an_assessor_scores_the_sampled_suggestions_in_the_console(system, console_url, tmp_path):
    api = system.api
    world = World(api)
    done = [world.lifecycle(), world.lifecycle()]
    api.post(f"/suggestions/{done[0]['suggestion_id']}/publish", OFFICE, {}, expect=200)
    wait_for(lambda: api.get(f"/stats/rates?unit_id={world.unit['id']}", OFFICE, expect=200).json()["replied"] >= 2,
             what="both replies projected")

    assessor = person(api, {"role": "assessor"}, "第三方评估专家陈静")
    sub = assessor["account"]["sub"]
    assessment = api.post("/assessments", OFFICE, {"sample_size": 2, "session": "十六届三次", "assessors": [sub]},
                          expect=201).json()
    sampled = assessment["suggestion_ids"]
    assert len(sampled) == 2

    page = browser.Page(tmp_path / "profile", console_url + "/login", timeout=60)
    try:
        c = Console(page, console_url, journey="console-assessor")
        c.viewport(1366, 900)
        c.as_person(assessor, "/assessor/assessments")
        c.watch_messages()
        c.wait(row_with('[data-test="assessments"] .el-table__row', f"第 {assessment['id']} 批"), "the assessment")
        c.wait(row_with('[data-test="assessments"] .el-table__row', f"第 {assessment['id']} 批") +
               ".innerText.includes('0 / 2')", "its progress 0 / 2")
        c.shot("1-assessments")

        c.click(row_with('[data-test="assessments"] .el-table__row', f"第 {assessment['id']} 批"), "the assessment")
        c.wait(f"location.pathname === '/assessor/assessments/{assessment['id']}'", "the assessment's page")
        c.wait("document.querySelectorAll('[data-test=\"items\"] .el-table__row').length === 2", "the two items")
        assert c.text().count("待评分") == 2
        c.shot("2-sample")

        # the published one first: its text and the unit's reply are shown beside the form
        first = done[0]["suggestion_id"] if done[0]["suggestion_id"] in sampled else sampled[0]
        number = api.get(f"/suggestions/{first}", OFFICE, expect=200).json()["number"]
        c.click(row_with('[data-test="items"] .el-table__row', number), f"item {number}")
        c.wait(f"location.pathname.endsWith('/items/{first}')", "the item's page")
        c.wait(q('[data-test="item-facts"]'), "the item's facts")
        if first == done[0]["suggestion_id"]:
            c.wait(q('[data-test="published"]') + "?.innerText.includes('已增设公交站点')", "the published reply")

        c.click(q('[data-test="submit-score"]'), "submit without a score")
        c.wait(q("#score-error") + "?.innerText.includes('请填写评分')", "the score's error under it")
        c.shot("3-score-required")
        c.type(field("score"), "86", "the score")
        c.type(field("score-comment"), "答复针对性强，已增设站点，落实到位。", "the comment")
        c.click(q('[data-test="submit-score"]'), "submit the score")
        c.wait(q('[data-test="my-score"]') + "?.innerText.includes('86')", "the score given")
        c.shot("4-scored")
        got = api.get(f"/assessments/{assessment['id']}", OFFICE, expect=200).json()
        item = next(i for i in got["items"] if i["suggestion_id"] == first)
        assert [(s["assessor"], s["score"], s["comment"]) for s in item["scores"]] == [
            (sub, 86, "答复针对性强，已增设站点，落实到位。")]

        # the next item still to score, then the sample is done
        second = next(s for s in sampled if s != first)
        c.click(q('[data-test="next-item"]'), "the next item to score")
        c.wait(f"location.pathname.endsWith('/items/{second}')", "the second item's page")
        c.wait(q('[data-test="submit-score"]'), "the second item's form")
        c.type(field("score"), "70", "the second score")
        c.click(q('[data-test="submit-score"]'), "submit the second score")
        c.wait(q('[data-test="my-score"]') + "?.innerText.includes('70')", "the second score given")
        c.as_person(assessor, f"/assessor/assessments/{assessment['id']}")
        c.wait(q('[data-test="progress"]') + "?.innerText.includes('2 / 2')", "the sample fully scored")
        c.shot("5-all-scored")
        got = api.get(f"/assessments/{assessment['id']}", OFFICE, expect=200).json()
        assert sorted(s["score"] for s in got["scores"] if s["assessor"] == sub) == [70, 86]
        assert got["summary"]["count"] == 2 and got["summary"]["mean"] == 78.0
    finally:
        page.close()
