#!/usr/bin/env python3
"""Independent reference implementation of the professional-town (专业镇) recognition
criteria, used to cross-check the Rust engine.

Deliberately plain: Python 3 standard library only, ``decimal.Decimal`` for money
(never float), Kleene three-valued logic with ``None`` meaning "unknown".

Rule sets (all criteria are copied here so the repository never needs ../shared):

shanxi  晋政办发〔2022〕80号 二 (province)
  heritage            二（一） attestation heritage
  employment          二（二） attestation employment_effect
  market_demand       二（三） attestation market_demand
  agglomeration       二（四） single_county AND (output >= 20亿元 manufacturing /
                               10亿元 specialty_agriculture, specialty_light_industry
                               OR relaxation: origin_or_gi AND industry_influence AND
                               market_share_high AND output >= 1亿元); culture_tourism ->
                               not_applicable; the relaxation is discretionary (可适当放宽)
  leading_enterprise  二（五） leading_enterprises >= 1 AND supporting_enterprises >= 10
  distinct_product    二（六） product_distinct AND regional_brands >= 1 AND standards_led >= 1
  public_services     二（七） attestation public_services
  environment         二（八） attestation environment

xinzhou 忻政办发〔2022〕82号 三 (Xinzhou municipal)
  heritage            三（一） attestation heritage
  employment          三（二） attestation employment_effect
  agglomeration       三（三） single_county AND (output >= 10亿元 manufacturing /
                               2亿元 specialty_agriculture / 1亿元 specialty_light_industry
                               OR relaxation: origin_or_gi AND industry_influence AND
                               output >= 5000万元, discretionary); culture_tourism -> n/a
  leading_enterprise  三（四） leading_enterprises >= 1 AND supporting_enterprises >= 5
  environment         三（五） environment AND public_services

puxian  蒲政办发〔2023〕1号 三 (Puxian county)
  heritage            三（一） attestation heritage
  distinct_product    三（二） product_distinct AND standards_led >= 1
  concentration       三（三） leading_enterprises >= 1 AND supporting_enterprises >= 10 左右
                               (default reading: >= 10 - 2 = 8)
  scale               三（四） output >= 10亿元 manufacturing / 2亿元 specialty_agriculture,
                               culture_tourism; specialty_light_industry -> not_applicable;
                               no relaxation
  market_share        三（五） national_market_share >= 30% AND provincial_market_share >= 50%
  employment          三（六） jobs >= 2000
  public_services     三（七） attestation public_services
  environment         三（八） attestation environment

Conventions (docs/INTERPRETATION.md §3-§9): 以上/不少于/不低于/（含） are inclusive
(>=). A criterion whose facts are missing is undetermined. A category a rule set does not
cover makes the output criterion not_applicable, whatever the other facts (the category
check comes first). Outcome: not_recognized if any criterion is not_met or not_applicable;
recognized if all are met; otherwise undetermined. A town with no category is evaluated
under every category: each criterion's status and the outcome are the ones every category
gives when they agree, else undetermined (§8.3). A criterion met only through a
discretionary relaxation (the normal threshold not known to hold) is marked
discretionary; a recognised town with such a criterion is marked too (§7.4). Priority
(优先评定) clauses are not criteria and are not evaluated here.

Usage:
  python3 tests/reference/reference.py          # (re)write tests/reference/expected_outcomes.csv
  python3 tests/reference/reference.py --check  # compare with the existing file, exit 1 on a difference
"""

import csv
import io
import re
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
EXAMPLES = REPO / "examples"
OUTPUT = HERE / "expected_outcomes.csv"

YI = Decimal(100_000_000)  # 1亿元 in 元
WAN = Decimal(10_000)      # 1万元 in 元

# ---------------------------------------------------------------------------
# Facts: id -> (Chinese label, kind)
FACTS = [
    ("id", "编号", "text"),
    ("name", "名称", "text"),
    ("county", "所在县（市、区）", "text"),
    ("category", "产业类别", "category"),
    ("output_value", "特色主导产业年产值", "money"),
    ("single_county", "主导产业限定在一个县域内", "bool"),
    ("origin_or_gi", "历史发源地或地理标志", "bool"),
    ("industry_influence", "行业影响力大、知名度高", "bool"),
    ("market_share_high", "市场占有率高（专家认定）", "bool"),
    ("leading_enterprises", "龙头企业数", "count"),
    ("supporting_enterprises", "上下游配套企业数", "count"),
    ("national_market_share", "全国市场占有率", "percent"),
    ("provincial_market_share", "全省市场占有率", "percent"),
    ("jobs", "带动就业人数", "count"),
    ("standards_led", "主导或参与制定标准数", "count"),
    ("regional_brands", "省级以上知名品牌数", "count"),
    ("tech_centers", "国家级、省级企业技术中心及工程中心数", "count"),
    ("municipal_tech_centers", "市级企业技术中心数", "count"),
    ("specialized_firms", "专精特新、小巨人、单项冠军企业数", "count"),
    ("heritage", "历史传承厚重", "bool"),
    ("employment_effect", "就业富民带动面广", "bool"),
    ("market_demand", "市场需求较大", "bool"),
    ("product_distinct", "产品特色突出", "bool"),
    ("public_services", "公共服务完善", "bool"),
    ("environment", "发展环境良好", "bool"),
]
KIND = {fid: kind for fid, _, kind in FACTS}
HEADER_TO_ID = {}
for fid, label, _ in FACTS:
    HEADER_TO_ID[fid] = fid
    HEADER_TO_ID[label] = fid
# extra text columns, ignored by the evaluation
EXTRA = {"source": "source", "来源": "source", "notes": "notes", "备注": "notes"}

CATEGORIES = {
    "manufacturing": "manufacturing", "制造业": "manufacturing",
    "specialty_agriculture": "specialty_agriculture", "特优农业": "specialty_agriculture",
    "specialty_light_industry": "specialty_light_industry", "特色轻工": "specialty_light_industry",
    "culture_tourism": "culture_tourism", "文化旅游": "culture_tourism",
}
TRUE_WORDS = {"true", "yes", "是", "1"}
FALSE_WORDS = {"false", "no", "否", "0"}

MONEY_RE = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*(亿元|亿|万元|万|元)?$")
PERCENT_RE = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*%?$")
COUNT_RE = re.compile(r"^[0-9]+$")


class DataError(Exception):
    pass


def parse_cell(kind, raw, where):
    s = raw.strip()
    if kind == "text":
        return s
    if s == "" or s == "-":
        return None
    if kind == "bool":
        low = s.lower()
        if low in TRUE_WORDS:
            return True
        if low in FALSE_WORDS:
            return False
    elif kind == "category":
        if s in CATEGORIES:
            return CATEGORIES[s]
    elif kind == "count":
        if COUNT_RE.match(s):
            return int(s)
    elif kind == "percent":
        m = PERCENT_RE.match(s)
        if m:
            return Decimal(m.group(1))  # percent points
    elif kind == "money":
        m = MONEY_RE.match(s)
        if m:
            n = Decimal(m.group(1))
            unit = m.group(2) or "亿元"  # bare number means 亿元
            if unit in ("亿元", "亿"):
                return n                  # result is in 亿元
            if unit in ("万元", "万"):
                return n * WAN / YI
            return n / YI                 # 元 (exact: Decimal context has 28 digits)
    raise DataError(f"{where}: unreadable {kind} cell {raw!r}")


def read_towns(path):
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    cols = []
    for h in header:
        h = h.strip()
        if h in HEADER_TO_ID:
            cols.append(HEADER_TO_ID[h])
        elif h in EXTRA:
            cols.append(None)
        else:
            raise DataError(f"{path.name}: unknown column {h!r}")
    towns = []
    for rowno, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise DataError(f"{path.name} row {rowno}: {len(row)} cells, header has {len(header)}")
        t = {fid: None for fid, _, _ in FACTS}
        for col, raw in zip(cols, row):
            if col is None:
                continue
            t[col] = parse_cell(KIND[col], raw, f"{path.name} row {rowno} column {col}")
        towns.append(t)
    return towns


# ---------------------------------------------------------------------------
# Kleene logic
def AND(*xs):
    if any(x is False for x in xs):
        return False
    if all(x is True for x in xs):
        return True
    return None


def OR(*xs):
    if any(x is True for x in xs):
        return True
    if all(x is False for x in xs):
        return False
    return None


def ge(value, threshold):
    if value is None:
        return None
    return value >= threshold


NA = "not_applicable"


def status(v):
    if isinstance(v, Marked):
        v = v.value
    if v == NA:
        return NA
    return {True: "met", False: "not_met", None: "undetermined"}[v]


def marked(v):
    return isinstance(v, Marked) and v.discretionary


ALL_CATEGORIES = ["manufacturing", "specialty_agriculture", "specialty_light_industry", "culture_tourism"]


def evaluate(rs, t):
    """(outcome, [(criterion, status)], [marked criteria]) of town t; a town with no
    category is evaluated under every category and keeps what they all agree on."""
    if t["category"] is not None:
        crit = rs(t)
        statuses = [(cid, status(v)) for cid, v in crit]
        return outcome([s for _, s in statuses]), statuses, [cid for cid, v in crit if marked(v)]
    cases = [evaluate(rs, dict(t, category=c)) for c in ALL_CATEGORIES]
    outcomes = {o for o, _, _ in cases}
    joint_outcome = outcomes.pop() if len(outcomes) == 1 else "undetermined"
    statuses = []
    for i, (cid, _) in enumerate(cases[0][1]):
        seen = {case[1][i][1] for case in cases}
        statuses.append((cid, seen.pop() if len(seen) == 1 else "undetermined"))
    marks = [cid for cid, s in statuses if s == "met" and any(cid in case[2] for case in cases)]
    return joint_outcome, statuses, marks


class Marked:
    """A criterion's value with the discretionary mark (met only through a discretionary
    relaxation)."""

    def __init__(self, value, discretionary):
        self.value = value
        self.discretionary = discretionary


def output_criterion(t, thresholds, relaxation, use_single_county):
    """Output-size criterion. thresholds: category -> Decimal 亿元 (missing = not covered).
    relaxation: (conditions, floor) of a discretionary relaxation, or None."""
    cat = t["category"]
    if cat not in thresholds:
        return NA
    threshold_ok = ge(t["output_value"], thresholds[cat])
    relaxed = False
    if relaxation is not None:
        conditions, floor = relaxation
        relaxed = AND(*[t[c] for c in conditions], ge(t["output_value"], floor))
    size_ok = OR(threshold_ok, relaxed)
    value = AND(t["single_county"], size_ok) if use_single_county else size_ok
    return Marked(value, value is True and relaxed is True and threshold_ok is not True)


D = Decimal

# ---------------------------------------------------------------------------
# Rule sets
def shanxi(t):
    return [
        ("heritage", t["heritage"]),
        ("employment", t["employment_effect"]),
        ("market_demand", t["market_demand"]),
        ("agglomeration", output_criterion(
            t,
            {"manufacturing": D(20), "specialty_agriculture": D(10), "specialty_light_industry": D(10)},
            relaxation=(["origin_or_gi", "industry_influence", "market_share_high"], D(1)),
            use_single_county=True)),
        ("leading_enterprise", AND(ge(t["leading_enterprises"], 1), ge(t["supporting_enterprises"], 10))),
        ("distinct_product", AND(t["product_distinct"], ge(t["regional_brands"], 1), ge(t["standards_led"], 1))),
        ("public_services", t["public_services"]),
        ("environment", t["environment"]),
    ]


def xinzhou(t):
    return [
        ("heritage", t["heritage"]),
        ("employment", t["employment_effect"]),
        ("agglomeration", output_criterion(
            t,
            {"manufacturing": D(10), "specialty_agriculture": D(2), "specialty_light_industry": D(1)},
            relaxation=(["origin_or_gi", "industry_influence"], D("0.5")),  # 5000万元
            use_single_county=True)),
        ("leading_enterprise", AND(ge(t["leading_enterprises"], 1), ge(t["supporting_enterprises"], 5))),
        ("environment", AND(t["environment"], t["public_services"])),
    ]


PUXIAN_AROUND_NOMINAL = 10   # 三（三）"关联配套企业在10家左右"
PUXIAN_AROUND_TOLERANCE = 2  # interpretation: "左右" = at least nominal - tolerance


def puxian(t):
    return [
        ("heritage", t["heritage"]),
        ("distinct_product", AND(t["product_distinct"], ge(t["standards_led"], 1))),
        ("concentration", AND(ge(t["leading_enterprises"], 1),
                              ge(t["supporting_enterprises"], PUXIAN_AROUND_NOMINAL - PUXIAN_AROUND_TOLERANCE))),
        ("scale", output_criterion(
            t,
            {"manufacturing": D(10), "specialty_agriculture": D(2), "culture_tourism": D(2)},
            relaxation=None, use_single_county=False)),
        ("market_share", AND(ge(t["national_market_share"], D(30)), ge(t["provincial_market_share"], D(50)))),
        ("employment", ge(t["jobs"], 2000)),
        ("public_services", t["public_services"]),
        ("environment", t["environment"]),
    ]


RULESETS = [("shanxi", shanxi), ("xinzhou", xinzhou), ("puxian", puxian)]


def outcome(statuses):
    if any(s in ("not_met", NA) for s in statuses):
        return "not_recognized"
    if all(s == "met" for s in statuses):
        return "recognized"
    return "undetermined"


def evaluate_all():
    rows = []
    for path in sorted(EXAMPLES.glob("*.csv")):
        if path.name.endswith("_scores.csv"):
            continue  # expert score sheets, not town data
        towns = read_towns(path)
        rel = path.relative_to(REPO).as_posix()
        for rs_name, rs in RULESETS:
            for t in towns:
                out, crit, marks = evaluate(rs, t)
                rows.append({
                    "file": rel,
                    "ruleset": rs_name,
                    "town": t["id"],
                    "outcome": out,
                    "criteria": ";".join(f"{cid}={s}" for cid, s in crit),
                    "discretionary": ";".join(marks),
                })
    return rows


FIELDS = ["file", "ruleset", "town", "outcome", "criteria", "discretionary"]


def render(rows):
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def summary(rows):
    files = sorted({r["file"] for r in rows})
    outcomes = ["recognized", "not_recognized", "undetermined"]
    print(f"{'file':34} {'ruleset':8} " + " ".join(f"{o:>14}" for o in outcomes))
    totals = {}
    for f in files:
        for rs, _ in RULESETS:
            c = [sum(1 for r in rows if r["file"] == f and r["ruleset"] == rs and r["outcome"] == o)
                 for o in outcomes]
            totals.setdefault(rs, [0, 0, 0])
            totals[rs] = [a + b for a, b in zip(totals[rs], c)]
            print(f"{f:34} {rs:8} " + " ".join(f"{n:>14}" for n in c))
    for rs, _ in RULESETS:
        print(f"{'TOTAL':34} {rs:8} " + " ".join(f"{n:>14}" for n in totals[rs]))


def main(argv):
    rows = evaluate_all()
    text = render(rows)
    summary(rows)
    if "--check" in argv:
        old = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if old != text:
            print(f"{OUTPUT} is out of date", file=sys.stderr)
            return 1
        print("expected_outcomes.csv is up to date")
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(REPO)} ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
