"""A guided session in progress as a JSON document, and back: what a store keeps so that any
bot instance can play the next cue of a session another one started (or that died).

The script is kept as it was compiled (a snapshot, not the routine's id alone): the chat's
holds or its own routine may change while the session runs, and the next cue must be the one
after the last one sent, neither repeated nor skipped. Times are the engine's: seconds on the
wall clock (``datetime.timestamp()``), the same on every instance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from bot.core.chat import SessionStatus
from bot.core.routines import Routine
from bot.core.session import Cue, CueKind, GuidedSession

__all__ = ["cue_from_doc", "cue_to_doc", "session_from_doc", "session_to_doc"]

_CUE_DEFAULTS = {f.name: f.default for f in fields(Cue)}


def cue_to_doc(cue: Cue) -> dict[str, Any]:
    """Only what differs from a cue's defaults: a routine's script is long."""
    doc: dict[str, Any] = {"kind": cue.kind.value, "wait": cue.wait, "exercise": cue.exercise}
    for name, default in _CUE_DEFAULTS.items():
        value = getattr(cue, name)
        if name not in doc and value != default:
            # A picture is a file of the bot's own content folder, the same on every instance.
            doc[name] = str(value) if isinstance(value, Path) else value
    return doc


def cue_from_doc(doc: Mapping[str, Any]) -> Cue:
    values = {name: doc[name] for name in _CUE_DEFAULTS if name in doc}
    values["kind"] = CueKind(doc["kind"])
    if values.get("picture") is not None:
        values["picture"] = Path(values["picture"])
    return Cue(**values)


def session_to_doc(session: GuidedSession) -> dict[str, Any]:
    return {
        "chat_id": session.chat_id,
        "routine_id": session.routine.id,
        "title": session.routine.title,
        "script": [cue_to_doc(cue) for cue in session.script],
        "started_at": session.started_at.isoformat(),
        "local_date": session.local_date.isoformat(),
        "started": session.started_mono,
        "time_scale": session.time_scale,
        "position": session.position,
        "due": session.due,
        "paused_left": session.paused_left,
        "skipped": session.skipped,
        "held": session.held,
        "held_sides": dict(session.held_sides),
        "pain_before": session.pain_before,
        "hurt": session.hurt,
        "status": session.status.value if session.status else None,
        "generation": session.generation,
        "sound": session.sound,
    }


def session_from_doc(doc: Mapping[str, Any], routine: Routine | None = None) -> GuidedSession:
    """The session as saved. ``routine`` is the routine it runs, if it can still be found
    (its id and title are all the engine needs from it once compiled); otherwise a stand-in
    with the saved id and title."""
    if routine is None or routine.id != doc["routine_id"]:
        routine = Routine(str(doc["routine_id"]), str(doc["title"]), "", "", "", ())
    status = doc.get("status")
    return GuidedSession(
        chat_id=int(doc["chat_id"]),
        routine=routine,
        script=tuple(cue_from_doc(cue) for cue in doc["script"]),
        started_at=dt.datetime.fromisoformat(doc["started_at"]),
        local_date=dt.date.fromisoformat(doc["local_date"]),
        started_mono=float(doc["started"]),
        time_scale=float(doc["time_scale"]),
        position=int(doc["position"]),
        due=None if doc.get("due") is None else float(doc["due"]),
        paused_left=None if doc.get("paused_left") is None else float(doc["paused_left"]),
        skipped=int(doc.get("skipped", 0)),
        held=float(doc.get("held", 0.0)),
        held_sides={str(k): float(v) for k, v in doc.get("held_sides", {}).items()},
        pain_before=doc.get("pain_before"),
        hurt=bool(doc.get("hurt", False)),
        status=SessionStatus(status) if status else None,
        generation=int(doc["generation"]),
        sound=bool(doc.get("sound", False)),
    )
