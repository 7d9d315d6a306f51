"""What an episode holds, drawn when it opens: step-down or step-up transitions, the Team
Around the Family, the assessment and its needs, the plan with outcomes and actions, reviews with
progress scores, case notes, and consent withdrawn when a family disengages.

A mixin of the casework simulation (it uses its random generator, borough and writer), so the
rows come out in the same order for the same seed.
"""

import datetime as dt
import random

from earlyhelp.assessments.models import Assessment, AssessmentEntry, PresentingNeed
from earlyhelp.cases.models import CaseNote, Episode, FocusChild, TafMember, Transition
from earlyhelp.people.models import Consent
from earlyhelp.plans.models import (
    ClosingScore,
    FamilyRating,
    FamilyView,
    Plan,
    PlanAction,
    PlanOutcome,
    ProgressScore,
    Review,
)

from . import texts
from .writer import make, new_uuid

# How satisfied a family says they are at closure, by outcome (1 very dissatisfied – 5 very).
SATISFACTION_BY_OUTCOME = {"needs_met": (3, 4, 4, 5, 5, 5), "disengaged": (1, 2, 2, 3, 4),
                           "moved_away": (3, 4, 4, 5), "other": (2, 3, 4, 4, 5)}


class EpisodeRecords:
    def write_episode(self, episode, family, state, focus, themes, route, previous, contact):
        rng, b, add = self.rng, self.b, self.writer.add
        start, end, outcome = state.start, state.end, state.outcome
        horizon = end or self.today
        manager = b.managers[state.team_key]
        add(episode)
        self.writer.add_through(Episode.focus_children.through, [
            dict(episode_id=episode.id, person_id=c.id) for c in focus
        ])  # fmt: skip
        for c in focus:  # each focus child since the episode started
            self.writer.add(FocusChild(
                id=self.uid(), episode_id=episode.id, person_id=c.id, started_on=start,
                created_at=self.at(start, 9, 0), modified_at=self.at(start, 9, 0),
            ))  # fmt: skip
        members = family.members_on(start)
        parents = [m for m in members if m.role == "parent_carer"] or [
            m for m in members if m.role != "child"
        ]
        if route == "step_down":
            reference = f"SC{rng.randrange(10**6, 10**7)}"
            episode.social_care_reference = reference
            episode.cin_closure_reason = "RC9"
            add(make(Transition,
                id=self.uid(), kind="step_down", family_id=family.id, episode_id=episode.id,
                date=start, reason="Children's social care assessment completed; needs can be "
                "met by early help. Case closed by social care (RC9) and stepped down.",
                social_care_reference=reference, cin_code="RC9", recorded_by_id=manager.id,
                created_at=self.at(start, 11, 0), modified_at=self.at(start, 11, 0),
            ))  # fmt: skip
            for row in self.consents(members, start, self.at(start, 12, 0), "yes", "yes",
                                     manager.id):  # fmt: skip
                add(row)
        # Team Around the Family.
        taf = self.taf(episode, family, start, end, horizon, state.lead)
        # Assessment, needs, plan, reviews.
        assessment, needs = self.assessment(episode, family, state, focus, themes, parents)
        if assessment is not None and assessment.completed_on is not None:
            self.plan(episode, state, assessment, needs, parents, taf, focus[0].given)
        self.notes(episode, family, state, themes, parents)
        if end is not None and outcome == "stepped_up":
            add(make(Transition,
                id=self.uid(), kind="step_up", family_id=family.id, episode_id=episode.id,
                date=end, reason="Risk has increased despite the plan; the threshold for "
                "children's social care is met.",
                social_care_reference=f"SC{rng.randrange(10**6, 10**7)}", cin_code="5D",
                recorded_by_id=manager.id, created_at=self.at(end, 15, 0),
                modified_at=self.at(end, 15, 0),
            ))  # fmt: skip
        if end is not None and outcome == "disengaged":
            for p in parents:
                add(make(Consent, person_id=p.id, kind="engage", status="withdrawn", decided_on=end,
                            given_by=p.name, recorded_by_id=(state.lead or manager).id,
                            recorded_at=self.at(end, 14, 0)))  # fmt: skip
                if rng.random() < 0.5:
                    add(make(Consent, person_id=p.id, kind="share", status="withdrawn",
                                decided_on=end, given_by=p.name,
                                recorded_by_id=(state.lead or manager).id,
                                recorded_at=self.at(end, 14, 1)))  # fmt: skip

    def taf(self, episode, family, start, end, horizon, lead):
        rng, b = self.rng, self.b
        candidates = []
        for child in family.children_on(start):
            if child.school is not None:
                candidates.append((child.school, "Designated safeguarding lead"))
        if any((start - c.dob).days < 5 * 365 for c in family.children_on(start)):
            candidates.append((b.hv_teams[family.locality], "Health visitor"))
            candidates.append((b.childrens_centres[family.locality], "Family support worker"))
        candidates += [(b.camhs, "CAMHS practitioner"), (b.housing[0], "Housing officer"),
                       (rng.choice(b.voluntary), "Support worker"), (b.police, "Police officer"),
                       (b.school_nursing, "School nurse")]  # fmt: skip
        seen, members, size = set(), [], rng.randint(1, 4)
        for org, role in candidates[:2] + rng.sample(candidates[2:], 3):
            if org.id in seen or len(members) >= size:
                continue
            seen.add(org.id)
            user = b.partner_of.get(org.id) if rng.random() < 0.7 else None
            if user is not None and lead is not None and user.id == lead.id:
                continue
            joined = min(horizon, start + self.days(0, 30))
            name = f"{user.first_name} {user.last_name}" if user else self.person_name()
            members.append(make(TafMember,
                id=self.uid(), episode_id=episode.id, user_id=user.id if user else None,
                name=name, organisation_id=org.id, role=role, joined_on=joined, left_on=end,
                created_at=self.at(joined, 12, 0), modified_at=self.at(end or joined, 12, 0),
            ))  # fmt: skip
        for m in members:
            self.writer.add(m)
            if m.user_id is not None and end is None:
                self.partner_families.setdefault(m.user_id, set()).add(family.index)
        return members

    def assessment(self, episode, family, state, focus, themes, parents):
        rng, b, ref = self.rng, self.b, self.ref
        start, end, outcome = state.start, state.end, state.outcome
        horizon = end or self.today
        started = start + self.days(0, 14)
        if started > horizon:
            return None, []
        r = rng.random()
        lag = rng.randint(7, 45) if r < 0.8 else rng.randint(46, 90) if r < 0.95 else (
            rng.randint(91, 150))  # fmt: skip
        completed = started + dt.timedelta(days=lag)
        if outcome == "needs_met" and end is not None and completed > end:
            completed = max(started, end - self.days(30, 60))
        if completed > horizon:
            completed = None
        lead = state.lead
        if lead is not None and lead.organisation_id and lead.role == "partner":
            org_id = lead.organisation_id
        elif rng.random() < 0.75:
            org_id = b.council.id
        else:
            child = focus[0]
            org = (
                child.school
                if child.school is not None and rng.random() < 0.5
                else rng.choice([b.hv_teams[family.locality], b.childrens_centres[family.locality]])
            )
            org_id = org.id
        child = rng.choice(focus)
        assessment = make(Assessment,
            id=self.uid(), episode_id=episode.id,
            status="completed" if completed else "in_progress", started_on=started,
            completed_on=completed, completing_organisation_id=org_id,
            voice_of_child=self.fill(rng.choice(texts.VOICE_OF_CHILD), family, started, child),
            family_view=self.fill(rng.choice(texts.FAMILY_VIEW), family, started, child),
            summary="Whole-family assessment: " + "; ".join(
                ref.themes[t].name.lower() for t in themes) + ".",
            level_id=ref.levels[state.level_rank].id,
            created_at=self.at(started, 10, 0), modified_at=self.at(completed or started, 15, 0),
        )  # fmt: skip
        self.writer.add(assessment)
        # It covers the household's children on its start date (Annex A: a row for each).
        self.writer.add_through(Assessment.children.through, [
            Assessment.children.through(assessment_id=assessment.id, person_id=m.id)
            for m in family.members_on(started) if m.role == "child"
        ])  # fmt: skip
        stamp = self.at(started, 10, 30)
        for c in focus:
            self.writer.add(make(AssessmentEntry,
                id=self.uid(), assessment_id=assessment.id, person_id=c.id,
                domain="development", needs=texts.NEED_DESCRIPTIONS[themes[0]],
                strengths=rng.choice(["Loves football and has a good group of friends.",
                                      "Close to grandma, who helps after school.",
                                      "Enjoys drawing; teachers describe a kind child.",
                                      "Meeting milestones; warm attachment to mum."]),
                created_at=stamp, modified_at=stamp,
            ))  # fmt: skip
        for p in parents[:2]:
            self.writer.add(make(AssessmentEntry,
                id=self.uid(), assessment_id=assessment.id, person_id=p.id, domain="parenting",
                needs="Needs support with routines and boundaries.",
                strengths="Loves the children and wants things to change.",
                created_at=stamp, modified_at=stamp,
            ))  # fmt: skip
        if parents:
            self.writer.add(make(AssessmentEntry,
                id=self.uid(), assessment_id=assessment.id, person_id=parents[0].id,
                domain="family_environment", needs="Housing and money worries add to the stress.",
                strengths="Supportive neighbours and extended family nearby.",
                created_at=stamp, modified_at=stamp,
            ))  # fmt: skip
        needs = []
        for theme_code in themes:
            theme = ref.themes[theme_code]
            who = texts.THEME_PERSON[theme_code]
            if who == "either":
                who = "child" if rng.random() < 0.5 else "parent"
            person = rng.choice(focus) if who == "child" or not parents else rng.choice(parents)
            suffix = "A" if person.role == "child" else "B"
            codes = theme.cin_factor_codes
            code = next((c for c in codes if c.endswith(suffix)), codes[0] if codes else "")
            low, high = (1, 4) if outcome == "stepped_up" else (2, 6)
            need = make(PresentingNeed,
                id=self.uid(), assessment_id=assessment.id, theme_id=theme.id,
                person_id=person.id, cin_factor=code,
                description=texts.NEED_DESCRIPTIONS[theme_code],
                baseline_score=rng.randint(low, high), created_at=stamp, modified_at=stamp,
            )  # fmt: skip
            self.writer.add(need)
            needs.append((need, theme_code))
        return assessment, needs

    def plan(self, episode, state, assessment, needs, parents, taf, child):
        rng, b = self.rng, self.b
        end, outcome = state.end, state.outcome
        horizon = end or self.today
        started = min(horizon, assessment.completed_on + self.days(0, 10))
        plan = make(Plan,
            id=self.uid(), episode_id=episode.id, status="ended" if end else "active",
            started_on=started, ended_on=end,
            created_at=self.at(started, 11, 0), modified_at=self.at(horizon, 11, 0),
        )  # fmt: skip
        self.writer.add(plan)
        worker = state.lead or b.managers[state.team_key]
        partners = [m for m in taf if m.user_id]
        for order, (need, code) in enumerate(needs):
            text = rng.choice(texts.OUTCOMES[code]).replace("{child}", child)
            po = make(PlanOutcome, id=self.uid(), plan_id=plan.id, need_id=need.id, text=text,
                             order=order, created_at=self.at(started, 11, 5),
                             modified_at=self.at(started, 11, 5))  # fmt: skip
            self.writer.add(po)
            for description, owner_kind in rng.sample(
                texts.ACTIONS[code], min(2, len(texts.ACTIONS[code]))
            ):
                due = started + self.days(14, 120)
                owner_id, owner_name = None, parents[0].name if parents else "Family"
                if owner_kind == "worker":
                    owner_id, owner_name = worker.id, f"{worker.first_name} {worker.last_name}"
                elif owner_kind == "partner" and partners:
                    member = rng.choice(partners)
                    owner_id, owner_name = member.user_id, member.name
                status, completed = "open", None
                if due <= horizon or end is not None:
                    r = rng.random()
                    if r < 0.75 or (end is not None and outcome == "needs_met" and r < 0.9):
                        status = "done"
                        completed = max(started, min(horizon, due + self.days(-14, 10)))
                    elif r < 0.87 or end is not None:
                        status = "cancelled"
                    # otherwise left open: overdue on an open episode
                self.writer.add(make(PlanAction,
                    id=self.uid(), plan_id=plan.id, outcome_id=po.id,
                    description=description.replace("{child}", child), owner_id=owner_id,
                    owner_name=owner_name, due_date=due, status=status, completed_on=completed,
                    created_at=self.at(started, 11, 10),
                    modified_at=self.at(completed or started, 16, 0),
                ))  # fmt: skip
        self.reviews(episode, state, plan, needs, parents, worker, taf)

    def reviews(self, episode, state, plan, needs, parents, worker, taf):
        rng = self.rng
        end, outcome = state.end, state.outcome
        horizon = end or self.today
        # Planned dates every 6-12 weeks; each review sets the next planned date as next due.
        planned = [plan.started_on + self.days(42, 84)]
        while planned[-1] <= horizon:
            planned.append(planned[-1] + self.days(42, 84))
        held = planned[:-1]
        due = dict(zip(held, planned[1:], strict=True))
        if end is not None and (not held or (end - held[-1]).days > 14):
            held.append(end)  # the closing review
        lapsed = end is None and rng.random() < 0.12
        if lapsed and len(held) > 1:  # reviews stopped: the next one is overdue
            held = held[: rng.randint(1, len(held) - 1)]
        stuck = end is None and rng.random() < 0.1
        attendees = "\n".join(
            [f"{p.name} (parent)" for p in parents[:2]]
            + [f"{worker.first_name} {worker.last_name} (lead practitioner)"]
            + [f"{m.name} ({m.role})" for m in taf]
        )
        voice = random.Random(f"family-view:{episode.id}")  # its own stream (family_view)
        last = {}
        targets = {need.id: rng.randint(7, 10) for need, _ in needs}
        scores = {need.id: need.baseline_score for need, _ in needs}
        for n, held_on in enumerate(held, start=1):
            closing = end is not None and held_on == end
            next_due = None if closing else due[held_on]
            review = make(Review,
                id=self.uid(), episode_id=episode.id, held_on=held_on, attendees=attendees,
                summary="Progress reviewed with the family; actions updated.",
                family_view="Things are getting better at home." if outcome == "needs_met"
                else "Some weeks are still hard.", next_review_due=next_due,
                created_at=self.at(held_on, 15, 0), modified_at=self.at(held_on, 15, 0),
            )  # fmt: skip
            self.writer.add(review)
            for need, _ in needs:
                score = scores[need.id]
                if stuck and n > len(held) - 2:
                    pass
                elif outcome == "needs_met":
                    steps_left = max(1, len(held) - n + 1)
                    score += max(0, round((targets[need.id] - score) / steps_left
                                          + rng.uniform(-0.6, 0.6)))  # fmt: skip
                elif outcome == "stepped_up":
                    score -= rng.choice([0, 0, 1])
                elif outcome == "disengaged":
                    score += rng.choice([-1, 0, 0, 1])
                else:
                    score += rng.choice([0, 1, 1])
                score = min(10, max(1, score))
                scores[need.id] = score
                self.writer.add(
                    make(ProgressScore, review_id=review.id, need_id=need.id, score=score)
                )
            if not closing:
                last = dict(scores)
            self.family_view(voice, episode, review if not closing else None, needs, scores,
                             held_on, outcome if closing else None)
        if end is not None and outcome != "stepped_up" and needs and held:
            for need, _ in needs:
                self.writer.add(make(ClosingScore,
                    episode_id=episode.id, need_id=need.id, baseline=need.baseline_score,
                    last_score=last.get(need.id), score=scores[need.id],
                ))  # fmt: skip
            self.family_view(voice, episode, None, needs, scores, end, outcome, closure=True)

    def family_view(self, voice, episode, review, needs, scores, on, outcome, closure=False):
        """The family's own rating at a review (about two in three) or at closure (most; one in
        ten declines), near the practitioner's score; satisfaction at closure by outcome. From
        the episode's own generator, so the borough's other rows come out as before."""
        if not needs or (review is None and not closure):
            return
        if voice.random() > (0.85 if closure else 0.65):
            return
        declined = voice.random() < 0.1
        at = self.at(on, 15, 30)
        view = make(FamilyView,
            id=new_uuid(voice), episode_id=episode.id, review_id=review.id if review else None,
            rater="" if declined else voice.choice(
                ("parent_carer", "parent_carer", "parent_carer", "young_person", "child_8_plus")),
            declined=declined, satisfaction=None if declined or not closure else voice.choice(
                SATISFACTION_BY_OUTCOME.get(outcome, (3, 4))),
            words="" if declined else voice.choice(texts.FAMILY_WORDS),
            created_at=at, modified_at=at, version=1,
        )  # fmt: skip
        self.writer.add(view)
        if not declined:
            for need, _ in needs:
                rating = min(10, max(1, scores[need.id] + voice.choice((-2, -1, -1, 0, 0, 1))))
                self.writer.add(make(FamilyRating, view_id=view.id, need_id=need.id,
                                     score=rating))

    def notes(self, episode, family, state, themes, parents):
        rng, b = self.rng, self.b
        start, end = state.start, state.end
        horizon = end or self.today
        span = (horizon - start).days
        author = state.lead or b.managers[state.team_key]
        count = max(1, min(40, span // 18))
        sensitive_theme = any(t in ("dv", "cse", "mh") for t in themes)
        for _ in range(count):
            day = start + dt.timedelta(days=rng.randrange(span + 1))
            written = self.at(day, rng.randrange(9, 18), rng.randrange(60))
            if written > self.cutoff:
                written = self.cutoff - dt.timedelta(minutes=rng.randrange(1, 600))
            subject, text = rng.choice(texts.NOTE_SUBJECTS)
            self.writer.add(make(CaseNote,
                id=self.uid(), episode_id=episode.id, written_at=written, author_id=author.id,
                subject=self.fill(subject, family, day), text=self.fill(text, family, day),
                is_sensitive=sensitive_theme and rng.random() < 0.3,
                created_at=written, modified_at=written,
            ))  # fmt: skip
