"""F1: the keys and a glossary of the WSFC words the cockpit uses."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

#: term -> what it means here, with the reference section to read.
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("Quorum", "More than half of the votes in force must be in the membership, or ClusSvc stops (1177) (§1.1)."),
    ("NodeWeight / DynamicWeight", "A node's configured vote / the vote dynamic quorum gives it now (§1.4–§1.5)."),
    (
        "Witness",
        "A disk, file share or cloud blob holding one vote; the dynamic witness votes only when needed (§1.3, §1.6).",
    ),
    ("Tie-breaker", "With an even vote count dynamic quorum takes one node's vote (LowerQuorumPriorityNodeID, §1.7)."),
    ("Force quorum", "Start-ClusterNode -FQ starts a partition without a majority; last resort (§1.9)."),
    (
        "Up / Down / Paused / Joining",
        "Node states: in the membership, out of it, no new roles, coming in (§2.4, §6.1).",
    ),
    ("Isolated", "2016+: out of the membership but still hosting its VMs, for ResiliencyDefaultPeriod (240 s) (§7.3)."),
    ("Unmonitored", "A VM on an Isolated node: the cluster waits before failing it over (§7.3)."),
    (
        "Quarantined",
        "2016+: three unclean exits in an hour; may not join for QuarantineDuration (2 h); "
        "the VMs still running there are live-migrated off (§7.3).",
    ),
    ("Paused-Critical", "2016+: a VM that lost its storage pauses with its memory and resumes with the path (§7.4)."),
    ("Drain", "Suspend-ClusterNode -Drain: pause, then move the roles away, High priority first (§6.2)."),
    (
        "Pause",
        "No new roles on the node; persistent: a paused node that restarts comes back paused (Resume-ClusterNode).",
    ),
    (
        "Failback",
        "Roles returning to their preferred owner: Prevent, Allow, windows; or Resume -Failback (§3.8, §6.3).",
    ),
    ("Preferred / possible owners", "The order roles try nodes in / the only nodes a resource may run on (§3.6)."),
    ("Anti-affinity", "Roles with the same AntiAffinityClassNames avoid sharing a node (§3.10)."),
    ("Priority", "High, Medium, Low, NoAutoStart: start order and preemption (§3.9)."),
    ("Live migration", "Memory copied while the VM runs; only a blackout of milliseconds to seconds (§5.1)."),
    ("Quick migration", "Save, move, restore: the VM is down while its memory is written and read (§5.5)."),
    ("Storage migration", "Move-VMStorage copies a running VM's files to another CSV (§5.6)."),
    ("CSV coordinator", "The node that owns a Cluster Shared Volume's metadata (★ in the Storage view) (§4.2)."),
    (
        "Direct / Block ↪ / FS ↪",
        "A node's CSV I/O: its own path, redirected blocks, or all file I/O via the coordinator (§4.3).",
    ),
    ("CAU", "Cluster-Aware Updating: each node drained, updated, restarted and resumed in turn (§8)."),
    ("Locked", "A failed Updating Run left a node in maintenance; Invoke-CauRun -ForceRecovery (§8.4)."),
    (
        "Functional level",
        "8 = 2012 R2, 9 = 2016 … raised by Update-ClusterFunctionalLevel after a rolling upgrade (§9.1).",
    ),
    (
        "Mixed-OS mode",
        "Nodes of two releases during a rolling upgrade; the cluster keeps the old behaviour (1548) (§9.1).",
    ),
    (
        "Site / PreferredSite",
        "2016+ fault domains: failover stays in the site; the preferred site wins a 50/50 split (§1.7).",
    ),
)


def help_markdown(keys: Iterable[tuple[str, str, str]]) -> str:
    """``keys``: (key, what, longer description) of every binding, in the order the app lists them."""
    lines = [
        "# clusterlab — keys and words",
        "",
        "Every key runs the PowerShell line it stands for, echoed in the console. **ctrl+p** lists every "
        "command; **:** types one. Keys that act on a node or a role use the selected row.",
        "",
        "## Keys",
        "",
        "| key | does |",
        "|---|---|",
    ]
    seen: set[str] = set()
    for key, what, long in keys:
        if key in seen:
            continue
        seen.add(key)
        lines.append(f"| `{key}` | **{what}** — {long} |")
    lines += ["", "## Glossary", "", "| word | means |", "|---|---|"]
    lines += [f"| {term} | {text} |" for term, text in GLOSSARY]
    lines += [
        "",
        "Sections (§) refer to `shared/reference/wsfc-behaviour.md`. **f1** or **?** opens this, **esc** closes it.",
    ]
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 95%; max-width: 140; height: 90%;
        border: round $primary; background: $surface;
    }
    """
    BINDINGS = [  # noqa: RUF012 (Textual's own type)
        Binding("escape,f1,q", "close", "Close", id="help.close", tooltip="Back to the cockpit"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(self.text, id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
