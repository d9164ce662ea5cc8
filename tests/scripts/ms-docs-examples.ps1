# Examples from Microsoft's FailoverClusters / Hyper-V cmdlet documentation, adapted to the
# default lab's names (node1 -> HV01, cluster1 -> HVCLUS, \\fileserver\share -> \\FS01\Witness).
Get-ClusterNode
Get-ClusterNode -Name HV01 | Format-List *
Get-ClusterNode | Where-Object { $_.State -eq 'Up' }
Get-ClusterGroup
Get-ClusterGroup -Name SQL01 | Get-ClusterResource
Get-ClusterResource
Get-ClusterResource -Name 'Cluster Name' | Format-List *
Get-ClusterQuorum
Get-ClusterQuorum -Cluster HVCLUS
Set-ClusterQuorum -NoWitness
Set-ClusterQuorum -FileShareWitness \\FS01\Witness
Get-ClusterNetwork
Get-ClusterOwnerNode -Group SQL01
Set-ClusterOwnerNode -Group SQL01 -Owners HV03,HV02
Get-ClusterOwnerNode -Resource 'Virtual Machine SQL01'
Suspend-ClusterNode -Name HV02
Resume-ClusterNode -Name HV02
Move-ClusterGroup -Name FS01 -Node HV03
Move-ClusterGroup -Name FS01
Stop-ClusterGroup -Name TEST01
Start-ClusterGroup -Name TEST01
Stop-ClusterNode -Name HV04
Start-ClusterNode -Name HV04
(Get-ClusterNode HV04).NodeWeight = 0
(Get-Cluster).DynamicQuorum
Get-Cluster | Format-List -Property *
Get-VM
Get-VM -Name SQL*
Stop-VM -Name WEB01
Start-VM -Name WEB01
Save-VM -Name WEB02
Test-Cluster
Get-Command -Module FailoverClusters
