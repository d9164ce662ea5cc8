"""Generates docs/cmdlets.md from the cmdlet registry: ``python -m clusterlab.shell.docs``."""

from __future__ import annotations

import sys
from pathlib import Path

from .registry import REGISTRY, Cmdlet

MODULE_TITLES = {
    "FailoverClusters": "FailoverClusters (real cmdlets)",
    "Hyper-V": "Hyper-V (real cmdlets)",
    "Lab": "Lab-only (clusterlab's own: faults and lab controls no real cmdlet provides)",
    "Microsoft.PowerShell.Core": "PowerShell core",
    "Microsoft.PowerShell.Utility": "PowerShell utility",
    "SmbShare": "SmbShare (real cmdlets)",
    "Microsoft.PowerShell.Management": "PowerShell management (real cmdlets)",
}


def _section(c: Cmdlet) -> list[str]:
    lines = [f"### {c.name}", "", c.synopsis, ""]
    if c.lab_only:
        lines += ["**Lab-only**: this command exists only in clusterlab.", ""]
    if c.min_os:
        lines += [f"Available from Windows Server {c.min_os}.", ""]
    lines += ["```", c.syntax(), "```", ""]
    if c.aliases:
        lines += ["Aliases: " + ", ".join(f"`{a}`" for a in c.aliases), ""]
    if c.description:
        lines += [c.description, ""]
    if c.params:
        lines += ["| Parameter | Type | Position | Aliases | Profiles | Meaning |", "|---|---|---|---|---|---|"]
        for p in c.params:
            pos = str(p.position) if p.position is not None else "named"
            aliases = ", ".join(f"-{a}" for a in p.aliases)
            profiles = f"{p.min_os}+" if p.min_os else "all"
            ptype = p.ps_type.replace("|", "\\|")
            lines.append(f"| -{p.name} | {ptype} | {pos} | {aliases} | {profiles} | {p.help} |")
        lines.append("")
    for code, what in c.examples:
        lines += [f"- `{code}` — {what}"]
    if c.examples:
        lines.append("")
    return lines


def generate() -> str:
    from . import cmdlets  # noqa: F401 - registers every cmdlet

    out = [
        "# Console cmdlets",
        "",
        "Generated from the cmdlet registry by `python -m clusterlab.shell.docs > docs/cmdlets.md`;",
        "`Get-Help NAME` in the console prints the same. Every FailoverClusters cmdlet also accepts the",
        "common parameters `-Cluster`, `-ErrorAction`, `-Verbose`, `-WhatIf` and `-Confirm`.",
        "",
    ]
    by_module: dict[str, list[Cmdlet]] = {}
    for c in REGISTRY.all():
        by_module.setdefault(c.module, []).append(c)
    for module in sorted(by_module, key=lambda m: list(MODULE_TITLES).index(m) if m in MODULE_TITLES else 99):
        out += [f"## {MODULE_TITLES.get(module, module)}", ""]
        for c in by_module[module]:
            out += _section(c)
    return "\n".join(out).rstrip() + "\n"


def main() -> int:
    text = generate()
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
