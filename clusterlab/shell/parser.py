"""Parser for the console's PowerShell subset: ``parse(source) -> Script``.

Informal grammar (PowerShell's rules, keywords and operators case-insensitive)::

    script     := statement? ((';' | newline) statement?)*
    statement  := target '=' pipeline | pipeline          target: $var or expr.Member
    pipeline   := element ('|' command)*                 a trailing '|' continues on the next line
    element    := command | expression                   an expression only as the first element
    command    := name (parameter | argument)*           command mode: barewords are strings
    parameter  := '-Name' | '-Name:' argument
    argument   := value (',' value)*                     'HV01','HV02' is one array argument
    expression := operand (binop operand)*               -and/-or < comparison < + - < * /
    operand    := unary (',' unary)*                     the comma binds tighter than any binary operator
    unary      := ('-not' | '!' | '-' | ',') unary | primary postfix*
    postfix    := '.Name' | '.Name(args)' | '[index]'     only directly after the primary, no space

Not supported, each a ``ParseError``: control-flow keywords (``if``, ``foreach (...)``, ``function``
...), ``&`` and ``.`` invocation, redirection, splatting (``@args``), here-strings, type literals and
casts (``[int]``), static members (``::``), ``..``, ``%`` (remainder), ``-f``, ``-replace``, ``-split``,
``-join``, ``-is``, ``-as``, ``-xor`` and bitwise operators, compound assignment (``+=``), ``++``/``--``,
assignment to an index or inside parentheses, more than one statement inside ``$( )``, values glued to
one another in command mode (``'a'b``), and PowerShell 7 additions (``&&``, ``||``, ``?.``, ternaries,
a leading ``|`` on the next line). ``$var`` inside a bareword (``x$name``) is not expanded: it stays
literal text.

Expandable strings: ``StringLit.value`` of a double-quoted string has its backtick escapes and doubled
quotes decoded, except `` `$ `` (a literal dollar) and ``` `` ``` (a literal backtick), which stay as
written so the executor can tell them from ``$var``; ``$( ... )`` sections are kept verbatim.
"""

from __future__ import annotations

from dataclasses import fields

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
from clusterlab.shell.lexer import (
    DASHES,
    DIGITS,
    DOUBLE_QUOTES,
    MAX_DEPTH,
    NESTED_TOO_DEEPLY,
    NEWLINES,
    QUOTES,
    SINGLE_QUOTES,
    TOKEN_BREAKERS,
    Scanner,
    SourceError,
    bare_number,
    is_space,
)

__all__ = ["MAX_AST_DEPTH", "MAX_DEPTH", "ParseError", "parse"]

#: Deepest syntax tree ``parse`` returns, so that code walking it recursively stays within Python's limits.
MAX_AST_DEPTH = 200


class ParseError(Exception):
    """A syntax error. ``message`` reads like PowerShell's, ``pos`` is the offset in the source it
    points at, and ``incomplete`` is True when the input merely stopped too early (an open quote,
    bracket or block, a trailing ``|`` or operator), so more lines could still complete it."""

    def __init__(self, message: str, pos: int, *, incomplete: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.incomplete = incomplete


def parse(source: str) -> Script:
    """Parse console input into a ``Script``. Raises ``ParseError``, and nothing else, on bad input."""
    parser = _Parser(source)
    try:
        script = parser.script()
        _check_depth(script)
    except SourceError as error:
        raise ParseError(error.message, error.pos, incomplete=error.incomplete) from None
    except RecursionError:  # a safety net only: MAX_DEPTH keeps the recursion well below Python's limit
        raise ParseError(NESTED_TOO_DEEPLY, parser.pos) from None
    return script


# operators ---------------------------------------------------------------------------------

_COMPARISONS = ["eq", "ne", "gt", "lt", "ge", "le", "like", "notlike", "match", "notmatch"]
_COMPARISONS += ["contains", "notcontains", "in", "notin"]
# Binary operator -> precedence (higher binds tighter). PowerShell gives -and and -or the *same*
# precedence, evaluated left to right: `$a -or $b -and $c` is `($a -or $b) -and $c`.
_PRECEDENCE: dict[str, int] = {"and": 1, "or": 1, "+": 3, "-": 3, "*": 4, "/": 4}
for _name in _COMPARISONS:  # -ceq / -ieq: case-sensitive / explicitly insensitive variants
    _PRECEDENCE[_name] = _PRECEDENCE["c" + _name] = _PRECEDENCE["i" + _name] = 2
# Real PowerShell operators this console does not implement: a clearer message than "Unexpected token".
_UNSUPPORTED_OPERATORS = frozenset(
    ["f", "is", "isnot", "as", "xor", "band", "bor", "bxor", "bnot", "shl", "shr"]
    + [p + op for p in ("", "c", "i") for op in ("replace", "split", "join")]
)
# Control-flow keywords, rejected at the start of a statement (after a '|', `foreach` is the alias
# of ForEach-Object and is a command name).
_KEYWORDS = frozenset(
    {"break", "catch", "class", "continue", "do", "else", "elseif", "enum", "filter", "finally", "for"}
    | {"foreach", "function", "if", "param", "return", "switch", "throw", "trap", "try", "using", "while"}
    | {"workflow"}
)

_STATEMENT_ENDS = frozenset(";\r\n")
_COMMAND_ENDS = frozenset(";|)}\r\n")
_PIPELINE_ENDS = _COMMAND_ENDS | {""}
_LINE_ENDS = NEWLINES | {""}
# First characters that make a pipeline element an expression rather than a command name.
_EXPRESSION_STARTS = frozenset("$@({[!,+=<>&]") | QUOTES | DASHES
# Command-mode arguments that are parsed as expressions, and characters that cannot start a bareword.
_VALUE_STARTS = frozenset("$(@{") | QUOTES
_OPERATOR_CHARS = frozenset("&<>")
# First characters of anything that can be an operand.
_OPERAND_STARTS = frozenset("$@({[!,") | QUOTES | DASHES | DIGITS


def _is_parameter_start(c: str) -> bool:
    """After a dash in command mode: ``-Name`` and ``-?`` are parameters, ``-1`` and ``-`` are not."""
    return c.isalpha() or c in ("_", "?")


def _word_at(src: str, pos: int) -> str:
    """The run of ASCII letters at ``pos`` (an operator name after its dash)."""
    end = pos
    while end < len(src) and src[end].isascii() and src[end].isalpha():
        end += 1
    return src[pos:end]


def _check_depth(root: Script) -> None:
    """Reject trees deeper than MAX_AST_DEPTH (long operator or member chains also nest)."""
    stack: list[tuple[object, int]] = [(root, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Node):
            if depth > MAX_AST_DEPTH:
                raise SourceError(NESTED_TOO_DEEPLY, item.pos)
            stack.extend((getattr(item, f.name), depth + 1) for f in fields(item))
        elif isinstance(item, tuple):
            stack.extend((child, depth) for child in item)


class _Parser(Scanner):
    # errors -----------------------------------------------------------------------------------

    def _error(self, message: str, pos: int | None = None) -> SourceError:
        return SourceError(message, self.pos if pos is None else pos)

    def _missing(self, message: str, pos: int | None = None) -> SourceError:
        """An error for something absent: ``incomplete`` when the input ran out first."""
        return SourceError(message, self.pos if pos is None else pos, incomplete=self.at_end())

    def _unexpected(self, pos: int | None = None) -> SourceError:
        pos = self.pos if pos is None else pos
        c = self.src[pos : pos + 1]
        if c == "&":
            if self.src.startswith("&&", pos):
                return self._error("The token '&&' is not a valid statement separator in this version.", pos)
            return self._error("The '&' operator is not supported in this console.", pos)
        if c == "<":
            return self._error("The '<' operator is reserved for future use.", pos)
        if c == ">":
            return self._error("Redirection ('>') is not supported in this console.", pos)
        if c == "[":
            return self._error("Type literals and casts such as '[int]' are not supported in this console.", pos)
        return self._error(f"Unexpected token '{self.token_text_at(pos)}' in expression or statement.", pos)

    # statements -------------------------------------------------------------------------------

    def script(self) -> Script:
        return Script(0, tuple(self._statements(closer="", open_pos=0, missing="")))

    def _skip_separators(self) -> None:
        while True:
            self.skip_space(newlines=True)
            if self.peek() != ";":
                return
            self.pos += 1

    def _statements(self, *, closer: str, open_pos: int, missing: str) -> list[Statement]:
        """Statements up to ``closer`` (left at the cursor) or, if ``closer`` is "", the end of input."""
        statements: list[Statement] = []
        while True:
            self._skip_separators()
            c = self.peek()
            if c == "" and closer:
                raise SourceError(missing, open_pos, incomplete=True)
            if c == closer:
                return statements
            statements.append(self._statement())
            self.skip_space(newlines=False)
            c = self.peek()
            if c not in _STATEMENT_ENDS and c != closer and c != "":
                raise self._unexpected()

    def _statement(self) -> Statement:
        first = self._element(bar=None)
        self.skip_space(newlines=False)
        if self.peek() == "=" and not isinstance(first, Command):
            return self._assignment(first)
        return self._pipeline_rest(first)

    def _assignment(self, target: Expr) -> Assignment:
        equals = self.pos
        if self.peek(1) == "=":
            raise self._error("The '==' operator is not supported; use -eq to compare values.")
        if isinstance(target, Index):
            raise self._error("Assigning to an array element is not supported in this console.", equals)
        if not isinstance(target, Variable | MemberAccess):
            raise self._error(
                "The assignment expression is not valid. The input to an assignment operator must be an object "
                "that is able to accept assignments, such as a variable or a property.",
                equals,
            )
        self.pos += 1
        self.skip_space(newlines=True)
        if self.peek() in _PIPELINE_ENDS:
            raise self._missing("You must provide a value expression following the '=' operator.", equals)
        value = self._pipeline_rest(self._element(bar=None))
        return Assignment(target.pos, target, value)

    def _pipeline_rest(self, first: Command | Expr) -> Pipeline:
        elements = [first]
        while True:
            self.skip_space(newlines=False)
            if self.peek() != "|":
                return Pipeline(first.pos, tuple(elements))
            bar = self.pos
            if self.peek(1) == "|":
                raise self._error("The token '||' is not a valid statement separator in this version.")
            self.pos += 1
            self.skip_space(newlines=True)  # a '|' at the end of a line continues on the next
            elements.append(self._element(bar=bar))

    def _element(self, *, bar: int | None) -> Command | Expr:
        """One pipeline element; ``bar`` is the position of the '|' before it, None for the first."""
        c = self.peek()
        if c in _PIPELINE_ENDS:
            if bar is not None or c == "|":
                raise self._missing("An empty pipe element is not allowed.", self.pos if bar is None else bar)
            raise self._unexpected()
        if self._at_command_name():
            return self._command(first=bar is None)
        if bar is not None:
            raise self._error("Expressions are only allowed as the first element of a pipeline.")
        return self._expression()

    def _at_command_name(self) -> bool:
        """PowerShell's rule for the start of a pipeline element: a bareword is a command name,
        anything that looks like a value (``$x``, ``'s'``, ``(``, ``5``, ``-1``) is an expression."""
        c = self.peek()
        if c in _EXPRESSION_STARTS:
            return False
        if c in DIGITS or (c == "." and self.peek(1) in DIGITS):
            return not self.number_starts_here()  # `7zip` is a command, `4GB` and `1+2` are not
        return True

    def _statement_value(self, statement: Statement, where: str) -> Expr:
        """A statement used as a value (in ``@( )``, ``$( )`` or a hash literal)."""
        if isinstance(statement, Assignment):
            raise self._error(f"Assignment inside {where} is not supported in this console.", statement.pos)
        if len(statement.elements) == 1 and not isinstance(statement.elements[0], Command):
            return statement.elements[0]
        return SubExpr(statement.pos, statement)

    # commands ---------------------------------------------------------------------------------

    def _command(self, *, first: bool) -> Command:
        pos = self.pos
        if self.peek() == "." and (is_space(self.peek(1)) or self.peek(1) == ""):
            raise self._error("Dot-sourcing ('. script') is not supported in this console.")
        name = self.scan_generic()
        if first and name.lower() in _KEYWORDS:
            raise self._error(f"The '{name}' keyword is not supported in this console.", pos)
        args: list[Parameter | Positional] = []
        while True:
            self.skip_space(newlines=False)
            c = self.peek()
            if c in _PIPELINE_ENDS:
                return Command(pos, name, tuple(args))
            if c in DASHES and _is_parameter_start(self.peek(1)):
                args.append(self._parameter())
            else:
                value = self._argument()
                args.append(Positional(value.pos, value))
            self._expect_boundary()

    def _expect_boundary(self) -> None:
        """Command-mode tokens are separated by whitespace or a delimiter: ``$x'a'`` is an error here
        (PowerShell would glue the two into one string; this console does not)."""
        c = self.peek()
        if c and not is_space(c) and c not in TOKEN_BREAKERS and not (c == "`" and self.peek(1) in _LINE_ENDS):
            raise self._unexpected()

    def _parameter(self) -> Parameter:
        pos = self.pos
        self.pos += 1
        start = self.pos
        while True:
            c = self.peek()
            if c == "" or c == ":" or c == "`" or c == "$" or is_space(c) or c in TOKEN_BREAKERS or c in QUOTES:
                break
            self.pos += 1
        name = self.src[start : self.pos]
        if self.peek() != ":":
            return Parameter(pos, name)
        # -Name:value binds the value to the parameter (the only way to give a switch a value: -Drain:$false).
        self.pos += 1
        self.skip_space(newlines=False)
        c = self.peek()
        if c in _PIPELINE_ENDS or (c in DASHES and _is_parameter_start(self.peek(1))):
            raise self._missing(f"Missing an argument for parameter '{name}'.")
        return Parameter(pos, name, self._argument(), colon=True)

    def _argument(self) -> Expr:
        """A command-mode argument: one value, or a comma list of them (an ArrayLit)."""
        items = [self._argument_value()]
        while True:
            self._expect_boundary()
            before = self.pos
            self.skip_space(newlines=False)
            if self.peek() != ",":
                self.pos = before
                break
            self.pos += 1
            self.skip_space(newlines=True)  # a ',' at the end of a line continues the list
            items.append(self._argument_value())
        return items[0] if len(items) == 1 else ArrayLit(items[0].pos, tuple(items))

    def _argument_value(self) -> Expr:
        pos, c = self.pos, self.peek()
        if c in _PIPELINE_ENDS or c == "," or (c in DASHES and _is_parameter_start(self.peek(1))):
            raise self._missing("Missing argument in parameter list.")
        if c in _VALUE_STARTS:
            # Variables and bracketed values are expressions even in command mode ($_.Name, (Get-Cluster).Name);
            # quoted strings are not followed by member access here, which _expect_boundary enforces.
            value = self._primary()
            return value if c in QUOTES or c == "{" else self._postfix(value)
        if c in _OPERATOR_CHARS:
            raise self._unexpected()
        start = self.pos
        text = self.scan_generic()
        number = bare_number(self.src[start : self.pos])
        if number is not None:
            return NumberLit(pos, number)
        return StringLit(pos, text, bare=True)

    # expressions ------------------------------------------------------------------------------

    def _at_operand(self) -> bool:
        c = self.peek()
        return c in _OPERAND_STARTS or (c == "." and self.peek(1) in DIGITS)

    def _expression(self, *, commas: bool = True) -> Expr:
        """An expression; with ``commas=False`` (method arguments) a comma ends it instead of building an array."""
        return self._binary(0, commas)

    def _binary(self, min_precedence: int, commas: bool) -> Expr:
        """Precedence climbing: every binary operator is left-associative."""
        left = self._operand(commas)
        while True:
            found = self._binary_operator()
            if found is None:
                return left
            op, text, end = found
            precedence = _PRECEDENCE[op]
            if precedence < min_precedence:
                return left
            op_pos = self.pos
            self.pos = end
            self.skip_space(newlines=True)  # an expression may continue on the next line after an operator
            if not self._at_operand():
                raise self._missing(f"You must provide a value expression following the '{text}' operator.", op_pos)
            right = self._binary(precedence + 1, commas)
            left = BinaryOp(left.pos, op, left, right)

    def _binary_operator(self) -> tuple[str, str, int] | None:
        """The binary operator after the cursor's whitespace, as (op, text as typed, end), not consumed."""
        self.skip_space(newlines=False)
        pos, c, following = self.pos, self.peek(), self.peek(1)
        if c in DASHES:
            word = _word_at(self.src, pos + 1)
            if word:
                op = word.lower()
                text = self.src[pos : pos + 1 + len(word)]
                if op in _PRECEDENCE:
                    return op, text, pos + 1 + len(word)
                if op in _UNSUPPORTED_OPERATORS:
                    raise self._error(f"The '{text}' operator is not supported in this console.")
                raise self._unexpected()
            if following == "=":
                raise self._error("The '-=' operator is not supported in this console.")
            return "-", c, pos + 1
        if c in ("+", "*", "/", "%"):
            if following == "=" or (c == "+" and following == "+"):
                raise self._error(f"The '{c}{following}' operator is not supported in this console.")
            if c == "%":
                raise self._error("The '%' (remainder) operator is not supported in this console.")
            return c, c, pos + 1
        if c == "!" and following == "=":
            raise self._error("The '!=' operator is not supported; use -ne to compare values.")
        return None

    def _operand(self, commas: bool) -> Expr:
        """A unary expression, or a comma list of them: the comma binds tighter than any binary
        operator, so `'a','b' -contains 'a'` is `('a','b') -contains 'a'`."""
        first = self._unary()
        if not commas:
            return first
        items = [first]
        while True:
            self.skip_space(newlines=False)
            if self.peek() != ",":
                break
            self.pos += 1
            self.skip_space(newlines=True)
            if not self._at_operand():
                raise self._missing("Missing expression after ','.")
            items.append(self._unary())
        return first if len(items) == 1 else ArrayLit(first.pos, tuple(items))

    def _unary(self) -> Expr:
        """Unary operators bind tighter than the comma and the binary operators:
        `-not $a -eq $b` is `(-not $a) -eq $b`, as in PowerShell."""
        pos, c = self.pos, self.peek()
        if c == "!":
            op, text = "not", c
        elif c == ",":
            op, text = ",", c
        elif c in DASHES:
            word = _word_at(self.src, pos + 1)
            text = self.src[pos : pos + 1 + len(word)]
            if word.lower() == "not":
                op = "not"
            elif word.lower() in _UNSUPPORTED_OPERATORS:
                raise self._error(f"The '{text}' operator is not supported in this console.")
            elif word:
                raise self._unexpected()
            elif self.peek(1) in DASHES:
                raise self._error("The '--' operator is not supported in this console.")
            else:
                op = "-"
        else:
            if c == "+" and self.peek(1) == "+":
                raise self._error("The '++' operator is not supported in this console.")
            return self._postfix(self._primary())
        self.pos = pos + len(text)
        self.skip_space(newlines=False)
        if not self._at_operand():
            raise self._missing(f"Missing expression after unary operator '{text}'.", pos)
        self.enter(pos)
        operand = self._unary()
        self.leave()
        if op == ",":
            return ArrayLit(pos, (operand,))
        if op == "-" and isinstance(operand, NumberLit) and operand.pos == pos + 1:
            return NumberLit(pos, -operand.value)  # `-1` is a negative literal, not a negation
        return UnaryOp(pos, op, operand)

    def _primary(self) -> Expr:
        pos, c = self.pos, self.peek()
        if c == "$":
            if self.peek(1) == "(":
                return self._dollar_subexpression()
            return Variable(pos, self.scan_variable())
        if c == "(":
            return self._paren()
        if c == "@":
            return self._at()
        if c == "{":
            return self._script_block()
        if c in SINGLE_QUOTES:
            return StringLit(pos, self.scan_single_quoted())
        if c in DOUBLE_QUOTES:
            return StringLit(pos, self.scan_double_quoted(), expandable=True)
        number = self.scan_number() if c in DIGITS or c == "." else None
        if number is not None:
            return NumberLit(pos, number)
        raise self._unexpected()

    def _postfix(self, target: Expr) -> Expr:
        """``.Name``, ``.Name(args)`` and ``[index]`` directly after a value (no space before them)."""
        while True:
            c = self.peek()
            if c == ".":
                if self.peek(1) == ".":
                    raise self._error("The range operator '..' is not supported in this console.")
                self.pos += 1
                name = self.scan_member_name()
                if name is None:
                    raise self._missing("Missing property name after reference operator.")
                if self.peek() == "(":
                    target = MethodCall(target.pos, target, name, self._method_arguments())
                else:
                    target = MemberAccess(target.pos, target, name)
            elif c == "[":
                target = Index(target.pos, target, self._index())
            elif c == ":" and self.peek(1) == ":":
                raise self._error("Static member access ('::') is not supported in this console.")
            else:
                return target

    def _method_arguments(self) -> tuple[Expr, ...]:
        open_pos = self.pos
        self.enter(open_pos)
        self.pos += 1
        args: list[Expr] = []
        self.skip_space(newlines=True)
        if self.peek() != ")":
            while True:
                if not self._at_operand():
                    raise self._missing("Missing ')' in method call." if not args else "Missing expression after ','.")
                args.append(self._expression(commas=False))  # in a call, commas separate the arguments
                self.skip_space(newlines=True)
                if self.peek() != ",":
                    break
                self.pos += 1
                self.skip_space(newlines=True)
            if self.peek() != ")":
                raise self._missing("Missing ')' in method call.")
        self.pos += 1
        self.leave()
        return tuple(args)

    def _index(self) -> Expr:
        self.enter(self.pos)
        self.pos += 1
        self.skip_space(newlines=True)
        if not self._at_operand():
            raise self._missing("Array index expression is missing or not valid.")
        index = self._expression()
        self.skip_space(newlines=True)
        if self.peek() != "]":
            raise self._missing("Missing ']' after array index expression.")
        self.pos += 1
        self.leave()
        return index

    # brackets ---------------------------------------------------------------------------------

    def _paren(self) -> SubExpr:
        """``( pipeline )``: one statement, which may be a command (``(Get-Cluster).Name``)."""
        pos = self.pos
        self.enter(pos)
        self.pos += 1
        self.skip_space(newlines=True)
        if self.peek() == ")":
            raise self._error("An expression was expected after '('.")
        if self.at_end():
            raise self._missing("Missing closing ')' in expression.")
        statement = self._statement()
        if isinstance(statement, Assignment):
            raise self._error("Assignment inside parentheses is not supported in this console.", statement.pos)
        self.skip_space(newlines=True)
        if self.peek() != ")":
            raise self._missing("Missing closing ')' in expression.")
        self.pos += 1
        self.leave()
        return SubExpr(pos, statement)

    def _bracketed_statements(self, pos: int) -> list[Statement]:
        """The statements of ``$( ... )`` or ``@( ... )`` starting at ``pos``."""
        self.enter(pos)
        self.pos += 2
        statements = self._statements(closer=")", open_pos=pos, missing="Missing closing ')' in subexpression.")
        self.pos += 1
        self.leave()
        return statements

    def _dollar_subexpression(self) -> SubExpr:
        pos = self.pos
        statements = self._bracketed_statements(pos)
        if not statements:
            return SubExpr(pos, Pipeline(pos, ()))  # `$()` outputs nothing
        if len(statements) > 1:
            raise self._error("Only one statement is supported inside '$( )' in this console.", statements[1].pos)
        if isinstance(statements[0], Assignment):
            raise self._error("Assignment inside '$( )' is not supported in this console.", statements[0].pos)
        return SubExpr(pos, statements[0])

    def _at(self) -> Expr:
        pos, following = self.pos, self.peek(1)
        if following == "(":
            return self._array_subexpression()
        if following == "{":
            return self._hash()
        if following in QUOTES:
            raise self._error("Here-strings (@' ... '@) are not supported in this console.")
        if following.isalnum() or following == "_":
            raise self._error("Splatting (@name) is not supported in this console.")
        raise self._unexpected(pos)

    def _array_subexpression(self) -> ArrayLit:
        """``@( ... )`` collects what its statements output into an array. ``@('a','b')`` is simply
        ArrayLit(a, b). Otherwise each statement that may output a collection becomes a ``SubExpr``
        item, which the executor flattens one level, as PowerShell does: ``@(Get-ClusterNode)`` and
        ``@($nodes)`` are arrays of nodes, not arrays holding one array."""
        pos = self.pos
        statements = self._bracketed_statements(pos)
        values = [self._statement_value(statement, "'@( )'") for statement in statements]
        if len(values) == 1 and isinstance(values[0], ArrayLit):
            return ArrayLit(pos, values[0].items)  # the comma list's items are the elements, unflattened
        items: list[Expr] = []
        for value in values:
            scalar = isinstance(value, StringLit | NumberLit | HashLit | ScriptBlock | SubExpr)
            items.append(value if scalar else SubExpr(value.pos, Pipeline(value.pos, (value,))))
        return ArrayLit(pos, tuple(items))

    def _hash(self) -> HashLit:
        """``@{ Key = value; Key2 = value }``; entries are separated by ';' or newlines."""
        pos = self.pos
        self.enter(pos)
        self.pos += 2
        entries: list[tuple[str, Expr]] = []
        seen: set[str] = set()
        while True:
            self._skip_separators()
            c = self.peek()
            if c == "}":
                break
            if c == "":
                raise self._missing("Missing closing '}' in hash literal.", pos)
            key_pos = self.pos
            key = self._hash_key()
            self.skip_space(newlines=False)
            if self.peek() != "=":
                raise self._missing("Missing '=' operator after key in hash literal.")
            self.pos += 1
            self.skip_space(newlines=True)
            if self.peek() in _PIPELINE_ENDS:
                raise self._missing("Missing statement after '=' in hash literal.")
            value = self._statement_value(self._statement(), "a hash literal")
            if key.lower() in seen:
                raise self._error(f"Duplicate keys '{key}' are not allowed in hash literals.", key_pos)
            seen.add(key.lower())
            entries.append((key, value))
            self.skip_space(newlines=False)
            if self.peek() not in _STATEMENT_ENDS and self.peek() != "}":
                if self.at_end():
                    raise self._missing("Missing closing '}' in hash literal.", pos)
                raise self._unexpected()
        self.pos += 1
        self.leave()
        return HashLit(pos, tuple(entries))

    def _hash_key(self) -> str:
        c = self.peek()
        if c in SINGLE_QUOTES:
            return self.scan_single_quoted()
        if c in DOUBLE_QUOTES:
            return self.scan_double_quoted(keep_dollar_escapes=False)
        if c == "=":
            raise self._error("Missing key before '=' in hash literal.")
        start = self.pos
        while self.peek().isalnum() or self.peek() in ("_", "-"):
            self.pos += 1
        if self.pos == start:
            raise self._unexpected()
        return self.src[start : self.pos]

    def _script_block(self) -> ScriptBlock:
        """``{ statements }``; ``text`` is the source between the braces."""
        pos = self.pos
        self.enter(pos)
        self.pos += 1
        missing = "Missing closing '}' in statement block or type definition."
        statements = self._statements(closer="}", open_pos=pos, missing=missing)
        text = self.src[pos + 1 : self.pos]
        self.pos += 1
        self.leave()
        return ScriptBlock(pos, Script(pos + 1, tuple(statements)), text)
