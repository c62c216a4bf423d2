"""Field-name hints as data: which fake a property name (or a non-standard format) asks for,
and which range an integer of that name plausibly takes. The providers are in ``providers``."""

from __future__ import annotations

import re

from faker.providers.address import Provider as _AddressProvider
from faker.providers.lorem.en_US import Provider as _LoremProvider
from faker.providers.person.en_US import Provider as _PersonProvider

from specmock.generation import temporal

WORDS: tuple[str, ...] = tuple(_LoremProvider.word_list)
FIRST_NAMES: tuple[str, ...] = tuple(_PersonProvider.first_names)
LAST_NAMES: tuple[str, ...] = tuple(_PersonProvider.last_names)
COUNTRY_CODES: tuple[str, ...] = tuple(sorted(_AddressProvider.alpha_2_country_codes))

# Active ISO 4217 codes. Faker's own list also carries unofficial ones (GGP, IMP, JEP, TVD, ...).
_ISO_4217 = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN "
    "BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS "
    "GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW "
    "KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD "
    "NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD "
    "SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES "
    "VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL"
)
CURRENCY_CODES: tuple[str, ...] = tuple(_ISO_4217.split())

# Exact (normalised snake_case) property name -> provider key.
NAME_HINTS: dict[str, str] = {
    **dict.fromkeys(("email", "email_address", "mail", "e_mail"), "email"),
    **dict.fromkeys(("username", "user_name", "login", "nickname", "handle", "screen_name"), "user_name"),
    **dict.fromkeys(("first_name", "firstname", "given_name", "forename"), "first_name"),
    **dict.fromkeys(("last_name", "lastname", "surname", "family_name"), "last_name"),
    **dict.fromkeys(("name", "full_name", "fullname", "display_name", "contact_name"), "name"),
    **dict.fromkeys(("city", "town", "locality"), "city"),
    **dict.fromkeys(("country", "country_code", "country_iso", "nationality"), "country_code"),
    **dict.fromkeys(("currency", "currency_code", "currency_iso"), "currency_code"),
    **dict.fromkeys(("phone", "phone_number", "telephone", "mobile", "mobile_phone", "cell_phone"), "phone"),
    **dict.fromkeys(("street", "street_address", "address", "address1", "address_line1", "line1"), "street"),
    **dict.fromkeys(("zip", "zipcode", "zip_code", "postal_code", "postcode", "post_code"), "postcode"),
    **dict.fromkeys(("company", "company_name", "organization", "organisation", "employer"), "company"),
    **dict.fromkeys(("description", "summary", "bio", "about", "comment", "note", "notes"), "sentence"),
    **dict.fromkeys(("title", "subject", "headline", "caption"), "title"),
    **dict.fromkeys(("url", "website", "href", "link", "homepage", "web_url", "uri"), "url"),
    **dict.fromkeys(("avatar", "image", "picture", "photo", "thumbnail", "logo", "icon_url"), "image_url"),
    **dict.fromkeys(("ip", "ip_address", "ipv4", "remote_addr", "client_ip"), "ipv4"),
    **dict.fromkeys(("ipv6", "ipv6_address"), "ipv6"),
    **dict.fromkeys(("slug", "permalink"), "slug"),
    **dict.fromkeys(("color", "colour"), "color"),
    **dict.fromkeys(("locale",), "locale"),
    **dict.fromkeys(("language", "lang", "language_code"), "language"),
    **dict.fromkeys(("timezone", "time_zone", "tz"), "timezone"),
    **dict.fromkeys(("token", "key", "secret", "api_key", "access_token", "refresh_token", "hash"), "hex"),
    **dict.fromkeys(("user_agent", "useragent"), "user_agent"),
    **dict.fromkeys(("hostname", "host", "domain", "domain_name"), "hostname"),
    **dict.fromkeys(("password", "passphrase"), "password"),
    **dict.fromkeys(("id", "uuid", "guid"), "uuid"),
    **dict.fromkeys(("price", "amount", "cost", "balance", "subtotal", "total_amount"), "decimal"),
    **dict.fromkeys(("mime_type", "content_type", "media_type"), "mime_type"),
    **dict.fromkeys(("file_name", "filename"), "file_name"),
    **dict.fromkeys(("job", "job_title", "occupation"), "job"),
    **dict.fromkeys(("province",), "state"),
    **dict.fromkeys(("created", "updated", "modified", "timestamp"), "past_datetime"),
    **dict.fromkeys(("date", "birthday", "birth_date", "dob"), "past_date"),
    **dict.fromkeys(("expires", "expiry", "expiration", "valid_until", "due"), "future_datetime"),
}

# Tried in order after NAME_HINTS: (kind, fragment, provider key).
AFFIX_HINTS: tuple[tuple[str, str, str], ...] = (
    ("contains", "expir", "future_datetime"),
    ("suffix", "_email", "email"),
    ("suffix", "_url", "url"),
    ("suffix", "_uri", "url"),
    ("suffix", "_href", "url"),
    ("suffix", "_link", "url"),
    ("suffix", "_avatar", "image_url"),
    ("suffix", "_image", "image_url"),
    ("suffix", "_at", "past_datetime"),
    ("suffix", "_time", "past_datetime"),
    ("suffix", "_date", "past_date"),
    ("suffix", "_ip", "ipv4"),
    ("suffix", "_token", "hex"),
    ("suffix", "_secret", "hex"),
    ("suffix", "_key", "hex"),
    ("suffix", "_hash", "hex"),
    ("suffix", "_country", "country_code"),
    ("suffix", "_currency", "currency_code"),
    ("suffix", "_phone", "phone"),
    ("suffix", "_city", "city"),
    ("suffix", "_id", "uuid"),
    ("suffix", "_uuid", "uuid"),
    ("suffix", "_description", "sentence"),
    ("suffix", "_message", "sentence"),
    ("suffix", "_title", "title"),
    ("suffix", "_username", "user_name"),
    ("prefix", "email", "email"),
)

# Non-standard formats seen in real documents whose meaning is plain enough to honour.
FORMAT_HINTS: dict[str, str] = {
    "currency": "currency_code",
    "iso-country-code": "country_code",
    "country-code": "country_code",
    "phone-number": "phone",
    "phone": "phone",
    "date-time-rfc-2822": "rfc2822",
    "http-method": "http_method",
    "ip": "ipv4",
    "ipv4 or ipv6": "ipv4",
    "uuid4": "uuid",
    "guid": "uuid",
    "url": "url",
    "slug": "slug",
}

# The tense a temporal provider asks of date and date-time formats.
TENSES: dict[str, str] = {
    "past_datetime": "past",
    "past_date": "past",
    "future_datetime": "future",
    "future_date": "future",
}

# Integer / number ranges by exact name, then by (kind, fragment). Intersected with the schema's bounds.
NUMBER_HINTS: dict[str, tuple[int, int]] = {
    **dict.fromkeys(("id", "pk", "key"), (1, 100_000)),
    **dict.fromkeys(("count", "total", "total_count", "total_items", "size"), (0, 500)),
    **dict.fromkeys(("amount", "price", "cost", "balance", "subtotal", "fee"), (1, 100_000)),
    **dict.fromkeys(("quantity", "qty"), (1, 20)),
    **dict.fromkeys(("page", "current_page", "page_number"), (1, 20)),
    **dict.fromkeys(("limit", "per_page", "page_size", "pagesize"), (1, 100)),
    **dict.fromkeys(("total_pages", "pages", "page_count"), (1, 50)),
    "age": (18, 90),
    "year": (2000, 2025),
    "month": (1, 12),
    "day": (1, 28),
    "hour": (0, 23),
    "minute": (0, 59),
    "second": (0, 59),
    "port": (1024, 65_535),
    "version": (1, 10),
    "priority": (0, 10),
    "rating": (1, 5),
    "latitude": (-90, 90),
    "longitude": (-180, 180),
    "timestamp": (temporal.PAST_START, temporal.ANCHOR),
}
NUMBER_AFFIX_HINTS: tuple[tuple[str, str, tuple[int, int]], ...] = (
    ("suffix", "_id", (1, 100_000)),
    ("suffix", "_count", (0, 500)),
    ("suffix", "_amount", (1, 100_000)),
    ("suffix", "_price", (1, 100_000)),
    ("suffix", "_total", (0, 100_000)),
    ("suffix", "_page", (1, 20)),
    ("suffix", "_pages", (1, 50)),
    ("suffix", "_items", (0, 500)),
    ("suffix", "_size", (1, 100)),
    ("prefix", "num_", (0, 100)),
    ("prefix", "number_of_", (0, 100)),
    ("suffix", "_at", (temporal.PAST_START, temporal.ANCHOR)),
    ("suffix", "_timestamp", (temporal.PAST_START, temporal.ANCHOR)),
)

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise_name(name: str) -> str:
    """``currencyCode``, ``Currency-Code`` and ``currency_code`` all become ``currency_code``."""
    return _NON_WORD.sub("_", _CAMEL.sub("_", name).lower()).strip("_")


def _affix_match(kind: str, fragment: str, name: str) -> bool:
    if kind == "suffix":
        return name.endswith(fragment)
    if kind == "prefix":
        return name.startswith(fragment)
    return fragment in name


def string_hint(name: str | None) -> str | None:
    """The provider key a property name asks for, if any."""
    if not name:
        return None
    key = normalise_name(name)
    if key in NAME_HINTS:
        return NAME_HINTS[key]
    return next((hint for kind, frag, hint in AFFIX_HINTS if _affix_match(kind, frag, key)), None)


def number_hint(name: str | None) -> tuple[int, int] | None:
    """A plausible range for an integer or number property, if its name suggests one."""
    if not name:
        return None
    key = normalise_name(name)
    if key in NUMBER_HINTS:
        return NUMBER_HINTS[key]
    return next((rng for kind, frag, rng in NUMBER_AFFIX_HINTS if _affix_match(kind, frag, key)), None)


def item_name_of(name: str) -> str:
    """An array property's name → the name its items get, for the name hints: ``addresses`` →
    ``address``, ``categories`` → ``category``, ``emails`` → ``email``. Case as written (``IDS`` stays)
    and two-letter names kept (``os``); `state.naming.singular`, for resource names, has neither rule."""
    if name.endswith("ies") and len(name) > 4:
        return f"{name[:-3]}y"
    if name.endswith(("sses", "xes", "ches", "shes")):
        return name[:-2]
    if name.endswith("s") and not name.endswith("ss") and len(name) > 2:
        return name[:-1]
    return name
