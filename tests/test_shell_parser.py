"""The console's PowerShell parser: the tree each construct gives, PowerShell's error messages for
broken input, and that no input at all makes ``parse`` raise anything but ``ParseError``."""

from __future__ import annotations

import contextlib
import time
from dataclasses import fields
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterlab.shell.ast import (
    ArrayLit,
    Assignment,
    BinaryOp,
    Command,
    Expr,
    HashLit,
    Index,
    MemberAccess,
    MethodCall,
    Node,
    NumberLit,
    Parameter,
    Pipeline,
    Positional,
    Script,
    ScriptBlock,
    Statement,
    StringLit,
    SubExpr,
    UnaryOp,
    Variable,
)
from clusterlab.shell.parser import MAX_DEPTH, ParseError, parse

# helpers: trees without positions, built tersely ---------------------------------------------


def nopos(x: Any) -> Any:
    """``x`` with every ``pos`` set to 0, so a test can compare shapes."""
    if isinstance(x, Node):
        return type(x)(**{f.name: 0 if f.name == "pos" else nopos(getattr(x, f.name)) for f in fields(x)})
    if isinstance(x, tuple):
        return tuple(nopos(item) for item in x)
    return x


def S(value: str) -> StringLit:  # 'single-quoted'
    return StringLit(0, value)


def D(value: str) -> StringLit:  # "double-quoted"
    return StringLit(0, value, expandable=True)


def B(value: str) -> StringLit:  # bareword argument
    return StringLit(0, value, bare=True)


def N(value: float) -> NumberLit:
    return NumberLit(0, value)


def V(name: str) -> Variable:
    return Variable(0, name)


def P(name: str, value: Expr | None = None) -> Parameter:
    return Parameter(0, name, value, colon=value is not None)


def A(value: Expr) -> Positional:
    return Positional(0, value)


def C(name: str, *args: Parameter | Positional) -> Command:
    return Command(0, name, args)


def L(*items: Expr) -> ArrayLit:
    return ArrayLit(0, items)


def M(target: Expr, name: str) -> MemberAccess:
    return MemberAccess(0, target, name)


def Op(op: str, left: Expr, right: Expr) -> BinaryOp:
    return BinaryOp(0, op, left, right)


def Pipe(*elements: Command | Expr) -> Pipeline:
    return Pipeline(0, elements)


def Sub(*elements: Command | Expr) -> SubExpr:
    return SubExpr(0, Pipeline(0, elements))


def Block(text: str, *statements: Statement) -> ScriptBlock:
    return ScriptBlock(0, Script(0, statements), text)


def statements(source: str) -> tuple[Statement, ...]:
    return tuple(nopos(parse(source).statements))


def one(source: str) -> Statement:
    (statement,) = statements(source)
    return statement


def elements(source: str) -> tuple[Command | Expr, ...]:
    statement = one(source)
    assert isinstance(statement, Pipeline)
    return statement.elements


def single(source: str) -> Command | Expr:
    (element,) = elements(source)
    return element


def error(source: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse(source)
    return info.value


# statements ----------------------------------------------------------------------------------


def test_statements_are_separated_by_semicolons_and_newlines_and_blank_ones_are_dropped() -> None:
    assert statements("Get-ClusterNode; Get-ClusterGroup\nGet-Cluster\r\n\r\n;;  ; Get-VM") == (
        Pipe(C("Get-ClusterNode")),
        Pipe(C("Get-ClusterGroup")),
        Pipe(C("Get-Cluster")),
        Pipe(C("Get-VM")),
    )
    assert statements("") == statements("  ;\n ; ") == ()


def test_comments_run_to_the_end_of_the_line_but_not_inside_strings_or_barewords() -> None:
    assert statements("# just a comment\nGet-Cluster # trailing\n<# block\n comment #> Get-VM") == (
        Pipe(C("Get-Cluster")),
        Pipe(C("Get-VM")),
    )
    assert single("Write-Output '#1' \"#2\" a#b") == C("Write-Output", A(S("#1")), A(D("#2")), A(B("a#b")))


def test_a_backtick_at_the_end_of_a_line_continues_the_command() -> None:
    assert single("Suspend-ClusterNode -Name HV01 `\n  -Drain`\r\n -Wait") == C(
        "Suspend-ClusterNode", P("Name"), A(B("HV01")), P("Drain"), P("Wait")
    )


def test_positions_point_at_the_first_character_of_each_node() -> None:
    (statement,) = parse("  Get-ClusterNode -Name HV04 | ft").statements
    assert isinstance(statement, Pipeline) and statement.pos == 2
    first, second = statement.elements
    assert isinstance(first, Command) and first.pos == 2 and [a.pos for a in first.args] == [18, 24]
    assert isinstance(second, Command) and second.pos == 31


# pipelines and commands --------------------------------------------------------------------


def test_pipeline_of_commands_and_a_trailing_pipe_continues_on_the_next_line() -> None:
    assert elements("Get-ClusterNode | Sort-Object -Property Name -Descending |\n  Select-Object -First 2") == (
        C("Get-ClusterNode"),
        C("Sort-Object", P("Property"), A(B("Name")), P("Descending")),
        C("Select-Object", P("First"), A(N(2))),
    )
    assert elements("Get-ClusterNode|ft") == (C("Get-ClusterNode"), C("ft"))
    assert elements("Get-ClusterNode |  # comment after the pipe\n\n Measure-Object") == (
        C("Get-ClusterNode"),
        C("Measure-Object"),
    )


@pytest.mark.parametrize(
    ("source", "first"),
    [
        ("(Get-Cluster) | fl *", Sub(C("Get-Cluster"))),
        ("$nodes | fl *", V("nodes")),
        ("'HV01','HV02' | fl *", L(S("HV01"), S("HV02"))),
        ("4GB | fl *", N(4 * 1024**3)),
    ],
)
def test_the_first_pipeline_element_may_be_an_expression(source: str, first: Expr) -> None:
    assert elements(source) == (first, C("fl", A(B("*"))))


def test_command_names_are_barewords_including_aliases() -> None:
    for name in ["Get-ClusterNode", "ft", "?", "%", "where", "Start-Sleep", "foreach", ".\\Fix-Lab.ps1", "7zip"]:
        assert elements(f"Get-X | {name}")[1] == C(name)
    assert single("7zip") == C("7zip"), "a bareword that is not entirely a number is a command"


def test_parameters_switches_and_colon_values() -> None:
    assert single("Suspend-ClusterNode -Name node1 -Drain -Wait") == C(
        "Suspend-ClusterNode", P("Name"), A(B("node1")), P("Drain"), P("Wait")
    )
    assert single("Suspend-ClusterNode -Drain:$false -Name:HV01 -Owners: HV01,HV02") == C(
        "Suspend-ClusterNode", P("Drain", V("false")), P("Name", B("HV01")), P("Owners", L(B("HV01"), B("HV02")))
    )
    assert single("Get-Help -?") == C("Get-Help", P("?"))
    assert single("Get-ClusterNode \u2013Name HV01") == C("Get-ClusterNode", P("Name"), A(B("HV01"))), "en dash"


def test_barewords_paths_and_unc_paths_are_bare_strings() -> None:
    assert single(r"Set-ClusterQuorum -FileShareWitness \\fileserver\share") == C(
        "Set-ClusterQuorum", P("FileShareWitness"), A(B(r"\\fileserver\share"))
    )
    assert single(r"Export-Report C:\Reports *.txt HV04 SRV-A a=b ..") == C(
        "Export-Report", A(B(r"C:\Reports")), A(B("*.txt")), A(B("HV04")), A(B("SRV-A")), A(B("a=b")), A(B(".."))
    )


def test_a_bareword_may_contain_quoted_sections_and_backtick_escapes() -> None:
    assert single("Write-Output HV'0'1 a` b") == C("Write-Output", A(B("HV01")), A(B("a b")))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("60", 60),
        ("4GB", 4 * 1024**3),
        ("1.5", 1.5),
        ("0x10", 16),
        ("-1", -1),
        ("-2.5", -2.5),
        ("1kb", 1024),
        ("1.5MB", 1.5 * 1024**2),
        ("1e3", 1000.0),
        ("10L", 10),
        (".5", 0.5),
    ],
)
def test_numbers_in_argument_position(text: str, value: float) -> None:
    assert single(f"Start-Sleep {text}") == C("Start-Sleep", A(N(value)))
    assert single(text) == N(value), "and as an expression"


def test_a_token_that_only_starts_like_a_number_is_a_bareword() -> None:
    assert single("Write-Output 1+2 7z 10.0.0.1 4GBx") == C(
        "Write-Output", A(B("1+2")), A(B("7z")), A(B("10.0.0.1")), A(B("4GBx"))
    )


def test_a_negative_number_argument_is_not_a_parameter() -> None:
    assert single("Set-Thing -Value -1 -Other") == C("Set-Thing", P("Value"), A(N(-1)), P("Other"))


def test_comma_lists_in_argument_position_are_arrays() -> None:
    assert single("Format-Table Name, State -AutoSize") == C("Format-Table", A(L(B("Name"), B("State"))), P("AutoSize"))
    assert single("Invoke-LabFault -Partition 'HV01,HV02','HV03,HV04'") == C(
        "Invoke-LabFault", P("Partition"), A(L(S("HV01,HV02"), S("HV03,HV04")))
    )
    assert single("Set-X 1,\n  2 , $x") == C("Set-X", A(L(N(1), N(2), V("x")))), "a trailing comma continues"


def test_values_in_argument_position_variables_members_and_brackets() -> None:
    assert single("Get-ClusterNode $_.Name (Get-Cluster).Name $x[0] $s.ToUpper() $true") == C(
        "Get-ClusterNode",
        A(M(V("_"), "Name")),
        A(M(Sub(C("Get-Cluster")), "Name")),
        A(Index(0, V("x"), N(0))),
        A(MethodCall(0, V("s"), "ToUpper", ())),
        A(V("true")),
    )
    assert single("Set-X @(1) @{a=1} { $_ } $(Get-Cluster)") == C(
        "Set-X",
        A(L(N(1))),
        A(HashLit(0, (("a", N(1)),))),
        A(Block(" $_ ", Pipe(V("_")))),
        A(Sub(C("Get-Cluster"))),
    )


def test_where_object_with_a_script_block_and_the_simplified_syntax() -> None:
    assert single("Where-Object { $_.State -eq 'Up' }") == C(
        "Where-Object", A(Block(" $_.State -eq 'Up' ", Pipe(Op("eq", M(V("_"), "State"), S("Up")))))
    )
    # In command mode -eq is just a parameter; the executor gives it its Where-Object meaning.
    assert single("Where-Object State -eq Up") == C("Where-Object", A(B("State")), P("eq"), A(B("Up")))
    assert single("? {$_.Name -like 'HV0*'}") == C(
        "?", A(Block("$_.Name -like 'HV0*'", Pipe(Op("like", M(V("_"), "Name"), S("HV0*")))))
    )
    assert single("%{ $_.Name }") == C("%", A(Block(" $_.Name ", Pipe(M(V("_"), "Name")))))


def test_script_block_text_and_multiline_body() -> None:
    command = single("% {\n  $n = $_.Name\n  $n\n}")
    assert isinstance(command, Command)
    block = command.args[0].value
    assert isinstance(block, ScriptBlock)
    assert block.text == "\n  $n = $_.Name\n  $n\n"
    assert block.body.statements == (Assignment(0, V("n"), Pipe(M(V("_"), "Name"))), Pipe(V("n")))


# expressions ---------------------------------------------------------------------------------


def test_literals_and_variables() -> None:
    assert single("'it''s'") == S("it's")
    assert single("$_") == V("_")
    assert single("$env:COMPUTERNAME") == V("env:COMPUTERNAME")
    assert single("${my var}") == V("my var")
    assert single("\u2018smart\u2019") == S("smart"), "typographic quotes, as PowerShell accepts them"


def test_double_quoted_strings_decode_escapes_and_keep_expansions_for_the_executor() -> None:
    assert single('"a`tb`n`"q`" ""d"" $x $($n.Name) `$y ``"') == D('a\tb\n"q" "d" $x $($n.Name) `$y ``')
    assert single('"$( "nested" + \')\' )"') == D("$( \"nested\" + ')' )"), "a nested string inside $( )"


def test_member_access_method_calls_and_indexing_chain() -> None:
    assert single("(Get-ClusterNode).Count") == M(Sub(C("Get-ClusterNode")), "Count")
    assert single("$x[0].Name.Substring(1, 2)") == MethodCall(
        0, M(Index(0, V("x"), N(0)), "Name"), "Substring", (N(1), N(2))
    )
    assert single("$x.'Odd Name'") == M(V("x"), "Odd Name")
    assert single("$x.Method((1, 2))") == MethodCall(0, V("x"), "Method", (Sub(L(N(1), N(2))),))
    assert single("$x[1, 2]") == Index(0, V("x"), L(N(1), N(2)))


def test_subexpressions_arrays_and_hashtables() -> None:
    assert single("$(Get-Cluster)") == Sub(C("Get-Cluster"))
    assert single("$()") == SubExpr(0, Pipeline(0, ()))
    assert single("@()") == L()
    assert single("@('a', 'b')") == L(S("a"), S("b"))
    assert single("@{}") == HashLit(0, ())
    assert single("@{ Name = 'x'; 'Quoted Key' = 1\n Size = 4GB }") == HashLit(
        0, (("Name", S("x")), ("Quoted Key", N(1)), ("Size", N(4 * 1024**3)))
    )
    assert single("@{ Nodes = Get-ClusterNode | ft; E = {$_.Name} }") == HashLit(
        0,
        (
            ("Nodes", SubExpr(0, Pipe(C("Get-ClusterNode"), C("ft")))),
            ("E", Block("$_.Name", Pipe(M(V("_"), "Name")))),
        ),
    )


def test_array_subexpression_items_are_flattened_through_subexpr() -> None:
    # The executor flattens a SubExpr item's output into the array, as PowerShell's @( ) does.
    assert single("@(Get-ClusterNode)") == L(Sub(C("Get-ClusterNode")))
    assert single("@($nodes)") == L(Sub(V("nodes")))
    assert single("@(1; $x)") == L(N(1), Sub(V("x")))
    assert single("@(@{a=1})") == L(HashLit(0, (("a", N(1)),)))


def test_unary_operators() -> None:
    assert single("-not $x") == UnaryOp(0, "not", V("x"))
    assert single("!$x.Enabled") == UnaryOp(0, "not", M(V("x"), "Enabled")), "member access binds tighter"
    assert single("-$x") == UnaryOp(0, "-", V("x"))
    assert single("- 1") == UnaryOp(0, "-", N(1))
    assert single(",1") == L(N(1))
    assert single("-NOT $x") == UnaryOp(0, "not", V("x"))


def test_arithmetic_binds_tighter_than_comparison_which_binds_tighter_than_logic() -> None:
    assert single("1 + 2 * 3 -eq 7 -and $x") == Op("and", Op("eq", Op("+", N(1), Op("*", N(2), N(3))), N(7)), V("x"))
    assert single("8 / 2 - 1") == Op("-", Op("/", N(8), N(2)), N(1))
    assert single("1+2") == Op("+", N(1), N(2))


def test_and_and_or_have_equal_precedence_and_associate_left() -> None:
    assert single("$a -or $b -and $c") == Op("and", Op("or", V("a"), V("b")), V("c"))
    assert single("$a -and $b -or $c") == Op("or", Op("and", V("a"), V("b")), V("c"))


def test_unary_not_binds_tighter_than_comparison_as_in_powershell() -> None:
    assert single("-not $a -eq $b") == Op("eq", UnaryOp(0, "not", V("a")), V("b"))


def test_the_comma_binds_tighter_than_binary_operators() -> None:
    assert single("'a','b' -contains 'a'") == Op("contains", L(S("a"), S("b")), S("a"))
    assert single("$_.Name -in 'HV01','HV02'") == Op("in", M(V("_"), "Name"), L(S("HV01"), S("HV02")))


@pytest.mark.parametrize(
    "op",
    [
        *("eq", "ne", "gt", "lt", "ge", "le", "like", "notlike", "match", "notmatch", "contains", "notcontains"),
        *("in", "notin", "ceq", "ieq", "clike", "inotmatch", "cnotin"),
    ],
)
def test_comparison_operators_are_case_insensitive_and_keep_their_prefix(op: str) -> None:
    assert single(f"$a -{op.upper()} 1") == Op(op, V("a"), N(1))


def test_an_expression_continues_after_an_operator_at_the_end_of_a_line() -> None:
    assert single("$a -and\n  $b") == Op("and", V("a"), V("b"))


def test_expression_statement_inside_a_script_block_and_parentheses() -> None:
    assert single("(1 + 2)") == Sub(Op("+", N(1), N(2)))
    assert single("( \n Get-ClusterNode \n )") == Sub(C("Get-ClusterNode"))


# assignments ---------------------------------------------------------------------------------


def test_assignments_to_variables_and_properties() -> None:
    assert one("$x = Get-ClusterNode | ? State -eq Up") == Assignment(
        0, V("x"), Pipe(C("Get-ClusterNode"), C("?", A(B("State")), P("eq"), A(B("Up"))))
    )
    assert one("(Get-ClusterNode HV04).NodeWeight = 0") == Assignment(
        0, M(Sub(C("Get-ClusterNode", A(B("HV04")))), "NodeWeight"), Pipe(N(0))
    )
    assert one("(Get-Cluster).LowerQuorumPriorityNodeID = 4") == Assignment(
        0, M(Sub(C("Get-Cluster")), "LowerQuorumPriorityNodeID"), Pipe(N(4))
    )
    assert one("$n.NodeWeight=1") == Assignment(0, M(V("n"), "NodeWeight"), Pipe(N(1)))
    assert one("$x =\n  'a', 'b'") == Assignment(0, V("x"), Pipe(L(S("a"), S("b"))))


# documentation examples ----------------------------------------------------------------------

DOC_LINES = [
    "Get-ClusterNode | Format-Table -Property Name, State, NodeWeight, DynamicWeight -AutoSize",
    r"Set-ClusterQuorum -FileShareWitness \\fileserver\share",
    "Set-ClusterQuorum -CloudWitness -AccountName mystorage -AccessKey "
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    "Start-ClusterNode -Name HV01 -FQ",
    "Suspend-ClusterNode -Name node1 -Drain -Wait",
    'Move-ClusterVirtualMachineRole -Name "Virtual Machine1" -Node node2 -MigrationType Quick',
    "Get-ClusterGroup | Where-Object {$_.OwnerNode -eq 'HV02'} | Move-ClusterGroup -Node HV03",
    'Get-ClusterResource "Cluster Disk 2" | fl *',
    "Get-ClusterGroup -Name VM1 | Set-ClusterOwnerNode -Owners HV01,HV02",
    r'Move-VMStorage "VM" -DestinationStoragePath C:\ClusterStorage\Volume2\VM',
    r"Move-VMStorage -Name VM -Vhds @(@{SourceFilePath='C:\a.vhdx'; DestinationFilePath='D:\a.vhdx'})",
    "Add-ClusterVMMonitoredItem -VirtualMachine SRV-A -Service spooler",
    "Get-Cluster | Select-Object -ExpandProperty DynamicQuorum",
    "Invoke-LabFault -Partition 'HV01,HV02','HV03,HV04'",
    "Start-Sleep -Seconds 30",
    "(Get-ClusterNode).Count",
    "Get-ClusterNode | Sort-Object -Property @{Expression = {$_.Name}; Descending = $true}",
    "(Get-Cluster).QuorumArbitrationTimeMax = 20",
    "Get-ClusterNode -Name HV01 -ErrorAction SilentlyContinue | Stop-ClusterNode",
    "Get-ClusterResource | ? ResourceType -like '*Witness*' | fl Name, State, OwnerGroup",
    'Write-Host "Nodes up: $((Get-ClusterNode | ? State -eq Up).Count)" -ForegroundColor Green',
    '$nodes = Get-ClusterNode; $nodes | % { "$($_.Name): $($_.State)" }',
    "Get-ClusterNode | Format-Table @{Label = 'Node'; Expression = {$_.Name}}, State",
    "Test-Cluster -Include 'Storage Spaces Direct', Inventory, Network, 'System Configuration'",
]


@pytest.mark.parametrize("line", DOC_LINES)
def test_documentation_examples_parse(line: str) -> None:
    assert isinstance(parse(line), Script)


def test_documentation_examples_give_the_expected_trees() -> None:
    assert elements("Get-ClusterGroup | Where-Object {$_.OwnerNode -eq 'HV02'} | Move-ClusterGroup -Node HV03") == (
        C("Get-ClusterGroup"),
        C("Where-Object", A(Block("$_.OwnerNode -eq 'HV02'", Pipe(Op("eq", M(V("_"), "OwnerNode"), S("HV02")))))),
        C("Move-ClusterGroup", P("Node"), A(B("HV03"))),
    )
    assert single(
        r"Move-VMStorage -Name VM -Vhds @(@{SourceFilePath='C:\a.vhdx'; DestinationFilePath='D:\a.vhdx'})"
    ) == C(
        "Move-VMStorage",
        P("Name"),
        A(B("VM")),
        P("Vhds"),
        A(L(HashLit(0, (("SourceFilePath", S(r"C:\a.vhdx")), ("DestinationFilePath", S(r"D:\a.vhdx")))))),
    )
    assert elements('Get-ClusterResource "Cluster Disk 2" | fl *') == (
        C("Get-ClusterResource", A(D("Cluster Disk 2"))),
        C("fl", A(B("*"))),
    )
    assert single('Move-ClusterVirtualMachineRole -Name "Virtual Machine1" -Node node2 -MigrationType Quick') == C(
        "Move-ClusterVirtualMachineRole",
        P("Name"),
        A(D("Virtual Machine1")),
        P("Node"),
        A(B("node2")),
        P("MigrationType"),
        A(B("Quick")),
    )


# errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message", "pos"),
    [
        ("Get-X 'abc", "The string is missing the terminator: '.", 6),
        ('Get-X "abc', 'The string is missing the terminator: ".', 6),
        ('"a $(b "', 'The string is missing the terminator: ".', 7),
        ("(Get-X", "Missing closing ')' in expression.", 6),
        ("(1 2)", "Missing closing ')' in expression.", 3),
        ("()", "An expression was expected after '('.", 1),
        ("% { $_", "Missing closing '}' in statement block or type definition.", 2),
        ("@(1", "Missing closing ')' in subexpression.", 0),
        ("$(1", "Missing closing ')' in subexpression.", 0),
        ("$x y", "Unexpected token 'y' in expression or statement.", 3),
        (")", "Unexpected token ')' in expression or statement.", 0),
        ("Get-X }", "Unexpected token '}' in expression or statement.", 6),
        ("Get-X 'a'b", "Unexpected token 'b' in expression or statement.", 9),
        ("Get-X |", "An empty pipe element is not allowed.", 6),
        ("Get-X | | ft", "An empty pipe element is not allowed.", 6),
        ("| ft", "An empty pipe element is not allowed.", 0),
        ("Get-X | $x", "Expressions are only allowed as the first element of a pipeline.", 8),
        ("$x -eq", "You must provide a value expression following the '-eq' operator.", 3),
        ("$x -EQ Up", "You must provide a value expression following the '-EQ' operator.", 3),
        ("1 +", "You must provide a value expression following the '+' operator.", 2),
        ("$x -foo 1", "Unexpected token '-foo' in expression or statement.", 3),
        ("$x -replace 'a'", "The '-replace' operator is not supported in this console.", 3),
        ("-not", "Missing expression after unary operator '-not'.", 0),
        ("1,", "Missing expression after ','.", 2),
        ("Get-X a,", "Missing argument in parameter list.", 8),
        ("Get-X -Name:", "Missing an argument for parameter 'Name'.", 12),
        ("$x.", "Missing property name after reference operator.", 3),
        ("$x[", "Array index expression is missing or not valid.", 3),
        ("$x[0", "Missing ']' after array index expression.", 4),
        ("$x.Foo(1", "Missing ')' in method call.", 8),
        ("@{a=1", "Missing closing '}' in hash literal.", 0),
        ("@{a}", "Missing '=' operator after key in hash literal.", 3),
        ("@{=1}", "Missing key before '=' in hash literal.", 2),
        ("@{a=}", "Missing statement after '=' in hash literal.", 4),
        ("@{a=1; A=2}", "Duplicate keys 'A' are not allowed in hash literals.", 7),
        ("$x = ", "You must provide a value expression following the '=' operator.", 3),
        ("$x == 1", "The '==' operator is not supported; use -eq to compare values.", 3),
        ("$x += 1", "The '+=' operator is not supported in this console.", 3),
        ("5 % 2", "The '%' (remainder) operator is not supported in this console.", 2),
        ("$x != 1", "The '!=' operator is not supported; use -ne to compare values.", 3),
        ("--$x", "The '--' operator is not supported in this console.", 0),
        ("if ($x) { 1 }", "The 'if' keyword is not supported in this console.", 0),
        ("ForEach ($n in $x) {}", "The 'ForEach' keyword is not supported in this console.", 0),
        ("[int]$x", "Type literals and casts such as '[int]' are not supported in this console.", 0),
        ("$x::Now", "Static member access ('::') is not supported in this console.", 2),
        ("1..3", "The range operator '..' is not supported in this console.", 1),
        ("Get-X > out.txt", "Redirection ('>') is not supported in this console.", 6),
        ("Get-X < in.txt", "The '<' operator is reserved for future use.", 6),
        ("Get-X & Get-Y", "The '&' operator is not supported in this console.", 6),
        ("Get-X && Get-Y", "The token '&&' is not a valid statement separator in this version.", 6),
        ("Get-X || Get-Y", "The token '||' is not a valid statement separator in this version.", 6),
        ("Get-X @args", "Splatting (@name) is not supported in this console.", 6),
        (". .\\x.ps1", "Dot-sourcing ('. script') is not supported in this console.", 0),
        ("1 = 2", "The assignment expression is not valid.", 2),
        ("$x[0] = 1", "Assigning to an array element is not supported in this console.", 6),
        ("($x = 1)", "Assignment inside parentheses is not supported in this console.", 1),
        ("$(1; 2)", "Only one statement is supported inside '$( )' in this console.", 5),
        ("$", "Variable reference is not valid.", 0),
        ("${abc", "Incomplete variable reference token.", 0),
        ("<# never closed", "Missing closing '#>' in block comment.", 0),
        ("$x.Foo (1)", "Unexpected token '(' in expression or statement.", 7),
        ("$x -eq 1abc", "Unexpected token '1abc' in expression or statement.", 7),
    ],
)
def test_error_messages_read_like_powershell(source: str, message: str, pos: int) -> None:
    problem = error(source)
    assert problem.message.startswith(message)
    assert str(problem) == problem.message
    assert problem.pos == pos


@pytest.mark.parametrize(
    ("source", "incomplete"),
    [
        ("Get-X 'abc", True),
        ("Get-X |", True),
        ("Get-X | \n ", True),
        ("(Get-X", True),
        ("% {\n $_", True),
        ("$x -and", True),
        ("Get-X a,", True),
        ("$x y", False),
        ("Get-X | | ft", False),
        (")", False),
    ],
)
def test_incomplete_input_is_flagged_so_a_console_can_ask_for_more(source: str, incomplete: bool) -> None:
    assert error(source).incomplete is incomplete


@pytest.mark.parametrize("opener", ["(", "$(", "@(", "{", "@{a=", "-not ", "!", '"$(', "% {", "$x["])
def test_nesting_is_capped_with_a_parse_error(opener: str) -> None:
    problem = error(opener * (MAX_DEPTH + 1) + "1")
    assert problem.message == "The script is nested too deeply."


def test_reasonable_nesting_parses() -> None:
    depth = 10
    assert isinstance(parse("(" * depth + "1" + ")" * depth), Script)
    assert isinstance(parse("% {" * depth + "$_" + "}" * depth), Script)
    assert isinstance(parse("-not " * depth + "$x"), Script)


def test_very_long_operator_chains_are_a_parse_error_not_a_deep_tree() -> None:
    assert error(" + ".join(["1"] * 1000)).message == "The script is nested too deeply."
    assert isinstance(parse(" + ".join(["1"] * 50)), Script)


def test_long_inputs_parse_in_linear_time() -> None:
    cases = [
        "Get-ClusterNode -Name HV01 | ? { $_.State -eq 'Up' } | ft Name, State\n" * 3000,
        "'" + "x" * 300_000,
        '"' + "x" * 300_000,
        "# " + "x" * 300_000,
        "a" * 300_000,
        "(" * 300_000,
        "$x -eq " * 50_000,
        "\x00\x01\x7f" * 100_000,
    ]
    start = time.perf_counter()
    for source in cases:
        with contextlib.suppress(ParseError):
            parse(source)
    assert time.perf_counter() - start < 10, "a quadratic step would take minutes here"


# properties ----------------------------------------------------------------------------------

TOKENS = [
    "-Name", "-eq", "-EQ", "-not", "-and", "-or", "-like", "-Drain:", "-", "--", "+", "*", "/", "%", "!", "=",
    "==", "+=", "|", "||", "&", ">", "<", "(", ")", "{", "}", "[", "]", "'", '"', "`", "@(", "@{", "$(", "${",
    "$", "$_", "$x", "$true", ".", "..", "::", ",", ";", ":", "#", "<#", "#>", "\n", "\r\n", " ", "\t",
    "Get-ClusterNode", "HV01", "?", "ft", "*", "if", "foreach", "C:\\x", "\\\\fs\\s", "a=b", "'HV01'",
    '"$x `" ""y"""', "60", "4GB", "-1", "1.5", "0x10", "1e3", ".Name", ".Count", "(1)", "[0]", "\u2013",
    "\u201c", "\u2018", "\x00", "\x1b",
]  # fmt: skip


def _parses_or_fails_cleanly(source: str) -> None:
    try:
        result = parse(source)
    except ParseError as problem:
        assert isinstance(problem.message, str) and problem.message
        assert 0 <= problem.pos <= len(source)
        assert isinstance(problem.incomplete, bool)
    else:
        assert isinstance(result, Script)


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_any_text_parses_or_raises_parse_error(source: str) -> None:
    _parses_or_fails_cleanly(source)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map("".join))
def test_token_soup_parses_or_raises_parse_error(source: str) -> None:
    _parses_or_fails_cleanly(source)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(TOKENS), st.sampled_from(["", " ", "\n"])), max_size=60))
def test_spaced_token_soup_parses_or_raises_parse_error(tokens: list[tuple[str, str]]) -> None:
    _parses_or_fails_cleanly("".join(token + space for token, space in tokens))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_round_trips_through_a_single_quoted_string(text: str) -> None:
    quoted = "'" + "".join(c + c if c in "'\u2018\u2019\u201a\u201b" else c for c in text) + "'"
    assert single(quoted) == S(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.from_regex(r"[A-Za-z][A-Za-z0-9_\\:.*-]{0,12}", fullmatch=True), min_size=1, max_size=6))
def test_barewords_become_positional_strings(words: list[str]) -> None:
    assert single("Get-Thing " + " ".join(words)) == C("Get-Thing", *(A(B(word)) for word in words))
