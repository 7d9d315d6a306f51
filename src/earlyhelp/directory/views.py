"""Directory pages: the public search (no sign-in, no personal data), service pages, suggested
services and the refer form, referral pages for both sides, and Open Referral UK feeds."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from earlyhelp.access import policy
from earlyhelp.access.permissions import can_work_on_episode
from earlyhelp.cases import selectors as cases
from earlyhelp.web.views.base import attempt, audit_list, page, paginate

from . import rules, selectors, services
from .forms import (
    DeclineForm,
    FinishForm,
    ImportForm,
    NoteForm,
    ReferForm,
    SearchForm,
    StartForm,
    WithdrawForm,
)
from .journey import REFERRAL
from .matching import profile_for_episode, suggest_services
from .models import LevelBand, ReferralStatus, ServiceStatus
from .openreferral.export import export_directory, export_queryset, service_to_oruk
from .openreferral.importer import import_directory

# Public -------------------------------------------------------------------------------------


@require_GET
def index(request):
    """Find support services: anyone, signed in or not. Shows directory data only."""
    form = SearchForm(request.GET or None)
    results, searched = None, bool(request.GET)
    if form.is_valid() or not searched:
        data = form.cleaned_data if searched else {}
        results = paginate(
            request,
            selectors.service_search(
                theme=data.get("need"),
                age=data.get("age"),
                locality=data.get("area"),
                text=data.get("q", ""),
                provider_kind=data.get("kind", ""),
            ),
            per_page=20,
        )
    return page(
        request,
        "directory/index.html",
        {
            "page_title": "Find support services for families",
            "form": form,
            "page_obj": results,
            "searched": searched,
        },
    )


@require_GET
def service_detail(request, service_id):
    service = selectors.public_service_detail(service_id=service_id)
    return page(request, "directory/service.html", {"page_title": service.name, "service": service})


@require_GET
def oruk_services(request):
    """Open Referral UK `GET /services`: every active service, public."""
    return JsonResponse(export_directory(selectors.public_services(), public=True))


@require_GET
def oruk_service(request, service_id):
    services_ = export_queryset(selectors.public_services().filter(pk=service_id))
    service = services_.first()
    if service is None:
        raise Http404("No such service")
    return JsonResponse(service_to_oruk(service, public=True))


# Staff: suggestions and referrals -------------------------------------------------------------


@login_required
def suggest(request, episode_id):
    """Services suggested for an episode's family, ranked, with the episode's referrals."""
    user = request.user
    episode = cases.episode_for_page(user=user, episode_id=episode_id, detail="Suggested services")
    profile = profile_for_episode(episode)
    suggestions = suggest_services(profile, limit=15)
    return page(
        request,
        "directory/suggest.html",
        {
            "page_title": f"Services for {episode.family.name}",
            "episode": episode,
            "profile": profile,
            "band_label": dict(LevelBand.choices).get(profile.band, "").lower(),
            "suggestions": suggestions,
            "referrals": selectors.episode_referrals(user=user, episode=episode),
            "can_refer": can_work_on_episode(user, episode) and episode.is_open,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def refer(request, episode_id, service_id):
    user = request.user
    episode = cases.episode_for_page(user=user, episode_id=episode_id, detail="Refer to a service")
    if not can_work_on_episode(user, episode):
        raise PermissionDenied("Only the lead practitioner or early help staff can refer.")
    service = selectors.public_service_detail(service_id=service_id)
    profile = profile_for_episode(episode)
    from earlyhelp.plans.models import PlanAction
    from earlyhelp.thresholds.models import NeedTheme

    actions = list(PlanAction.objects.filter(plan__episode=episode, status="open"))
    themes = NeedTheme.objects.filter(id__in=profile.theme_ids)
    form = ReferForm(request.POST or None, members=profile.members, themes=themes, actions=actions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = None
        if data["person"] != ReferForm.WHOLE_FAMILY:
            person = next(
                (m.person_id for m in profile.members if str(m.person_id) == data["person"]), None
            )
            from earlyhelp.people.models import Person

            person = Person.objects.get(pk=person)
        action = next((a for a in actions if str(a.pk) == data.get("plan_action")), None)
        referral = attempt(
            form,
            services.referral_send,
            episode=episode,
            service=service,
            person=person,
            reason=data["reason"],
            themes=data["themes"],
            plan_action=action,
            acting_user=user,
        )
        if referral is not None:
            messages.success(request, f"Referral {referral.reference} sent to {service.name}")
            return redirect("directory:referral", referral_id=referral.pk)
    return page(
        request,
        "directory/refer.html",
        {
            "page_title": f"Refer to {service.name}",
            "episode": episode,
            "service": service,
            "form": form,
        },
    )


@login_required
def inbox(request):
    """The provider's referrals: awaiting a response first."""
    user = request.user
    status = request.GET.get("status", ReferralStatus.SENT)
    if status not in ReferralStatus.values and status != "all":
        status = ReferralStatus.SENT
    referrals = selectors.provider_referrals(user=user, status="" if status == "all" else status)
    page_obj = paginate(request, referrals)
    audit_list(request, "directory.referral")
    return page(
        request,
        "directory/inbox.html",
        {
            "page_title": "Referrals to your services",
            "page_obj": page_obj,
            "status": status,
            "statuses": [
                ("sent", "Awaiting response"),
                ("accepted", "Accepted"),
                ("started", "Started"),
                ("declined", "Declined"),
                ("finished", "Finished"),
                ("withdrawn", "Withdrawn"),
                ("all", "All"),
            ],
        },
    )


def _referral_context(user, referral, forms=None):
    forms = forms or {}
    allowed = REFERRAL.allowed_actions(referral)
    provider = rules.can_answer_referral(user, referral)
    referrer = can_work_on_episode(user, referral.episode) and not rules.is_provider_for(
        user, referral.service
    )
    actions = [
        a
        for a in allowed
        if (a in rules.PROVIDER_ACTIONS and provider) or (a == "withdraw" and referrer)
    ]
    return {
        "page_title": f"Referral {referral.reference}",
        "referral": referral,
        "actions": actions,
        "is_provider": rules.is_provider_for(user, referral.service),
        "forms": {
            "accept": forms.get("accept") or NoteForm(prefix="accept"),
            "decline": forms.get("decline") or DeclineForm(prefix="decline"),
            "start": forms.get("start") or StartForm(prefix="start"),
            "finish": forms.get("finish") or FinishForm(prefix="finish"),
            "withdraw": forms.get("withdraw") or WithdrawForm(prefix="withdraw"),
        },
        "failed": next(iter(forms), ""),
    }


@login_required
def referral_detail(request, referral_id):
    referral = selectors.referral_detail(user=request.user, referral_id=referral_id)
    return page(request, "directory/referral.html", _referral_context(request.user, referral))


MOVE_FORMS = {
    "accept": (
        NoteForm,
        lambda r, u, d: services.referral_accept(referral=r, acting_user=u, note=d["note"]),
    ),
    "decline": (
        DeclineForm,
        lambda r, u, d: services.referral_decline(
            referral=r, acting_user=u, reason=d["reason"], note=d["note"]
        ),
    ),
    "start": (
        StartForm,
        lambda r, u, d: services.referral_start(
            referral=r, acting_user=u, started_on=d["started_on"], note=d["note"]
        ),
    ),
    "finish": (
        FinishForm,
        lambda r, u, d: services.referral_finish(
            referral=r,
            acting_user=u,
            finished_on=d["finished_on"],
            outcome=d["outcome"],
            note=d["note"],
        ),
    ),
    "withdraw": (
        WithdrawForm,
        lambda r, u, d: services.referral_withdraw(referral=r, acting_user=u, reason=d["reason"]),
    ),
}


@login_required
def referral_move(request, referral_id, action):
    if action not in MOVE_FORMS:
        raise Http404("No such action")
    user = request.user
    referral = selectors.referral_detail(user=user, referral_id=referral_id)
    if request.method != "POST":  # the forms live on the referral's page
        return redirect("directory:referral", referral_id=referral.pk)
    form_class, work = MOVE_FORMS[action]
    form = form_class(request.POST, prefix=action)
    if form.is_valid():
        done = attempt(form, work, referral, user, form.cleaned_data)
        if done is not None:
            messages.success(request, f"Referral {done.reference}: {done.get_status_display()}")
            return redirect("directory:referral", referral_id=referral.pk)
    context = _referral_context(user, referral, {action: form})
    return page(request, "directory/referral.html", context, status=400)


# Administration: Open Referral UK import and export --------------------------------------------


@login_required
def export(request):
    policy.require(request.user, policy.Action.EXPORT_DIRECTORY)
    body = json.dumps(export_directory(), indent=2)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="directory-openreferraluk.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    policy.require(request.user, policy.Action.ADMINISTER_DIRECTORY)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            payload = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            form.add_error("file", f"The file is not valid JSON: {exc}")
        else:
            result = import_directory(
                payload, acting_user=request.user, dry_run=form.cleaned_data["dry_run"]
            )
            if result.ok and not result.dry_run:
                messages.success(
                    request, f"Imported {result.created} new and updated {result.updated} services"
                )
                return redirect("directory:import")
    return page(
        request,
        "directory/import.html",
        {
            "page_title": "Import services (Open Referral UK)",
            "form": form,
            "result": result,
            "active": ServiceStatus.ACTIVE,
        },
        status=400 if result is not None and not result.ok else 200,
    )


@login_required
def staff_list(request):
    """Every service, with capacity and waiting figures (staff)."""
    policy.require(request.user, policy.Action.SEE_SERVICE_CAPACITY)
    page_obj = paginate(request, selectors.staff_services().order_by("name", "id"))
    return page(
        request,
        "directory/staff_list.html",
        {
            "page_title": "Directory: capacity and waiting times",
            "page_obj": page_obj,
            "inbox_url": reverse("directory:inbox"),
        },
    )
