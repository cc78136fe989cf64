"""A Harbin-shaped past year as the office's workbook (docs/suggestions.md "Past-year import").

    .venv/bin/python scripts/history_year.py harbin-2024.xlsx            # the full year: 583 replies, 568 A
    .venv/bin/python scripts/history_year.py small.xlsx --suggestions 40 --assignments 35 --separate 3 --a 37

The workbook names deputies 代表001… and units 单位01… by name. With ``--api`` (and an office token
in ``--token``) the script also registers them, checks the workbook with a dry run, imports it,
follows the job and prints the year's GET /stats/rates:

    .venv/bin/python scripts/history_year.py harbin-2024.xlsx --tag H1 --session 十五届五次H1 \
        --api http://127.0.0.1:8000/api/v1 --token "$(make -s token ROLE=office)"
"""
import argparse
import io
import sys
import time
from datetime import date, timedelta

from openpyxl import Workbook

HEADERS = {
    "建议": ["编号", "标题", "内容", "类别", "类型", "届次", "领衔代表", "联名代表", "提交日期", "立案日期"],
    "交办": ["建议编号", "方式", "主办单位", "会办单位", "分办单位", "交办日期", "答复期限"],
    "答复": ["建议编号", "答复单位", "类别", "答复日期", "答复内容", "签发人"],
    "评价": ["建议编号", "答复单位", "满意度", "评价日期"],
}
TOPICS = ("公交线路", "老旧小区改造", "中小学课后服务", "冰雪旅游", "农村饮水安全", "社区养老服务", "道路积雪清理",
          "菜市场升级", "停车难", "供热质量")


def book(sheets: dict[str, list[list]]) -> bytes:
    """An .xlsx of the given sheets (name -> rows, the first row the headers)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        sheet = wb.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def deputy_names(count: int, tag: str = "") -> list[str]:
    return [f"代表{i:03d}{tag}" for i in range(1, count + 1)]


def unit_names(count: int, tag: str = "") -> list[str]:
    return [f"单位{i:02d}{tag}" for i in range(1, count + 1)]


def year_sheets(suggestions: int = 600, assignments: int = 564, separate: int = 19, a_replies: int = 568,
                deputies: int = 40, units: int = 30, year: int = 2024, session: str = "十五届五次",
                tag: str = "") -> dict:
    """Rows of a year: ``assignments`` of the suggestions are assigned, ``separate`` of them 分办 to two
    units (so replies = assignments + separate), every handling unit replies, the first ``a_replies``
    replies are class A (the rest B, then C), every reply is rated (满意, every tenth 基本满意)."""
    people, offices = deputy_names(deputies, tag), unit_names(units, tag)
    start = date(year, 1, 8)
    sheets = {name: [list(header)] for name, header in HEADERS.items()}
    reply_index = 0
    for n in range(1, suggestions + 1):
        submitted = start + timedelta(days=n % 5)
        accepted = submitted + timedelta(days=20)
        lead, co = people[n % deputies], people[(n + 1) % deputies]
        sheets["建议"].append([n, f"关于{TOPICS[n % len(TOPICS)]}的建议（第{n}件）", f"第{n}件建议的内容。",
                              "城乡建设与管理", "大会", session, lead, co, submitted, accepted])
        if n > assignments:
            continue
        assigned = accepted + timedelta(days=10)
        handling = ([offices[n % units], offices[(n + 7) % units]] if n <= separate else [offices[n % units]])
        if n <= separate:
            sheets["交办"].append([n, "分办", None, None, "、".join(handling), assigned, None])
        else:
            sheets["交办"].append([n, "主办", handling[0], offices[(n + 3) % units], None, assigned,
                                  assigned + timedelta(days=90)])
        for unit in handling:
            result_class = "A" if reply_index < a_replies else ("B" if reply_index % 2 else "C")
            replied = assigned + timedelta(days=40 + reply_index % 40)
            sheets["答复"].append([n, unit, result_class, replied, f"{unit}关于第{n}件建议的答复。", "办公室主任"])
            sheets["评价"].append([n, unit, "基本满意" if reply_index % 10 == 9 else "满意",
                                  replied + timedelta(days=15)])
            reply_index += 1
    return sheets


def enter(api: str, tok: str, content: bytes, args) -> None:
    """Register the year's deputies and units, dry-run, import, follow the job, print the rates."""
    import requests

    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {tok}"
    for name in deputy_names(args.deputies, args.tag):
        http.post(f"{api}/deputies", json={"name": name, "level": "city", "delegation": "市代表团"},
                  timeout=30).raise_for_status()
    for i, name in enumerate(unit_names(args.units, args.tag)):
        http.post(f"{api}/units", json={"name": name, "code": f"HIST-{args.tag}-{i}", "duties": "城市管理",
                                        "keywords": [], "categories": []}, timeout=30).raise_for_status()
    files = {"file": (args.output, content)}
    for _ in range(60):  # the suggestion service hears of new deputies and units by events
        report = http.post(f"{api}/history/imports?dry_run=true", files=files, timeout=120).json()
        if report.get("valid"):
            break
        time.sleep(1)
    else:
        sys.exit(f"the workbook has bad rows: {report.get('errors', report)[:10]}")
    job = http.post(f"{api}/history/imports", files=files, timeout=120).json()
    while job["status"] in ("queued", "running"):
        print(f"job {job['id']}: {job['status']} {job['done']}/{job['total']}", flush=True)
        time.sleep(5)
        job = http.get(f"{api}/history/imports/{job['id']}", timeout=30).json()
    print(f"job {job['id']}: {job['status']} {job['done']}/{job['total']} {job['error'] or ''}")
    time.sleep(5)  # the rates follow the events
    print(http.get(f"{api}/stats/rates", params={"session": args.session}, timeout=30).json())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output")
    parser.add_argument("--suggestions", type=int, default=600)
    parser.add_argument("--assignments", type=int, default=564)
    parser.add_argument("--separate", type=int, default=19)
    parser.add_argument("--a", type=int, default=568, help="class A replies")
    parser.add_argument("--deputies", type=int, default=40)
    parser.add_argument("--units", type=int, default=30)
    parser.add_argument("--session", default="十五届五次")
    parser.add_argument("--tag", default="", help="appended to every deputy's and unit's name")
    parser.add_argument("--api", help="the API's base URL: register, import and follow the job there")
    parser.add_argument("--token", help="an office token (with --api)")
    args = parser.parse_args()
    sheets = year_sheets(args.suggestions, args.assignments, args.separate, args.a, args.deputies, args.units,
                         session=args.session, tag=args.tag)
    content = book(sheets)
    with open(args.output, "wb") as out:
        out.write(content)
    replies = len(sheets["答复"]) - 1
    print(f"{args.output}: {len(sheets['建议']) - 1} suggestions, {len(sheets['交办']) - 1} assignments, "
          f"{replies} replies, {min(args.a, replies)} A")
    if args.api:
        enter(args.api.rstrip("/"), args.token or "", content, args)


if __name__ == "__main__":
    main()
