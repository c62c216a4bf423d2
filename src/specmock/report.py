"""`specmock check`: what was tolerated, the operations, and what the engine will do for each."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from specmock.config import MockConfig
from specmock.diagnostics import Kind
from specmock.openapi.contradictions import contradictions
from specmock.openapi.discriminator_gaps import discriminator_gaps
from specmock.openapi.loader import Repair, load_spec, validation_findings
from specmock.openapi.model import NO_EXAMPLE, Operation
from specmock.openapi.refs import deref
from specmock.openapi.routing import variants
from specmock.pipeline.negotiate import choose_media, error_choice, success_choice
from specmock.runtime import Api, base_path_of
from specmock.spec_files import api_name, resolve_spec

SHOWN_KINDS = (Kind.SECURITY, Kind.INVALID, Kind.NOT_FOUND)


def check_report(argument: str, ref_roots: tuple[Path, ...] = ()) -> str:
    path = resolve_spec(argument)
    spec = load_spec(path, ref_roots=ref_roots)
    api = Api(spec, MockConfig(), name=api_name(path), base_path=base_path_of(spec.document))
    source = f"{spec.converted_from}, converted to OpenAPI {spec.version}" if spec.converted_from else ""
    lines = [
        f"{path}: {source or f'OpenAPI {spec.version}'}, {len(api.operations)} operations, "
        f"mounted at {api.base_path or '/'}",
    ]
    if spec.converted_from:
        lines += conversion_lines(spec.converted_from, spec.not_carried_over, api.name)
    findings = list(spec.repairs) + validation_findings(spec)
    lines.append(
        f"\nTolerated ({len(findings)}):" if findings else "\nTolerated: nothing, the document is valid."
    )
    lines += [f"  {f.pointer or '/'}: {f.message}" for f in findings]
    contradicting = contradictions(spec.document)
    if contradicting:
        lines.append(f"\nSchemas that contradict themselves ({len(contradicting)}):")
        lines += [f"  {pointer}: {message}" for pointer, message in contradicting]
    bad_examples = invalid_examples(api)
    if bad_examples:
        lines.append(
            f"\nExamples that break their own schema ({len(bad_examples)}; generated data is used instead):"
        )
        lines += [f"  {line}" for line in bad_examples]
    ambiguous = ambiguities(api)
    if ambiguous:
        lines.append(
            f"\nAmbiguous ({len(ambiguous)}; a request is answered by the first variant whose "
            "parameters and body it satisfies):"
        )
        lines += [f"  {line}" for line in ambiguous]
    worked_around = [str(gap) for gap in discriminator_gaps(spec.document)] + accept_contradictions(api)
    if worked_around:
        lines.append(f"\nContradictions worked around ({len(worked_around)}):")
        lines += [f"  {line}" for line in worked_around]
    lines.append("\nOperations:")
    lines += [f"  {describe_operation(op)}" for op in api.operations.values()]
    resources = api.sandbox.describe()
    lines.append(
        "\nResources (stateful):" if resources else "\nResources: none inferred; answers are generated."
    )
    lines += [f"  {line}" for line in resources]
    return "\n".join(lines)


def conversion_lines(source: str, lost: Sequence[Repair], name: str) -> list[str]:
    """What the conversion could not carry over (pointers into the original document)."""
    served = f"the converted document is served at /__specmock/apis/{name}/openapi.json"
    if not lost:
        return [f"\nConverted from {source}: everything was carried over; {served}."]
    lines = [f"\nNot carried over from {source} ({len(lost)}; {served}):"]
    return lines + [f"  {f.pointer or '/'}: {f.message}" for f in lost]


def ambiguities(api: Api) -> list[str]:
    """Operations that answer the same method and URL."""
    found = []
    for keys in variants(api.operations).values():
        if len(keys) > 1:
            ops = [api.operations[key] for key in keys]
            shown = ", ".join(f"{op.path} [{op.key}]" for op in ops)
            found.append(f"{ops[0].method} {ops[0].route}: {len(ops)} operations: {shown}")
    return found


def accept_contradictions(api: Api) -> list[str]:
    """Operations whose own Accept header parameter admits only media types their success response
    does not document: answered with the documented one (RFC 9110 lets a server disregard Accept)."""
    grouped: dict[tuple[tuple[str, ...], str], list[str]] = {}
    for op in api.operations.values():
        admitted = _admitted_accept(api, op)
        success = success_choice(op)
        response = op.responses.get(success.key) if success.key else None
        if not admitted or response is None or not response.media:
            continue
        if not any(choose_media(response, value)[1] for value in admitted):
            grouped.setdefault((admitted, response.media[0].name), []).append(f"{op.method} {op.path}")
    lines = []
    for (admitted, documented), ops in grouped.items():
        shown = ", ".join(ops[:3]) + (f" and {len(ops) - 3} more" if len(ops) > 3 else "")
        lines.append(
            f"{shown}: the Accept parameter admits {', '.join(admitted)}, which the success response "
            f"does not document; such a request is answered with {documented}, never refused"
        )
    return lines


def _admitted_accept(api: Api, op: Operation) -> tuple[str, ...]:
    """The media types an operation's Accept header parameter admits (enum, const, default)."""
    for param in op.parameters:
        if param.location == "header" and param.name.lower() == "accept":
            schema = deref(api.document, param.schema)
            if not isinstance(schema, dict):
                return ()
            values = [*(schema.get("enum") or ()), schema.get("const"), schema.get("default")]
            return tuple(dict.fromkeys(v for v in values if isinstance(v, str)))
    return ()


def invalid_examples(api: Api) -> list[str]:
    found = []
    for op in api.operations.values():
        for response in op.responses.values():
            for media in response.media:
                if media.schema is None:
                    continue
                examples = dict(media.examples)
                if media.example is not NO_EXAMPLE:
                    examples["(example)"] = media.example
                check = api.check(media.schema, "response")
                for name, value in examples.items():
                    problems = check(value)
                    if problems:
                        path, message = problems[0]
                        found.append(
                            f"{op.method} {op.path} {response.key} {media.name} {name}: "
                            f"{path or '/'}: {message}"
                        )
    return found


def describe_operation(op: Operation) -> str:
    success = success_choice(op)
    response = op.responses.get(success.key) if success.key else None
    media = response.media if response else ()
    answer = f"{success.status} {media[0].name}" if media else f"{success.status} (no body)"
    errors = []
    for kind in SHOWN_KINDS:
        if (kind is Kind.SECURITY and not op.security) or (kind is Kind.NOT_FOUND and "{" not in op.path):
            continue
        choice = error_choice(op, kind, [])
        if kind is Kind.NOT_FOUND and choice.key is None:  # see README "When the spec cannot say not found"
            errors.append(f"{kind.value}→none (undocumented: an unknown id is made up)")
            continue
        shape = "spec shape" if choice.key else "problem+json"
        errors.append(f"{kind.value}→{choice.status} ({shape})")
    auth = " | ".join(" + ".join(req) or "(none)" for req in op.security) or "none"
    return f"{op.method} {op.path} [{op.key}] → {answer}; auth: {auth}; errors: {', '.join(errors)}"
