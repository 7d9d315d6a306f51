"""Three years of casework, simulated day by day: contacts, triage, episodes and all they hold.

A family picked for a contact is more likely to be one of the minority with repeat demand. Each
day brings new contacts (a Poisson number), step-downs from children's social care, and any
re-referrals and step-downs scheduled by earlier events. An episode's whole course – its
assessment, plan, reviews, notes and closure – is drawn when it opens, so the family's state
(open until, last closed) is known to later days.

Volumes follow an English borough's published rates per child (volumes.Volumes: contacts from
the CIN referral rate, early help episodes from the share of children reached a year); closures
follow Barnet's dashboard: about half needs met, a fifth stepped up, the rest disengaged, moved or
other; just under half of episodes stepped down from social care.
"""

import datetime as dt
import heapq
import math
from bisect import bisect
from itertools import accumulate

from earlyhelp.cases.models import Episode
from earlyhelp.core.dates import months_before
from earlyhelp.frontdoor.models import Contact, ContactPerson, TriageDecision
from earlyhelp.frontdoor.rules import decision_due
from earlyhelp.people.models import Consent

from . import texts
from .episodes import EpisodeRecords
from .pools import WeightedPool
from .writer import make, new_uuid

DAY = dt.timedelta(days=1)
HISTORY_YEARS = 3
WARM_UP_DAYS = 540  # simulated before the window; only what is still open at its start is kept

OUTCOME_WEIGHTS = {"needs_met": 50, "stepped_up": 20, "disengaged": 15, "moved_away": 7, "other": 8}
CLOSURE_OUTCOMES = WeightedPool.of(OUTCOME_WEIGHTS)
DURATION_DAYS = {  # uniform ranges per eventual outcome
    "needs_met": (170, 480),
    "stepped_up": (30, 270),
    "disengaged": (20, 180),
    "moved_away": (30, 360),
    "other": (60, 360),
}
MEAN_DURATION = sum(w * sum(DURATION_DAYS[o]) / 2 for o, w in OUTCOME_WEIGHTS.items()) / sum(
    OUTCOME_WEIGHTS.values()
)
STEPPED_UP_SHARE = OUTCOME_WEIGHTS["stepped_up"] / sum(OUTCOME_WEIGHTS.values())
# Contacts about a family with no open episode ("fresh"; the rest attach to the open episode),
# measured on the generated borough: repeat demand makes open families likelier to be contacted.
FRESH_SHARE = 0.85
CONSENT_YES = 0.9  # families who agree to early help when asked (the rest are signposted)
# CIN census referral sources, weighted as they arrive at a front door.
SOURCES = WeightedPool.of({
    "2A": 22, "6": 19, "3A": 5, "3B": 6, "3C": 2, "3D": 2, "3E": 3, "3F": 3, "1A": 6, "1C": 4,
    "1B": 1, "1D": 1, "2B": 2, "4": 4, "5A": 2, "5B": 3, "5C": 2, "7": 1, "8": 6, "9": 1,
    "10": 1,
})  # fmt: skip
SOURCE_THEMES = {
    "6": {"dv": 50, "police": 30, "substance": 10, "cse": 5, "mh": 5},
    "2A": {"school": 40, "mh": 20, "neglect": 20, "dv": 10, "cse": 5, "police": 5},
    "3B": {"mh": 40, "neglect": 30, "dv": 15, "parental-ld": 10, "substance": 5},
    "3A": {"mh": 50, "substance": 25, "dv": 15, "neglect": 10},
}
REFERRER_ROLES = {
    "2A": "Designated safeguarding lead", "2B": "Education welfare officer", "3A": "GP",
    "3B": "Health visitor", "3C": "School nurse", "3D": "Midwife", "3E": "A&E liaison nurse",
    "3F": "CAMHS practitioner", "4": "Housing officer", "5A": "Adult social worker",
    "5B": "Youth worker", "5C": "Social worker", "6": "Police officer", "7": "Probation officer",
    "8": "Family support worker", "1A": "Relative", "1B": "Neighbour", "1C": "Parent",
    "1D": "Member of the public", "9": "", "10": "",
}  # fmt: skip
RE_REFERRAL_CHANCE = {
    "needs_met": 0.15, "stepped_up": 0.0, "disengaged": 0.45, "moved_away": 0.0, "other": 0.30,
}  # fmt: skip
RE_REFERRALS_PER_EPISODE = sum(RE_REFERRAL_CHANCE[o] * w for o, w in OUTCOME_WEIGHTS.items()) / sum(
    OUTCOME_WEIGHTS.values()
)
STEP_DOWN_AFTER_STEP_UP = 0.35  # social care assesses, closes and refers back to early help


def poisson(rng, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


class EpisodeState:
    __slots__ = ("id", "family", "start", "end", "outcome", "level_rank", "team_key", "team",
                 "lead")  # fmt: skip

    def __init__(self, id, family, start, end, outcome, level_rank, team_key, team, lead):
        self.id, self.family, self.start, self.end = id, family, start, end
        self.outcome, self.level_rank, self.lead = outcome, level_rank, lead
        self.team_key, self.team = team_key, team


class Casework(EpisodeRecords):
    def __init__(self, *, rng, borough, families, reference, today, rates, writer, stamp, at):
        self.rng, self.b, self.families, self.ref = rng, borough, families, reference
        self.today, self.writer, self.stamp, self.at = today, writer, stamp, at
        self.cutoff = at(today, 9, 0)  # "now": events later than this have not happened yet
        self.window_start = months_before(today, 12 * HISTORY_YEARS)
        self.sim_start = self.window_start - WARM_UP_DAYS * DAY
        self.plan_rates(rates)
        self.family_cum = list(accumulate(f.weight for f in families))
        self.open_until = {}  # family index -> EpisodeState while open (or until its end)
        self.last_closed = {}  # family index -> EpisodeState
        self.events = []  # heap of (date, seq, kind, payload)
        self.seq = 0
        self.contact_no = 0
        self.episode_no = 0
        self.worker_load = {key: [[] for _ in ws] for key, ws in borough.workers.items()}
        self.themes = WeightedPool.of(texts.THEME_WEIGHTS)
        self.source_themes = {k: WeightedPool.of(v) for k, v in SOURCE_THEMES.items()}
        self.stats = {"contacts": 0, "episodes": 0}
        self.partner_families = {}  # partner user id -> families they can see (for the demo login)

    def plan_rates(self, rates):
        """Daily rates from the yearly volumes (rates: contacts_per_year, episodes_per_year,
        referred_share, step_down_share): contacts arrive at random; the front door refers a
        share of fresh contacts to social care and routes enough to early help that, with the
        step-downs social care sends back, the borough opens its episodes a year."""
        episodes = rates.episodes_per_year / 365
        self.episodes_per_day = episodes
        # Re-referrals after a closure are contacts too: scheduled, on top of the random ones.
        self.contacts_per_day = max(0.0, rates.contacts_per_year / 365
                                    - episodes * RE_REFERRALS_PER_EPISODE)  # fmt: skip
        fresh = rates.contacts_per_year / 365 * FRESH_SHARE
        step_up = min(0.7, rates.referred_share / FRESH_SHARE)
        step_downs = episodes * rates.step_down_share
        after_episode = episodes * STEPPED_UP_SHARE * STEP_DOWN_AFTER_STEP_UP
        referred = fresh * step_up
        self.step_down_after_referral = min(1.0, max(0.0, step_downs - after_episode) / referred
                                            ) if referred else 0.0  # fmt: skip
        self.step_downs_per_day = max(
            0.0, step_downs - after_episode - referred * self.step_down_after_referral
        )
        direct = episodes * (1 - rates.step_down_share)
        early_help = min(1 - step_up, direct / (fresh * CONSENT_YES)) if fresh else 0.0
        rest = 1 - step_up - early_help
        self.fresh_outcomes = WeightedPool.of({
            "nfa": rest * 25 / 55, "signpost": rest * 30 / 55, "early_help": early_help,
            "step_up": step_up,
        })  # fmt: skip

    # --- helpers ------------------------------------------------------------------------------

    def uid(self):
        return new_uuid(self.rng)

    def days(self, low, high):
        return dt.timedelta(days=self.rng.randint(low, high))

    def schedule(self, day, kind, payload):
        self.seq += 1
        heapq.heappush(self.events, (day, self.seq, kind, payload))

    def pick_family(self, day, *, need_free=False):
        rng = self.rng
        for _ in range(20):
            index = bisect(self.family_cum, rng.random() * self.family_cum[-1])
            family = self.families[index]
            if not family.children_on(day):
                continue
            if need_free and self.is_open(index, day):
                continue
            return family
        return None

    def is_open(self, index, day):
        state = self.open_until.get(index)
        return state is not None and (state.end is None or state.end >= day)

    def fill(self, text, family, day, child=None):
        children = family.children_on(day)
        parents = family.parents_on(day) or family.adults_on(day)
        child = child or (children[0] if children else None)
        return text.format(
            child=child.given if child else "the child",
            parent=parents[0].given if parents else "the parent",
            school=child.school.name if child and child.school else "school",
        )

    def keep(self, day):
        return day >= self.window_start

    # --- the simulation -----------------------------------------------------------------------

    def run(self):
        rng = self.rng
        day = self.sim_start
        while day <= self.today:
            for _ in range(poisson(rng, self.contacts_per_day)):
                family = self.pick_family(day)
                if family is not None:
                    self.contact(family, day)
            for _ in range(poisson(rng, self.step_downs_per_day)):
                family = self.pick_family(day, need_free=True)
                if family is not None:
                    self.episode(family, day, route="step_down")
            while self.events and self.events[0][0] <= day:
                _, _, kind, payload = heapq.heappop(self.events)
                family = self.families[payload["family"]]
                if kind == "contact" and family.children_on(day):
                    self.contact(family, day)
                elif kind == "step_down" and not self.is_open(family.index, day):
                    if family.children_on(day):
                        self.episode(family, day, route="step_down", previous=payload.get("from"))
            day += DAY
            if day.day == 1:  # keep memory flat on a big borough
                self.writer.flush()
        self.queue_floor()

    def queue_floor(self, minimum=3):
        """A small borough still shows a front door queue: at least a few undecided contacts."""
        waiting = self.stats.get("awaiting", 0)
        for _ in range(max(0, minimum - waiting)):
            family = self.pick_family(self.today)
            if family is not None:
                self.contact(family, self.today, force_waiting=True)

    # --- contacts and triage ------------------------------------------------------------------

    def contact(self, family, day, force_waiting=False):
        rng, b = self.rng, self.b
        children = family.children_on(day)
        members = family.members_on(day)
        source = SOURCES.draw(rng)
        school_children = [c for c in children if c.school is not None]
        if source == "2A" and not school_children:
            source = "3B"
        pool = self.source_themes.get(source, self.themes)
        themes = [pool.draw(rng)]
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            theme = self.themes.draw(rng)
            if theme not in themes:
                themes.append(theme)
        # Received during the working day (police contacts at any hour); today's before 9am.
        if day == self.today:
            received = self.at(day, rng.randrange(0, 9), rng.randrange(60))
        elif source == "6":
            received = self.at(day, rng.randrange(24), rng.randrange(60))
        else:
            received = self.at(day, rng.randrange(8, 18), rng.randrange(60))
        open_state = self.open_until.get(family.index) if self.is_open(family.index, day) else None
        since = months_before(day, 12)
        last = self.last_closed.get(family.index)
        re_referral = None
        # Only an episode the borough's records hold (closed inside the window) can be the one
        # re-referred: history before the window is not generated.
        if last is not None and since <= last.end <= day and last.end >= self.window_start:
            re_referral = last

        if open_state is not None:
            outcome = "attach"
        else:
            outcome = self.fresh_outcomes.draw(rng)
        if outcome == "step_up":
            consent = "not_asked" if rng.random() < 0.6 else "yes"
        else:
            consent = "yes" if rng.random() < 0.9 else "no"
        if consent == "no" and outcome in ("early_help", "attach"):
            outcome = "signpost" if outcome == "early_help" else "nfa"
        share = consent if consent != "yes" or rng.random() < 0.95 else "no"
        if not self.keep(day) and outcome not in ("early_help", "attach"):
            # Before the window, and no episode that could still be open when it starts: only
            # what the contact sets in motion matters (its rows are never kept).
            if outcome == "step_up" and rng.random() < self.step_down_after_referral:
                self.schedule(day + self.days(30, 150), "step_down", {"family": family.index})
            return None

        referrer_org, referrer_user = self.referrer(source, family, school_children)
        self.contact_no += 1
        adults = family.adults_on(day)
        referrer_name = self.person_name()
        if source == "1C" and adults:  # a parent asking for help themselves
            referrer_name = adults[0].name
        elif source == "1A" and adults:  # a relative: the family's surname
            referrer_name = f"{referrer_name.split()[0]} {adults[0].surname}"
        contact = make(Contact,
            id=self.uid(), reference=f"C{self.contact_no:06d}", received_at=received,
            source=source, referrer_name=referrer_name, referrer_role=REFERRER_ROLES[source],
            referrer_organisation_id=referrer_org.id if referrer_org else None,
            referrer_user_id=referrer_user.id if referrer_user else None,
            family_id=family.id,
            concerns=self.fill(rng.choice(texts.CONCERNS[themes[0]]), family, day,
                               rng.choice(children)),
            family_consents_to_request=consent, family_consents_to_share=share,
            is_re_referral=re_referral is not None,
            re_referral_of_id=re_referral.id if re_referral else None,
            created_at=received, modified_at=received,
        )  # fmt: skip
        if referrer_org is not None:
            slug = "".join(ch for ch in referrer_org.name.lower() if ch.isalnum())[:24]
            contact.referrer_email = f"{contact.referrer_name.split()[0].lower()}@{slug}.example"
        rag = self.rag(outcome)
        contact.priority = rag
        contact.decision_due_at = decision_due(received, rag)  # the service's rule, not restated
        hours = {"red": (0.5, 4), "amber": (2, 24), "green": (4, 72)}[rag]
        delay = rng.uniform(*hours) * (2 if rng.random() < 0.05 else 1)
        decided_at = received + dt.timedelta(hours=delay)
        withdrawn = rng.random() < 0.01
        waiting = force_waiting or decided_at > self.cutoff
        contact.status = "withdrawn" if withdrawn else "awaiting_decision" if waiting else "decided"
        people = [dict(contact_id=contact.id, person_id=m.id, is_subject=m.role == "child")
                  for m in members]  # fmt: skip
        needs = [dict(contact_id=contact.id, needtheme_id=self.ref.themes[t].id)
                 for t in themes]  # fmt: skip
        rows = [contact]
        through = [(ContactPerson, people), (Contact.needs.through, needs)]
        consent_rows = self.consents(members, day, received, consent, share, None)
        episode_state = None
        if contact.status == "decided":
            decider = rng.choice(b.front_door_users)
            decision, level_rank, extra = self.decision(contact, family, outcome, rag, decided_at,
                                                        decider, consent)  # fmt: skip
            rows.append(decision)
            through.append(extra)
            for row in consent_rows:
                row.recorded_by_id = decider.id
            if outcome == "early_help":
                start = decided_at.astimezone(self.cutoff.tzinfo).date()
                episode_state = self.episode(
                    family, start, route="direct", level_rank=level_rank, themes=themes,
                    contact=contact, source=source, referrer_org=referrer_org,
                    referrer_user=referrer_user,
                )  # fmt: skip
                decision.routed_team_id = episode_state.team.id
                decision.episode_id = episode_state.id
            elif outcome == "attach":
                decision.routed_team_id = open_state.team.id
                decision.episode_id = open_state.id
                episode_state = open_state
            elif outcome == "step_up" and rng.random() < self.step_down_after_referral:
                self.schedule(day + self.days(30, 150), "step_down", {"family": family.index})
        else:
            for row in consent_rows:
                row.recorded_by_id = b.front_door_users[0].id
            if contact.status == "awaiting_decision":
                self.stats["awaiting"] = self.stats.get("awaiting", 0) + 1
        # Kept if it falls in the window, or opened an episode still open at the window's start.
        if self.keep(day) or (
            episode_state is not None
            and (episode_state.end is None or episode_state.end >= self.window_start)
        ):
            for row in rows + consent_rows:
                self.writer.add(row)
            if referrer_user is not None and share == "yes":
                self.partner_families.setdefault(referrer_user.id, set()).add(family.index)
            for model, through_rows in through:
                self.writer.add_through(model, through_rows)
            self.stats["contacts"] += 1
        return contact

    def referrer(self, source, family, school_children):
        rng, b = self.rng, self.b
        loc = family.locality
        org = {
            "2A": lambda: rng.choice(school_children).school,
            "2B": lambda: b.council,
            "3A": lambda: rng.choice([g for g in b.gps if g.locality_id == b.localities[loc].id]
                                     or b.gps),
            "3B": lambda: b.hv_teams[loc],
            "3C": lambda: b.school_nursing,
            "3D": lambda: b.midwifery,
            "3E": lambda: b.hospital,
            "3F": lambda: b.camhs,
            "4": lambda: rng.choice(b.housing),
            "5A": lambda: b.council,
            "5B": lambda: b.council,
            "5C": lambda: b.other_la,
            "6": lambda: b.police,
            "8": lambda: (b.childrens_centres[loc] if rng.random() < 0.5
                          else rng.choice(b.voluntary)),
        }.get(source, lambda: None)()  # fmt: skip
        user = None
        if org is not None and org.id in b.partner_of and rng.random() < 0.6:
            user = b.partner_of[org.id]
        return org, user

    def person_name(self):
        rng = self.rng
        pools = self.ref.names["british"]
        given = (pools.women if rng.random() < 0.7 else pools.men).draw(rng)
        return f"{given} {pools.surnames.draw(rng)}"

    def rag(self, outcome):
        r = self.rng.random()
        if outcome == "step_up":
            return "red" if r < 0.7 else "amber"
        if outcome == "early_help":
            return "red" if r < 0.1 else "amber" if r < 0.55 else "green"
        return "amber" if r < 0.3 else "green"

    def decision(self, contact, family, outcome, rag, decided_at, decider, consent):
        rng, ref = self.rng, self.ref
        if outcome == "attach":
            rank = self.open_until[family.index].level_rank
        else:
            rank = {
                "nfa": lambda: 1 if rng.random() < 0.8 else 2,
                "signpost": lambda: 1 if rng.random() < 0.4 else 2,
                "early_help": lambda: 2 if rng.random() < 0.6 else 3,
                "step_up": lambda: 4,
            }[outcome]()
        suggested, reason = rank, ""
        if rng.random() < 0.06:  # professional judgement overrides the suggestion
            if rank < 4 and outcome != "step_up" and rank + 1 <= 3:
                suggested, reason = rank + 1, texts.OVERRIDE_REASONS["down"]
            elif rank > 1:
                suggested, reason = rank - 1, texts.OVERRIDE_REASONS["up"]
        ticked = [rng.choice(ref.indicators[suggested])]
        for _ in range(rng.randrange(0, 3)):
            indicator = rng.choice(ref.indicators[rng.randint(1, suggested)])
            if indicator not in ticked:
                ticked.append(indicator)
        decision = make(TriageDecision,
            id=self.uid(), contact_id=contact.id, outcome=outcome,
            threshold_model_id=ref.model.id, suggested_level_id=ref.levels[suggested].id,
            level_id=ref.levels[rank].id, override_reason=reason, rag=rag, decided_at=decided_at,
            due_at=contact.decision_due_at,
            decided_by_id=decider.id, rationale=texts.RATIONALE[outcome],
            safeguarding_override=outcome == "step_up" and consent == "not_asked",
            created_at=decided_at, modified_at=decided_at,
        )  # fmt: skip
        through = TriageDecision.indicators.through
        rows = [dict(triagedecision_id=decision.id, indicator_id=i.id) for i in ticked]
        return decision, rank, (through, rows)

    def consents(self, members, day, when, consent, share, recorder):
        """Consent rows the front door records with the request (engage and share)."""
        if consent == "not_asked":
            return []
        rows = []
        parents = [m for m in members if m.role == "parent_carer"]
        giver = parents[0].name if parents else ""
        for m in members:
            age = (day - m.dob).days // 365 if m.dob else 0
            given_by = m.name if m.role != "child" or age >= 13 else giver
            for kind, answer in (("engage", consent), ("share", share)):
                rows.append(make(Consent,
                    person_id=m.id, kind=kind,
                    status="given" if answer == "yes" else "refused", decided_on=day,
                    scope="school, health visitor, GP, police" if kind == "share" else "",
                    given_by=given_by, recorded_by_id=recorder, recorded_at=when,
                ))  # fmt: skip
        return rows

    # --- episodes -----------------------------------------------------------------------------

    def episode(self, family, start, *, route, level_rank=None, themes=None, contact=None,
                source=None, referrer_org=None, referrer_user=None, previous=None):  # fmt: skip
        rng, b, ref = self.rng, self.b, self.ref
        children = family.children_on(start)
        if not children:
            return None
        # A school, health visitor or children's centre that asked for help often leads it.
        if route == "direct" and referrer_org is not None and source in ("2A", "3B", "3C", "8"):
            partner = b.partner_of.get(referrer_org.id)
            if partner is not None and rng.random() < 0.6:
                route, referrer_user = "universal", partner
        if themes is None:
            themes = [self.themes.draw(rng)]
            for _ in range(rng.choice([0, 1, 1, 2])):
                theme = self.themes.draw(rng)
                if theme not in themes:
                    themes.append(theme)
        if level_rank is None:
            level_rank = 3 if rng.random() < 0.6 else 2
        focus = [c for c in children if rng.random() < 0.75] or [rng.choice(children)]
        youngest = min((start - c.dob).days for c in focus) / 365.25
        team_key = "0-5" if youngest < 5 else "5-18"
        if level_rank == 3 and len(themes) >= 2 and rng.random() < 0.5:
            team_key = "intensive"
        team = b.teams[team_key]
        outcome = CLOSURE_OUTCOMES.draw(rng)
        end = start + self.days(*DURATION_DAYS[outcome])
        if end > self.today:
            end = None
        horizon = end or self.today
        # Lead practitioner: a partner for universal-route episodes, otherwise a team worker.
        lead = None
        if route == "universal":
            lead = referrer_user
        elif rng.random() > 0.03 or end is not None:
            lead = self.least_loaded(team_key, start, end)
        self.episode_no += 1
        episode = make(Episode,
            id=self.uid(), reference=f"EH{self.episode_no:06d}", family_id=family.id,
            status="closed" if end else "open", start_date=start, end_date=end, route_in=route,
            reason=texts.EPISODE_REASON[themes[0]], level_id=ref.levels[level_rank].id,
            team_id=team.id, lead_practitioner_id=lead.id if lead else None,
            lead_allocated_on=min(horizon, start + self.days(0, 10)) if lead else None,
            contact_id=contact.id if contact else None,
            closure_outcome=outcome if end else "",
            closure_summary=texts.CLOSURE_SUMMARY[outcome] if end else "",
            previous_episode_id=previous.id
            if previous and previous.end >= self.window_start else None,
            created_at=self.at(start, 10, 0), modified_at=self.at(horizon, 16, 0),
        )  # fmt: skip
        state = EpisodeState(episode.id, family.index, start, end, outcome, level_rank, team_key,
                             team, lead)  # fmt: skip
        kept = end is None or end >= self.window_start
        if kept:
            self.write_episode(episode, family, state, focus, themes, route, previous, contact)
            if lead is not None and lead.role == "partner":
                self.partner_families.setdefault(lead.id, set()).add(family.index)
            self.stats["episodes"] += 1
        self.open_until[family.index] = state
        if end is not None:
            self.last_closed[family.index] = state
            chance = RE_REFERRAL_CHANCE[outcome]
            if rng.random() < chance:
                self.schedule(end + self.days(14, 365), "contact", {"family": family.index})
            if outcome == "stepped_up" and rng.random() < STEP_DOWN_AFTER_STEP_UP:
                self.schedule(end + self.days(60, 240), "step_down",
                              {"family": family.index, "from": state})  # fmt: skip
        return state

    def least_loaded(self, team_key, start, end):
        loads = self.worker_load[team_key]
        best, best_load = 0, None
        for i, ends in enumerate(loads):
            ends[:] = [e for e in ends if e is None or e >= start]
            if best_load is None or len(ends) < best_load:
                best, best_load = i, len(ends)
        loads[best].append(end)
        return self.b.workers[team_key][best]
