"""Fixture files: the sandbox's seeded records written to disk, and loaded back into a sandbox.

write_fixtures(FixtureOptions(spec="hellgate", out=Path("fixtures/hellgate"), seed=0, count=20))
load_fixtures(apis, Path("fixtures"))       # what ``serve --fixtures DIR`` does
"""

from specmock.export.generate import FixtureOptions, write_fixtures
from specmock.export.load import load_api, load_fixtures, read_records

__all__ = ["FixtureOptions", "load_api", "load_fixtures", "read_records", "write_fixtures"]
