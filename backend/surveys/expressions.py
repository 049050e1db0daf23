"""A safe evaluator for the XPath subset that XLSForms (and pyxform) use in relevant,
constraint, calculation, repeat_count and choice_filter.

Our own tokenizer and recursive-descent parser build an AST that is walked by a small
evaluator; Python's eval/exec/compile are never involved. Supported:

- ``${q}`` (the answer to question ``q``; an unanswered question is ``""``), paths as pyxform
  writes them (``/form/q``, ``../q``, ``current()/../q``: the question named by the last
  step), ``.`` (the value being checked), string literals in single or double quotes, numbers;
- ``=  !=  <  <=  >  >=  and  or  +  -  *  div  mod``, unary ``-`` and parentheses;
- functions: see ``FUNCTIONS`` (``selected``, ``count-selected``, ``selected-at``,
  ``string-length``, ``regex`` (a literal pattern), ``if``, ``not``, ``coalesce``, ``concat``,
  ``contains``, ``starts-with``, ``ends-with``, ``substr``, ``round``, ``int``, ``number``,
  ``string``, ``today``, ``now``, ``date``, ``decimal-date-time``, ``count``, ``sum``,
  ``jr:choice-name``, ``true``, ``false``, ``current``); any other is refused when compiled;
- in choice filters only (``allow_columns=True``), bare names such as ``district`` that
  stand for a column of the choice being filtered (``name`` is the choice's own name).

Values follow XPath 1.0: numbers are floats, ``=`` compares numerically when either side
is a number (so ``5 = '5'``), ``<`` and friends compare numbers (dates compare as dates),
a multi-select answer is a space-separated string, and a repeat member's answers seen from
outside the repeat are a ``Nodeset`` (for ``count`` and ``sum``). Evaluation never raises:
bad arithmetic yields NaN or Infinity as in XPath.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from backend.errors import MeydanError

MAX_EXPRESSION_LENGTH = 2000
MAX_DEPTH = 64
MAX_REGEX_LENGTH = 200
MAX_REGEX_INPUT = 10_000

_NAME = r"[A-Za-z_][A-Za-z0-9_.-]*"
_NAME_RE = re.compile(_NAME)
_TOKEN_RE = re.compile(
    rf"""
    (?P<space>\s+)
    |(?P<ref>\$\{{(?P<refname>[^{{}}]*)\}})
    |(?P<path>(?:current\(\)|\.\.|\.)?(?:/(?:\.\.|{_NAME}))+)
    |(?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)
    |(?P<string>'[^']*'|"[^"]*")
    |(?P<op><=|>=|!=|=|<|>|\+|-|\*)
    |(?P<punct>[(),])
    |(?P<dot>\.)
    |(?P<name>(?:jr:)?{_NAME})
    """,
    re.VERBOSE,
)
_PRECEDENCE = {
    "or": 1,
    "and": 2,
    "=": 3, "!=": 3,
    "<": 4, "<=": 4, ">": 4, ">=": 4,
    "+": 5, "-": 5,
    "*": 6, "div": 6, "mod": 6,
}  # fmt: skip
_NUMBER_STRING = re.compile(r"\s*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*", re.ASCII)
_EPOCH = date(1970, 1, 1)


class ExpressionError(MeydanError):
    """An expression that cannot be compiled; ``position`` is the 0-based character offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at position {position})")
        self.message = message
        self.position = position


# ---------------------------------------------------------------- AST


@dataclass(frozen=True, slots=True)
class _Literal:
    value: float | str
    depth: int = 1


@dataclass(frozen=True, slots=True)
class _Ref:
    name: str
    depth: int = 1


@dataclass(frozen=True, slots=True)
class _Column:
    name: str
    depth: int = 1


@dataclass(frozen=True, slots=True)
class _Current:
    depth: int = 1


@dataclass(frozen=True, slots=True)
class _Negate:
    operand: _Node
    depth: int


@dataclass(frozen=True, slots=True)
class _Binary:
    op: str
    left: _Node
    right: _Node
    depth: int


@dataclass(frozen=True, slots=True)
class _Call:
    name: str
    args: tuple[_Node, ...]
    depth: int


_Node = _Literal | _Ref | _Column | _Current | _Negate | _Binary | _Call


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    position: int


# ---------------------------------------------------------------- XPath value conversions

Value = bool | float | str | date  # a datetime (from now()) is a date too
_DAY = timedelta(days=1)


class Nodeset(tuple[Any, ...]):
    """A repeat member's answers (or a repeat's instances) seen from outside the repeat."""


def _number(value: Value) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, datetime):
        return (value - datetime(1970, 1, 1, tzinfo=value.tzinfo)) / _DAY
    if isinstance(value, date):
        return float((value - _EPOCH).days)
    return float(value) if _NUMBER_STRING.fullmatch(value) else math.nan


def _string(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _boolean(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, date):
        return True
    return value != ""


def _date_number(value: Value) -> float:
    """Days since 1970 for dates and ISO date strings; numbers as numbers; else NaN."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return _number(date.fromisoformat(value))
        except ValueError:
            return math.nan
    return _number(value)


def _to_value(value: Any) -> Value:
    """Convert a Python answer into an XPath value (None → "", list → space-separated)."""
    if value is None:
        return ""
    if isinstance(value, bool | str | date):
        return value
    if isinstance(value, Nodeset):
        return _to_value(value[0]) if value else ""
    if isinstance(value, int | float | Decimal):
        try:
            return float(value)
        except OverflowError:
            return math.inf if value > 0 else -math.inf
        except ValueError:  # a signalling Decimal NaN
            return math.nan
    if isinstance(value, list | tuple):
        return " ".join(_string(_to_value(item)) for item in value)
    return str(value)


def xpath_string(value: Any) -> str:
    """A Python answer as XPath shows it in text (a label's ``${q}``, ``concat``)."""
    return _string(_to_value(value))


# ---------------------------------------------------------------- operators and functions


def _equal(left: Value, right: Value) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return _boolean(left) == _boolean(right)
    if isinstance(left, date) or isinstance(right, date):
        return _date_number(left) == _date_number(right)
    if isinstance(left, float) or isinstance(right, float):
        return _number(left) == _number(right)
    return left == right


def _relational(left: Value, right: Value) -> tuple[float, float]:
    if isinstance(left, date) or isinstance(right, date):
        return _date_number(left), _date_number(right)
    return _number(left), _number(right)


def _divide(left: float, right: float) -> float:
    if right != 0:
        return left / right
    if left == 0 or math.isnan(left):
        return math.nan
    return math.copysign(math.inf, left) * math.copysign(1.0, right)


def _modulo(left: float, right: float) -> float:
    if right == 0 or math.isinf(left) or math.isnan(left) or math.isnan(right):
        return math.nan
    return math.fmod(left, right)


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "div": _divide,
    "mod": _modulo,
}
_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _int(value: Value) -> float:
    number = _number(value)
    return float(math.trunc(number)) if math.isfinite(number) else number


@lru_cache(maxsize=256)
def _pattern(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _regex(value: Value, pattern: Value) -> bool:
    text = _string(value)
    return len(text) <= MAX_REGEX_INPUT and _pattern(_string(pattern)).search(text) is not None


def _date(value: Value) -> Value:
    """date(): a date from a date, an ISO date(-time) string or a number of days since 1970."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).date() if len(value) > 10 else date.fromisoformat(value)
        except ValueError:
            return ""
    number = _number(value)
    return _EPOCH + timedelta(days=math.floor(number)) if math.isfinite(number) and abs(number) < 1e6 else ""


def _decimal_date_time(value: Value) -> float:
    return _date_number(value) if isinstance(value, str) else _number(value)


def _substr(text: Value, start: Value, end: Value | None = None) -> str:
    """substr(s, start[, end]): 0-based start, end exclusive (as in ODK)."""
    string = _string(text)
    first = _number(start)
    last = len(string) if end is None else _number(end)
    if math.isnan(first) or math.isnan(last):
        return ""
    return string[max(0, int(first)) : max(0, int(min(last, len(string))))]


def _round(value: Value, digits: Value = 0.0) -> float:
    number, places = _number(value), _number(digits)
    if not math.isfinite(number) or math.isnan(places):
        return number
    scale = 10.0 ** int(places)
    return math.floor(number * scale + 0.5) / scale  # halves round up, as in XPath


def _selected_at(value: Value, index: Value) -> str:
    parts, at = _string(value).split(), _number(index)
    return parts[int(at)] if math.isfinite(at) and 0 <= int(at) < len(parts) else ""


def _coalesce(first: Value, second: Value) -> Value:
    return first if _string(first) != "" else second


def _count(value: Value) -> float:
    return 0.0 if value == "" else 1.0  # a nodeset is counted apart, in _evaluate


def _sum(value: Value) -> float:
    return _number(value)  # a nodeset is summed apart, in _evaluate


# name -> (minimum arguments, maximum arguments, implementation); today(), now(), count() and
# sum() of a nodeset, current() and jr:choice-name() are evaluated apart (they need the context)
FUNCTIONS: dict[str, tuple[int, int, Callable[..., Value]]] = {
    "selected": (2, 2, lambda a, b: _string(b).strip() in _string(a).split()),
    "count-selected": (1, 1, lambda a: float(len(_string(a).split()))),
    "selected-at": (2, 2, _selected_at),
    "string-length": (1, 1, lambda a: float(len(_string(a)))),
    "regex": (2, 2, _regex),
    "if": (3, 3, lambda c, a, b: a if _boolean(c) else b),
    "not": (1, 1, lambda a: not _boolean(a)),
    "coalesce": (2, 2, _coalesce),
    "concat": (1, 64, lambda *parts: "".join(_string(part) for part in parts)),
    "contains": (2, 2, lambda a, b: _string(b) in _string(a)),
    "starts-with": (2, 2, lambda a, b: _string(a).startswith(_string(b))),
    "ends-with": (2, 2, lambda a, b: _string(a).endswith(_string(b))),
    "substr": (2, 3, _substr),
    "round": (1, 2, _round),
    "number": (1, 1, _number),
    "int": (1, 1, _int),
    "string": (1, 1, _string),
    "date": (1, 1, _date),
    "decimal-date-time": (1, 1, _decimal_date_time),
    "count": (1, 1, _count),
    "sum": (1, 1, _sum),
    "true": (0, 0, lambda: True),
    "false": (0, 0, lambda: False),
    "today": (0, 0, date.today),
    "now": (0, 0, lambda: datetime.now(UTC)),
    "current": (0, 0, lambda: ""),
    "jr:choice-name": (2, 2, lambda value, question: _string(value)),
}
_NODESET_FUNCTIONS: dict[str, Callable[[Nodeset], float]] = {
    "count": lambda items: float(len(items)),
    "sum": lambda items: math.fsum(_number(_to_value(item)) for item in items),
}


# ---------------------------------------------------------------- tokenizer and parser


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        if match is None:
            char = text[position]
            if text.startswith("${", position):
                raise ExpressionError("unterminated ${...} reference", position)
            if char in "'\"":
                raise ExpressionError("unterminated string literal", position)
            raise ExpressionError(f"unexpected character {char!r}", position)
        kind = match.lastgroup or ""
        if kind == "ref":
            name = match["refname"].strip()
            if not _NAME_RE.fullmatch(name):
                raise ExpressionError(f"invalid question name in {match[0]!r}", position)
            tokens.append(_Token("ref", name, position))
        elif kind != "space":
            tokens.append(_Token(kind, match[0], position))
        position = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _path_name(token: _Token) -> str:
    """The question a path stands for: its last step (names are unique in a form)."""
    last = token.text.rsplit("/", 1)[-1]
    if last in ("", ".."):
        raise ExpressionError(f"path {token.text!r} does not end at a question", token.position)
    return last


class _Parser:
    """Precedence-climbing parser over the token list; nesting is capped at MAX_DEPTH."""

    def __init__(self, text: str, allow_columns: bool) -> None:
        self.tokens = _tokenize(text)
        self.index = 0
        self.nesting = 0
        self.allow_columns = allow_columns

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.token
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        if self.token.text != text or self.token.kind not in ("punct", "op"):
            raise ExpressionError(f"expected {text!r}, found {self._describe(self.token)}", self.token.position)
        self.advance()

    @staticmethod
    def _describe(token: _Token) -> str:
        return "end of expression" if token.kind == "end" else repr(token.text)

    def nested(self, position: int, parse: Callable[[], _Node]) -> _Node:
        """Run ``parse`` one nesting level deeper, refusing to go beyond MAX_DEPTH."""
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise ExpressionError(f"expression nested more than {MAX_DEPTH} levels deep", position)
        node = parse()
        self.nesting -= 1
        return node

    @staticmethod
    def _checked(node: _Node, position: int) -> _Node:
        if node.depth > MAX_DEPTH:
            raise ExpressionError(f"expression nested more than {MAX_DEPTH} levels deep", position)
        return node

    def parse(self) -> _Node:
        node = self.expression(1)
        if self.token.kind != "end":
            raise ExpressionError(f"unexpected {self._describe(self.token)}", self.token.position)
        return node

    def operator(self) -> str | None:
        token = self.token
        if token.kind == "op" or (token.kind == "name" and token.text in _PRECEDENCE):
            return token.text
        return None

    def expression(self, min_precedence: int) -> _Node:
        left = self.unary()
        while (op := self.operator()) is not None and _PRECEDENCE[op] >= min_precedence:
            position = self.advance().position
            right = self.expression(_PRECEDENCE[op] + 1)
            left = self._checked(_Binary(op, left, right, 1 + max(left.depth, right.depth)), position)
        return left

    def unary(self) -> _Node:
        if self.token.kind == "op" and self.token.text == "-":
            position = self.advance().position
            operand = self.nested(position, self.unary)
            return self._checked(_Negate(operand, operand.depth + 1), position)
        return self.primary()

    def primary(self) -> _Node:
        token = self.advance()
        if token.kind == "number":
            return _Literal(float(token.text))
        if token.kind == "string":
            return _Literal(token.text[1:-1])
        if token.kind == "ref":
            return _Ref(token.text)
        if token.kind == "path":
            return _Ref(_path_name(token))
        if token.kind == "dot":
            return _Current()
        if token.kind == "punct" and token.text == "(":
            node = self.nested(token.position, lambda: self.expression(1))
            self.expect(")")
            return node
        if token.kind == "name":
            if self.token.kind == "punct" and self.token.text == "(":
                return self.nested(token.position, lambda: self.call(token))
            if self.allow_columns:
                return _Column(token.text)
            raise ExpressionError(
                f"bare name {token.text!r} is not supported; write ${{{token.text}}} to refer to a question",
                token.position,
            )
        raise ExpressionError(f"unexpected {self._describe(token)}", token.position)

    def call(self, name: _Token) -> _Node:
        if name.text not in FUNCTIONS:
            raise ExpressionError(f"unknown function {name.text}()", name.position)
        self.expect("(")
        args: list[_Node] = []
        if not (self.token.kind == "punct" and self.token.text == ")"):
            args.append(self.expression(1))
            while self.token.kind == "punct" and self.token.text == ",":
                self.advance()
                args.append(self.expression(1))
        self.expect(")")
        low, high = FUNCTIONS[name.text][:2]
        if not low <= len(args) <= high:
            expected = f"{low}" if low == high else f"{low} to {high}"
            raise ExpressionError(f"{name.text}() takes {expected} argument(s), got {len(args)}", name.position)
        if name.text == "regex":
            self._check_pattern(args[1], name.position)
        depth = 1 + max((arg.depth for arg in args), default=0)
        return self._checked(_Call(name.text, tuple(args), depth), name.position)

    @staticmethod
    def _check_pattern(node: _Node, position: int) -> None:
        if not isinstance(node, _Literal) or not isinstance(node.value, str):
            raise ExpressionError("regex() needs a string literal as its pattern", position)
        if len(node.value) > MAX_REGEX_LENGTH:
            raise ExpressionError(f"regex() pattern is longer than {MAX_REGEX_LENGTH} characters", position)
        try:
            _pattern(node.value)
        except (re.error, RecursionError, OverflowError) as exc:
            raise ExpressionError(f"invalid regex() pattern: {exc}", position) from None


# ---------------------------------------------------------------- evaluation


ChoiceLabel = Callable[[str, str], str]  # (question name, choice name) → the choice's label


@dataclass(frozen=True, slots=True)
class _Context:
    answers: Mapping[str, Any]
    current: Value
    columns: Mapping[str, str]
    today: date | None
    now: datetime | None = None
    choice_label: ChoiceLabel | None = None


_QUESTION_IN_TEXT = re.compile(rf"\$\{{\s*({_NAME})\s*\}}|(?:.*/)?({_NAME})\s*")


def _choice_name(ctx: _Context, value: Value, question: Value) -> str:
    """jr:choice-name(value, '${q}'): the label of choice ``value`` of question ``q``."""
    match = _QUESTION_IN_TEXT.fullmatch(_string(question))
    name = _string(value)
    if match is None or ctx.choice_label is None:
        return name
    return ctx.choice_label(match[1] or match[2], name)


def _evaluate(node: _Node, ctx: _Context) -> Value:
    match node:
        case _Literal(value=value):
            return value
        case _Ref(name=name):
            return _to_value(ctx.answers.get(name))
        case _Column(name=name):
            return ctx.columns.get(name, "")
        case _Current():
            return ctx.current
        case _Negate(operand=operand):
            return -_number(_evaluate(operand, ctx))
        case _Binary(op="and", left=left, right=right):
            return _boolean(_evaluate(left, ctx)) and _boolean(_evaluate(right, ctx))
        case _Binary(op="or", left=left, right=right):
            return _boolean(_evaluate(left, ctx)) or _boolean(_evaluate(right, ctx))
        case _Binary(op=op, left=left, right=right):
            a, b = _evaluate(left, ctx), _evaluate(right, ctx)
            if op in ("=", "!="):
                return _equal(a, b) == (op == "=")
            if op in _COMPARISONS:
                return _COMPARISONS[op](*_relational(a, b))
            return _ARITHMETIC[op](_number(a), _number(b))
        case _Call(name="today") if ctx.today is not None:
            return ctx.today
        case _Call(name="now") if ctx.now is not None:
            return ctx.now
        case _Call(name="current"):
            return ctx.current
        case _Call(name="count" | "sum", args=(_Ref(name=ref),)) if isinstance(ctx.answers.get(ref), Nodeset):
            return _NODESET_FUNCTIONS[node.name](ctx.answers[ref])
        case _Call(name="jr:choice-name", args=(value, question)):
            return _choice_name(ctx, _evaluate(value, ctx), _evaluate(question, ctx))
        case _Call(name=name, args=args):
            return FUNCTIONS[name][2](*(_evaluate(arg, ctx) for arg in args))
    raise AssertionError(f"unknown node {node!r}")  # pragma: no cover - the parser builds only the nodes above


def _collect(node: _Node, kind: type[_Ref | _Column]) -> set[str]:
    if isinstance(node, kind):
        return {node.name}
    children: tuple[_Node, ...] = ()
    if isinstance(node, _Negate):
        children = (node.operand,)
    elif isinstance(node, _Binary):
        children = (node.left, node.right)
    elif isinstance(node, _Call):
        children = node.args
    return set().union(*(_collect(child, kind) for child in children))


@dataclass(frozen=True)
class Expression:
    """A compiled expression; immutable and safe to share."""

    text: str
    _root: _Node

    @property
    def references(self) -> set[str]:
        """Names of the questions referred to as ``${name}``."""
        return _collect(self._root, _Ref)

    @property
    def columns(self) -> set[str]:
        """Bare choice-column names (only in choice filters)."""
        return _collect(self._root, _Column)

    def evaluate(
        self,
        answers: Mapping[str, Any],
        current: Any = None,
        *,
        columns: Mapping[str, str] | None = None,
        today: date | None = None,
        now: datetime | None = None,
        choice_label: ChoiceLabel | None = None,
    ) -> Value:
        """Evaluate against ``answers`` (name → Python value); ``current`` is ``.``.

        ``columns`` are the choice's columns for choice filters; ``today`` and ``now`` fix what
        ``today()`` and ``now()`` return (default: the system clock); ``choice_label`` gives
        ``jr:choice-name()`` its labels. Returns a bool, float, str or date (or datetime).
        """
        context = _Context(answers, _to_value(current), columns or {}, today, now, choice_label)
        return _evaluate(self._root, context)

    def test(
        self,
        answers: Mapping[str, Any],
        current: Any = None,
        *,
        columns: Mapping[str, str] | None = None,
        today: date | None = None,
    ) -> bool:
        """Evaluate like ``evaluate`` and convert the result to a boolean as XPath does."""
        return _boolean(self.evaluate(answers, current, columns=columns, today=today))


@lru_cache(maxsize=2048)
def compile_expression(text: str, *, allow_columns: bool = False) -> Expression:
    """Parse ``text`` into an Expression; raise ExpressionError for anything unsupported.

    ``allow_columns`` permits bare names (choice columns), as in choice filters.
    """
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"expression is longer than {MAX_EXPRESSION_LENGTH} characters", MAX_EXPRESSION_LENGTH)
    if not text.strip():
        raise ExpressionError("empty expression", 0)
    return Expression(text, _Parser(text, allow_columns).parse())
