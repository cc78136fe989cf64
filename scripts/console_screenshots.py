"""The README's console screenshots: one chosen screenshot per role, from the browser journeys' own
(.run/screenshots/, written by tests/e2e/test_console*.py), made small into docs/screenshots/<role>.png.

    .venv/bin/python scripts/console_screenshots.py [--from .run/screenshots …] [--to docs/screenshots]
                                                    [--width 960] [--roles office,unit,...]

Run the console journeys first (e.g. `make test-e2e ARGS="tests/e2e/test_console_lifecycle.py"`). Each
role has an ordered list of candidate names (globs): the first that exists is taken, scaled to --width,
cut to a screen's height (16:10, a phone's 390×844 for a narrow shot) (a full-page shot can be long), reduced to 256 colours and written
optimised. A role with no screenshot yet is named and skipped; the exit status is 1 only when none was
found at all."""
from __future__ import annotations

import argparse
import pathlib
import sys

from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parent.parent
# role → its main screen, best first (the journeys' names: console-<journey>-<step>.png)
CHOICES: dict[str, list[str]] = {
    "office": ["console-lifecycle-4-office-routing.png", "console-lifecycle-3-office-screening.png",
               "console-lifecycle-10-office-rates.png", "console-06-office-home.png"],
    "office-board": ["console-rehandling-3-office-board.png", "console-supervision-3-office-board-due.png"],
    "unit": ["console-unit-work-3-unit-signed-contact-extension.png", "console-lifecycle-6-unit-reply.png",
             "console-lifecycle-7-unit-replied.png"],
    "deputy": ["console-lifecycle-8-deputy-rating.png", "console-lifecycle-2-deputy-submitted.png",
               "console-deputy-*.png"],
    "leader": ["console-supervision-6-leader-dashboard.png", "console-leader-*.png"],
    "station": ["console-station-4-station-record.png", "console-station-*.png"],
    "assessor": ["console-assessor-4-scored.png", "console-assessor-3-score-required.png", "console-assessor-*.png"],
    "public": ["console-station-10-public-search.png", "console-public-*.png"],
    "public-intake": ["console-station-2-public-intake-filled.png", "console-station-1-public-intake.png"],
    "admin": ["console-admin-09-created.png", "console-admin-10-disabled.png", "console-admin-*.png"],
    "auditor": ["console-auditor-08-audit.png", "console-auditor-*.png"],
}


def chosen(folders: list[pathlib.Path], patterns: list[str]) -> pathlib.Path | None:
    """The first candidate found, the folders searched in order for each candidate in turn."""
    for pattern in patterns:
        for shots in folders:
            found = sorted(p for p in shots.glob(pattern) if "failed-" not in p.name)
            if found:
                return found[0]
    return None


def small(source: pathlib.Path, target: pathlib.Path, width: int) -> None:
    with Image.open(source) as image:
        image = image.convert("RGB")
        if image.width > width:
            image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
        screen = 844 / 390 if image.width < 600 else 10 / 16  # a phone's screen, else a desktop's
        image = image.crop((0, 0, image.width, min(image.height, round(image.width * screen))))
        target.parent.mkdir(parents=True, exist_ok=True)
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from", dest="source", type=pathlib.Path, action="append",
                        help="a folder of journey screenshots (again for more, searched in order; "
                             "default .run/screenshots)")
    parser.add_argument("--to", type=pathlib.Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--width", type=int, default=960)
    parser.add_argument("--roles", default=",".join(CHOICES))
    args = parser.parse_args(argv)
    folders = args.source or [ROOT / ".run" / "screenshots"]
    made = 0
    for role in args.roles.split(","):
        source = chosen(folders, CHOICES[role])
        if source is None:
            print(f"{role:9} no screenshot yet (looked for {', '.join(CHOICES[role])} in "
                  f"{', '.join(map(str, folders))})")
            continue
        target = args.to / f"{role}.png"
        small(source, target, args.width)
        made += 1
        print(f"{role:9} {source.name} → {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target} "
              f"({target.stat().st_size // 1024} kB)")
    return 0 if made else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
