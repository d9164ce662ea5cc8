"""Hyper-V: Get-VM, Start-VM, Stop-VM, Save-VM (§11.7)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from clusterlab.sim import Cluster, VmSnapshot

from ..formatting import Column, View, register_view
from ..objects import PSObject, make
from ..registry import Invocation, Param, cmdlet
from ._common import guid, require_target, select, target_name, wait_for


def _view(profile: str) -> View:
    cols: list[str | Column] = [
        "Name",
        "State",
        Column("CPUUsage(%)", lambda o: o.get("CPUUsage")),
        Column("MemoryAssigned(M)", lambda o: (o.get("MemoryAssigned") or 0) // (1024 * 1024)),
        "Uptime",
        "Status",
    ]
    if profile not in ("2012", "2012R2"):
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
            "Uptime": timedelta(seconds=int(v.uptime_at(c.now))),
            "Status": "Operating normally",
            "Version": v.version,  # §9.1 configuration version (Update-VMVersion raises it)
            "ComputerName": v.host,
            "IsClustered": v.clustered,
            "Path": f"C:\\ClusterStorage\\{v.csv or 'Volume1'}\\{v.name}",
            "VMId": guid("vm:" + v.name),
            "Downtime": timedelta(seconds=int(v.downtime_at(c.now))),
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


@cmdlet(
    "Update-VMVersion",
    "Updates the configuration version of a virtual machine to the version its host supports.",
    (
        Param("Name", kind="strings", position=0, by_property=True, help="VM name(s)."),
        Param("VM", kind="object", pipeline=True),
        Param("Force", kind="switch", help="Do not ask for confirmation (clusterlab never asks)."),
        Param("Passthru", kind="switch"),
    ),
    module="Hyper-V",
    min_os="2016",
    noun_type="UpdateVMVersion",
    description="After a rolling upgrade (§9.1): the VM must be off (not running, not saved), and the cluster "
    "functional level must have reached its host's release — until Update-ClusterFunctionalLevel the VMs keep "
    "the old version so they can still move to down-level nodes. The upgrade cannot be undone.",
    examples=(("Stop-VM DC01; Update-VMVersion DC01 -Force; Start-VM DC01", "DC01 goes from 5.0 to 8.0."),),
)
def update_vm_version(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    if inv.has("VM") and not inv.has("Name"):
        inv.args["Name"] = [str(inv.get("VM"))]
    names = inv.get("Name") or [require_target(inv)]
    out = []
    for name in names:
        vm = c.vm(str(name)).name
        c.update_vm_version(vm)
        if inv.switch("Passthru"):
            out.append(vm_obj(c, c.vm(vm)))
    return out


# hosts and migrations -------------------------------------------------------------------

register_view(
    "VMHost",
    lambda profile: View(
        (
            "Name",
            "LogicalProcessorCount",
            "MemoryCapacity",
            "MaximumVirtualMachineMigrations",
            "VirtualMachineMigrationPerformanceOption",
        )
    ),
)
register_view(
    "Migration", lambda profile: View(("VM", "Type", "Source", "Destination", "State", "Pass", "Percent", "GBLeft"))
)


def host_obj(c: Cluster, name: str) -> PSObject:
    return make("Microsoft.HyperV.PowerShell.VMHost", dict(c.vm_host(name)))


@cmdlet(
    "Get-VMHost",
    "Gets a Hyper-V host: its live-migration settings (§5.2, §5.3).",
    (Param("ComputerName", kind="strings", position=0, help="Host name(s); default every node."),),
    module="Hyper-V",
    process=False,
    noun_type="GetVMHost",
)
def get_vm_host(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    names = select("node", c.node_names(), inv.get("ComputerName"), inv)
    return [host_obj(c, n) for n in names]


@cmdlet(
    "Set-VMHost",
    "Configures a Hyper-V host: simultaneous migrations and the live-migration performance option.",
    (
        Param("ComputerName", kind="strings", position=0, help="Host name(s); default every node."),
        Param("MaximumVirtualMachineMigrations", kind="int", help="Simultaneous live migrations (default 2)."),
        Param("MaximumStorageMigrations", kind="int", help="Simultaneous storage migrations (default 2)."),
        Param(
            "VirtualMachineMigrationPerformanceOption",
            kind="enum",
            choices=("TCPIP", "Compression", "SMB"),
            help="TCPIP, Compression (default since 2012 R2: CPU for bytes) or SMB (every LM network).",
        ),
        Param("Passthru", kind="switch"),
    ),
    module="Hyper-V",
    process=False,
    noun_type="SetVMHost",
    examples=(
        ("Set-VMHost -ComputerName HV01 -MaximumVirtualMachineMigrations 4", "Four at a time on HV01."),
        ("Set-VMHost -VirtualMachineMigrationPerformanceOption SMB", "Every host uses SMB (multichannel)."),
    ),
)
def set_vm_host(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    names = select("node", c.node_names(), inv.get("ComputerName"), inv)
    for n in names:
        c.set_vm_host(
            n,
            max_vm_migrations=inv.get("MaximumVirtualMachineMigrations"),
            max_storage_migrations=inv.get("MaximumStorageMigrations"),
            option=inv.get("VirtualMachineMigrationPerformanceOption"),
        )
    return [host_obj(c, n) for n in names] if inv.switch("Passthru") else []


@cmdlet(
    "Get-LabMigration",
    "Lab-only: the live and storage migrations of the lab (queued, running and finished) with their progress; "
    "a storage migration's Source and Destination are CSVs.",
    (
        Param("VM", kind="strings", position=0, help="Only these VMs."),
        Param("All", kind="switch", help="Include finished ones."),
        Param("Type", kind="enum", choices=("Live", "Storage"), help="Only live or only storage migrations."),
    ),
    module="Lab",
    lab_only=True,
    process=False,
)
def get_lab_migration(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    wanted = [v.lower() for v in inv.get("VM") or []]
    out = []
    kind = inv.get("Type")
    for m in sorted((*c.migrations(), *c.storage_migrations()), key=lambda m: (m.requested, m.kind, m.id)):
        if wanted and m.vm.lower() not in wanted:
            continue
        if kind and m.kind.lower() != str(kind).lower():
            continue
        if not inv.switch("All") and m.state in ("Done", "Canceled", "Failure"):
            continue
        out.append(
            make(
                "ClusterLab.Migration",
                {
                    "VM": m.vm,
                    "Type": m.kind,
                    "Source": m.source,
                    "Destination": m.target,
                    "State": m.state,
                    "Pass": m.passes,
                    "Percent": m.percent,
                    "GBLeft": m.gb_left,
                    "RateGBps": m.rate_gbps,
                },
            )
        )
    return out


@cmdlet(
    "Set-LabWorkload",
    "Lab-only: how busy a VM's guest is — memory dirtied per second, which makes live migrations take "
    "more passes and a longer blackout.",
    (
        Param("VM", kind="string", position=0, mandatory=True),
        Param("DirtyMBps", kind="float", position=1, mandatory=True),
    ),
    module="Lab",
    lab_only=True,
    process=False,
    examples=(("Set-LabWorkload -VM SQL01 -DirtyMBps 400", "SQL01 becomes a busy database server."),),
)
def set_lab_workload(inv: Invocation) -> Iterable[Any]:
    if not inv.has("VM") or not inv.has("DirtyMBps"):
        raise inv.fail(
            "Cannot process command because of one or more missing mandatory parameters: VM DirtyMBps.",
            "InvalidArgument",
        )
    inv.ctx.cluster.set_vm_workload(str(inv.get("VM")), float(inv.get("DirtyMBps")))
    return []


@cmdlet(
    "Stop-Computer",
    "Shuts down a cluster node's OS. With DrainOnShutdown = 1 (2012 R2+) the node drains first (§6.4).",
    (Param("ComputerName", kind="strings", position=0, mandatory=True), Param("Force", kind="switch")),
    module="Microsoft.PowerShell.Management",
    process=False,
    noun_type="StopComputerCommand",
)
def stop_computer(inv: Invocation) -> Iterable[Any]:
    return _shutdown(inv, restart=False)


@cmdlet(
    "Restart-Computer",
    "Restarts a cluster node's OS: drain on shutdown (2012 R2+), power off, boot, rejoin (§6.4).",
    (
        Param("ComputerName", kind="strings", position=0, mandatory=True),
        Param("Force", kind="switch"),
        Param("Wait", kind="switch"),
    ),
    module="Microsoft.PowerShell.Management",
    process=False,
    noun_type="RestartComputerCommand",
)
def restart_computer(inv: Invocation) -> Iterable[Any]:
    return _shutdown(inv, restart=True)


def _shutdown(inv: Invocation, restart: bool) -> Iterable[Any]:
    c = inv.ctx.cluster
    names = inv.get("ComputerName") or []
    if not names:
        raise inv.fail(
            "Cannot process command because of one or more missing mandatory parameters: ComputerName.",
            "InvalidArgument",
        )
    for n in names:
        c.shutdown_node(n, restart=restart)
    return []


@cmdlet(
    "Move-VMStorage",
    "Moves a running VM's files (VHDs, configuration) to another location while it keeps running (§5.6).",
    (
        Param("Name", kind="string", position=0, by_property=True, aliases=("VMName",)),
        Param(
            "DestinationStoragePath",
            kind="string",
            position=1,
            help="A folder on another CSV, e.g. C:\\ClusterStorage\\CSV2\\SQL01.",
        ),
        Param("VM", kind="object", pipeline=True),
        Param("Vhds", kind="hashtables"),
        Param("VirtualMachinePath", kind="string"),
        Param("SnapshotFilePath", kind="string"),
        Param("SmartPagingFilePath", kind="string"),
        Param("RetainVhdCopiesOnSource", kind="switch"),
        Param("AsJob", kind="switch"),
    ),
    module="Hyper-V",
    noun_type="MoveVMStorage",
    examples=(("Move-VMStorage SQL01 -DestinationStoragePath C:\\ClusterStorage\\CSV2\\SQL01", "Storage migration."),),
)
def move_vm_storage(inv: Invocation) -> Iterable[Any]:
    import re

    c = inv.ctx.cluster
    if inv.has("VM") and not inv.has("Name"):
        inv.args["Name"] = str(inv.get("VM"))
    name = _vm_name(inv)
    path = inv.get("DestinationStoragePath") or inv.get("VirtualMachinePath")
    if not path and inv.get("Vhds"):
        path = str(inv.get("Vhds")[0].get("DestinationFilePath", ""))
    if not path:
        raise inv.fail(
            "Cannot process command because of one or more missing mandatory parameters: DestinationStoragePath.",
            "InvalidArgument",
        )
    m = re.match(r"^[A-Za-z]:\\ClusterStorage\\([^\\]+)", str(path))
    csv_names = [v.name for v in c.snapshot().csvs]
    if not m:
        raise inv.fail(
            f"'{path}' is not on a Cluster Shared Volume: in a cluster, VM files live under "
            f"C:\\ClusterStorage\\<volume> ({', '.join(csv_names)}).",
            "InvalidArgument",
            str(path),
        )
    c.storage_migrate(name, m.group(1))
    # -AsJob returns at once (Get-LabMigration follows the copy); otherwise the cmdlet waits like Hyper-V's.
    wait_for(inv, lambda: not c.storage_migration_running(name), 0 if inv.switch("AsJob") else None)
    return []


# VM monitoring (§7.1) -------------------------------------------------------------------------

register_view("ClusterVMMonitoredItem", lambda profile: View(("Name",)))


def _monitored_vm(inv: Invocation) -> str:
    vm = inv.get("VirtualMachine") or target_name(inv, "VirtualMachine")
    if not vm:
        raise inv.fail(
            "Cannot process command because of one or more missing mandatory parameters: VirtualMachine.",
            "InvalidArgument",
        )
    return inv.ctx.cluster.vm(str(vm)).name


def _item(inv: Invocation) -> str:
    if inv.get("Service"):
        return str(inv.get("Service")[0])
    if inv.get("EventLog") and inv.get("EventSource") and inv.get("EventId") is not None:
        return f"{inv.get('EventLog')},{inv.get('EventSource')},{inv.get('EventId')}"
    raise inv.fail("Specify -Service, or -EventLog with -EventSource and -EventId.", "InvalidArgument")


_MONITOR_PARAMS = (
    Param("VirtualMachine", kind="string", position=0, aliases=("VM",), help="The clustered VM."),
    Param("Service", kind="strings", help="Service name(s) inside the guest, e.g. spooler."),
    Param("EventLog", kind="string"),
    Param("EventSource", kind="string"),
    Param("EventId", kind="int"),
    Param("OverrideServiceRecoveryActions", kind="switch"),
    Param("Wait", kind="int"),
    INPUT_VM := Param("InputObject", kind="object", pipeline=True),
)


@cmdlet(
    "Add-ClusterVMMonitoredItem",
    "Monitors a service or event-log item inside a clustered VM: when it fails past the guest's own recovery, the "
    "VM is restarted, then failed over (§7.1).",
    _MONITOR_PARAMS,
    examples=(("Add-ClusterVMMonitoredItem -VirtualMachine SQL01 -Service MSSQLSERVER", "Watch SQL Server."),),
    noun_type="AddClusterVMMonitoredItemCommand",
)
def add_monitored(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    vm = _monitored_vm(inv)
    item = _item(inv)
    c.add_monitored_item(vm, item)
    return [make("Microsoft.FailoverClusters.PowerShell.ClusterVMMonitoredItem", {"Name": item, "VirtualMachine": vm})]


@cmdlet(
    "Get-ClusterVMMonitoredItem",
    "Lists the services and events monitored inside a clustered VM.",
    (_MONITOR_PARAMS[0], INPUT_VM),
    noun_type="GetClusterVMMonitoredItemCommand",
)
def get_monitored(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    vm = _monitored_vm(inv)
    return [
        make("Microsoft.FailoverClusters.PowerShell.ClusterVMMonitoredItem", {"Name": i, "VirtualMachine": vm})
        for i in c.monitored_items(vm)
    ]


@cmdlet(
    "Remove-ClusterVMMonitoredItem",
    "Stops monitoring a service or event inside a clustered VM.",
    _MONITOR_PARAMS,
    noun_type="RemoveClusterVMMonitoredItemCommand",
)
def remove_monitored(inv: Invocation) -> Iterable[Any]:
    inv.ctx.cluster.remove_monitored_item(_monitored_vm(inv), _item(inv))
    return []


@cmdlet(
    "Reset-ClusterVMMonitoredState",
    "Clears the application-critical state VM monitoring set on a clustered VM.",
    (_MONITOR_PARAMS[0], INPUT_VM),
    noun_type="ResetClusterVMMonitoredStateCommand",
)
def reset_monitored(inv: Invocation) -> Iterable[Any]:
    inv.ctx.cluster.reset_monitored_state(_monitored_vm(inv))
    return []


# network adapters (§7.2) -----------------------------------------------------------------------

register_view(
    "VMNetworkAdapter", lambda profile: View(("Name", "IsManagementOs", "VMName", "SwitchName", "MacAddress", "Status"))
)


def _adapter(c: Cluster, vm: str) -> PSObject:
    switch, protected, healthy = c.vm_network_adapter(vm)
    return make(
        "Microsoft.HyperV.PowerShell.VMNetworkAdapter",
        {
            "Name": "Network Adapter",
            "IsManagementOs": False,
            "VMName": vm,
            "SwitchName": switch,
            "MacAddress": "00155D" + guid("mac:" + vm).replace("-", "")[:6].upper(),
            "Status": "{Ok}" if healthy else "{Degraded}",
            "NotMonitoredInCluster": not protected,
        },
    )


@cmdlet(
    "Get-VMNetworkAdapter",
    "Gets a VM's network adapters; NotMonitoredInCluster is the inverse of the Protected network setting (§7.2).",
    (Param("VMName", kind="strings", position=0, aliases=("Name",)), Param("VM", kind="object", pipeline=True)),
    module="Hyper-V",
    process=False,
    noun_type="GetVMNetworkAdapter",
)
def get_vm_network_adapter(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    names = select("virtual machine", c.vm_names(), inv.get("VMName"), inv)
    return [_adapter(c, n) for n in names]


@cmdlet(
    "Set-VMNetworkAdapter",
    "Configures a VM's network adapter: -NotMonitoredInCluster $true clears 'Protected network' (§7.2).",
    (
        Param("VMName", kind="string", position=0, aliases=("Name",)),
        Param("NotMonitoredInCluster", kind="bool"),
        Param("VM", kind="object", pipeline=True),
        Param("Passthru", kind="switch"),
    ),
    module="Hyper-V",
    noun_type="SetVMNetworkAdapter",
    examples=(
        ("Set-VMNetworkAdapter -VMName WEB01 -NotMonitoredInCluster $true", "WEB01 stays put on a switch failure."),
    ),
)
def set_vm_network_adapter(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    if inv.has("VM") and not inv.has("VMName"):
        inv.args["VMName"] = str(inv.get("VM"))
    vm = c.vm(require_target(inv, "VMName")).name
    if inv.has("NotMonitoredInCluster"):
        c.set_protected_network(vm, not inv.get("NotMonitoredInCluster"))
    return [_adapter(c, vm)] if inv.switch("Passthru") else []


register_view(
    "HardDiskDrive",
    lambda profile: View(("VMName", "ControllerType", "ControllerNumber", "ControllerLocation", "DiskNumber", "Path")),
)


def _disk(vm: str, i: int, path: str, shared: bool) -> PSObject:
    return make(
        "Microsoft.HyperV.PowerShell.HardDiskDrive",
        {
            "VMName": vm,
            "ControllerType": "SCSI",
            "ControllerNumber": 0,
            "ControllerLocation": i,
            "DiskNumber": None,
            "Path": path,
            "SupportPersistentReservations": shared,
        },
    )


@cmdlet(
    "Get-VMHardDiskDrive",
    "Gets a VM's virtual hard disks; a shared VHDX shows SupportPersistentReservations True.",
    (Param("VMName", kind="strings", position=0, aliases=("Name",)), Param("VM", kind="object", pipeline=True)),
    module="Hyper-V",
    process=False,
    noun_type="GetVMHardDiskDrive",
    examples=(("Get-VMHardDiskDrive -VMName SQLN1 | Format-List Path, SupportPersistentReservations", ""),),
)
def get_vm_hard_disk_drive(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    names = select("virtual machine", c.vm_names(), inv.get("VMName"), inv)
    return [_disk(n, i, path, shared) for n in names for i, (path, shared) in enumerate(c.vm_disks(n))]


@cmdlet(
    "Add-VMHardDiskDrive",
    "Attaches a virtual hard disk to a VM; -SupportPersistentReservations makes a VHDX on a CSV shared "
    "(guest clustering, 2012 R2+).",
    (
        Param("VMName", kind="string", position=0, aliases=("Name",)),
        Param(
            "Path", kind="string", position=1, help="The VHDX file, e.g. C:\\ClusterStorage\\CSV1\\SQLGC\\Data.vhdx."
        ),
        Param("SupportPersistentReservations", kind="switch", help="Share the disk (SCSI persistent reservations)."),
        Param("ControllerType", kind="enum", choices=("SCSI", "IDE"), help="Shared VHDX needs SCSI."),
        Param("ControllerNumber", kind="int"),
        Param("ControllerLocation", kind="int"),
        Param("Passthru", kind="switch"),
    ),
    module="Hyper-V",
    process=False,
    noun_type="AddVMHardDiskDrive",
    examples=(
        (
            "Add-VMHardDiskDrive -VMName SQLN2 -Path C:\\ClusterStorage\\CSV1\\SQLGC\\Data.vhdx "
            "-SupportPersistentReservations",
            "SQLN2 gets the guest cluster's shared disk.",
        ),
    ),
)
def add_vm_hard_disk_drive(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    vm = require_target(inv, "VMName")
    path = inv.get("Path")
    if not path:
        raise inv.fail(
            "Cannot process command because of one or more missing mandatory parameters: Path.", "InvalidArgument"
        )
    if inv.get("ControllerType") == "IDE" and inv.switch("SupportPersistentReservations"):
        raise inv.fail("A shared virtual hard disk must be attached to a SCSI controller.", "InvalidArgument")
    full = c.attach_vm_disk(vm, str(path), inv.switch("SupportPersistentReservations"))
    if inv.switch("Passthru"):
        return [_disk(vm, len(c.vm_disks(vm)) - 1, full, True)]
    return []


@cmdlet(
    "Export-VM",
    "Exports a VM's configuration and virtual hard disks to a folder (a running VM too, from 2012 R2).",
    (
        Param("Name", kind="string", position=0, aliases=("VMName",), help="The VM to export."),
        Param("Path", kind="string", position=1, help="The folder; the export goes to <Path>\\<Name>."),
        Param("Passthru", kind="switch"),
    ),
    module="Hyper-V",
    process=False,
    noun_type="ExportVM",
    examples=(("Export-VM -Name APP01 -Path E:\\Exports", "Writes E:\\Exports\\APP01 (simulated)."),),
)
def export_vm(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = require_target(inv)
    path = inv.get("Path")
    if not path:
        raise inv.fail(
            "Cannot process command because of one or more missing mandatory parameters: Path.", "InvalidArgument"
        )
    e = c.export_vm(name, str(path))
    wait_for(inv, lambda: any(x.folder == e.folder for x in c.exports()), None, default_s=24 * 3600.0)
    return []


@cmdlet(
    "Import-VM",
    "Imports an exported VM: in place, restored (-Copy) or as a copy with a new ID (-Copy -GenerateNewId). "
    "It is not highly available until Add-ClusterVirtualMachineRole.",
    (
        Param("Path", kind="string", position=0, help="The export folder or its configuration file."),
        Param("Copy", kind="switch", help="Copy the files instead of registering them where they are."),
        Param("GenerateNewId", kind="switch", help="Give the copy a new VM ID (with -Copy)."),
        Param("VhdDestinationPath", kind="string", help="With -Copy: where the VHDs go (a CSV path for a cluster)."),
        Param("VirtualMachinePath", kind="string", help="With -Copy: where the configuration goes (recorded)."),
        Param("ComputerName", kind="string", help="The host to import on (default: the first node that is Up)."),
        Param("Register", kind="switch", help="Register in place (the default without -Copy)."),
    ),
    module="Hyper-V",
    process=False,
    noun_type="ImportVM",
    examples=(
        (
            "Import-VM -Path E:\\Exports\\LEGACY01 -Copy -GenerateNewId "
            "-VhdDestinationPath C:\\ClusterStorage\\CSV1\\LEGACY01",
            "A copy on a CSV, ready to be made highly available.",
        ),
    ),
)
def import_vm(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    path = inv.get("Path")
    if not path:
        raise inv.fail(
            "Cannot process command because of one or more missing mandatory parameters: Path.", "InvalidArgument"
        )
    name = c.import_vm(
        str(path),
        inv.get("ComputerName"),
        copy=inv.switch("Copy"),
        new_id=inv.switch("GenerateNewId"),
        vhd_path=inv.get("VhdDestinationPath"),
    )
    return [vm_obj(c, c.vm(name))]


@cmdlet(
    "Add-ClusterVirtualMachineRole",
    "Makes a VM highly available: it becomes a clustered role that fails over (its files must be on a CSV).",
    (
        Param("VMName", kind="string", position=0, aliases=("VirtualMachine",), help="The VM."),
        Param("Name", kind="string", help="The role's name (this lab: the VM's name)."),
        Param("Cluster", kind="string", help="The cluster (this lab has one)."),
    ),
    process=False,
    noun_type="AddClusterVirtualMachineRoleCommand",
    examples=(("Add-ClusterVirtualMachineRole -VMName LEGACY01", "LEGACY01 becomes a clustered role."),),
)
def add_cluster_virtual_machine_role(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    name = require_target(inv, "VMName")
    c.add_vm_role(name)
    from ._common import group_obj

    return [group_obj(c, c.group(name))]
