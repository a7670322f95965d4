"""Finds user-facing text written outside the catalogue (issue 17, "no string left behind").

tests/unit/test_no_string_left_behind.py runs it on the project and fails on any offender
(widen SCANNED if new packages hold user-facing text).

It reads the source with `ast` (nothing is imported or run) and reports, with file and line,
a literal text (a string literal with letters, an f-string, a `%`/`+`/`.format` built on one,
either branch of a conditional) that reaches a person through:
- `notify(..., title=..., body=...)`;
- an SMS send: `<something named *sms*>.send(phone, text)`;
- a problem `detail`: a domain error raised with a literal (any class of services/errors.py,
  first argument or `detail=`), `ValidationFailed.on_field(field, message)`, the messages in
  an `errors={field: [...]}` mapping, and `problem(status, code, detail)` in api/.
- any other call that hands text on under a telling keyword (`title=`, `body=`, `detail=`,
  `message=`, a history `note=` that people read in a timeline, a state machine's `refusal=`,
  or the items of `lines=[...]`), which catches wrappers such as a `_send(...)` around `notify`;
- an operator's line in the CLI: `click.echo(...)` / `secho`, the message of a
  `ClickException`, `UsageError` or `BadParameter`, and a progress bar's `label=`
  (click) or `desc=` / `unit=` (tqdm);
- an operator's `--help`: the `help=`, `short_help=` and `epilog=` of a click group, command
  or option (a command's docstring is not read: click shows `help=` when it is given);
- the reason an import gives for a row or a file: `RowRejected(reason)` and a `_reject(line, reason)`;
- a module-level table of texts, by its name (`*_LABELS`, `*_NOTICES`, `*_MESSAGES`,
  `*_TITLES`, `*_TEXTS`, and `*NO_SUCH`, the "no such thing" 404 details), one offender per
  literal in it.
A module-level constant holding a literal text (`APOLOGY = "Xin lỗi ..."`) counts as that
literal wherever it is handed on by name (`notify(..., body=APOLOGY)`): in its own module, and
in a scanned module that imports it (`from services.x import APOLOGY`).
Any other variable or a `translate(...)` / `lazy_text(...)` call is not a literal and passes.
"""
from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass
from pathlib import Path

from services import errors

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("services", "api")
NOT_SCANNED = ("services/messages",)
TEXT_KEYWORDS = ("title", "body", "detail", "message", "note", "refusal")
PROGRESS_KEYWORDS = ("label", "desc", "unit")
HELP_KEYWORDS = ("help", "short_help", "epilog")
CLI_PRINTS = frozenset({"echo", "secho"})
CLI_ERRORS = frozenset({"ClickException", "UsageError", "BadParameter"})
TABLE_SUFFIXES = ("_LABELS", "_NOTICES", "_MESSAGES", "_TITLES", "_TEXTS", "NO_SUCH")
ERROR_CLASSES = frozenset(name for name, value in vars(errors).items()
                          if inspect.isclass(value) and issubclass(value, errors.DomainError))


@dataclass(frozen=True)
class Offender:
    path: str
    line: int
    where: str  # "notify", "sms", "detail", "field message", "cli", ...
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.where}: {self.text}"


def is_literal_text(node: ast.AST | None, constants: frozenset[str] = frozenset()) -> bool:
    """A literal text, or one built on it; `constants` names the module's constants that hold one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.Name):
        return node.id in constants
    if isinstance(node, ast.JoinedStr):
        return any(is_literal_text(part, constants) for part in node.values)
    if isinstance(node, ast.FormattedValue):
        return isinstance(node.value, ast.Name) and node.value.id in constants
    if isinstance(node, ast.BinOp):
        return is_literal_text(node.left, constants) or is_literal_text(node.right, constants)
    if isinstance(node, ast.IfExp):
        return is_literal_text(node.body, constants) or is_literal_text(node.orelse, constants)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return is_literal_text(node.func.value, constants)
    return False


def _name(func: ast.AST) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _argument(call: ast.Call, position: int, keyword: str) -> ast.AST | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[position] if len(call.args) > position else None


def _field_messages(call: ast.Call) -> list[ast.AST]:
    mapping = _argument(call, 99, "errors")
    if not isinstance(mapping, ast.Dict):
        return []
    return [element for value in mapping.values if isinstance(value, (ast.List, ast.Tuple))
            for element in value.elts]


def texts_of(call: ast.Call) -> list[tuple[str, ast.AST | None]]:
    """(where, argument) pairs of a call that carry text to a person."""
    name = _name(call.func)
    if name == "notify":
        return [("notify", _argument(call, 99, "title")), ("notify", _argument(call, 99, "body"))]
    if name == "send" and "sms" in ast.unparse(call.func.value).lower():
        return [("sms", _argument(call, 1, "text"))]
    if name in ERROR_CLASSES:
        return ([("detail", _argument(call, 0, "detail"))]
                + [("field message", message) for message in _field_messages(call)])
    if name == "RowRejected":
        return [("row reason", _argument(call, 0, "reason"))]
    if name == "_reject":
        return [("row reason", _argument(call, 1, "reason"))]
    if name == "on_field":
        return [("field message", _argument(call, 1, "message"))]
    if name == "problem":
        return [("detail", _argument(call, 2, "detail"))]
    if name in CLI_PRINTS or name in CLI_ERRORS:
        return [("cli", _argument(call, 0, "message"))]
    return _keyword_texts(call)


def _keyword_texts(call: ast.Call) -> list[tuple[str, ast.AST | None]]:
    found = [(f"{kw.arg}=", kw.value) for kw in call.keywords
             if kw.arg in TEXT_KEYWORDS + PROGRESS_KEYWORDS + HELP_KEYWORDS]
    for kw in call.keywords:
        if kw.arg == "lines" and isinstance(kw.value, (ast.List, ast.Tuple)):
            found += [("lines=", element) for element in kw.value.elts]
    return found


def _table_values(table: ast.AST) -> list[ast.AST]:
    """The literals of a table, less the keys of its mappings (codes, which stay English) and
    the arguments of calls (a `lazy_text("id")` is the catalogue at work)."""
    if isinstance(table, ast.Call):
        return []
    if isinstance(table, ast.Dict):
        return [node for value in table.values for node in _table_values(value)]
    if isinstance(table, (ast.Constant, ast.JoinedStr)):
        return [table]
    return [node for child in ast.iter_child_nodes(table) for node in _table_values(child)]


def _module_assignments(tree: ast.Module) -> list[tuple[str, ast.AST]]:
    """(name, value) of every module-level assignment to a plain name."""
    found = []
    for statement in tree.body:
        targets = (statement.targets if isinstance(statement, ast.Assign)
                   else [statement.target] if isinstance(statement, ast.AnnAssign) else [])
        found += [(target.id, statement.value) for target in targets
                  if isinstance(target, ast.Name) and statement.value is not None]
    return found


def _table_texts(tree: ast.Module) -> list[tuple[str, ast.AST]]:
    return [(f"table {name}", node) for name, value in _module_assignments(tree) if name.endswith(TABLE_SUFFIXES)
            for node in _table_values(value)]


def _text_constants(tree: ast.Module) -> dict[str, ast.AST]:
    """The module's constants that hold a literal text (`APOLOGY = "Xin lỗi ..."`), by name."""
    return {name: value for name, value in _module_assignments(tree) if is_literal_text(value)}


def _shown(argument: ast.AST, constants: dict[str, ast.AST]) -> str:
    """The offending text as the report shows it: a constant by its name and its value."""
    if isinstance(argument, ast.Name) and argument.id in constants:
        return f"{argument.id} = {ast.unparse(constants[argument.id])}"[:80]
    return ast.unparse(argument)[:80]


def _imported_constants(tree: ast.Module, texts_by_module: dict[str, dict[str, ast.AST]]) -> dict[str, ast.AST]:
    """The text constants this module imports by name from another scanned module (`from
    services.x import APOLOGY`, under the name it uses here)."""
    found = {}
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.module in texts_by_module:
            texts = texts_by_module[statement.module]
            found.update({alias.asname or alias.name: texts[alias.name] for alias in statement.names
                          if alias.name in texts})
    return found


def offenders_in(path: Path, texts_by_module: dict[str, dict[str, ast.AST]] | None = None) -> list[Offender]:
    """The offenders of one file; `texts_by_module` (module -> its text constants) lets a
    constant imported from another scanned module count too."""
    tree = ast.parse(path.read_text(), filename=str(path))
    constants = {**_imported_constants(tree, texts_by_module or {}), **_text_constants(tree)}
    names = frozenset(constants)
    candidates = [pair for node in ast.walk(tree) if isinstance(node, ast.Call) for pair in texts_of(node)]
    return [Offender(str(path.relative_to(ROOT)), argument.lineno, where, _shown(argument, constants))
            for where, argument in candidates + _table_texts(tree) if is_literal_text(argument, names)]


def _module_name(path: Path, root: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def find_offenders(root: Path = ROOT) -> list[Offender]:
    paths = sorted(path for package in SCANNED for path in (root / package).rglob("*.py")
                   if not any(path.relative_to(root).as_posix().startswith(skip) for skip in NOT_SCANNED))
    texts_by_module = {_module_name(path, root): _text_constants(ast.parse(path.read_text(), filename=str(path)))
                       for path in paths}
    return [offender for path in paths for offender in offenders_in(path, texts_by_module)]


if __name__ == "__main__":
    offenders = find_offenders()
    print("\n".join(map(str, offenders)))
    print(f"{len(offenders)} user-facing literals outside the catalogue")
