"""Export, import and copy VMs (74-409 "import, export and copy VMs"), and VMs that are not clustered.

``Export-VM`` copies a VM's configuration and virtual hard disks to a folder (a running VM too,
from 2012 R2: live export). ``Import-VM`` registers an exported VM on a host in one of the three
ways Hyper-V offers: **register in place** (the files stay where they are and keep the VM's ID),
**restore** (``-Copy``: the files are copied, the ID is kept) or **copy** (``-Copy
-GenerateNewId``: a new ID, so the original can still exist). An imported VM is *not* highly
available: it runs on its host only, does not fail over and is not drained, until
``Add-ClusterVirtualMachineRole`` makes it a clustered role — which needs its files on a CSV.

Paths are simulated: nothing on this computer is read or written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from . import profiles as P
from .errors import InvalidArgumentError, InvalidStateError, ObjectNotFoundError
from .model import ACTIVE_VM_STATES, Group, Vm, World
from .snapshots import GroupType, VmState

#: Export copy rate (GB/s) of configuration and VHDs — not in the reference; the same order as a
#: quick migration's save (§5.5).
EXPORT_GBPS = 0.5


def vm_id(name: str, generation: int = 0) -> str:
    h = hashlib.sha256(f"vm:{name}:{generation}".encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}".upper()


@dataclass(frozen=True, slots=True)
class ExportedVm:
    folder: str  # e.g. E:\Exports\APP01
    name: str
    vm_id: str
    memory_gb: float
    vhd_gb: float
    version: str
    config_file: str  # ...\Virtual Machines\<ID>.xml (2012 R2) or .vmcx (2016+)


def _norm(path: str) -> str:
    return path.replace("/", "\\").rstrip("\\").lower()


def csv_of(path: str, csvs: list[str]) -> str | None:
    """The CSV a path is on (C:\\ClusterStorage\\<CSV>\\...), or None for local or other storage."""
    parts = path.replace("/", "\\").split("\\")
    if len(parts) >= 3 and parts[0].lower() == "c:" and parts[1].lower() == "clusterstorage":
        for c in csvs:
            if c.lower() == parts[2].lower():
                return c
    return None


class VmFiles:
    def __init__(self, world: World) -> None:
        self.w = world
        self.exports: dict[str, ExportedVm] = {}  # folder (normalised) -> export
        self.ids: dict[str, str] = {}  # VM name -> its ID
        self._generation = 0

    def id_of(self, vm: str) -> str:
        return self.ids.setdefault(vm, vm_id(vm))

    def add_export(self, e: ExportedVm) -> None:
        self.exports[_norm(e.folder)] = e

    def find(self, path: str) -> ExportedVm:
        """An export by its folder, or by its configuration file inside it."""
        p = _norm(path)
        for folder, e in self.exports.items():
            if p == folder or p.startswith(folder + "\\"):
                return e
        raise ObjectNotFoundError("exported virtual machine", path)

    def export(self, vm: Vm, folder_root: str) -> tuple[ExportedVm, float]:
        """The export that Export-VM will write and how long it takes."""
        w = self.w
        if not folder_root.strip():
            raise InvalidArgumentError("Export-VM needs -Path: the folder to export to.")
        if not w.profile.compute_resiliency and w.profile.name == "2012" and vm.state in ACTIVE_VM_STATES:
            raise InvalidStateError(f"'{vm.name}' is running: Windows Server 2012 exports only a stopped VM.")
        folder = folder_root.replace("/", "\\").rstrip("\\") + "\\" + vm.name
        if _norm(folder) in self.exports:
            raise InvalidStateError(f"'{folder}' already holds an export: choose another -Path.")
        ext = "xml" if w.profile.name in ("2012", "2012R2") else "vmcx"
        ident = self.id_of(vm.name)
        e = ExportedVm(
            folder,
            vm.name,
            ident,
            vm.memory_gb,
            vm.vhd_gb,
            vm.version or P.VM_CONFIG_VERSION.get(w.profile.name, ""),
            f"{folder}\\Virtual Machines\\{ident}.{ext}",
        )
        return e, 5.0 + vm.vhd_gb / EXPORT_GBPS

    def import_vm(self, path: str, host: str, *, copy: bool, new_id: bool, vhd_path: str | None) -> Vm:
        """Import-VM: a VM that is not clustered, Off, on ``host``."""
        w = self.w
        e = self.find(path)
        if new_id and not copy:
            raise InvalidArgumentError("-GenerateNewId needs -Copy: a new ID means new files.")
        ident = e.vm_id
        if new_id:
            self._generation += 1
            ident = vm_id(e.name, self._generation)
        elif ident in self.ids.values():
            raise InvalidStateError(
                f"A virtual machine with the ID {ident} is already registered (the export's source): import a "
                "copy with -Copy -GenerateNewId, or remove the original first."
            )
        if e.name in w.vms:
            raise InvalidStateError(
                f"A virtual machine named '{e.name}' exists: clusterlab keeps VM names unique, so remove or "
                "rename the original before importing this copy."
            )
        csvs = list(w.csvs)
        where = vhd_path if copy and vhd_path else e.folder
        csv = csv_of(where, csvs)
        if copy and vhd_path and csv is None and not vhd_path.lower().startswith(("c:\\", "d:\\", "e:\\")):
            raise InvalidArgumentError(f"'{vhd_path}' is not a local folder or a CSV path.")
        g = Group(e.name, GroupType.VIRTUAL_MACHINE, host, intended_online=False)
        vm = Vm(e.name, g, e.memory_gb, e.vhd_gb, csv, P.VM_BOOT_S)
        vm.host = host
        vm.state = VmState.OFF
        vm.history.append((w.now, VmState.OFF, host))
        vm.version = e.version
        g.vm = vm
        w.vms[e.name] = vm
        w.standalone[e.name] = vm
        self.ids[e.name] = ident
        how = "copied with a new ID" if new_id else ("restored (copied, same ID)" if copy else "registered in place")
        w.emit("VmImported", e.name, vm=e.name, host=host, how=how, where=where)
        return vm
