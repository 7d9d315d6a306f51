"""Panel pages and API: the agenda, recording a decision, unmet need CSV, errors shown."""

import datetime as dt

from django.urls import reverse
from rest_framework.test import APIClient

from earlyhelp.cases.models import Episode
from earlyhelp.core import dates
from earlyhelp.core.testing.two_factor import verified_login

from ..models import PanelCase, UnmetNeed
from ..services.actions import panel_action_add
from ..services.cases import panel_case_bring
from ..services.detection import detect_stuck_cases


def test_panels_list_and_agenda(client, world, episode, panel, meeting, member):
    detect_stuck_cases()
    verified_login(client, member)
    assert panel.name in client.get(reverse("panels:index")).content.decode()
    body = client.get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    assert episode.reference in body and "No lead practitioner" in body


def test_record_a_decision_from_the_page(client, world, episode, panel, meeting, member):
    case = panel_case_bring(
        panel=panel, episode=episode, acting_user=world.worker, detail="Stuck"
    )
    verified_login(client, member)
    url = reverse("panels:decide", args=[case.pk])
    bad = client.post(url, {"decision-kind": "allocate_lead", "decision-rationale": ""})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "There is a problem" in body and "Enter the reasons" in body
    still_bad = client.post(
        url, {"decision-kind": "allocate_lead", "decision-rationale": "School to lead"}
    )
    assert "Select the lead practitioner" in still_bad.content.decode()
    ok = client.post(
        url,
        {
            "decision-kind": "allocate_lead",
            "decision-rationale": "School",
            "decision-lead_practitioner": str(world.partner.pk),
        },
    )
    assert ok.status_code == 302
    assert Episode.objects.get(pk=episode.pk).lead_practitioner == world.partner


def test_bring_page(client, world, episode, panel):
    verified_login(client, world.worker)
    url = reverse("panels:bring", args=[episode.pk])
    assert client.get(url).status_code == 200
    body = client.post(url, {"panel": str(panel.pk), "detail": ""}).content.decode()
    assert "Enter why the case is being brought" in body
    response = client.post(url, {"panel": str(panel.pk), "detail": "No lead after 3 weeks"})
    assert response.status_code == 302
    assert PanelCase.objects.get().detail == "No lead after 3 weeks"


def test_unmet_need_report_and_csv(client, world, episode, panel, member):
    case = panel_case_bring(
        panel=panel, episode=episode, acting_user=world.worker, detail="Stuck"
    )
    verified_login(client, member)
    bad = client.post(
        reverse("panels:case_unmet_need", args=[case.pk]),
        {
            "unmet-description": f"{world.child.given_name} needs a mentor",
            "unmet-families_affected": "1",
        },
    )
    assert "Remove the names" in bad.content.decode()
    client.post(
        reverse("panels:case_unmet_need", args=[case.pk]),
        {
            "unmet-description": "No youth mentoring in the north",
            "unmet-theme": str(world.themes[1].pk),
            "unmet-families_affected": "2",
        },
    )
    assert UnmetNeed.objects.count() == 1
    page = client.get(reverse("panels:unmet_need")).content.decode()
    assert "Mental health" in page
    csv_body = client.get(reverse("panels:unmet_need_csv")).content.decode()
    header, row = csv_body.strip().splitlines()
    assert header.startswith("Recorded on,Panel,Need")
    assert "No youth mentoring in the north" in row and ",2," in row
    for private in (world.family.name, world.child.given_name, episode.reference):
        assert private not in csv_body


def test_my_actions_page(client, world, episode, panel, member):
    case = panel_case_bring(
        panel=panel, episode=episode, acting_user=world.worker, detail="Stuck"
    )
    action = panel_action_add(
        panel_case=case,
        description="Call the school",
        owner=member,
        due_date=dates.today() - dt.timedelta(days=1),
        acting_user=member,
    )
    verified_login(client, member)
    body = client.get(reverse("panels:my_actions")).content.decode()
    assert "Call the school" in body and "Overdue" in body
    client.post(reverse("panels:action_done", args=[action.pk]))
    action.refresh_from_db()
    assert action.status == "done"


def test_api_bring_decide_and_scope(world, episode, panel, member):
    api = APIClient()
    api.force_authenticate(world.worker)
    created = api.post(
        "/api/panels/cases/",
        {"panel": str(panel.pk), "episode": str(episode.pk), "detail": "Stuck"},
    )
    assert created.status_code == 201, created.json()
    twice = api.post(
        "/api/panels/cases/",
        {"panel": str(panel.pk), "episode": str(episode.pk), "detail": "Again"},
    )
    assert twice.status_code == 409
    case_id = created.json()["id"]
    panelist = APIClient()
    panelist.force_authenticate(member)
    assert panelist.get("/api/panels/").json()["results"][0]["awaiting"] == 1
    refused = api.post(
        f"/api/panels/cases/{case_id}/decide/", {"kind": "continue", "rationale": "x"}
    )
    assert refused.status_code == 403
    bad = panelist.post(f"/api/panels/cases/{case_id}/decide/", {"kind": "maybe"})
    assert bad.status_code == 400 and {"kind", "rationale"} <= set(bad.json()["errors"])
    ok = panelist.post(
        f"/api/panels/cases/{case_id}/decide/",
        {"kind": "continue", "rationale": "Review in a month"},
    )
    assert ok.status_code == 201
    again = panelist.post(
        f"/api/panels/cases/{case_id}/decide/", {"kind": "continue", "rationale": "Again"}
    )
    assert again.status_code == 409
    stranger = APIClient()
    stranger.force_authenticate(world.other_worker)
    assert stranger.get(f"/api/panels/cases/{case_id}/").status_code == 404
