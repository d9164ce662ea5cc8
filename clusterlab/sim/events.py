"""The event catalogue and the bus every cluster event is published on.

IDs are the real FailoverClustering System-log IDs of §10 where one exists. Events the
reference lists only as commonly quoted Operational-channel IDs keep those IDs and are
marked ``verified=False``; events with no known ID (node joined, quorum regained, a vote
moved) have ``event_id=None`` and a symbolic name, as §10 advises.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class Level(StrEnum):
    CRITICAL = "Critical"
    ERROR = "Error"
    WARNING = "Warning"
    INFORMATION = "Information"


@dataclass(frozen=True, slots=True)
class EventKind:
    name: str
    event_id: int | None
    level: Level
    template: str
    channel: str = "System"
    verified: bool = True


def _kinds(*kinds: EventKind) -> Mapping[str, EventKind]:
    return MappingProxyType({k.name: k for k in kinds})


C, E, W, I = Level.CRITICAL, Level.ERROR, Level.WARNING, Level.INFORMATION

#: §10 catalogue (message text abbreviated from [S10]).
CATALOGUE: Mapping[str, EventKind] = _kinds(
    EventKind(
        "NodeRemoved",
        1135,
        C,
        "Cluster node '{node}' was removed from the active failover cluster membership. "
        "The Cluster service on this node may have stopped, or the node lost communication "
        "with the other active nodes.",
    ),
    EventKind(
        "QuorumLost",
        1177,
        C,
        "The Cluster service is shutting down because quorum was lost. This could be due to "
        "the loss of network connectivity between some or all nodes in the cluster, or a "
        "failover of the witness disk.",
    ),
    EventKind(
        "ResourceFailed",
        1069,
        E,
        "Cluster resource '{resource}' of type '{resource_type}' in clustered role '{group}' failed.",
    ),
    EventKind(
        "GroupFailedOnlineOffline",
        1205,
        E,
        "The Cluster service failed to bring clustered role '{group}' completely online or "
        "offline. One or more resources may be in a failed state.",
    ),
    EventKind(
        "GroupPreempted",
        1251,
        W,
        "Clustered role '{group}' was taken offline. This role was preempted by the higher "
        "priority clustered role '{preemptor}'. The cluster service will attempt to bring "
        "this role online later when resources are available.",
    ),
    EventKind(
        "GroupTerminalFailure",
        1254,
        E,
        "Clustered role '{group}' has exceeded its failover threshold. It has exhausted the "
        "configured number of failover attempts within the failover period of time allotted "
        "to it and will be left in a failed state.",
    ),
    EventKind("FswAliveFailure", 1562, W, "File share witness resource '{resource}' failed a periodic health check."),
    EventKind(
        "FswArbitrateFailure",
        1564,
        C,
        "File share witness resource '{resource}' failed to arbitrate for the file share '{path}'.",
    ),
    EventKind(
        "CloudWitnessUnreachable",
        1568,
        E,
        "Cloud witness resource '{resource}' could not communicate with the storage account.",
    ),
    EventKind(
        "ForcedPartitionExists",
        5396,
        E,
        "The Cluster service on node '{node}' is shutting down because another partition of "
        "the cluster was started with the Force Quorum switch (/fq). This node will join that "
        "partition.",
    ),
    EventKind(
        "FormWitnessFailed",
        1573,
        E,
        "Node '{node}' failed to form a cluster. This was because the witness was not accessible.",
    ),
    # Operational channel, IDs commonly quoted but UNVERIFIED in §10.
    EventKind(
        "GroupOnline",
        1201,
        I,
        "The Cluster service successfully brought the clustered role '{group}' online.",
        channel="Operational",
        verified=False,
    ),
    EventKind(
        "GroupOffline",
        1204,
        I,
        "The Cluster service successfully brought the clustered role '{group}' offline.",
        channel="Operational",
        verified=False,
    ),
    EventKind(
        "FailoverAttempt",
        1153,
        I,
        "The Cluster service is attempting to fail over the clustered role '{group}' from node "
        "'{source}' to node '{target}'.",
        channel="Operational",
        verified=False,
    ),
    EventKind(
        "GroupMoved",
        1641,
        I,
        "Clustered role '{group}' is moving from cluster node '{source}' to cluster node '{target}'.",
        channel="Operational",
        verified=False,
    ),
    # Simulator-defined (no event ID in the reference).
    EventKind(
        "NodeJoined",
        None,
        I,
        "Cluster node '{node}' joined the active failover cluster membership.",
        channel="Operational",
    ),
    EventKind(
        "NodeJoining",
        None,
        I,
        "The Cluster service on node '{node}' started and is joining the cluster.",
        channel="Operational",
    ),
    EventKind(
        "ClusterStopping",
        None,
        W,
        "Stop-Cluster: the clustered roles are being taken offline and the Cluster service stops on every node.",
        channel="Operational",
    ),
    EventKind(
        "ClusterStarting",
        None,
        I,
        "Start-Cluster: the Cluster service starts on every node that is powered on ({nodes}).",
        channel="Operational",
    ),
    EventKind(
        "NodeStopped",
        None,
        I,
        "The Cluster service on node '{node}' was stopped by an administrator.",
        channel="Operational",
    ),
    EventKind(
        "NodeCrashed",
        None,
        W,
        "Lab fault: node '{node}' lost power. The other nodes have not noticed yet.",
        channel="Lab",
    ),
    EventKind("NodePoweredOn", None, I, "Node '{node}' was powered on and is booting.", channel="Lab"),
    EventKind(
        "NodeIsolatedFault", None, W, "Lab fault: node '{node}' was disconnected from {networks}.", channel="Lab"
    ),
    EventKind(
        "NetworkPartitioned", None, W, "Lab fault: the cluster networks were split into {groups}.", channel="Lab"
    ),
    EventKind("NetworkHealed", None, I, "Lab repair: {what} reconnected.", channel="Lab"),
    EventKind(
        "WitnessFailedFault", None, W, "Lab fault: the {witness_type} witness became unreachable.", channel="Lab"
    ),
    EventKind(
        "WitnessRestored",
        None,
        I,
        "The {witness_type} witness is reachable again and back online.",
        channel="Operational",
    ),
    EventKind(
        "QuorumFormed",
        None,
        I,
        "The cluster formed with quorum: {votes} of {total} votes (nodes {members}).",
        channel="Operational",
    ),
    EventKind(
        "QuorumForced",
        None,
        W,
        "Node '{node}' started the cluster with ForceQuorum: quorum rules are ignored until a "
        "majority of votes is present again.",
        channel="Operational",
    ),
    EventKind(
        "ForcedQuorumEnded",
        None,
        I,
        "Enough votes are present again ({votes} of {total}); the cluster left the ForceQuorum state.",
        channel="Operational",
    ),
    EventKind(
        "VotesAdjusted",
        None,
        I,
        "Dynamic quorum adjusted the votes: {detail}. Votes in force: {votes} of {total}.",
        channel="Operational",
    ),
    EventKind("NodePaused", None, I, "Cluster node '{node}' was paused.", channel="Operational"),
    EventKind("NodeResumed", None, I, "Cluster node '{node}' was resumed.", channel="Operational"),
    EventKind(
        "GroupStarting", None, I, "Clustered role '{group}' is starting on node '{node}'.", channel="Operational"
    ),
    EventKind(
        "ResourceRestarting",
        None,
        I,
        "The Cluster service is restarting resource '{resource}' on node '{node}' "
        "(restart {count} of {threshold} within the restart period).",
        channel="Operational",
    ),
    EventKind(
        "GroupWaiting",
        None,
        W,
        "Clustered role '{group}' could not be placed: {reason}. It will start when resources become available.",
        channel="Operational",
    ),
    EventKind("VmStopped", None, W, "Virtual machine '{vm}' stopped: {reason}.", channel="Hyper-V"),
    EventKind(
        "ResourceEmbeddedFailure",
        1250,
        E,
        "Cluster resource '{resource}' in clustered role '{group}' has received a critical state notification. "
        "For a virtual machine this indicates that an application or service inside the virtual machine is in "
        "an unhealthy state. Verify the functionality of the service or application being monitored within "
        "the virtual machine.",
    ),
    EventKind(
        "GuestServiceFailed",
        None,
        W,
        "Inside '{vm}': the {service} service terminated unexpectedly. It has done this {count} time(s). "
        "The following corrective action will be taken: {action}.",
        channel="Guest",
    ),
    EventKind("GuestCrashed", None, W, "Lab fault: the guest OS of '{vm}' stopped responding.", channel="Lab"),
    EventKind(
        "ResourceNetworkFailure",
        1255,
        E,
        "Cluster resource '{resource}' in clustered role '{group}' has received a critical state notification. "
        "For a virtual machine this indicates that a critical network of the virtual machine is in an "
        "unhealthy state: the virtual switch '{switch}' on node '{node}' lost its physical uplink.",
    ),
    EventKind(
        "CsvOwnerMoved", None, I, "Cluster Shared Volume '{csv}' changes coordinator ({reason}).", channel="Operational"
    ),
    EventKind(
        "SwitchUplinkLost",
        None,
        W,
        "Lab fault: virtual switch '{switch}' on node '{node}' lost its uplink.",
        channel="Lab",
    ),
    EventKind(
        "SwitchUplinkRestored",
        None,
        I,
        "Virtual switch '{switch}' on node '{node}' has its uplink again.",
        channel="Lab",
    ),
    EventKind("FileServerClients", None, I, "SMB clients of file server '{group}' {what}.", channel="SMB"),
    EventKind(
        "CsvCacheResized",
        5149,
        W,
        "Cluster Shared Volume cache size was resized to {size} MB: the requested {requested} MB is more than "
        "the memory available on node '{node}'.",
    ),
    EventKind(
        "CsvAutoPaused",
        5120,
        W,
        "Cluster Shared Volume '{csv}' is no longer available on this node because of '{reason}'. All I/O "
        "will temporarily be queued until a path to the volume is reestablished.",
    ),
    EventKind(
        "CsvNoDirectIo",
        5121,
        I,
        "Cluster Shared Volume '{csv}' is no longer directly accessible from cluster node '{node}'. I/O "
        "access will be redirected to the storage device over the network to the node that owns the volume.",
    ),
    EventKind(
        "CsvRedirectedAccess",
        5136,
        W,
        "Cluster Shared Volume '{csv}' redirected access was turned on. Access to the storage device will be "
        "redirected over the network from all cluster nodes that are accessing this volume.",
    ),
    EventKind(
        "NodeQuarantined",
        1672,
        C,
        "Cluster node '{node}' has been quarantined. The node experienced '{failures}' consecutive failures "
        "within a short amount of time and has been removed from the cluster to avoid further disruptions. "
        "The node will be quarantined until '{until}' and then the node will automatically attempt to re-join "
        "the cluster.",
    ),
    EventKind(
        "JoiningNodeQuarantined",
        1675,
        W,
        "Cluster node '{node}' attempted to join the cluster but is quarantined until '{until}'. Run "
        "Start-ClusterNode -ClearQuarantine to let it join now.",
    ),
    EventKind(
        "NodeIsolated",
        1673,
        W,
        "Cluster node '{node}' has entered the isolated state.",
    ),
    EventKind(
        "GroupsUnmonitored",
        1681,
        W,
        "Virtual machines on node '{node}' have entered an unmonitored state. The virtual machines may or may "
        "not be running on the node: {vms}.",
    ),
    EventKind(
        "NodeIsolationEnded",
        1680,
        I,
        "Cluster node '{node}' has exited the isolated state.",
    ),
    EventKind(
        "GroupsMonitoredAgain",
        1682,
        I,
        "The Cluster service has brought the virtual machines on node '{node}' back to a monitored state: {vms}.",
    ),
    EventKind(
        "UnmonitoredGroupFailedOver",
        1682,
        I,
        "Clustered role '{group}' was unmonitored on isolated node '{node}' and has been failed over to another "
        "node ({why}).",
    ),
    EventKind(
        "MigrationNetworksChanged",
        None,
        I,
        "Live migrations now use the networks {used}; excluded: {excluded}.",
        channel="Operational",
    ),
    EventKind(
        "QuarantinedNodeDrained",
        None,
        I,
        "Cluster node '{node}' is quarantined and hosts virtual machines: they are live-migrated to other "
        "nodes ({vms}).",
        channel="Operational",
    ),
    EventKind(
        "NodeIsolationExpired",
        None,
        I,
        "Cluster node '{node}' no longer hosts unmonitored virtual machines; it is down until it rejoins.",
        channel="Operational",
    ),
    EventKind(
        "ClusSvcCrashed",
        None,
        W,
        "Lab fault: the Cluster service on node '{node}' terminated unexpectedly; the virtual machines keep "
        "running and the Service Control Manager restarts the service in {restart_s} s.",
        channel="Lab",
    ),
    EventKind(
        "VmCriticalErrorTimeout",
        None,
        E,
        "Virtual machine '{vm}' stayed Paused-Critical longer than its AutomaticCriticalErrorActionTimeout "
        "({minutes} min) and was turned off.",
        channel="Operational",
    ),
    # Cluster-Aware Updating (§8). CAU logs to its own channel; its event IDs are not in the
    # reference, so these are simulator-defined.
    EventKind(
        "CauRunStarted",
        None,
        I,
        "Updating Run {run_id} started on cluster '{cluster}' ({mode}, coordinator {coordinator}); node order: "
        "{order}.",
        channel="CAU",
    ),
    EventKind("CauNodePhase", None, I, "CAU: node '{node}' — {phase}{detail}.", channel="CAU"),
    EventKind(
        "CauUpdateFailed",
        None,
        E,
        "CAU: update {kb} failed to install on node '{node}' (update process attempt {attempt} of {tries}).",
        channel="CAU",
    ),
    EventKind("CauNodeUpdated", None, I, "CAU: node '{node}' is updated: {count} update(s) ({kbs}).", channel="CAU"),
    EventKind("CauNodeFailed", None, E, "CAU: updating node '{node}' failed: {why}.", channel="CAU"),
    EventKind(
        "CauScript",
        None,
        I,
        "CAU: {which} '{path}' on node '{node}' (recorded and simulated — clusterlab never executes scripts).",
        channel="CAU",
    ),
    EventKind(
        "CauFirewallRulesEnabled",
        None,
        I,
        "CAU enabled the Remote Shutdown Windows Firewall rule group on the nodes of '{cluster}' "
        "(-EnableFirewallRules).",
        channel="CAU",
    ),
    EventKind("CauRunSucceeded", None, I, "Updating Run {run_id} on '{cluster}' succeeded.", channel="CAU"),
    EventKind("CauRunFailed", None, E, "Updating Run {run_id} on '{cluster}' failed: {why}", channel="CAU"),
    EventKind("CauRunCancelled", None, W, "Updating Run {run_id} on '{cluster}' was stopped: {why}", channel="CAU"),
    EventKind(
        "CauRunWarning",
        None,
        W,
        "Updating Run {run_id} on '{cluster}' is still running after WarnAfter.",
        channel="CAU",
    ),
    EventKind(
        "CauClusterLocked",
        None,
        E,
        "The failed Updating Run left '{cluster}' locked with nodes in maintenance ({nodes}). Run "
        "Invoke-CauRun -ForceRecovery.",
        channel="CAU",
    ),
    EventKind(
        "CauRecovered",
        None,
        I,
        "Invoke-CauRun -ForceRecovery: '{cluster}' is unlocked; nodes taken out of maintenance: {resumed}.{down}",
        channel="CAU",
    ),
    EventKind("CauRoleAdded", None, I, "The CAU clustered role '{group}' was added to '{cluster}'.", channel="CAU"),
    EventKind("CauRoleRemoved", None, I, "The CAU clustered role '{group}' was removed.", channel="CAU"),
    EventKind("CauRoleEnabled", None, I, "The CAU clustered role '{group}' is enabled.", channel="CAU"),
    EventKind(
        "CauRoleDisabled", None, I, "The CAU clustered role '{group}' is disabled: no scheduled runs.", channel="CAU"
    ),
    EventKind(
        "CauScheduledRun",
        None,
        I,
        "Self-updating: the schedule of '{group}' starts an Updating Run (coordinator {owner}).",
        channel="CAU",
    ),
    EventKind(
        "CauScheduledRunSkipped",
        None,
        W,
        "Self-updating: the scheduled Updating Run of '{group}' did not start: {why}.",
        channel="CAU",
    ),
    EventKind(
        "NodeBootFailed",
        None,
        C,
        "Node '{node}' failed to start Windows after installing {kb}; it keeps restarting until the update is "
        "rolled back (Repair-LabFault -Node {node}).",
        channel="Lab",
    ),
    EventKind(
        "UpdateRolledBack",
        None,
        I,
        "Lab repair: update {kb} was rolled back on node '{node}'; it boots.",
        channel="Lab",
    ),
    EventKind(
        "BadUpdateArmed",
        None,
        W,
        "Lab fault: the next update installed on node '{node}' will leave it unable to boot.",
        channel="Lab",
    ),
    EventKind(
        "UpdateFailureArmed",
        None,
        W,
        "Lab fault: the next {count} update installation(s) on node '{node}' will fail.",
        channel="Lab",
    ),
    EventKind(
        "GuestNodeDown",
        None,
        W,
        "Guest cluster '{cluster}': node VM '{vm}' missed the guest heartbeat for {threshold} s and was removed "
        "from the guest cluster's membership.",
        channel="Guest",
    ),
    EventKind(
        "GuestNodeUp", None, I, "Guest cluster '{cluster}': node VM '{vm}' is running and rejoined.", channel="Guest"
    ),
    EventKind(
        "GuestRoleMoving",
        None,
        W,
        "Guest cluster '{cluster}': its role '{role}' is failing over to '{vm}' ({why}).",
        channel="Guest",
    ),
    EventKind(
        "GuestRoleOnline", None, I, "Guest cluster '{cluster}': role '{role}' is online on '{vm}'.", channel="Guest"
    ),
    EventKind(
        "GuestRoleOffline",
        None,
        E,
        "Guest cluster '{cluster}': role '{role}' is offline: no member VM that runs has every shared disk.",
        channel="Guest",
    ),
    EventKind(
        "GuestDiskAttached",
        None,
        I,
        "Shared VHDX '{file}' attached to '{vm}' (guest cluster '{cluster}').",
        channel="Guest",
    ),
    EventKind(
        "ClusterCreated",
        None,
        I,
        "The failover cluster '{cluster}' was created with the nodes {nodes}; disks added to Available "
        "Storage: {storage}.",
        channel="Operational",
    ),
    EventKind(
        "CsvIoResumed",
        None,
        I,
        "Cluster Shared Volume '{csv}' resumed I/O with '{node}' as its coordinator.",
        channel="Operational",
    ),
    EventKind(
        "VmExportStarted", None, I, "Exporting virtual machine '{vm}' to '{folder}' ({gb} GB).", channel="Hyper-V"
    ),
    EventKind("VmExported", None, I, "Virtual machine '{vm}' was exported to '{folder}'.", channel="Hyper-V"),
    EventKind(
        "VmImported",
        None,
        I,
        "Virtual machine '{vm}' was imported on '{host}' ({how}, files in '{where}'); it is not highly available.",
        channel="Hyper-V",
    ),
    EventKind(
        "VmMadeHighlyAvailable",
        None,
        I,
        "Virtual machine '{vm}' is now a clustered role owned by '{node}'.",
        channel="Operational",
    ),
    EventKind("SiteAdded", None, I, "Site fault domain '{site}' was created.", channel="Operational"),
    EventKind("NodeSiteSet", None, I, "Cluster node '{node}' is now in site '{site}'.", channel="Operational"),
    EventKind(
        "NodeQuarantineEnded",
        None,
        I,
        "Cluster node '{node}' is no longer quarantined ({why}); it may join the cluster again.",
        channel="Operational",
    ),
    EventKind(
        "VmLoadBalanced",
        None,
        I,
        "VM load balancing: node '{source}' is at {pressure}% memory (threshold {threshold}%); live-migrating "
        "'{group}' to '{target}' ({trigger}).",
        channel="Operational",
    ),
    EventKind(
        "CsvMaintenanceOn",
        None,
        W,
        "Cluster Shared Volume '{csv}' is in maintenance: the roles that use it were stopped ({roles}).",
        channel="Operational",
    ),
    EventKind(
        "CsvMaintenanceOff",
        None,
        I,
        "Cluster Shared Volume '{csv}' left maintenance; roles stopped for it stay offline until started.",
        channel="Operational",
    ),
    EventKind(
        "CsvNoAccess",
        5142,
        E,
        "Cluster Shared Volume '{csv}' is no longer accessible from cluster node '{node}' because of "
        "connectivity loss to the storage.",
    ),
    EventKind(
        "CsvExpectedPause",
        5157,
        W,
        "Cluster Shared Volume '{csv}' has entered a paused state because of '{reason}'. All I/O will "
        "temporarily be queued until a path to the volume is reestablished.",
    ),
    EventKind(
        "StorageMigrationQueued",
        None,
        I,
        "Storage migration of '{vm}' from {source} to {target} is queued.",
        channel="Hyper-V",
    ),
    EventKind(
        "StorageMigrationStarted",
        None,
        I,
        "Storage migration of '{vm}' from {source} to {target} started; new writes are mirrored to both.",
        channel="Hyper-V",
    ),
    EventKind(
        "StorageMigrationCompleted",
        None,
        I,
        "Storage migration of '{vm}' from {source} to {target} completed; the source files were deleted.",
        channel="Hyper-V",
    ),
    EventKind(
        "StorageMigrationFailed",
        None,
        E,
        "Storage migration of '{vm}' from {source} to {target} failed: {reason}. The VM keeps using {source}.",
        channel="Hyper-V",
    ),
    EventKind(
        "DrainMoveFailed",
        1137,
        E,
        "Move of cluster role '{group}' for drain could not be completed. The operation failed: {reason}.",
    ),
    EventKind(
        "NodeDrainFailed",
        1677,
        E,
        "Node drain failed on Cluster node {node}. Reference the node's System and Application event logs "
        "and cluster logs to investigate the cause of the drain failure. When the problem is resolved, you "
        "can retry the drain operation.",
    ),
    EventKind(
        "DrainStarted",
        None,
        I,
        "Node '{node}' is paused and draining: {count} role(s) will move.",
        channel="Operational",
    ),
    EventKind("DrainCompleted", None, I, "Node '{node}' drained: every role has left it.", channel="Operational"),
    EventKind("NodeShuttingDown", None, I, "Node '{node}' is shutting down{restart}.", channel="Lab"),
    EventKind(
        "LiveMigrationQueued",
        None,
        I,
        "Live migration of '{vm}' from {source} to {target} is queued.",
        channel="Hyper-V",
    ),
    EventKind(
        "LiveMigrationStarted",
        None,
        I,
        "Live migration of '{vm}' from {source} to {target} started.",
        channel="Hyper-V",
    ),
    EventKind(
        "LiveMigrationCompleted",
        None,
        I,
        "Live migration of '{vm}' from {source} to {target} completed in {seconds} s ({passes} passes).",
        channel="Hyper-V",
    ),
    EventKind(
        "LiveMigrationCanceled",
        None,
        W,
        "Live migration of '{vm}' from {source} to {target} was canceled; it keeps running on {source}.",
        channel="Hyper-V",
    ),
    EventKind(
        "LiveMigrationFailed",
        None,
        E,
        "Live migration of '{vm}' from {source} to {target} failed: {reason}. It keeps running on {source}.",
        channel="Hyper-V",
    ),
    EventKind(
        "FailbackScheduled",
        None,
        I,
        "Clustered role '{group}' will fail back to '{node}' in its failback window at {when}.",
        channel="Operational",
    ),
    # Cluster OS Rolling Upgrade (§9.1) and node eviction.
    EventKind("NodeEvicted", 1011, W, "Cluster node '{node}' has been evicted from the failover cluster."),
    EventKind(
        "NodeCleanup",
        4621,
        I,
        "Cluster node '{node}' was successfully removed from the cluster: its cluster configuration was cleaned up.",
    ),
    EventKind(
        "NodeCleanupPending",
        None,
        W,
        "Node '{node}' could not be reached when it was evicted: its cluster configuration is cleaned up when it "
        "is reinstalled or next started.",
        channel="Operational",
    ),
    EventKind(
        "NodeAdded",
        None,
        I,
        "Node '{node}' ({os_display}) was added to the cluster as node ID {id}; its Cluster service starts and joins.",
        channel="Operational",
    ),
    EventKind(
        "VersionCompatible",
        1548,
        W,
        "The Cluster service has detected that node '{node}' is running a different but compatible version of the "
        "operating system ({os_display}). The cluster runs in mixed-OS mode at functional level {level} until "
        "Update-ClusterFunctionalLevel.",
    ),
    EventKind(
        "FunctionalLevelUpdated",
        1594,
        I,
        "The cluster functional level was upgraded from {old} to {new} ({os_display}): the features of this "
        "release are now in use.",
    ),
    EventKind(
        "FunctionalLevelUpdateFailed",
        1664,
        E,
        "The cluster functional level could not be upgraded from {old}: {reason}.",
    ),
    EventKind(
        "NodeOsInstalling",
        None,
        W,
        "Lab: server '{node}' is being reinstalled with {os_display} (clean install, §9.1).",
        channel="Lab",
    ),
    EventKind(
        "NodeOsInstalled",
        None,
        I,
        "Lab: server '{node}' runs {os_display} and can be added to the cluster (Add-ClusterNode).",
        channel="Lab",
    ),
    EventKind(
        "VmVersionUpdated",
        None,
        I,
        "The configuration version of virtual machine '{vm}' was updated from {old} to {new}.",
        channel="Hyper-V",
    ),
    EventKind("GroupCreated", None, I, "Clustered role '{group}' was created ({what}).", channel="Operational"),
    EventKind("GroupDeleted", None, W, "Clustered role '{group}' was removed ({what}).", channel="Operational"),
    # Cluster configuration backup and restore (§9.3).
    EventKind(
        "BackupNoQuorum",
        1540,
        E,
        "The backup operation for the cluster configuration data has been aborted because quorum for the cluster "
        "has not yet been achieved.",
    ),
    EventKind(
        "ConfigBackedUp",
        None,
        I,
        "The cluster configuration was backed up as '{label}' ({roles} clustered roles).",
        channel="Operational",
    ),
    EventKind(
        "RestorePreFailure",
        1542,
        E,
        "The restore of the cluster configuration from backup '{label}' on node '{node}' could not start: {reason}.",
    ),
    EventKind(
        "RestorePostFailure",
        1543,
        E,
        "After the restore of the cluster configuration from backup '{label}' on node '{node}', part of it could "
        "not be applied: {reason}.",
    ),
    EventKind(
        "ConfigRestoredNonAuthoritative",
        None,
        I,
        "Node '{node}': its copy of the cluster database was restored from backup '{label}' (non-authoritative). "
        "When its Cluster service starts it joins and receives the current configuration from the other nodes, "
        "so the cluster's configuration does not change.",
        channel="Operational",
    ),
    EventKind(
        "ConfigSynced",
        None,
        I,
        "Node '{node}' joined and received the current cluster configuration from the other nodes; the "
        "configuration restored from backup '{label}' was replaced.",
        channel="Operational",
    ),
    EventKind(
        "ConfigRestoring",
        None,
        W,
        "Authoritative restore of backup '{label}' on node '{node}': the Cluster service stops on every node; "
        "configuration changes made since the backup ({taken}) will be lost.",
        channel="Operational",
    ),
    EventKind(
        "ConfigRestored",
        None,
        W,
        "Node '{node}' restored the cluster configuration from backup '{label}' (authoritative): {detail}. The "
        "other nodes take this configuration when they start.",
        channel="Operational",
    ),
)

del C, E, W, I


@dataclass(frozen=True, slots=True)
class ClusterEvent:
    """One thing that happened in the simulated cluster."""

    seq: int
    time: float
    name: str
    event_id: int | None
    level: Level
    source: str
    message: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    channel: str = "System"

    @property
    def display_id(self) -> str:
        return str(self.event_id) if self.event_id is not None else "-"


Subscriber = Callable[[ClusterEvent], None]


class EventBus:
    """Append-only event log with synchronous subscribers (views, logs, labs)."""

    __slots__ = ("_events", "_subscribers", "subscriber_errors")

    def __init__(self) -> None:
        self._events: list[ClusterEvent] = []
        self._subscribers: list[Subscriber] = []
        #: a failing subscriber (a view, a log) must not stop the simulation mid-step;
        #: its exceptions are kept here for whoever owns it to report.
        self.subscriber_errors: list[BaseException] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return unsubscribe

    def publish(self, time: float, name: str, source: str, /, **fields: Any) -> ClusterEvent:
        kind = CATALOGUE[name]
        event = ClusterEvent(
            seq=len(self._events),
            time=time,
            name=name,
            event_id=kind.event_id,
            level=kind.level,
            source=source,
            message=kind.template.format(**fields),
            fields=MappingProxyType(dict(fields)),
            channel=kind.channel,
        )
        self._events.append(event)
        for subscriber in tuple(self._subscribers):
            try:
                subscriber(event)
            except Exception as exc:
                self.subscriber_errors.append(exc)
        return event

    @property
    def events(self) -> tuple[ClusterEvent, ...]:
        return tuple(self._events)

    def since(self, seq: int) -> list[ClusterEvent]:
        return self._events[seq:]

    def __len__(self) -> int:
        return len(self._events)
