"""Every cmdlet, one module per family; importing this package registers them all."""

from . import cau, cluster, groups, lab, nodes, parameters, quorum, resources, sites, utility, vms, winevent  # noqa: F401
