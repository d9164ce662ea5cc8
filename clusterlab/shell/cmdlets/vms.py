"""Hyper-V: Get-VM, Start-VM, Stop-VM, Save-VM (§11.7)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from clusterlab.sim import Cluster, VmSnapshot

from ..formatting import Column, View, register_view
from ..objects import PSObject, make
from ..registry import Invocation, Param, cmdlet
from ._common import guid, require_target, select, wait_for

VERSION = {"2012R2": "5.0", "2016": "8.0", "2019": "9.0", "2022": "10.0"}


def _view(profile: str) -> View:
    cols: list[str | Column] = [
        "Name",
        "State",
        Column("CPUUsage(%)", lambda o: o.get("CPUUsage")),
        Column("MemoryAssigned(M)", lambda o: (o.get("MemoryAssigned") or 0) // (1024 * 1024)),
        "Uptime",
        "Status",
    ]
    if profile != "2012R2":
        cols.append("Version")  # §11.7: the Version column exists from 2016
    return View(tuple(cols))  # type: ignore[arg-type]


register_view("VirtualMachine", _view)


def vm_obj(c: Cluster, v: VmSnapshot) -> PSObject:
    running = v.state.value == "Running"
    return make(
        "Microsoft.HyperV.PowerShell.VirtualMachine",
        {
            "Name": v.name,
            "State": v.state.value,
            "CPUUsage": 3 if running else 0,
            "MemoryAssigned": int(v.memory_gb * 1024**3) if running or v.state.value == "Starting" else 0,
            "MemoryStartup": int(v.memory_gb * 1024**3),
            "Uptime": timedelta(seconds=int(v.uptime_s)),
            "Status": "Operating normally",
            "Version": VERSION.get(c.profile.name, "10.0"),
            "ComputerName": v.host,
            "IsClustered": True,
            "Path": f"C:\\ClusterStorage\\{v.csv or 'Volume1'}\\{v.name}",
            "VMId": guid("vm:" + v.name),
            "Downtime": timedelta(seconds=int(v.downtime_s)),
            "Migrations": v.migrations,
        },
    )


@cmdlet(
    "Get-VM",
    "Gets the virtual machines of the cluster's hosts.",
    (
        Param("Name", kind="strings", position=0, help="VM name(s); wildcards allowed."),
        Param("ComputerName", kind="strings", help="Only VMs on these hosts."),
        Param("ClusterObject", kind="object", pipeline=True, help="A clustered role from Get-ClusterGroup."),
    ),
    process=False,
    module="Hyper-V",
    noun_type="GetVM",
    examples=(
        ("Get-VM", "Every VM with its state, memory and uptime."),
        ("Get-VM -ComputerName HV02", "The VMs running on HV02."),
    ),
)
def get_vm(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    snap = c.snapshot()
    vms = {v.name: v for v in snap.vms}
    names = list(vms)
    piped = [o for o in inv.input if isinstance(o, PSObject)]
    if piped:
        wanted = {str(o.get("Name")) for o in piped}
        names = [n for n in names if n in wanted]
    names = select("virtual machine", names, inv.get("Name"), inv)
    hosts = [h.lower() for h in inv.get("ComputerName") or []]
    for h in hosts:
        if h not in (n.lower() for n in c.node_names()):
            raise inv.fail(f"Hyper-V was unable to find a host named '{h}'.", "ObjectNotFound", h)
    return [vm_obj(c, vms[n]) for n in names if not hosts or vms[n].host.lower() in hosts]


def _vm_name(inv: Invocation) -> str:
    return inv.ctx.cluster.vm(require_target(inv)).name


def _settled(c: Cluster, name: str) -> bool:
    return c.vm(name).state.value in ("Running", "Off", "Saved")


@cmdlet(
    "Start-VM",
    "Starts a virtual machine (a clustered VM starts through its role).",
    (
        Param("Name", kind="string", position=0, by_property=True),
        Param("VM", kind="object", pipeline=True),
        Param("Passthru", kind="switch"),
    ),
    module="Hyper-V",
    noun_type="StartVM",
)
def start_vm(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    if inv.has("VM") and not inv.has("Name"):
        inv.args["Name"] = str(inv.get("VM"))
    name = _vm_name(inv)
    c.start_group(name)
    wait_for(inv, lambda: _settled(c, name))
    return [vm_obj(c, c.vm(name))] if inv.switch("Passthru") else []


@cmdlet(
    "Stop-VM",
    "Shuts down, turns off, or saves a virtual machine.",
    (
        Param("Name", kind="string", position=0, by_property=True),
        Param("VM", kind="object", pipeline=True),
        Param("TurnOff", kind="switch", help="Power off at once (no guest shutdown)."),
        Param("Save", kind="switch", help="Save the VM's state instead of shutting it down."),
        Param("Force", kind="switch"),
        Param("Passthru", kind="switch"),
    ),
    module="Hyper-V",
    noun_type="StopVM",
)
def stop_vm(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    if inv.has("VM") and not inv.has("Name"):
        inv.args["Name"] = str(inv.get("VM"))
    name = _vm_name(inv)
    action = "turnoff" if inv.switch("TurnOff") else "save" if inv.switch("Save") else "shutdown"
    c.stop_group(name, action)
    wait_for(inv, lambda: _settled(c, name))
    return [vm_obj(c, c.vm(name))] if inv.switch("Passthru") else []


@cmdlet(
    "Save-VM",
    "Saves a virtual machine (its memory is written to disk; the role goes offline).",
    (
        Param("Name", kind="string", position=0, by_property=True),
        Param("VM", kind="object", pipeline=True),
        Param("Passthru", kind="switch"),
    ),
    module="Hyper-V",
    noun_type="SaveVM",
)
def save_vm(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    if inv.has("VM") and not inv.has("Name"):
        inv.args["Name"] = str(inv.get("VM"))
    name = _vm_name(inv)
    c.stop_group(name, "save")
    wait_for(inv, lambda: _settled(c, name))
    return [vm_obj(c, c.vm(name))] if inv.switch("Passthru") else []
