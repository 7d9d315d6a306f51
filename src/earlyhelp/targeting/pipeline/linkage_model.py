"""The linkage model a run uses, and the clerical decisions it must respect."""


import pyarrow as pa

from ..linkage import engine
from ..linkage.model import MIN_PROFILES_TO_TRAIN, shipped_model
from ..models import ClericalDecision, LinkageModel, TargetingRun


def choose_model(
    con, run: TargetingRun, options: engine.LinkOptions, profiles: int
) -> LinkageModel:
    latest = LinkageModel.objects.order_by("-version").first()
    if latest is not None and not run.retrain:
        return latest
    next_version = (latest.version + 1) if latest else 1
    if profiles < MIN_PROFILES_TO_TRAIN:
        if latest is not None:
            return latest
        settings_json = shipped_model()
        return LinkageModel.objects.create(
            version=next_version,
            settings_json=settings_json,
            description="Shipped model (trained on the synthetic borough)",
            training_notes={"shipped": True},
        )
    settings_json = engine.train(con, options)
    return LinkageModel.objects.create(
        version=next_version,
        settings_json=settings_json,
        description=f"Estimated without labels from {profiles:,} profiles",
        trained_on_profiles=profiles,
        training_notes=options.notes.get("training", {}),
        created_by=run.requested_by,
    )


def decisions_table() -> pa.Table:
    """The latest decision on every pair."""
    latest: dict[tuple[str, str], bool] = {}
    for left, right, accepted in ClericalDecision.objects.order_by("decided_at", "id").values_list(
        "profile_id_l", "profile_id_r", "accepted"
    ):
        latest[(left, right)] = accepted
    return pa.table(
        {
            "profile_id_l": pa.array([k[0] for k in latest], pa.string()),
            "profile_id_r": pa.array([k[1] for k in latest], pa.string()),
            "accepted": pa.array(list(latest.values()), pa.bool_()),
        }
    )

