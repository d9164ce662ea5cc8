"""The console: a PowerShell subset (parser), the FailoverClusters/Hyper-V cmdlets over the
simulation (cmdlets/), PowerShell-like formatting, and the session that ties them together."""

from .errors import ErrorRecord
from .session import RunResult, Shell

__all__ = ["ErrorRecord", "RunResult", "Shell"]
