"""Get-WinEvent over the cluster's event logs (§10): the System log (FailoverClustering events
such as 1135, 1069, 1177) and Microsoft-Windows-FailoverClustering/Operational.

Only events with a Windows event ID are in these logs. The simulator's own notes (a node joined,
votes adjusted, a live migration queued…) have no real ID (§10 advises against inventing one):
they are in the cockpit's event log and in Get-ClusterLog.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from clusterlab.sim import Cluster
from clusterlab.sim.events import ClusterEvent

from ..errors import ShellError
from ..formatting import View, register_view
from ..objects import PSObject, flatten, make
from ..registry import Invocation, Param, cmdlet

register_view("EventLogRecord", lambda profile: View(("TimeCreated", "Id", "LevelDisplayName", "Message")))

SYSTEM = "System"
OPERATIONAL = "Microsoft-Windows-FailoverClustering/Operational"
PROVIDER = "Microsoft-Windows-FailoverClustering"
#: log name → the channel its events carry in the simulation
LOGS = {SYSTEM.lower(): "System", OPERATIONAL.lower(): "Operational"}
LEVELS = {"Critical": 1, "Error": 2, "Warning": 3, "Information": 4}
FILTER_KEYS = ("logname", "id", "level", "providername")


def _record(c: Cluster, e: ClusterEvent) -> PSObject:
    log = SYSTEM if e.channel == "System" else OPERATIONAL
    return make(
        "System.Diagnostics.Eventing.Reader.EventLogRecord",
        {
            "TimeCreated": c.clock.at(e.time),  # a datetime: shown en-US, sorts and compares as one
            "Id": e.event_id,
            "LevelDisplayName": e.level.value,
            "Level": LEVELS[e.level.value],
            "Message": e.message,
            "LogName": log,
            "ProviderName": PROVIDER,
            "RecordId": e.seq,
        },
    )


def _ints(values: Any, what: str, inv: Invocation) -> set[int]:
    out: set[int] = set()
    for v in flatten([values]):
        try:
            out.add(int(str(v)))
        except ValueError:
            raise inv.fail(f"The {what} '{v}' is not a number.", "InvalidArgument", str(v)) from None
    return out


def _logs(names: Sequence[str], inv: Invocation) -> set[str]:
    channels: set[str] = set()
    for name in names:
        channel = LOGS.get(name.lower())
        if channel is None:
            raise inv.fail(
                f'There is not an event log on the localhost computer that matches "{name}". '
                f"This lab keeps two: {SYSTEM} and {OPERATIONAL}.",
                "ObjectNotFound",
                name,
            )
        channels.add(channel)
    return channels


@cmdlet(
    "Get-WinEvent",
    "Gets events from the System and FailoverClustering/Operational logs, newest first (§10).",
    (
        Param(
            "LogName", kind="strings", position=0, help="System, or Microsoft-Windows-FailoverClustering/Operational."
        ),
        Param("MaxEvents", kind="int", help="At most this many (the newest)."),
        Param("FilterHashtable", kind="hashtables", help="@{LogName=...; Id=...; Level=...; ProviderName=...}."),
        Param("Oldest", kind="switch", help="Oldest first."),
    ),
    process=False,
    module="Microsoft.PowerShell.Diagnostics",
    noun_type="GetWinEventCommand",
    examples=(
        ("Get-WinEvent -LogName System -MaxEvents 10", "The last ten FailoverClustering events of the System log."),
        ("Get-WinEvent -FilterHashtable @{LogName='System'; Id=1135}", "Every node removed from the membership."),
    ),
)
def get_win_event(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    logs = [str(x) for x in inv.get("LogName") or []]
    ids: set[int] | None = None
    levels: set[int] | None = None
    for table in inv.get("FilterHashtable") or []:
        for key, value in table.items():
            k = str(key).lower()
            if k not in FILTER_KEYS:
                raise inv.fail(
                    f"The FilterHashtable key '{key}' is not supported in this console (use LogName, Id, Level, "
                    "ProviderName).",
                    "InvalidArgument",
                    str(key),
                )
            if k == "logname":
                logs.extend(str(v) for v in flatten([value]))
            elif k == "id":
                ids = _ints(value, "event ID", inv)
            elif k == "level":
                levels = _ints(value, "level", inv)
            elif k == "providername" and not any(str(v).lower() == PROVIDER.lower() for v in flatten([value])):
                return _none(inv)
    if not logs:
        raise inv.fail(
            "Name a log: Get-WinEvent -LogName System (or -FilterHashtable @{LogName='System'; Id=1135}).",
            "InvalidArgument",
        )
    channels = _logs(logs, inv)
    found = [
        e
        for e in c.events
        if e.event_id is not None
        and e.channel in channels
        and (ids is None or e.event_id in ids)
        and (levels is None or LEVELS[e.level.value] in levels)
    ]
    if not inv.switch("Oldest"):
        found.reverse()
    limit = inv.get("MaxEvents")
    if limit is not None:
        if int(limit) < 1:
            raise inv.fail("MaxEvents must be at least 1.", "InvalidArgument", str(limit))
        found = found[: int(limit)]
    if not found:
        return _none(inv)
    return [_record(c, e) for e in found]


def _none(inv: Invocation) -> list[Any]:
    message = "No events were found that match the specified selection criteria."
    raise ShellError(inv.record(message, "ObjectNotFound", error_id="NoMatchingEventsFound"))
