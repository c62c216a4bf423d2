"""Whatever an upstream answers, recording never fails and never writes a record that ``serve
--fixtures`` would refuse."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from specmock.export import load_fixtures
from specmock.proxy.record import Recorder
from specmock.server import create_app
from tests.proxy.conftest import SHOP

OPERATIONS = [
    "listPets",
    "createPet",
    "getPet",
    "deletePet",
    "listVisits",
    "createVisit",
    "getUser",
    "listOrders",
]
scalars = st.none() | st.booleans() | st.integers(-3, 5) | st.sampled_from(["", "x", "Rex", "3"])
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["id", "name", "tag", "petId", "reason", "total", "apiToken"]), children
        )
    ),
    max_leaves=10,
)
answers = st.lists(
    st.tuples(
        st.sampled_from(OPERATIONS),
        st.sampled_from(["1", "2", "3", "x"]),
        st.sampled_from([200, 201, 204, 404]),
        values,
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(answers=answers)
def test_any_answers_record_into_files_that_load(answers: list[tuple[str, str, int, Any]]) -> None:
    app = create_app(SHOP)
    api = app.apis[0]
    with tempfile.TemporaryDirectory() as folder:
        recorder = Recorder(api, Path(folder), "http://127.0.0.1:1")
        for key, path_value, status, value in answers:
            path_values = {"petId": path_value, "userId": path_value, "orderId": path_value}
            recorder.observe(api.operations[key], path_values, status, value)
            recorder.flush()
        for written in Path(folder).glob("*.json"):
            json.loads(written.read_text())  # well-formed
        load_fixtures(create_app(SHOP).apis, Path(folder))  # raises ConfigError on any bad record
