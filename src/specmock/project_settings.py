"""`[tool.specmock]` in a project's pyproject.toml: defaults for the command's options.

A flag on the command line wins, then its environment variable, then this table, then the built-in
default (click's `default_map`). Keys are the long options without their dashes (`base-path`,
`api-key`, `store`) or an argument's name (`specs`, `spec`); a repeatable option takes a list. Keys at
the top of the table apply to every command that has that option; a sub-table (`[tool.specmock.serve]`)
applies to one command and wins over the top. Relative paths are read from the file's folder, so the
table means the same thing from any folder of the project.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from specmock.errors import ConfigError

FILE_NAME = "pyproject.toml"
SPEC_ARGUMENTS = frozenset({"spec", "specs"})  # a file, a folder, a bundled API's name or a URL


def find(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest pyproject.toml at or above `start` that holds a `[tool.specmock]` table, and the table."""
    for folder in (start, *start.parents):
        candidate = folder / FILE_NAME
        if candidate.is_file() and (table := read_table(candidate)) is not None:
            return candidate, table
    return None


def read_table(path: Path) -> dict[str, Any] | None:
    """The file's `[tool.specmock]` table, None when it has none."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read as TOML ({error}).") from None
    table = document.get("tool", {}).get("specmock")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.specmock must be a table, not {type(table).__name__}.")
    return table


def default_map(path: Path, table: dict[str, Any], group: click.Group) -> dict[str, dict[str, Any]]:
    """`path`'s table as click's default_map for `group`'s commands, every value checked against its
    option (`path` names the file in errors and anchors relative paths)."""
    shared = {key: value for key, value in table.items() if not isinstance(value, dict)}
    sections = {key: value for key, value in table.items() if isinstance(value, dict)}
    for name in sections:
        if name not in group.commands:
            raise ConfigError(
                f"{path}: [tool.specmock.{name}] names no command; "
                f"the commands are {', '.join(sorted(group.commands))}."
            )
    defaults: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    for name, command in group.commands.items():
        parameters = _by_key(command)
        values: dict[str, Any] = {}
        for key, value in shared.items():
            if key in parameters:
                values[parameters[key].name or key] = _checked(
                    path, "tool.specmock", key, value, parameters[key]
                )
                used.add(key)
        for key, value in sections.get(name, {}).items():
            if key not in parameters:
                raise ConfigError(
                    f"{path}: tool.specmock.{name}.{key} is no option of `specmock {name}`; "
                    f"it takes {_spelled(parameters)}."
                )
            values[parameters[key].name or key] = _checked(
                path, f"tool.specmock.{name}", key, value, parameters[key]
            )
        if values:
            defaults[name] = values
    for key in shared:
        if key not in used:
            raise ConfigError(f"{path}: tool.specmock.{key} is an option of no command.")
    return defaults


def _by_key(command: click.Command) -> dict[str, click.Parameter]:
    """Each parameter under the names a table may use for it: its long options and its own name."""
    keys: dict[str, click.Parameter] = {}
    for parameter in command.params:
        if parameter.name is None or parameter.is_eager:
            continue
        keys.setdefault(parameter.name.replace("_", "-"), parameter)
        for option in parameter.opts:
            if option.startswith("--"):
                keys[option[2:]] = parameter
    return keys


def _spelled(parameters: Mapping[str, click.Parameter]) -> str:
    """The keys as the command's help spells them: long options and arguments, no aliases."""
    names = {
        key
        for key, parameter in parameters.items()
        if f"--{key}" in parameter.opts or (isinstance(parameter, click.Argument) and parameter.name == key)
    }
    return ", ".join(sorted(names))


def _checked(path: Path, table: str, key: str, value: Any, parameter: click.Parameter) -> Any:
    many = parameter.multiple or parameter.nargs == -1
    if many and not isinstance(value, list):
        raise ConfigError(f"{path}: {table}.{key} takes a list (the option can be given several times).")
    if not many and isinstance(value, list):
        raise ConfigError(f"{path}: {table}.{key} takes one value, not a list.")
    value = _relative_to(path.parent, parameter, value)
    try:
        parameter.type_cast_value(click.Context(click.Command("specmock")), value)
    except click.BadParameter as error:
        raise ConfigError(f"{path}: {table}.{key} = {value!r}: {error.message}") from None
    return value


def _relative_to(folder: Path, parameter: click.Parameter, value: Any) -> Any:
    if isinstance(value, list):
        return [_relative_to(folder, parameter, item) for item in value]
    if not isinstance(value, str):
        return value
    if isinstance(parameter.type, click.Path) and not Path(value).is_absolute():
        return str(folder / value)
    if parameter.name in SPEC_ARGUMENTS and not Path(value).is_absolute() and (folder / value).exists():
        return str(folder / value)
    return value
