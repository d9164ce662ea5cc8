"""Fault domains (2016+ site awareness, §1.7): Get-, New-, Set-ClusterFaultDomain."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..formatting import View, register_view
from ..objects import make
from ..registry import Invocation, Param, cmdlet
from ._common import FC, require_target

register_view("ClusterFaultDomain", lambda profile: View(("Name", "Type", "ParentName", "ChildrenNames", "Location")))


@cmdlet(
    "Get-ClusterFaultDomain",
    "Gets the fault domains: each site with its nodes, and each node with its site.",
    (
        Param("Name", kind="strings", position=0, help="Only these fault domains."),
        Param("Type", kind="enum", choices=("Site", "Node"), help="Only sites, or only nodes."),
    ),
    min_os="2016",
    process=False,
    examples=(("Get-ClusterFaultDomain -Type Site", "The sites and the nodes in each."),),
)
def get_cluster_fault_domain(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    out = []
    sites = c.fault_domains()
    if inv.get("Type") in (None, "Site"):
        for site, nodes in sites:
            out.append(
                make(
                    FC + "ClusterFaultDomain",
                    {"Name": site, "Type": "Site", "ParentName": "", "ChildrenNames": list(nodes), "Location": ""},
                )
            )
    if inv.get("Type") in (None, "Node"):
        for n in c.snapshot().nodes:
            out.append(
                make(
                    FC + "ClusterFaultDomain",
                    {"Name": n.name, "Type": "Node", "ParentName": n.site or "", "ChildrenNames": [], "Location": ""},
                )
            )
    names = [str(x).lower() for x in inv.get("Name") or []]
    return [o for o in out if not names or str(o.get("Name")).lower() in names]


@cmdlet(
    "New-ClusterFaultDomain",
    "Creates a fault domain; clusterlab models sites (site awareness, 2016+).",
    (
        Param("Name", kind="string", position=0, mandatory=True, help="The site's name, e.g. Seattle."),
        Param("FaultDomainType", kind="enum", choices=("Site",), aliases=("Type",), help="Site."),
        Param("Location", kind="string", help="Free text (recorded)."),
        Param("Description", kind="string", help="Free text (recorded)."),
    ),
    min_os="2016",
    process=False,
    examples=(("New-ClusterFaultDomain -Name Seattle -Type Site", "A site to put nodes in."),),
)
def new_cluster_fault_domain(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = require_target(inv)
    c.new_site(name)
    return []


@cmdlet(
    "Set-ClusterFaultDomain",
    "Puts a node in a site (-Parent); an empty -Parent takes it out.",
    (
        Param("Name", kind="string", position=0, mandatory=True, help="The node."),
        Param("Parent", kind="string", help="The site the node belongs to."),
        Param("Location", kind="string", help="Free text (recorded)."),
        Param("Description", kind="string", help="Free text (recorded)."),
    ),
    min_os="2016",
    process=False,
    examples=(("Set-ClusterFaultDomain -Name HV03 -Parent Redmond", "HV03 is in the Redmond site."),),
)
def set_cluster_fault_domain(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = require_target(inv)
    if not inv.has("Parent"):
        return []
    c.set_node_site(name, str(inv.get("Parent") or "") or None)
    return []
