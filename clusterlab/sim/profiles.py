"""Per-OS defaults and timings.

Every constant names the section of ``shared/reference/wsfc-behaviour.md`` it comes
from. Where the reference marks a conflict (⚠) the choice made here is stated next to
the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True, slots=True)
class OsProfile:
    """What differs between Windows Server releases for the simulator."""

    name: str
    display_name: str
    #: §2.2: SameSubnetDelay in seconds (1000 ms on every release).
    same_subnet_delay_s: float
    #: §2.2: SameSubnetThreshold (missed heartbeats before a route is down).
    same_subnet_threshold: int
    #: §2.2: CrossSubnetDelay in seconds.
    cross_subnet_delay_s: float
    #: §2.2: CrossSubnetThreshold.
    cross_subnet_threshold: int
    #: §1.2/§11.5/§13.10: QuorumType wording: legacy names on 2012 R2, ``Majority`` on 2016+.
    legacy_quorum_type_names: bool
    #: §1.3: cloud witness exists from 2016.
    cloud_witness: bool
    #: §2.4/§7.3: Isolated and Quarantined node states exist from 2016.
    compute_resiliency: bool
    #: §9.1: ClusterFunctionalLevel of a cluster of this release.
    functional_level: int
    #: §11.1/§13.11: Get-ClusterNode default columns.
    node_columns: tuple[str, ...]
    #: §11.3/§13.11: Get-ClusterResource names the group column ``Group`` (2012 R2) or ``OwnerGroup``.
    resource_group_column: str
    #: §1.1/§1.5: the witness resource type display names (§11.3).
    fsw_resource_type: str
    #: §1.6/§1.7: dynamic witness and the 50 % tie-breaker arrived with 2012 R2.
    dynamic_witness: bool = True
    #: §6.4: DrainOnShutdown exists (default 1) from 2012 R2.
    drain_on_shutdown: bool = True
    #: §5.3: Compression is the default live-migration option from 2012 R2; 2012 used TCP/IP.
    default_migration_option: str = "Compression"
    #: §3.11: VM load balancing (Node Fairness) exists from 2016.
    vm_load_balancing: bool = True
    #: §5.1: at most 5 memory-copy passes from 2012 R2; 2012's cap is not in the reference (we use 10).
    lm_max_passes: int = 5

    @property
    def same_subnet_detection_s(self) -> float:
        """§2.1: total tolerance ≈ Delay × Threshold before a node is declared down."""
        return self.same_subnet_delay_s * self.same_subnet_threshold

    @property
    def cross_subnet_detection_s(self) -> float:
        return self.cross_subnet_delay_s * self.cross_subnet_threshold


# §2.2 ⚠: 2012 R2 raises the thresholds to 10/20 "once Hyper-V VMs were present" [S7];
# a clusterlab cluster always hosts VMs, so the Hyper-V values apply.
# §2.2 ⚠: 2016 CrossSubnetThreshold 20 [S7] vs 10 [S8]: we take 20 (S7 is specific to 2016).
# §2.2 ⚠: 2019+ SameSubnetThreshold 20 [S8] vs 10 [S9]: we take 20 (S8's newer revision
# lists per-release values; S9 is an Azure IaaS tuning article).
PROFILES: Final = MappingProxyType(
    {
        # §2.2: before 2012 R2 (and without the Hyper-V adjustment) the thresholds were 5/5.
        "2012": OsProfile(
            name="2012",
            display_name="Windows Server 2012",
            same_subnet_delay_s=1.0,
            same_subnet_threshold=5,
            cross_subnet_delay_s=1.0,
            cross_subnet_threshold=5,
            legacy_quorum_type_names=True,
            cloud_witness=False,
            compute_resiliency=False,
            vm_load_balancing=False,
            functional_level=7,
            node_columns=("Name", "ID", "State"),
            resource_group_column="Group",
            fsw_resource_type="File Share Witness",
            dynamic_witness=False,
            drain_on_shutdown=False,
            default_migration_option="TCPIP",
            lm_max_passes=10,
        ),
        "2012R2": OsProfile(
            name="2012R2",
            display_name="Windows Server 2012 R2",
            same_subnet_delay_s=1.0,
            same_subnet_threshold=10,
            cross_subnet_delay_s=1.0,
            cross_subnet_threshold=20,
            legacy_quorum_type_names=True,
            cloud_witness=False,
            compute_resiliency=False,
            vm_load_balancing=False,
            functional_level=8,
            node_columns=("Name", "ID", "State"),
            resource_group_column="Group",
            fsw_resource_type="File Share Witness",
        ),
        "2016": OsProfile(
            name="2016",
            display_name="Windows Server 2016",
            same_subnet_delay_s=1.0,
            same_subnet_threshold=10,
            cross_subnet_delay_s=1.0,
            cross_subnet_threshold=20,
            legacy_quorum_type_names=False,
            cloud_witness=True,
            compute_resiliency=True,
            functional_level=9,
            # §11.1 shows Name State Type for 2016/2019+.
            node_columns=("Name", "State", "Type"),
            resource_group_column="OwnerGroup",
            fsw_resource_type="File Share Quorum Witness",
        ),
        "2019": OsProfile(
            name="2019",
            display_name="Windows Server 2019",
            same_subnet_delay_s=1.0,
            same_subnet_threshold=20,
            cross_subnet_delay_s=1.0,
            cross_subnet_threshold=20,
            legacy_quorum_type_names=False,
            cloud_witness=True,
            compute_resiliency=True,
            # §9.1 ⚠ 2019 = 10.x vs 11 [S56]: we take 10 (the integer part both revisions share).
            functional_level=10,
            node_columns=("Name", "State", "Type"),
            resource_group_column="OwnerGroup",
            fsw_resource_type="File Share Quorum Witness",
        ),
        "2022": OsProfile(
            name="2022",
            display_name="Windows Server 2022",
            same_subnet_delay_s=1.0,
            same_subnet_threshold=20,
            cross_subnet_delay_s=1.0,
            cross_subnet_threshold=20,
            legacy_quorum_type_names=False,
            cloud_witness=True,
            compute_resiliency=True,
            # §9.1: 2022 functional level is UNVERIFIED in the reference; 11 follows 2019's 10.
            functional_level=11,
            node_columns=("Name", "State", "Type"),
            resource_group_column="OwnerGroup",
            fsw_resource_type="File Share Quorum Witness",
        ),
    }
)

DEFAULT_PROFILE: Final = "2022"


# Timings shared by every profile -------------------------------------------------------

#: §3.3: RestartDelay 500 ms before a resource is restarted on the same node.
RESTART_DELAY_S: Final = 0.5
#: §3.3: RestartPeriod 900000 ms (the API table; the page's prose "90000" is a typo, §13.4).
RESTART_PERIOD_S: Final = 900.0
#: §3.3 ⚠ (§13.3): RestartThreshold is 3 in the API but 1 on the sampled disk resource and
#: unsourced for VMs. We use 1 for Virtual Machine resources, which gives the §7.1 flow
#: "restart on the same node, then fail over", and 3 for every other resource type.
RESTART_THRESHOLD_VM: Final = 1
RESTART_THRESHOLD_OTHER: Final = 3
#: §3.3: RetryPeriodOnFailure 3600000 ms: a Failed resource is tried again after an hour.
RETRY_PERIOD_ON_FAILURE_S: Final = 3600.0
#: §3.4: FailoverPeriod 6 h; FailoverThreshold default 0xFFFFFFFF means N − 1.
FAILOVER_PERIOD_S: Final = 6 * 3600.0
#: §3.9: Priority values.
PRIORITY_HIGH: Final = 3000
PRIORITY_MEDIUM: Final = 2000
PRIORITY_LOW: Final = 1000
PRIORITY_NO_AUTO_START: Final = 0
#: §3.9: MinimumPreemptorPriority 1, MinimumNeverPreemptPriority 3000.
MINIMUM_PREEMPTOR_PRIORITY: Final = 1
MINIMUM_NEVER_PREEMPT_PRIORITY: Final = 3000
#: §2.3: regroup stages are 5 s each; we use one stage as the time a starting node spends Joining.
JOIN_S: Final = 5.0
#: §7.3 QuarantineThreshold: ungraceful exits within QUARANTINE_WINDOW_S that quarantine a node
#: (per hour [S13] over the API page's "minutes").
QUARANTINE_THRESHOLD: Final = 3
QUARANTINE_WINDOW_S: Final = 3600.0
#: §7.3 QuarantineDuration: 7200 s [S13][S5:p479] over the API page's 0.
QUARANTINE_DURATION_S: Final = 7200.0
#: §7.3: at most 25 % of the nodes are quarantined at once; the rounding is not documented, so a
#: cluster of fewer than eight nodes may still quarantine one (floor, at least one).
QUARANTINE_MAX_FRACTION: Final = 0.25
#: §7.3: a QuarantineDuration of 0xFFFFFFF means the node never leaves quarantine on its own.
QUARANTINE_FOREVER: Final = 0xFFFFFFF
#: §7.3/§13.5 ResiliencyLevel: 2 (AlwaysIsolate) — the Microsoft blog [S12], the MVP write-ups and
#: the cluster's own Get-Cluster output on 2016+ — over the API page's 1. With 2, any node that
#: drops out of the membership while hosting VMs goes Isolated first, a powered-off one included
#: (the survivors cannot tell a dead host from a cut one): its VMs fail over only after
#: ResiliencyDefaultPeriod. 1 (IsolateOnSpecialHeartbeat) isolates only for a Cluster service
#: crash or an asymmetric disconnect and fails over at once otherwise.
RESILIENCY_LEVEL_DEFAULT: Final = 2
#: §7.3 ResiliencyDefaultPeriod: seconds VMs may run Unmonitored on an isolated node.
RESILIENCY_DEFAULT_PERIOD_S: Final = 240
#: §7.3 group ResiliencyPeriod: −1 = use the cluster's ResiliencyDefaultPeriod (MVP [S12]); 0 = none.
RESILIENCY_PERIOD_USE_DEFAULT: Final = -1
#: §7.4: a VM left Paused-Critical longer than this is turned off. The reference marks the
#: property UNVERIFIED ("30 min?"); Hyper-V's Set-VM has -AutomaticCriticalErrorActionTimeout
#: (minutes), and 30 is the value we assume for its default.
CRITICAL_ERROR_ACTION_TIMEOUT_MIN: Final = 30
#: Time the Service Control Manager waits before restarting a crashed ClusSvc (its recovery
#: action). Not in the reference: 60 s is Windows' usual "restart the service" delay — an assumption.
CLUSSVC_RESTART_S: Final = 60.0
#: Time a powered-on server spends in firmware and Windows boot before ClusSvc starts.
#: Not in the reference (hardware dependent); 2 minutes is a typical rack server.
NODE_BOOT_S: Final = 120.0
#: Time from "start VM" until the cluster sees the VM resource Online. Not in the
#: reference; the guest boot is part of the outage a learner sees.
VM_BOOT_S: Final = 30.0
#: §5.5: quick migration saves memory to shared storage and restores it: "about 30 seconds
#: for a machine with a couple of gigabytes" [S34] (2008-era), "between 15 seconds and a few
#: minutes", proportional to memory [S35]. 0.5 GB/s each way plus the ownership move gives
#: 18 s for a 4 GB VM and ≈ 4 min for 64 GB.
SAVE_RESTORE_GBPS: Final = 0.5
QUICK_MOVE_S: Final = 2.0
#: §5.1: live migration copies memory in at most 5 passes on 2012 R2 and later [S5:p499].
LM_MAX_PASSES: Final = 5
#: §5.1 step 1: connect, send the configuration, create the skeleton VM on the destination.
LM_SETUP_S: Final = 1.0
#: Share of a network's line rate a migration stream achieves (protocol overhead).
LM_LINK_EFFICIENCY: Final = 0.9
#: §5.3: compression trades spare CPU for bytes; memory pages typically compress about 2:1,
#: and one migration's compression is capped by CPU at about 1 GB/s of guest memory.
LM_COMPRESSION_RATIO: Final = 2.0
LM_COMPRESSION_CPU_GBPS: Final = 1.0
#: §5.1 step 4: the blackout starts when what is left to copy is small. 64 MB plus 16 MB of
#: processor/device state at ~1 GB/s is a blackout of "milliseconds" [S5]; a busy VM that hits
#: the pass cap carries more into the blackout, which then lasts seconds (§13.7 ⚠ 1–2 s [S68]).
LM_BLACKOUT_GB: Final = 0.064
LM_STATE_GB: Final = 0.016
#: A VM's default workload: 20 MB/s of memory dirtied (a light server).
DEFAULT_DIRTY_MB_S: Final = 20.0
#: §4.2: I/O to a CSV is queued while a new coordinator takes over (seconds; "temporarily").
CSV_COORDINATOR_PAUSE_S: Final = 3.0
#: §5.6: storage migration copies VHDs at SAN speed (0.5 GB/s), slower over redirected I/O.
STORAGE_COPY_GBPS: Final = 0.5
#: A general-purpose file server role comes online in about 10 s (IP address, network name
#: registration, File Server resource); a SOFS role's distributed network name in about 5 s.
FILE_SERVER_ONLINE_S: Final = 10.0
SOFS_ONLINE_S: Final = 5.0
#: §7.1: the guest's Service Control Manager recovery actions: restart, restart, take no action.
GUEST_SERVICE_RECOVERY: Final = ("Restart the Service", "Restart the Service", "Take No Action")
#: Seconds the guest needs to restart a failed service.
GUEST_SERVICE_RESTART_S: Final = 5.0
#: §3.2 IsAlivePollInterval 60 s: a hung guest's lost heartbeat is noticed within a poll.
HEARTBEAT_LOSS_S: Final = 60.0
#: §6.4: how long an OS shutdown waits for roles to leave (ShutdownTimeoutInMinutes, 20 min min).
SHUTDOWN_TIMEOUT_S: Final = 20 * 60.0
#: Time a guest OS takes to shut down cleanly when asked through the integration service.
#: Not in the reference; a Windows guest typically needs 10–30 s.
GUEST_SHUTDOWN_S: Final = 15.0
#: §1.3: FSW ArbitrationDelay — the quorum-owner's side gets the witness first.
FSW_ARBITRATION_DELAY_S: Final = 6.0

# Cluster-Aware Updating (§8) ----------------------------------------------------------------

#: §8.3 MaxRetriesPerNode default (max 64).
CAU_MAX_RETRIES_PER_NODE: Final = 3
#: §8.3 RebootTimeoutMinutes default: restart plus auto-start services.
CAU_REBOOT_TIMEOUT_MIN: Final = 15
#: §8.3 CauPluginName default.
CAU_PLUGIN: Final = "Microsoft.WindowsUpdatePlugin"
#: §8.1 step 7: the coordinator is outside the cluster in remote-updating mode (§8.2).
CAU_REMOTE_COORDINATOR: Final = "ADMIN01"
#: §8.5 GUI default schedule (3rd-party, low confidence [S63]): 3rd Tuesday of the month, 3:00 AM.
CAU_DEFAULT_DAYS: Final = ("Tuesday",)
CAU_DEFAULT_WEEKS: Final = (3,)
CAU_DEFAULT_HOUR: Final = 3
#: Phase timings: not in the reference (they depend on the update source and the hardware);
#: typical values so a run shows each phase. Scan and stage run on every node at once (§8.3
#: RunPluginsSerially off); scripts are simulated for this long and never executed.
CAU_SCAN_S: Final = 60.0
CAU_STAGE_S: Final = 180.0
CAU_SCRIPT_S: Final = 30.0
#: Wait before the update process is retried on a node (not in the reference).
CAU_RETRY_S: Final = 60.0
#: "Working on updates" during the restart, before the ordinary boot (not in the reference).
CAU_REBOOT_APPLY_S: Final = 180.0

# Cluster OS Rolling Upgrade (§9.1) ---------------------------------------------------------

#: Windows Server releases, oldest first: a rolling upgrade adds nodes one release up.
RELEASES: Final = ("2012", "2012R2", "2016", "2019", "2022")
#: §9.1 restrictions: 2012 R2 → 2016 is the first supported hop (no 2008/2008 R2/2012) [S22].
ROLLING_UPGRADE_FROM: Final = "2012R2"
#: §9.1 Update-VMVersion: the VM configuration version a host of each release upgrades a VM to.
#: 5.0 (2012 R2) is in §9.1. §9.1 quotes [S22]'s example "5.0 → 7.0" for 2016, written during the
#: preview; a 2016 RTM host's default is 8.0, which we use. 4.0 (2012), 9.0 (2019) and 10.0 (2022)
#: are not in the reference: UNVERIFIED assumptions (the Hyper-V defaults widely quoted for them).
VM_CONFIG_VERSION: Final = MappingProxyType(
    {"2012": "4.0", "2012R2": "5.0", "2016": "8.0", "2019": "9.0", "2022": "10.0"}
)
#: §11.1 Get-ClusterNode MajorVersion / MinorVersion / BuildNumber of each release (the RTM builds).
OS_VERSION: Final = MappingProxyType(
    {
        "2012": (6, 2, 9200),
        "2012R2": (6, 3, 9600),
        "2016": (10, 0, 14393),
        "2019": (10, 0, 17763),
        "2022": (10, 0, 20348),
    }
)
#: §9.1 step 2: a clean install of the new release plus the Hyper-V and Failover Clustering
#: features, until the server is reachable again. Not in the reference (hardware dependent);
#: 20 minutes is an assumption for a modern rack server.
OS_INSTALL_S: Final = 20 * 60.0


def release_index(os_name: str) -> int:
    """Position of a release in :data:`RELEASES` (older releases are smaller)."""
    return RELEASES.index(os_name)


#: §2.3 AddEvictDelay: seconds after an eviction before the cluster adds a node (the join waits).
ADD_EVICT_DELAY_S: Final = 60.0
