"""Guest clusters: a failover cluster whose nodes are VMs of this cluster, sharing VHDX files (§12.1
"configure guest clustering"; shared VHDX 2012 R2+).

The guest cluster runs one clustered role on one member VM. The members watch each other with
their own heartbeat (SameSubnetThreshold × 1 s inside the guest; 5 s by default on a 2012 R2 guest,
§2.2 [S67]). A member that stops running — its host crashed, it was turned off, or a live
migration's blackout lasted longer than the guest threshold (§5.1 [S67]) — is declared down when
the threshold has passed; if it owned the role, the role moves to another member that runs and
has every shared disk attached. Only members with all shared VHDX files attached (with
``-SupportPersistentReservations``) can own the role. Shared VHDX files must be on a CSV or SOFS
and cannot be moved by storage migration (§5.6).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import InvalidArgumentError, InvalidStateError, ObjectNotFoundError
from .model import Vm, World
from .snapshots import VmState

#: Time the guest cluster takes to bring its role online on another member (not in the reference).
GUEST_FAILOVER_S = 10.0
#: §2.2 [S67]: a 2012 R2 guest cluster's SameSubnetThreshold × SameSubnetDelay.
GUEST_THRESHOLD_S = 5.0


@dataclass(eq=False)
class GuestCluster:
    name: str
    members: list[str]
    role: str
    shared: list[tuple[str, str]]  # (file name, CSV)
    threshold_s: float = GUEST_THRESHOLD_S
    attached: dict[str, set[str]] = field(default_factory=dict)  # member -> shared files attached
    owner: str | None = None
    online: bool = False
    down: set[str] = field(default_factory=set)  # members the guest cluster considers down
    failovers: int = 0
    epoch: int = 0  # bumped when a pending failover is superseded

    def ready(self, member: str) -> bool:
        """Has every shared disk: can own the role."""
        return self.attached.get(member, set()) >= {f for f, _ in self.shared}


@dataclass(frozen=True, slots=True)
class GuestClusterSnapshot:
    name: str
    role: str
    state: str  # Online / Offline / Pending
    owner: str | None
    members: tuple[str, ...]
    members_down: tuple[str, ...]
    ready: tuple[str, ...]  # members with every shared disk attached
    shared: tuple[tuple[str, str], ...]
    threshold_s: float
    failovers: int


class GuestClusters:
    def __init__(self, world: World) -> None:
        self.w = world
        self.clusters: dict[str, GuestCluster] = {}
        self._by_vm: dict[str, list[GuestCluster]] = {}

    def add(self, gc: GuestCluster) -> None:
        w = self.w
        if gc.name.lower() in (n.lower() for n in self.clusters):
            raise InvalidArgumentError(f"Duplicate guest cluster name '{gc.name}'.")
        if len(gc.members) < 2:
            raise InvalidArgumentError(f"Guest cluster '{gc.name}' needs at least two member VMs.")
        for m in gc.members:
            if m not in w.vms:
                raise ObjectNotFoundError("VM", m)
        for file, csv in gc.shared:
            if csv not in w.csvs:
                raise InvalidArgumentError(
                    f"Guest cluster '{gc.name}': the shared VHDX '{file}' must be on a CSV or SOFS share; "
                    f"'{csv}' is not a CSV of this cluster."
                )
        self.clusters[gc.name] = gc
        for m in gc.members:
            self._by_vm.setdefault(m, []).append(gc)

    def start(self) -> None:
        """At lab start the role runs on the first ready member that is running."""
        for gc in self.clusters.values():
            gc.owner = next((m for m in gc.members if self._usable(gc, m)), None)
            gc.online = gc.owner is not None

    def _usable(self, gc: GuestCluster, member: str) -> bool:
        return self.w.vms[member].state is VmState.RUNNING and gc.ready(member) and member not in gc.down

    # the VM's state changed (Roles.set_vm) ----------------------------------------------------------

    def vm_changed(self, vm: Vm, old: VmState, new: VmState) -> None:
        for gc in self._by_vm.get(vm.name, ()):
            if new is VmState.RUNNING:
                if vm.name in gc.down:
                    gc.down.discard(vm.name)
                    self.w.emit("GuestNodeUp", gc.name, cluster=gc.name, vm=vm.name)
                if not gc.online and gc.owner is None and gc.ready(vm.name):
                    self._move(gc, vm.name, "a member is running again")
            elif old is VmState.RUNNING:

                def check(gc: GuestCluster = gc, name: str = vm.name) -> None:
                    if self.w.vms[name].state is VmState.RUNNING or name in gc.down:
                        return  # back within the guest threshold (a short live-migration blackout)
                    self._member_down(gc, name)

                self.w.after(gc.threshold_s, check)

    def _member_down(self, gc: GuestCluster, name: str) -> None:
        w = self.w
        gc.down.add(name)
        w.emit("GuestNodeDown", gc.name, cluster=gc.name, vm=name, threshold=f"{gc.threshold_s:g}")
        if gc.owner != name:
            return
        gc.online = False
        gc.owner = None
        target = next((m for m in gc.members if m != name and self._usable(gc, m)), None)
        if target is None:
            w.emit("GuestRoleOffline", gc.name, cluster=gc.name, role=gc.role)
            return
        self._move(gc, target, f"{name} stopped answering the guest heartbeat")

    def _move(self, gc: GuestCluster, target: str, why: str) -> None:
        w = self.w
        gc.epoch += 1
        epoch = gc.epoch
        gc.owner = target
        w.emit("GuestRoleMoving", gc.name, cluster=gc.name, role=gc.role, vm=target, why=why)

        def online() -> None:
            if gc.epoch != epoch:
                return
            if not self._usable(gc, target):
                gc.owner = None
                nxt = next((m for m in gc.members if self._usable(gc, m)), None)
                if nxt is not None:
                    self._move(gc, nxt, f"{target} could not take it")
                else:
                    w.emit("GuestRoleOffline", gc.name, cluster=gc.name, role=gc.role)
                return
            gc.online = True
            gc.failovers += 1
            w.emit("GuestRoleOnline", gc.name, cluster=gc.name, role=gc.role, vm=target)

        w.after(GUEST_FAILOVER_S, online)

    # administration ------------------------------------------------------------------------------------

    def of_vm(self, vm: str) -> list[GuestCluster]:
        return list(self._by_vm.get(vm, ()))

    def get(self, name: str) -> GuestCluster:
        for n, gc in self.clusters.items():
            if n.lower() == name.lower():
                return gc
        raise ObjectNotFoundError("guest cluster", name)

    def attach(self, vm: str, path: str, persistent_reservations: bool) -> str:
        """Add-VMHardDiskDrive -Path <shared VHDX> -SupportPersistentReservations on a member."""
        file = path.replace("/", "\\").rsplit("\\", 1)[-1]
        for gc in self.of_vm(vm):
            for shared_file, csv in gc.shared:
                if shared_file.lower() != file.lower():
                    continue
                if not persistent_reservations:
                    raise InvalidArgumentError(
                        f"'{file}' is a shared VHDX of guest cluster '{gc.name}': attach it with "
                        "-SupportPersistentReservations (that is what makes it shared)."
                    )
                if not path.lower().startswith("c:\\clusterstorage\\"):
                    raise InvalidArgumentError(
                        f"A shared VHDX must be on a Cluster Shared Volume (C:\\ClusterStorage\\...) or an SOFS "
                        f"share; '{path}' is neither."
                    )
                have = gc.attached.setdefault(vm, set())
                if shared_file in have:
                    raise InvalidStateError(f"'{shared_file}' is already attached to {vm}.")
                have.add(shared_file)
                self.w.emit("GuestDiskAttached", vm, vm=vm, file=shared_file, cluster=gc.name)
                if not gc.online and gc.owner is None and self._usable(gc, vm):
                    self._move(gc, vm, f"{vm} has every shared disk now")
                return f"C:\\ClusterStorage\\{csv}\\{gc.name}\\{shared_file}"
        raise ObjectNotFoundError("shared VHDX of a guest cluster", file)

    def set_threshold(self, name: str, seconds: float) -> None:
        gc = self.get(name)
        if not 1 <= seconds <= 120:
            raise InvalidArgumentError("The guest cluster's heartbeat threshold is 1 to 120 seconds.")
        gc.threshold_s = seconds

    def snapshot(self, gc: GuestCluster) -> GuestClusterSnapshot:
        state = "Online" if gc.online else ("Pending" if gc.owner else "Offline")
        return GuestClusterSnapshot(
            name=gc.name,
            role=gc.role,
            state=state,
            owner=gc.owner,
            members=tuple(gc.members),
            members_down=tuple(m for m in gc.members if m in gc.down),
            ready=tuple(m for m in gc.members if gc.ready(m)),
            shared=tuple(gc.shared),
            threshold_s=gc.threshold_s,
            failovers=gc.failovers,
        )
