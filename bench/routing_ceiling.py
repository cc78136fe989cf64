"""How much of a real suggestion's lead unit kind its title can tell: learners that are GIVEN the
dev set's own labels, as a ceiling for the cold figure of issue 18 (top-1 85% / top-3 95%).

    .venv/bin/pip install scikit-learn        # not a project dependency: this bench only
    PYTHONPATH=. .venv/bin/python -m bench.routing_ceiling [--dev PATH]

Counted exactly as bench/routing_dev.py counts (a hit is a kind the real lead's name says it does,
kinds_in; the one record whose lead maps to no kind is left out). Four learners:

- `knowledge_only`: a linear classifier (LinearSVC over TF-IDF of routing_text.words) trained on
  the kinds' subjects, keywords and duty clauses only — a second cold method beside the BM25 model,
  to see whether the ranking method or the knowledge bounds the cold figure;
- `dev_only_loo`: the same classifier trained on the other 235 real records (leave-one-out);
- `dev_and_knowledge_loo`: both (leave-one-out) — a learner that has seen 235 labelled real
  suggestions of the very distribution it is tested on, which no cold method has;
- `shared_subject_majority`: for each record whose most specific kind subject/keyword (the longest
  found in its title) is shared by at least two other records, the kind most of those others went
  to (leave-one-out): how often places agree on who handles the same matter.
Writes bench/results/routing_ceiling.json.
"""
from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from bench.routing_dev import DEV, ROOT, _acc, load
from services.assignment.routing_text import normalise, words
from services.assignment.unit_kinds import kind_of, kinds, kinds_in


def records(path: Path) -> list[tuple[str, str, set[str]]]:
    ks = kinds()
    out = []
    for r in load(path):
        k = kind_of(r["lead_unit"])
        if k in ks:
            out.append((r["title"], k, {c for c in kinds_in(r["lead_unit"]) if c in ks} or {k}))
    return out


def knowledge() -> list[tuple[str, str]]:
    out = []
    for code, k in kinds().items():
        out += [(s, code) for s in (*k.subjects, *k.keywords)]
        out += [(c, code) for c in re.split(r"[；。，、]", k.duties) if len(c) >= 2]
    return out


def _classifier(train):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC
    vec = TfidfVectorizer(analyzer=lambda s: list(words(s)), sublinear_tf=True)
    model = LinearSVC(C=0.3).fit(vec.fit_transform([t for t, _ in train]), [k for _, k in train])
    return vec, model


def _top3(vec, model, title):
    scores = model.decision_function(vec.transform([title]))[0]
    return [model.classes_[i] for i in sorted(range(len(scores)), key=lambda i: -scores[i])[:3]]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", default=str(DEV))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "routing_ceiling.json"))
    args = ap.parse_args(argv)
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise SystemExit("this bench needs scikit-learn: .venv/bin/pip install scikit-learn")
    data, know = records(Path(args.dev)), knowledge()
    report = {"records": len(data)}

    vec, model = _classifier(know)
    hits = []
    for title, _, want in data:
        top = _top3(vec, model, title)
        hits.append((top[0] in want, bool(want & set(top))))
    report["knowledge_only"] = _acc(hits)

    for name, extra in (("dev_only_loo", []), ("dev_and_knowledge_loo", know)):
        hits = []
        for i, (title, _, want) in enumerate(data):
            train = [(t, k) for j, (t, k, _) in enumerate(data) if j != i] + extra
            top = _top3(*_classifier(train), title)
            hits.append((top[0] in want, bool(want & set(top))))
        report[name] = _acc(hits)

    # longest first, ties by the word itself: the same subject for a title in every run
    vocab = sorted({normalise(w) for k in kinds().values() for w in (*k.subjects, *k.keywords) if len(w) >= 2},
                   key=lambda w: (-len(w), w))
    subject = {}
    for i, (title, _, _) in enumerate(data):
        t = normalise(title)
        subject[i] = next((w for w in vocab if w in t), None)
    by_subject = defaultdict(list)
    for i, s in subject.items():
        if s:
            by_subject[s].append(i)
    hits, groups = [], {}
    for s, members in by_subject.items():
        if len(members) < 3:
            continue
        groups[s] = dict(Counter(data[i][1] for i in members))
        for i in members:
            others = Counter(data[j][1] for j in members if j != i)
            best = others.most_common(1)[0][0]
            hits.append((best in data[i][2], best in data[i][2]))
    report["shared_subject_majority"] = dict(_acc(hits), groups=groups)

    for name in ("knowledge_only", "dev_only_loo", "dev_and_knowledge_loo", "shared_subject_majority"):
        a = report[name]
        print(f"{name:<26} n={a['n']:<4} top-1 {a['top1']:.1%}  top-3 {a['top3']:.1%}")
    print("subjects shared by 3+ records and where they went: " + "; ".join(
        f"{s} {dict(g)}" for s, g in sorted(groups.items(), key=lambda kv: -sum(kv[1].values()))))
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
