"""The exam objective ids labs cover (``shared/reference/exam-objectives.md``), with their titles."""

from __future__ import annotations

from typing import Final

#: id -> the objective, condensed. Order: 74-409 then AZ-801, as the reference lists them.
OBJECTIVES: Final[dict[str, str]] = {
    "74-409/shared-storage": "configure shared storage for the cluster (disks, CSV, SMB 3.0 file shares)",
    "74-409/quorum": "configure quorum: witness types, node votes, dynamic quorum",
    "74-409/cluster-networking": "cluster network roles, live-migration networks, metrics",
    "74-409/restore-config": (
        "restore a single node or the whole cluster configuration (non-authoritative vs authoritative)"
    ),
    "74-409/cau": "implement Cluster-Aware Updating (remote and self-updating, run options)",
    "74-409/upgrade": "upgrade a cluster (migrate roles / rolling OS upgrade, functional level)",
    "74-409/csv": "configure and optimise Cluster Shared Volumes (coordinator, redirected I/O, cache)",
    "74-409/no-network-name": "clusters without network names (AD-detached, administrative access point)",
    "74-409/continuous-availability": (
        "role settings incl. continuously available file shares (SMB transparent failover)"
    ),
    "74-409/vm-monitoring": "configure VM monitoring of services and events inside the guest",
    "74-409/failover-settings": (
        "failover and preference settings: preferred/possible owners, failback, thresholds, priority, anti-affinity"
    ),
    "74-409/guest-clustering": "guest clusters and shared VHDX",
    "74-409/live-migration": "perform live migration (and its settings: simultaneous migrations, performance options)",
    "74-409/quick-migration": "perform quick migration",
    "74-409/storage-migration": "perform storage migration",
    "74-409/import-export": "import, export and copy VMs",
    "74-409/network-health": "VM network health protection (protected networks)",
    "74-409/drain-on-shutdown": "drain on shutdown, pause/drain/resume",
    "AZ-801/create-cluster": "create and manage a failover cluster; validation (Test-Cluster)",
    "AZ-801/quorum": "modify quorum options; cloud witness",
    "AZ-801/networking": "configure network adapters for failover clustering",
    "AZ-801/workload-options": (
        "configure cluster workload options (priority, start order, anti-affinity, load balancing)"
    ),
    "AZ-801/stretch-cluster": "sites, preferred site, stretch clusters",
    "AZ-801/cau": "implement Cluster-Aware Updating; install Windows updates on cluster nodes",
    "AZ-801/recover-node": "recover a failed cluster node (quarantine, isolation, force quorum)",
    "AZ-801/upgrade-node": "upgrade a node to a newer Windows Server (rolling upgrade, functional level)",
    "AZ-801/failover-workloads": "fail over workloads between nodes (live/quick migration, drain)",
    "AZ-801/resiliency": "VM compute and storage resiliency (isolated, unmonitored, quarantine, paused-critical)",
}

EXAMS: Final[dict[str, str]] = {
    "74-409": "Server Virtualization with Windows Server Hyper-V and System Center",
    "AZ-801": "Configuring Windows Server Hybrid Advanced Services",
}
