"""PowerShell-shaped error records.

Rendered like Windows PowerShell 5.1 prints them::

    Suspend-ClusterNode : The node 'HV09' was not found.
    At line:1 char:1
    + Suspend-ClusterNode -Name HV09
    + ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
        + CategoryInfo          : ObjectNotFound: (HV09:String) [Suspend-ClusterNode], ClusterCmdletException
        + FullyQualifiedErrorId : ClusterObjectNotFound,Microsoft.FailoverClusters.PowerShell.SuspendClusterNodeCommand
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    message: str
    category: str = "InvalidOperation"  # ObjectNotFound, InvalidArgument, InvalidOperation, ParserError…
    command: str = ""  # the cmdlet that wrote it ("" for parser / runtime errors)
    target: str = ""
    exception: str = "ClusterCmdletException"
    error_id: str = ""
    line: str = ""  # source line for the "At line:1 char:N" block
    pos: int = 0
    length: int = 0

    def render(self) -> str:
        head = f"{self.command} : {self.message}" if self.command else self.message
        lines = [head]
        if self.line:
            col = max(0, min(self.pos, len(self.line)))
            span = max(1, min(self.length or (len(self.line) - col), len(self.line) - col or 1))
            lines.append(f"At line:1 char:{col + 1}")
            lines.append(f"+ {self.line}")
            lines.append("+ " + " " * col + "~" * span)
        target = f"({self.target}:String) " if self.target else "(:) "
        lines.append(f"    + CategoryInfo          : {self.category}: {target}[{self.command}], {self.exception}")
        lines.append(f"    + FullyQualifiedErrorId : {self.error_id or self.exception}")
        return "\n".join(lines)


class ShellError(Exception):
    """A terminating error: the statement stops, the console goes on."""

    def __init__(self, record: ErrorRecord) -> None:
        super().__init__(record.message)
        self.record = record
