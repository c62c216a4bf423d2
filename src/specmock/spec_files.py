"""Where a spec argument points: a file, a folder holding `openapi.yaml` (or `swagger.yaml`…), or the
name of an API bundled with specmock; and the name an API is served under."""

from __future__ import annotations

from pathlib import Path

from specmock.errors import ConfigError

SPEC_FILENAMES = (
    "openapi.yaml",
    "openapi.yml",
    "openapi.json",
    "swagger.yaml",
    "swagger.yml",
    "swagger.json",
)


def bundled_specs_dir() -> Path:
    """`specs/` of a source checkout, else the copy inside the installed wheel."""
    checkout = Path(__file__).resolve().parents[2] / "specs"
    return checkout if checkout.is_dir() else Path(__file__).resolve().parent / "_bundled_specs"


def bundled_names() -> list[str]:
    root = bundled_specs_dir()
    return sorted(p.name for p in root.iterdir() if p.is_dir() and _spec_file(p)) if root.is_dir() else []


def _spec_file(folder: Path) -> Path | None:
    return next((folder / n for n in SPEC_FILENAMES if (folder / n).is_file()), None)


def resolve_spec(argument: str | Path) -> Path:
    """A file, a folder holding openapi.yaml (or swagger.yaml), or the name of a bundled API ("hellgate")."""
    path = Path(argument)
    if path.is_file():
        return path
    folder = path if path.is_dir() else bundled_specs_dir() / str(argument)
    found = _spec_file(folder) if folder.is_dir() else None
    if found is None:
        names = ", ".join(bundled_names()) or "none"
        raise ConfigError(
            f"{argument}: no such file, folder with openapi.yaml or swagger.yaml, "
            f"or bundled API (bundled: {names})"
        )
    return found


def api_name(spec_path: Path) -> str:
    if spec_path.stem in ("openapi", "swagger", "schema"):  # named after its folder (also for "openapi.yaml")
        return spec_path.absolute().parent.name or spec_path.stem
    return spec_path.stem
