"""The Networks view: cluster networks (Get-ClusterNetwork) and node interfaces (Get-ClusterNetworkInterface).

Pure functions over snapshots (no Textual), and the actions on the selected network or
interface, each as the PowerShell line it stands for:

- ``g``: the network's Role (cluster use) to the next one, ``(Get-ClusterNetwork X).Role = N``
  (3 ClusterAndClient → 1 Cluster → 0 None → 3, §2.5);
- ``k``: the interface's node loses that network, ``Invoke-LabFault -Node X -Isolate -Network N`` (lab fault);
- ``j``: the node's virtual switch loses its physical uplink, ``Invoke-LabFault -Node X -SwitchUplink External``
  (network health protection live-migrates its protected VMs away, §7.2);
- ``K``: the node is reconnected (and its uplinks and storage paths restored), ``Repair-LabFault -Node X``.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from clusterlab.shell.cmdlets.cluster import ROLE_VALUES, interface_address, interface_state, network_address
from clusterlab.sim import ClusterSnapshot, NetworkSnapshot, NodeSnapshot
from clusterlab.tui.actions import LabCommand, ps_name
from clusterlab.tui.rows import Cell, Row, Tone

#: The switch VMs' adapters connect to (the lab models one external switch per node).
DEFAULT_SWITCH = "External"

NETWORK_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Network"),
    ("role", "Role"),
    ("state", "State"),
    ("metric", "Metric"),
    ("subnet", "Subnet"),
    ("cut", "Cut off"),
)

INTERFACE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("node", "Node"),
    ("network", "Network"),
    ("state", "State"),
    ("address", "Address"),
    ("switch", "vSwitch uplink"),
)

ROLE_TEXT = {
    "ClusterAndClient": "3 Cluster+Client",
    "Cluster": "1 Cluster",
    "None": "0 None",
}
#: ``g`` cycles the role in this order.
ROLE_CYCLE: tuple[str, ...] = ("ClusterAndClient", "Cluster", "None")

_NET_STATE_TONE = {"Up": Tone.GOOD, "Partitioned": Tone.WARN, "Down": Tone.BAD, "Unavailable": Tone.MUTED}
_IF_STATE_TONE = {"Up": Tone.GOOD, "Unreachable": Tone.WARN, "Failed": Tone.BAD, "Unavailable": Tone.MUTED}


def subnet(index: int) -> str:
    """The lab's subnet for network number ``index`` (from 1), as the interfaces are addressed."""
    return network_address(index) + "/24"


def network_row(net: NetworkSnapshot, index: int) -> Row:
    role = ROLE_TEXT.get(net.role, net.role)
    if net.live_migration:
        role += " · LM"
    return (
        Cell(net.name, Tone.STRONG),
        Cell(role, Tone.MUTED if net.role == "None" else Tone.NORMAL),
        Cell(net.state, _NET_STATE_TONE.get(net.state, Tone.NORMAL)),
        Cell(str(net.metric)),
        Cell(subnet(index), Tone.MUTED),
        Cell(", ".join(net.disconnected) or "-", Tone.WARN if net.disconnected else Tone.MUTED),
    )


def network_rows(snap: ClusterSnapshot) -> list[tuple[str, Row]]:
    return [(net.name, network_row(net, i)) for i, net in enumerate(snap.networks, start=1)]


def interface_key(node: str, network: str) -> str:
    """``HV01 - Cluster``: the interface's name, as Get-ClusterNetworkInterface names it (the row key)."""
    return f"{node} - {network}"


def switch_cell(node: NodeSnapshot) -> Cell:
    if DEFAULT_SWITCH in node.switches_down:
        return Cell(f"{DEFAULT_SWITCH}: lost", Tone.BAD)
    return Cell(f"{DEFAULT_SWITCH}: up", Tone.GOOD if node.powered_on else Tone.MUTED)


def interface_rows(snap: ClusterSnapshot) -> list[tuple[str, Row]]:
    """One row per node and network, nodes first (a node's adapters together)."""
    rows: list[tuple[str, Row]] = []
    for node in snap.nodes:
        for i, net in enumerate(snap.networks, start=1):
            state = interface_state(node, net)
            rows.append(
                (
                    interface_key(node.name, net.name),
                    (
                        Cell(node.name, Tone.STRONG),
                        Cell(net.name),
                        Cell(state, _IF_STATE_TONE.get(state, Tone.NORMAL)),
                        Cell(interface_address(i, node), Tone.MUTED),
                        switch_cell(node),
                    ),
                )
            )
    return rows


def split_interface(key: str) -> tuple[str, str] | None:
    """(node, network) of an interface row key."""
    node, sep, network = key.partition(" - ")
    return (node, network) if sep else None


def network_explanation(snap: ClusterSnapshot, network: str | None, interface: str | None) -> Cell:
    """One line about the selection: what the network carries, or why the interface is not Up."""
    net = next((n for n in snap.networks if n.name == network), None)
    if interface is not None:
        parts = split_interface(interface)
        if parts is not None:
            node = next((n for n in snap.nodes if n.name == parts[0]), None)
            net = next((n for n in snap.networks if n.name == parts[1]), None)
            if node is not None and net is not None:
                state = interface_state(node, net)
                why = {
                    "Up": f"{node.name} talks to the other nodes on {net.name}.",
                    "Unreachable": f"{node.name} is cut off {net.name} (a lab fault): heartbeats go over the other "
                    "networks; K reconnects it.",
                    "Failed": f"{net.name} is down: no node reaches another on it.",
                    "Unavailable": f"{node.name} is off or its Cluster service is not running.",
                }[state]
                if DEFAULT_SWITCH in node.switches_down:
                    why += f" Its virtual switch lost its uplink: protected VMs leave {node.name} (1255)."
                return Cell(why, _IF_STATE_TONE.get(state, Tone.NORMAL))
    if net is None:
        return Cell("")
    carries = {
        "ClusterAndClient": "heartbeats, CSV redirected I/O and client traffic",
        "Cluster": "heartbeats and CSV redirected I/O, no clients",
        "None": "nothing of the cluster's (not used for heartbeats)",
    }.get(net.role, net.role)
    lm = " It is a live migration network." if net.live_migration else ""
    return Cell(
        f"{net.name} ({net.gbps:g} Gb/s) carries {carries}; metric {net.metric} (lower is preferred).{lm} "
        "g changes its role."
    )


# actions ---------------------------------------------------------------------------------------


class NetworkVerb(StrEnum):
    ROLE = "role"  # the network's Role to the next one
    CUT = "cut"  # the interface's node loses the network (lab fault)
    UPLINK = "uplink"  # the node's virtual switch loses its uplink (lab fault)
    RECONNECT = "reconnect"  # Repair-LabFault -Node


#: Verbs that need an interface (a node), not only a network.
INTERFACE_VERBS: frozenset[NetworkVerb] = frozenset({NetworkVerb.CUT, NetworkVerb.UPLINK, NetworkVerb.RECONNECT})


def next_role(role: str) -> str:
    return ROLE_CYCLE[(ROLE_CYCLE.index(role) + 1) % len(ROLE_CYCLE)] if role in ROLE_CYCLE else ROLE_CYCLE[0]


def role_command(network: str, role: str) -> LabCommand:
    value = ROLE_VALUES[role]
    return LabCommand(
        f"Set network {network}'s role to {ROLE_TEXT[role]}",
        f"(Get-ClusterNetwork {ps_name(network)}).Role = {value}",
    )


def network_command(verb: NetworkVerb, network: str, node: str | None = None, role: str = "") -> LabCommand:
    """``role``: the network's role now (ROLE sets the next one); ``node``: the interface's node."""
    if verb is NetworkVerb.ROLE:
        return role_command(network, next_role(role))
    who = ps_name(node or "?")
    if verb is NetworkVerb.CUT:
        return LabCommand(
            f"Cut {node} off network {network} (lab fault)",
            f"Invoke-LabFault -Node {who} -Isolate -Network {ps_name(network)}",
        )
    if verb is NetworkVerb.UPLINK:
        return LabCommand(
            f"{node}'s virtual switch {DEFAULT_SWITCH} loses its uplink (lab fault)",
            f"Invoke-LabFault -Node {who} -SwitchUplink {DEFAULT_SWITCH}",
        )
    return LabCommand(f"Reconnect {node} (networks, switch uplinks, storage paths)", f"Repair-LabFault -Node {who}")


def network_verbs_that_apply(
    snap: ClusterSnapshot, network: str | None, interface: str | None
) -> frozenset[NetworkVerb]:
    """``interface``: the interface row selected (None while the networks table has focus)."""
    verbs: set[NetworkVerb] = set()
    if network is not None:
        verbs.add(NetworkVerb.ROLE)
    parts = split_interface(interface) if interface else None
    if parts is None:
        return frozenset(verbs)
    node = next((n for n in snap.nodes if n.name == parts[0]), None)
    net = next((n for n in snap.networks if n.name == parts[1]), None)
    if node is None or net is None:
        return frozenset(verbs)
    if node.name in net.disconnected or node.switches_down:
        verbs.add(NetworkVerb.RECONNECT)
    elif node.powered_on:
        verbs.add(NetworkVerb.CUT)
    if node.powered_on and DEFAULT_SWITCH not in node.switches_down:
        verbs.add(NetworkVerb.UPLINK)
    return frozenset(verbs)


def network_of(interface: str | None) -> str | None:
    parts = split_interface(interface) if interface else None
    return parts[1] if parts else None


def node_of(interface: str | None) -> str | None:
    parts = split_interface(interface) if interface else None
    return parts[0] if parts else None


def networks_attention(snap: ClusterSnapshot) -> int:
    """How many networks are not Up and switches lost their uplink: the Networks tab's count."""
    return sum(1 for n in snap.networks if n.state != "Up") + sum(len(n.switches_down) for n in snap.nodes)


def role_choices(networks: Sequence[NetworkSnapshot]) -> list[tuple[str, str]]:
    """(network, role) for every role each network does not have now: the palette's entries."""
    return [(net.name, role) for net in networks for role in ROLE_CYCLE if role != net.role]
