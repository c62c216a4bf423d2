"""Field names shape values where the schema leaves room for them."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest

from specmock.generation import Generator
from specmock.generation.fakes import normalise_name, string_hint
from specmock.generation.temporal import ANCHOR

# ISO 4217 active codes, written out here independently of the generator's own table.
_ISO_4217_TEXT = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP "
    "BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR "
    "FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES "
    "KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR "
    "MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF "
    "SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS "
    "UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWG ZWL"
)
ISO_4217 = set(_ISO_4217_TEXT.split())
SEEDS = range(60)
GEN = Generator({"openapi": "3.1.0", "paths": {}}, version="3.1")


def draws(name: str, schema: dict[str, Any] | None = None) -> list[Any]:
    return [GEN.value(schema or {"type": "string"}, seed=s, name=name) for s in SEEDS]


@pytest.mark.parametrize(
    "name", ["currency", "currency_code", "currencyCode", "CurrencyCode", "settlement_currency"]
)
def test_currency_codes_are_iso_4217(name: str) -> None:
    assert set(draws(name)) <= ISO_4217


def test_currency_hint_survives_a_three_letter_pattern() -> None:
    found = draws("currency", {"type": "string", "pattern": "^[A-Z]{3}$"})
    assert set(found) <= ISO_4217


def test_emails_look_like_emails() -> None:
    for name in ("email", "contactEmail", "email_address"):
        assert all(re.fullmatch(r"[a-z0-9.]+@example\.(com|org|net)", v) for v in draws(name))


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("country_code", r"[A-Z]{2}"),
        ("country", r"[A-Z]{2}"),
        ("avatar", r"https://\S+"),
        ("website", r"https://\S+"),
        ("ip_address", r"\d+\.\d+\.\d+\.\d+"),
        ("slug", r"[a-z]+(-[a-z]+)+"),
        ("token", r"[0-9a-f]{32}"),
        ("first_name", r"[A-Z][a-z]+"),
        ("user_name", r"[a-z0-9.]+"),
        ("description", r"[A-Z][A-Za-z ]+\."),
        ("zip", r".+"),
    ],
)
def test_names_shape_strings(name: str, pattern: str) -> None:
    assert all(re.fullmatch(pattern, v) for v in draws(name)), draws(name)[:3]


def test_past_and_future_date_times() -> None:
    anchor = datetime.fromtimestamp(ANCHOR).astimezone()
    created = [datetime.fromisoformat(v.replace("Z", "+00:00")) for v in draws("created_at")]
    expires = [
        datetime.fromisoformat(v.replace("Z", "+00:00"))
        for v in draws("expires_at", {"type": "string", "format": "date-time"})
    ]
    assert all(v <= anchor for v in created)
    assert all(v > anchor for v in expires)


def test_hints_give_way_to_format_enum_and_length() -> None:
    assert all(len(v) <= 4 for v in draws("description", {"type": "string", "maxLength": 4}))
    assert set(draws("email", {"type": "string", "enum": ["x"]})) == {"x"}
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\d", v) for v in draws("email", {"type": "string", "format": "date"})
    )


def test_name_table_normalises_spellings() -> None:
    assert normalise_name("currencyCode") == normalise_name("Currency-Code") == "currency_code"
    assert string_hint("ds_transaction_id") == "uuid"
    assert string_hint("unrelated") is None
