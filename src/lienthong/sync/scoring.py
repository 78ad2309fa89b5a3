"""Which scoring model a sync run scores with, and the note the run keeps of it (SyncRun.scoring_model).

With an extract in the database: the model learned from it and the whole registry (engine.model_for_runs),
for either source, so that both score alike. Without one (a deployment that reaches the national
population database only through its HTTP service): the most recent model saved here
(linking.scoring_model leaves one per extract), else the default shipped with the package
(linkage/data/default-model.json, learned from the demo province). A model learned elsewhere is carried
over to the population size the service reports (/v1/health `people`): the prior and the chance that an
ID agrees by accident depend on it (ScoringModel.for_population).
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from lienthong.linkage.weights import ScoringModel, shipped

log = logging.getLogger(__name__)

__all__ = ["EXTRACT", "SAVED", "DEFAULT", "note", "saved_model", "service_people", "fallback_model"]

#: SyncRun.scoring_model["kind"]
EXTRACT, SAVED, DEFAULT = "extract", "saved", "default"


def note(model: ScoringModel, kind: str, population_from: str) -> dict:
    """What the run page shows: where the model came from, when it was learned, the N it scores with
    and where that N came from ("extract", "model": as learned, "service": /v1/health)."""
    return {"kind": kind, "learned_at": model.learned_at, "population_size": model.population_size,
            "population_from": population_from}


def saved_model(work_dir: Path) -> ScoringModel | None:
    """The most recently learned model saved in work_dir (model-*.json), or None."""
    found = []
    for path in Path(work_dir).glob("model-*.json"):
        try:
            model = ScoringModel.load(path)
        except (OSError, ValueError, KeyError, TypeError):  # not a model (save() never leaves half of one)
            log.warning("sync: %s is not a scoring model; skipped", path.name)
            continue
        if not model.learned_at:  # saved before models recorded it: the file's time
            model.learned_at = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
        found.append(model)
    return max(found, key=lambda m: datetime.fromisoformat(m.learned_at), default=None)


def service_people(source) -> int | None:
    """The number of people the HTTP service holds (/v1/health), or None when it does not say."""
    try:
        people = int((source.health() or {}).get("people") or 0)
    except Exception as exc:  # noqa: BLE001 - any failure only means "N unknown": the model's own N is used
        log.warning("sync: population service health unavailable (%s); population size of the model kept",
                    type(exc).__name__)
        return None
    return people if people > 1 else None


def fallback_model(work_dir: Path, source) -> tuple[ScoringModel, dict]:
    """The model of a run without an extract, and its note."""
    model, kind = saved_model(work_dir), SAVED
    if model is None:
        model, kind = shipped(), DEFAULT
    people = service_people(source)
    if people:
        model = model.for_population(people)
    return model, note(model, kind, "service" if people else "model")
