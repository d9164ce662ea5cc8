"""Get-/Set-ClusterQuorum (§1.2, §11.5, §11.11)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from clusterlab.sim import Cluster, WitnessType

from ..formatting import View, register_view
from ..objects import PSObject, make
from ..registry import Invocation, Param, cmdlet
from ._common import FC

# §11.5: 2012 R2 prints Cluster QuorumResource QuorumType; the 2016+ default view is not
# verified — the reference says to assume Cluster and QuorumResource, QuorumType as a property.
register_view(
    "ClusterQuorumSettings",
    lambda profile: View(
        ("Cluster", "QuorumResource", "QuorumType") if profile in ("2012", "2012R2") else ("Cluster", "QuorumResource")
    ),
)


def quorum_obj(c: Cluster) -> PSObject:
    q = c.quorum()
    return make(
        FC + "ClusterQuorumSettings",
        {"Cluster": c.name, "QuorumResource": q.witness_resource, "QuorumType": q.quorum_type},
        display=c.name,
    )


@cmdlet(
    "Get-ClusterQuorum",
    "Gets information about the quorum configuration of a failover cluster.",
    (Param("InputObject", kind="object", pipeline=True),),
    process=False,
    noun_type="GetClusterQuorumCommand",
    examples=(("Get-ClusterQuorum", "The witness resource and the quorum type."),),
)
def get_cluster_quorum(inv: Invocation) -> Iterable[Any]:
    return [quorum_obj(inv.ctx.cluster)]


@cmdlet(
    "Set-ClusterQuorum",
    "Configures the quorum witness of a failover cluster.",
    (
        Param("NoWitness", kind="switch", help="Node majority, no witness."),
        Param("DiskWitness", kind="string", help="Use this cluster disk as the witness (not a CSV)."),
        Param("FileShareWitness", kind="string", help="Use this SMB share (\\\\server\\share) as the witness."),
        Param("CloudWitness", kind="switch", min_os="2016", help="Use an Azure storage account blob (2016+)."),
        Param("AccountName", kind="string", min_os="2016", help="Storage account for the cloud witness."),
        Param("AccessKey", kind="string", min_os="2016", help="Access key of the storage account."),
        Param("Endpoint", kind="string", min_os="2016", help="Azure service endpoint (default core.windows.net)."),
        Param("DiskOnly", kind="string", help="Legacy 'No majority: disk only' (not recommended, §1.2)."),
        Param("NodeMajority", kind="switch", help="Legacy name of -NoWitness."),
        Param("NodeAndDiskMajority", kind="string", help="Legacy name of -DiskWitness."),
        Param("NodeAndFileShareMajority", kind="string", help="Legacy name of -FileShareWitness."),
        Param("InputObject", kind="object", pipeline=True),
    ),
    process=False,
    noun_type="SetClusterQuorumCommand",
    examples=(
        ("Set-ClusterQuorum -FileShareWitness \\\\FS01\\Witness", "A file share witness."),
        ("Set-ClusterQuorum -CloudWitness -AccountName mystorage -AccessKey <key>", "A cloud witness (2016+)."),
        ("Set-ClusterQuorum -NoWitness", "Node majority only."),
    ),
)
def set_cluster_quorum(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    os_name = c.profile.name
    for legacy, modern in (
        ("NodeMajority", "NoWitness"),
        ("NodeAndDiskMajority", "DiskWitness"),
        ("NodeAndFileShareMajority", "FileShareWitness"),
    ):
        if inv.has(legacy):
            inv.args[modern] = inv.args.pop(legacy)
    chosen = [p for p in ("NoWitness", "DiskWitness", "FileShareWitness", "CloudWitness", "DiskOnly") if inv.has(p)]
    if len(chosen) != 1:
        raise inv.fail(
            "Parameter set cannot be resolved using the specified named parameters. Use exactly one of "
            "-NoWitness, -DiskWitness, -FileShareWitness, -CloudWitness.",
            "InvalidArgument",
        )
    kind = chosen[0]
    if any(inv.has(p) for p in ("CloudWitness", "AccountName", "AccessKey", "Endpoint")) and os_name in (
        "2012",
        "2012R2",
    ):
        raise inv.fail("A parameter cannot be found that matches parameter name 'CloudWitness'.", "InvalidArgument")
    if kind == "NoWitness":
        c.set_witness(WitnessType.NONE)
    elif kind in ("DiskWitness", "DiskOnly"):
        if kind == "DiskOnly":
            raise inv.fail(
                "The 'No majority: disk only' model is not simulated: it makes the disk a single point of "
                "failure and 'should not be selected' (§1.2). Use -DiskWitness.",
                "NotImplemented",
            )
        c.set_witness(WitnessType.DISK, str(inv.get("DiskWitness")))
    elif kind == "FileShareWitness":
        c.set_witness(WitnessType.FILE_SHARE, str(inv.get("FileShareWitness")))
    else:
        if not inv.has("AccountName") or not inv.has("AccessKey"):
            raise inv.fail(
                "Cannot process command because of one or more missing mandatory parameters: AccountName AccessKey.",
                "InvalidArgument",
            )
        c.set_witness(WitnessType.CLOUD, str(inv.get("AccountName")))
    return [quorum_obj(c)]
