"""The shipped indicator set: definitions, directions, and starting targets an administrator edits.

Targets follow Barnet's early intervention dashboard (2014) where it set one (needs met: the
2-year cohort stood at 50%, the aim was to raise it – target 60%); timeliness targets are common
local defaults (90% green, under 75% red). Counts are monitored (no target) as Barnet's dashboard
did: "more is better – but what is the right number?".

The rows are written here (not imported from the app) so the migration replays the same way for
ever; re-running it updates names and definitions but never overwrites a target someone set.
"""

from django.db import migrations

ALL = ["team", "locality", "level", "agency"]

SHIPPED = [
    # code, category, name, unit, direction, target, red, parameters, definition, source
    (
        "new_assessments", "initiation", "New early help assessments", "count", "higher",
        None, None, {},
        "Early help assessments started in the period (by their start date), whoever completes "
        "them. Split by the completing organisation: council or partner, and agency type.",
        "Barnet early intervention dashboard: 'New CAF assessments – more is better'",
    ),
    (
        "partner_assessments", "initiation", "Assessments led by partner agencies", "percent",
        "higher", None, None, {},
        "Of early help assessments started in the period, the percentage completed by a "
        "non-council organisation (schools, health, children's centres, voluntary sector…).",
        "Barnet dashboard: 'completed by council teams and non-council teams – are key partners "
        "pulling their weight?'",
    ),
    (
        "contacts", "front_door", "Contacts received", "count", "neutral", None, None, {},
        "Requests for support received at the front door in the period (by the date and time "
        "received), split by referral source (CIN census source codes).",
        "Ofsted Annex A List 1; CIN census referral sources",
    ),
    (
        "triage_decisions", "front_door", "Triage decisions and outcomes", "count", "neutral",
        None, None, {},
        "Triage decisions made in the period, split by outcome: no further action, "
        "signposting, early help, step up to social care, attach to an open episode.",
        "Front door (MASH) triage",
    ),
    (
        "triage_timeliness", "front_door", "Triage decisions within the RAG timescale",
        "percent", "higher", 90, 75, {"hours": {"red": 4, "amber": 24, "green": 72}},
        "Of triage decisions made in the period, the percentage made within the timescale for "
        "the contact's RAG rating (the screening priority set on arrival, or else the "
        "decision's): red 4 hours, amber 24 hours, green 72 hours from receipt, elapsed time.",
        "Local RAG timescales (e.g. red 4 hours / amber 24 hours / green 72 hours)",
    ),
    (
        "step_down_share", "initiation", "Routes in: stepped down from social care", "percent",
        "neutral", None, None, {},
        "Of early help episodes started in the period, the percentage stepped down from "
        "children's social care (the rest came direct from the front door or a universal "
        "setting). The ratio direct : stepped down is shown with it.",
        "Barnet dashboard: 'stepped down from CSC vs straight to early intervention – ours is "
        "c. 50:50'",
    ),
    (
        "need_prevalence", "initiation", "Prevalence of presenting needs", "count", "neutral",
        None, None, {},
        "Assessments started in the period that recorded at least one presenting need; for "
        "each need theme, the share of those assessments recording it.",
        "Barnet needs analysis: the eight themes; the 'toxic trio'",
    ),
    (
        "open_episodes", "progress", "Open early help episodes", "count", "neutral", None,
        None, {},
        "Early help episodes open at the end of the period (or today, for the period in "
        "progress), split by level of need.",
        "Barnet dashboard: 'total open CAF caseload (tier 1 / tier 2)'",
    ),
    (
        "open_duration_average", "progress", "Average time open", "days", "lower", None, None,
        {},
        "For episodes open at the end of the period, the average number of days since each "
        "started.",
        "Barnet dashboard: 'average duration – c. 1 year'",
    ),
    (
        "open_duration_median", "progress", "Median time open", "days", "lower", None, None, {},
        "For episodes open at the end of the period, the median number of days since each "
        "started (half have been open longer).",
        "Barnet dashboard: duration of open cases",
    ),
    (
        "assessments_on_time", "progress", "Assessments completed within the local timescale",
        "percent", "higher", 90, 75, {"days": 45},
        "Of early help assessments completed in the period, the percentage completed within "
        "the local timescale (45 days from the start by default; set 'days' in parameters).",
        "Local timescale for completing an early help assessment",
    ),
    (
        "reviews_on_time", "progress", "Reviews held on time", "percent", "higher", 90, 75, {},
        "Of reviews that fell due in the period (the next review date set at the previous "
        "review) while the episode was still open, the percentage held on or before that date.",
        "Reviews every 6–12 weeks (Team Around the Family)",
    ),
    (
        "closures", "outcomes", "Episodes closed, by outcome", "count", "neutral", None, None,
        {},
        "Early help episodes closed in the period (by end date), split by outcome: needs met; "
        "stepped up to social care; other (disengaged, moved away, other).",
        "Barnet dashboard: 'CAF episodes closed (family needs met / referred to CSC / other)'",
    ),
    (
        "needs_met_rate", "outcomes", "Closed with needs met", "percent", "higher", 60, 50, {},
        "Of early help episodes closed in the period, the percentage closed with the family's "
        "needs met (outcomes achieved).",
        "Barnet 2-year cohort: 50% needs met, 20% to social care, 30% other – aim to increase",
    ),
    (
        "re_referral_rate", "outcomes", "Re-referrals within 12 months", "percent", "lower",
        15, 22, {},
        "Of contacts received in the period, the percentage about someone whose early help "
        "episode (in any household they belong to) closed in the 12 months before.",
        "Re-referral rate – a key quality indicator",
    ),
    (
        "step_ups_after_closure", "outcomes", "Step-ups within 12 months of closure", "count",
        "lower", None, None, {},
        "Step-ups to children's social care in the period within 12 months of an early help "
        "closure that was not itself a step-up: a re-referral the front door steps up, or a "
        "new early help episode stepped up.",
        "Early help ↔ social care boundary (CIN referral source 5D)",
    ),
    (
        "progress_change", "outcomes", "Progress score change, assessment to closure",
        "points", "higher", 2, 1, {},
        "For episodes closed in the period, the average change in each presenting need's score "
        "(1–10) from its baseline at assessment to its last score at a review; per need theme "
        "too. Needs never scored at a review are left out.",
        "Distance travelled (family-measured outcomes)",
    ),
]


def load(apps, schema_editor):
    IndicatorDefinition = apps.get_model("insights", "IndicatorDefinition")
    for order, row in enumerate(SHIPPED, start=1):
        (code, category, name, unit, direction, target, red, parameters, definition,
         source) = row
        existing = IndicatorDefinition.objects.filter(code=code).first()
        if existing is None:
            IndicatorDefinition.objects.create(
                code=code, category=category, name=name, unit=unit, direction=direction,
                target=target, red_threshold=red, parameters=parameters, definition=definition,
                source=source, breakdowns=ALL, order=order * 10,
            )
        else:
            IndicatorDefinition.objects.filter(pk=existing.pk).update(
                name=name, definition=definition, source=source, unit=unit, category=category,
            )


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
