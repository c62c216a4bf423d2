"""The body of an answer: a spec example, a seeded generated value, or the spec-shaped error."""

from __future__ import annotations

import logging
import operator
from typing import Any

from specmock.generation import rng_for
from specmock.messages.problems import PROBLEM_JSON, problem_body
from specmock.messages.responses import Headers, wire_headers
from specmock.openapi.model import NO_EXAMPLE, MediaType, Operation, Response
from specmock.pipeline.negotiate import ResponseChoice
from specmock.pipeline.preferences import Preferences
from specmock.pipeline.serialize import header_value, is_json
from specmock.pipeline.served import ServedApi
from specmock.pipeline.shape_error import ErrorContext, shape_error

log = logging.getLogger("specmock")
_NAME = operator.itemgetter(0)  # of a header pair


def example_of(media: MediaType, prefs: Preferences) -> Any:
    """The named example when asked for, else the first one: NO_EXAMPLE when there is none."""
    if prefs.example is not None and prefs.example in media.examples:
        return media.examples[prefs.example]
    if media.example is not NO_EXAMPLE:
        return media.example
    return next(iter(media.examples.values()), NO_EXAMPLE)


def generated(
    api: ServedApi, schema: dict[str, Any] | None, parts: tuple[str | int, ...], name: str | None = None
) -> Any:
    fn = api.generator.compile(schema or {}, direction="response", name=name)
    return fn(rng_for(api.seed, *parts))


def success_body(
    api: ServedApi, op: Operation, media: MediaType, prefs: Preferences, parts: tuple[str, ...]
) -> Any:
    """Example first when the client asked for one (or dynamic=false), else generated data."""
    check = api.check(media.schema, "response") if media.schema is not None else None
    if prefs.example is not None or not prefs.dynamic or media.schema is None:
        example = example_of(media, prefs)
        if example is not NO_EXAMPLE:
            problems = check(example) if check else []
            if not problems:
                return example
            log.warning(
                "%s %s: the spec's example does not fit its schema (%s); generating instead",
                op.method,
                op.path,
                problems[0][1],
            )
    return generated(api, media.schema, parts)


def error_body(
    api: ServedApi,
    op: Operation,
    choice: ResponseChoice,
    media: MediaType | None,
    instance: str,
    prefs: Preferences,
) -> tuple[Any, str]:
    """The named example when ``Prefer: example`` asks for one of this response's; else the documented
    error schema filled with the violations; RFC 9457 problem+json otherwise."""
    if prefs.example is not None and media is not None and prefs.example in media.examples:
        example = media.examples[prefs.example]
        if media.schema is None or not api.check(media.schema, "response")(example):
            return example, media.name
    ctx = ErrorContext(
        choice.status,
        choice.kind,
        choice.diagnostics,
        instance,
        lambda schema, name: generated(api, schema, (op.key, "error", name), name),
    )
    if media is None or media.schema is None or not is_json(media.name):
        return problem(ctx), PROBLEM_JSON
    body = shape_error(api.document, media.schema, ctx)
    problems = api.check(media.schema, "response")(body)
    if not problems:
        return body, media.name
    log.warning(
        "%s %s: could not fit the violations into the %s schema (%s)",
        op.method,
        op.path,
        choice.status,
        problems[0][1],
    )
    return generated(api, media.schema, (op.key, "error", choice.status)), media.name


def problem(ctx: ErrorContext) -> dict[str, Any]:
    """A finding the operation documents no error for, as problem+json listing the violations."""
    if not ctx.diagnostics:
        return problem_body(ctx.status, ctx.title, ctx.summary, instance=ctx.instance)
    errors = [{"location": d.location, "name": d.name, "message": d.message} for d in ctx.diagnostics]
    return problem_body(ctx.status, ctx.title, ctx.summary, instance=ctx.instance, errors=errors)


def response_headers(
    api: ServedApi, response: Response | None, given: Headers, parts: tuple[str, ...]
) -> Headers:
    """Declared response headers: those given (by the store), the rest generated from their schemas
    (the seed and ``parts`` determine each value, so they are generated once and remembered). A
    fresh list."""
    if response is None or not response.headers:
        return list(given)
    given_names = tuple(map(_NAME, given)) if given else ()
    key = (id(response), parts, *given_names)
    values: Headers | None = api.header_values.get(key)
    if values is None:
        values = api.header_values.put(
            key,
            wire_headers(
                {
                    h.name: header_value(generated(api, h.schema, (*parts, "header", h.name), h.name))
                    for h in response.headers
                    if h.name.lower() not in given_names
                }
            ),
        )
    return [*given, *values]
