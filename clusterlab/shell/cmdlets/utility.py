"""The PowerShell utility cmdlets a cluster admin pipes into, plus Start-Sleep, Get-Help, Get-Command."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .. import wildcard
from ..formatting import Column, columns_from, expand_star, format_list, format_table, view_for
from ..objects import PSObject, flatten, make, to_text
from ..registry import REGISTRY, Cmdlet, Invocation, Param, cmdlet
from ..session import FormattedText, ScriptBlockValue, compare, member

UTIL = "Microsoft.PowerShell.Utility"
CORE = "Microsoft.PowerShell.Core"
OPS = (
    "EQ",
    "NE",
    "GT",
    "LT",
    "GE",
    "LE",
    "Like",
    "NotLike",
    "Match",
    "NotMatch",
    "Contains",
    "NotContains",
    "In",
    "NotIn",
    "CEQ",
    "CNE",
    "CLike",
    "CMatch",
)


def _items(inv: Invocation) -> list[Any]:
    """The objects a utility cmdlet works on: its pipeline input, or -InputObject."""
    return inv.input if not inv.has("InputObject") else flatten([inv.get("InputObject")])


def _to_format(inv: Invocation) -> list[Any]:
    """What Format-Table / Format-List format: output that is already formatted stays the text it is.
    (Formatting it again as an object quoted and escaped it: ``| fl | fl | …`` doubled its size at each
    stage, and fifty stages took all the memory there was. PowerShell refuses to re-format format
    data; passing the text on is the friendlier half of that.)"""
    return [o.text if isinstance(o, FormattedText) else o for o in _items(inv)]


def _evaluate(expr: Any, obj: Any) -> Any:
    if isinstance(expr, ScriptBlockValue):
        values = expr.invoke(obj)
        return values[0] if len(values) == 1 else values
    return member(obj, to_text(expr))


@cmdlet(
    "Where-Object",
    "Selects objects from a collection based on their property values.",
    (
        Param("FilterScript", kind="any", position=0, help="{ $_.State -eq 'Up' } or a property name."),
        Param("Value", kind="any", position=1),
        Param("Property", kind="string"),
        *(Param(op, kind="switch") for op in OPS),
        Param("InputObject", kind="object"),
    ),
    aliases=("where", "?"),
    module=CORE,
    process=False,
    examples=(
        ("Get-ClusterNode | Where-Object { $_.State -eq 'Up' }", "Nodes that are up."),
        ("Get-ClusterGroup | Where-Object OwnerNode -eq HV02", "Simplified syntax."),
    ),
)
def where_object(inv: Invocation) -> Iterable[Any]:
    items = _items(inv)
    script = inv.get("FilterScript")
    if isinstance(script, ScriptBlockValue):
        return [o for o in items if _truthy_list(script.invoke(o))]
    prop = inv.get("Property") or (to_text(script) if script is not None else None)
    if not prop:
        raise inv.fail(
            'Cannot process argument because the value of argument "FilterScript" is null.', "InvalidArgument"
        )
    op = next((o for o in OPS if inv.switch(o)), None)
    if op is None:
        return [o for o in items if _truthy(member(o, prop))]
    value = inv.get("Value")
    return [o for o in items if _truthy(compare(op.lower(), member(o, prop), value))]


def _truthy(v: Any) -> bool:
    from ..session import _truthy as t

    return t(v)


def _truthy_list(values: list[Any]) -> bool:
    return _truthy(values[0] if len(values) == 1 else values)


@cmdlet(
    "Select-Object",
    "Selects properties of objects, or the first/last objects of a collection.",
    (
        Param("Property", kind="objects", position=0, help="Property names (wildcards) or @{Name=..;Expression=..}."),
        Param("ExpandProperty", kind="string", help="Output the values of one property."),
        Param("First", kind="int"),
        Param("Last", kind="int"),
        Param("Skip", kind="int"),
        Param("Unique", kind="switch"),
        Param("InputObject", kind="object"),
    ),
    aliases=("select",),
    module=UTIL,
    process=False,
)
def select_object(inv: Invocation) -> Iterable[Any]:
    items = _items(inv)
    if inv.has("Skip"):
        items = items[inv.get("Skip") :]
    if inv.has("First"):
        items = items[: max(0, inv.get("First"))]
    if inv.has("Last"):
        n = inv.get("Last")
        items = items[-n:] if n > 0 else []
    if inv.has("ExpandProperty"):
        name = inv.get("ExpandProperty")
        out = []
        for o in items:
            if isinstance(o, PSObject) and not o.has(name):
                raise inv.fail(f'Property "{name}" cannot be found.', "InvalidArgument", name)
            out.extend(flatten([member(o, name)]))
        return out
    cols = _format_props(inv, items)
    if cols:
        out = []
        for o in items:
            data: dict[str, Any] = {}
            for col in cols:
                if isinstance(col, Column):
                    data[col.label] = col.value(o)
                else:
                    key = o.key(col) if isinstance(o, PSObject) else None
                    data[key or col] = member(o, col)
            out.append(make("Selected." + (o.type_name if isinstance(o, PSObject) else "System.Object"), data))
        items = out
    if inv.switch("Unique"):
        seen: list[str] = []
        uniq = []
        for o in items:
            key = repr(o.props) if isinstance(o, PSObject) else to_text(o)
            if key not in seen:
                seen.append(key)
                uniq.append(o)
        items = uniq
    return items


@cmdlet(
    "Sort-Object",
    "Sorts objects by property values.",
    (
        Param("Property", kind="objects", position=0),
        Param("Descending", kind="switch"),
        Param("Unique", kind="switch"),
        Param("InputObject", kind="object"),
    ),
    aliases=("sort",),
    module=UTIL,
    process=False,
)
def sort_object(inv: Invocation) -> Iterable[Any]:
    items = _items(inv)
    props = inv.get("Property") or []

    def key(o: Any) -> tuple[Any, ...]:
        values = [_evaluate(p, o) for p in props] if props else [o if not isinstance(o, PSObject) else str(o)]
        return tuple(_sort_key(v) for v in values)

    out = sorted(items, key=key, reverse=inv.switch("Descending"))
    if inv.switch("Unique"):
        uniq: list[Any] = []
        for o in out:
            if not uniq or key(uniq[-1]) != key(o):
                uniq.append(o)
        out = uniq
    return out


def _sort_key(v: Any) -> tuple[int, Any]:
    if isinstance(v, bool):
        return (0, int(v))
    if isinstance(v, int | float):
        return (0, v)
    return (1, to_text(v).lower())


@cmdlet(
    "Measure-Object",
    "Counts objects, and sums/averages a numeric property.",
    (
        Param("Property", kind="strings", position=0),
        Param("Sum", kind="switch"),
        Param("Average", kind="switch"),
        Param("Maximum", kind="switch"),
        Param("Minimum", kind="switch"),
        Param("InputObject", kind="object"),
    ),
    aliases=("measure",),
    module=UTIL,
    process=False,
)
def measure_object(inv: Invocation) -> Iterable[Any]:
    items = _items(inv)
    props = inv.get("Property") or [None]
    out = []
    for p in props:
        values = [member(o, p) if p else o for o in items]
        nums = [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        data: dict[str, Any] = {"Count": len(items)}
        data["Average"] = (sum(nums) / len(nums)) if inv.switch("Average") and nums else None
        data["Sum"] = sum(nums) if inv.switch("Sum") else None
        data["Maximum"] = max(nums) if inv.switch("Maximum") and nums else None
        data["Minimum"] = min(nums) if inv.switch("Minimum") and nums else None
        data["Property"] = p
        out.append(make("Microsoft.PowerShell.Commands.GenericMeasureInfo", data))
    return out


@cmdlet(
    "ForEach-Object",
    "Runs a script block for each input object.",
    (Param("Process", kind="any", position=0), Param("MemberName", kind="string"), Param("InputObject", kind="object")),
    aliases=("foreach", "%"),
    module=CORE,
    process=False,
)
def foreach_object(inv: Invocation) -> Iterable[Any]:
    items = _items(inv)
    block = inv.get("Process")
    out: list[Any] = []
    for o in items:
        if isinstance(block, ScriptBlockValue):
            out.extend(block.invoke(o))
        elif block is not None:
            out.extend(flatten([member(o, to_text(block))]))
        elif inv.has("MemberName"):
            out.extend(flatten([member(o, inv.get("MemberName"))]))
    return out


def _format_props(inv: Invocation, items: list[Any]) -> list[str | Column] | None:
    props = inv.get("Property")
    if not props:
        return None
    plain = [p for p in props if not isinstance(p, dict)]
    names = expand_star(items, [to_text(p) for p in plain])
    cols: list[str | Column] = []
    for p in props:
        if isinstance(p, dict):
            cols.extend(columns_from([p], _evaluate))
        elif any(ch in to_text(p) for ch in "*?"):
            cols.extend(n for n in names if wildcard.fnmatchcase(n.lower(), to_text(p).lower()) and n not in cols)
        else:
            cols.append(to_text(p))
    return cols


@cmdlet(
    "Format-Table",
    "Formats the output as a table.",
    (
        Param("Property", kind="objects", position=0),
        Param("AutoSize", kind="switch"),
        Param("HideTableHeaders", kind="switch"),
        Param("Wrap", kind="switch"),
        Param("InputObject", kind="object"),
    ),
    aliases=("ft",),
    module=UTIL,
    process=False,
)
def format_table_cmd(inv: Invocation) -> Iterable[Any]:
    items = _to_format(inv)
    if not items:
        return []
    cols = _format_props(inv, items)
    if cols is None:
        first = next((o for o in items if isinstance(o, PSObject)), None)
        view = view_for(first, inv.ctx.profile) if first else None
        cols = list(view.table) if view and view.table else (list(first.props) if first else [])
    objects = [o for o in items if isinstance(o, PSObject)]
    scalars = [o for o in items if not isinstance(o, PSObject)]
    text = format_table(objects, cols, inv.ctx.width, inv.switch("HideTableHeaders")) if objects else ""
    if scalars:
        text += "\n".join(to_text(s) for s in scalars) + "\n"
    return [FormattedText(text)]


@cmdlet(
    "Format-List",
    "Formats the output as a list of properties, each on its own line.",
    (Param("Property", kind="objects", position=0), Param("InputObject", kind="object")),
    aliases=("fl",),
    module=UTIL,
    process=False,
)
def format_list_cmd(inv: Invocation) -> Iterable[Any]:
    items = _to_format(inv)
    if not items:
        return []
    cols = _format_props(inv, items)
    if cols is None:
        first = next((o for o in items if isinstance(o, PSObject)), None)
        view = view_for(first, inv.ctx.profile) if first else None
        if view is not None:
            cols = list(view.list or view.table)
    return [FormattedText(format_list(items, cols, inv.ctx.width))]


@cmdlet(
    "Out-String",
    "Renders objects as text.",
    (Param("InputObject", kind="object"), Param("Width", kind="int")),
    module=UTIL,
    process=False,
)
def out_string(inv: Invocation) -> Iterable[Any]:
    items = _items(inv)
    return [inv.ctx.shell.render(items)]


@cmdlet(
    "Write-Output",
    "Sends objects down the pipeline.",
    (Param("InputObject", kind="objects", position=0),),
    aliases=("echo", "write"),
    module=UTIL,
    process=False,
)
def write_output(inv: Invocation) -> Iterable[Any]:
    return flatten([inv.get("InputObject", [])])


@cmdlet(
    "Start-Sleep",
    "Waits: in clusterlab it advances simulated time, like a wait: step in a lab.",
    (
        Param("Seconds", kind="float", position=0, aliases=("s",)),
        Param("Milliseconds", kind="int", aliases=("ms",)),
        Param("Minutes", kind="float", help="clusterlab extension: minutes of simulated time."),
        Param("Hours", kind="float", help="clusterlab extension: hours of simulated time."),
    ),
    aliases=("sleep",),
    module=UTIL,
    process=False,
    examples=(
        ("Start-Sleep -Seconds 30", "30 simulated seconds pass."),
        ("Start-Sleep -Minutes 5", "5 simulated minutes pass."),
    ),
)
def start_sleep(inv: Invocation) -> Iterable[Any]:
    seconds = float(inv.get("Seconds", 0) or 0) + float(inv.get("Milliseconds", 0) or 0) / 1000
    seconds += float(inv.get("Minutes", 0) or 0) * 60 + float(inv.get("Hours", 0) or 0) * 3600
    if seconds < 0:
        raise inv.fail(
            "Cannot validate argument on parameter 'Seconds'. The argument cannot be negative.", "InvalidData"
        )
    if seconds > 30 * 86400:
        raise inv.fail("Cannot sleep more than 30 simulated days at once.", "InvalidArgument")
    inv.ctx.cluster.advance(seconds)
    return []


@cmdlet("Get-Date", "The simulated calendar time of the lab.", (), module=UTIL, process=False)
def get_date(inv: Invocation) -> Iterable[Any]:
    c = inv.ctx.cluster
    return [c.clock.at(c.now)]


@cmdlet(
    "Get-Command",
    "Lists the commands the console knows (real cmdlets and lab-only ones).",
    (
        Param("Name", kind="strings", position=0),
        Param("Module", kind="strings"),
        Param("Noun", kind="strings"),
        Param("Verb", kind="strings"),
    ),
    aliases=("gcm",),
    module=CORE,
    process=False,
)
def get_command(inv: Invocation) -> Iterable[Any]:
    names = [n.lower() for n in inv.get("Name") or []]
    modules = [m.lower() for m in inv.get("Module") or []]
    nouns = [n.lower() for n in inv.get("Noun") or []]
    verbs = [v.lower() for v in inv.get("Verb") or []]
    out = []
    for c in REGISTRY.all():
        verb, _, noun = c.name.partition("-")
        if names and not any(wildcard.fnmatchcase(c.name.lower(), n) for n in names):
            continue
        if modules and not any(wildcard.fnmatchcase(c.module.lower(), m) for m in modules):
            continue
        if nouns and not any(wildcard.fnmatchcase(noun.lower(), n) for n in nouns):
            continue
        if verbs and not any(wildcard.fnmatchcase(verb.lower(), v) for v in verbs):
            continue
        if c.min_os and not inv.ctx.shell._os_at_least(c.min_os):
            continue
        out.append(
            make(
                "System.Management.Automation.CmdletInfo",
                {"CommandType": "Cmdlet", "Name": c.name, "Version": "", "Source": c.module},
            )
        )
    if names and not out and not any(any(ch in n for ch in "*?") for n in names):
        raise inv.fail(
            f"The term '{names[0]}' is not recognized as the name of a cmdlet, function, script file, or "
            "operable program.",
            "ObjectNotFound",
            names[0],
        )
    return out


def help_text(c: Cmdlet, profile: str | None = None) -> str:
    lines = ["", "NAME", f"    {c.name}", "", "SYNOPSIS", f"    {c.synopsis}"]
    if c.lab_only:
        lines.append("    LAB-ONLY: this command exists only in clusterlab; no real cmdlet does this.")
    lines += ["", "SYNTAX", f"    {c.syntax()}"]
    if c.aliases:
        lines += ["", "ALIASES", "    " + ", ".join(c.aliases)]
    if c.description:
        lines += ["", "DESCRIPTION", f"    {c.description}"]
    documented = [p for p in c.params if p.help]
    if documented:
        lines += ["", "PARAMETERS"]
        for p in c.params:
            alias = f" (alias: {', '.join('-' + a for a in p.aliases)})" if p.aliases else ""
            since = f" [Windows Server {p.min_os}+]" if p.min_os else ""
            lines.append(f"    -{p.name} <{p.ps_type}>{alias}{since}")
            if p.help:
                lines.append(f"        {p.help}")
    if c.examples:
        lines += ["", "EXAMPLES"]
        for code, what in c.examples:
            lines += [f"    PS> {code}", f"        {what}"]
    lines.append("")
    return "\n".join(lines) + "\n"


@cmdlet(
    "Get-Help",
    "Shows help for a command: syntax, parameters, examples, and whether it is lab-only.",
    (
        Param("Name", kind="string", position=0),
        Param("Examples", kind="switch"),
        Param("Full", kind="switch"),
        Param("Detailed", kind="switch"),
    ),
    aliases=("help", "man"),
    module=CORE,
    process=False,
)
def get_help(inv: Invocation) -> Iterable[Any]:
    name = inv.get("Name")
    if not name:
        return [
            FormattedText(
                "\nclusterlab console: the FailoverClusters and Hyper-V cmdlets over a simulated cluster.\n"
                "  Get-Command              lists every command (Get-Command -Module Lab for the lab-only ones)\n"
                "  Get-Help <command>       syntax, parameters and examples\n"
                "  Start-Sleep -Seconds N   lets N simulated seconds pass\n"
                "  Tab completes commands, parameters and node/role names.\n\n"
            )
        ]
    found = REGISTRY.find(name)
    if found is None:
        hint = REGISTRY.suggest(name)
        raise inv.fail(
            f"Get-Help could not find {name} in a help file in this session."
            + (f" Did you mean '{hint}'?" if hint else ""),
            "ResourceUnavailable",
            name,
        )
    if inv.switch("Examples"):
        body = "\n".join(f"    PS> {code}\n        {what}" for code, what in found.examples) or "    (none)"
        return [FormattedText(f"\nNAME\n    {found.name}\n\nEXAMPLES\n{body}\n\n")]
    return [FormattedText(help_text(found, inv.ctx.profile))]


@cmdlet(
    "Get-Member",
    "Lists the properties of the input objects.",
    (Param("InputObject", kind="object"),),
    aliases=("gm",),
    module=UTIL,
    process=False,
)
def get_member(inv: Invocation) -> Iterable[Any]:
    out = []
    seen: set[str] = set()
    for o in inv.input:
        if not isinstance(o, PSObject) or o.type_name in seen:
            continue
        seen.add(o.type_name)
        for k, v in o.props.items():
            settable = "get;set;" if o.setter(k) else "get;"
            out.append(
                make(
                    "Microsoft.PowerShell.Commands.MemberDefinition",
                    {
                        "TypeName": o.type_name,
                        "Name": k,
                        "MemberType": "Property",
                        "Definition": f"{type(v).__name__} {k} {{{settable}}}",
                    },
                )
            )
    return [FormattedText(format_table(out, ["Name", "MemberType", "Definition"], inv.ctx.width))] if out else []


@cmdlet(
    "Get-History",
    "Lists the commands entered in this session.",
    (),
    aliases=("h", "history"),
    module=CORE,
    process=False,
)
def get_history(inv: Invocation) -> Iterable[Any]:
    return [
        make("Microsoft.PowerShell.Commands.HistoryInfo", {"Id": i + 1, "CommandLine": line})
        for i, line in enumerate(inv.ctx.shell.history[:-1])
    ]
