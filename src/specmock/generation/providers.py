"""The providers behind the hint keys of ``fakes``: ``Callable[[random.Random], str]`` each.

The cheap ones are plain arithmetic over word pools taken from Faker's en_US data; the rich ones
call one Faker instance (built once per ``Fakes``) whose ``random`` is pointed at the caller's rng
just before the call, so output stays seeded. ``use_weighting=False`` makes Faker pick uniformly,
which is ten times faster for names and places.
"""

from __future__ import annotations

from collections.abc import Callable
from random import Random
from typing import Any, ClassVar

from faker import Faker

from specmock.generation import temporal
from specmock.generation.fakes import COUNTRY_CODES, CURRENCY_CODES, FIRST_NAMES, LAST_NAMES, WORDS
from specmock.generation.text import TextPools

StrProvider = Callable[[Random], str]
_COMMON_CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "SEK", "NOK", "DKK", "PLN", "BRL")


class Fakes:
    """The providers behind the hint keys; one Faker built once, pointed at the caller's rng per call."""

    _FAKER_METHODS: ClassVar[dict[str, str]] = {
        "city": "city",
        "company": "company",
        "phone": "phone_number",
        "street": "street_address",
        "postcode": "postcode",
        "user_agent": "user_agent",
        "color": "color_name",
        "locale": "locale",
        "language": "language_code",
        "timezone": "timezone",
        "mime_type": "mime_type",
        "file_name": "file_name",
        "job": "job",
        "state": "state",
    }

    def __init__(self) -> None:
        self._faker: Any = Faker("en_US", use_weighting=False)  # Faker's proxy is dynamically typed
        self.text = TextPools(WORDS)
        self._local: dict[str, StrProvider] = {
            "email": self.email,
            "user_name": self.user_name,
            "first_name": _choice(FIRST_NAMES),
            "last_name": _choice(LAST_NAMES),
            "name": self.full_name,
            "country_code": _choice(COUNTRY_CODES),
            "currency_code": self.currency_code,
            "sentence": self.text.sentence,
            "title": self.text.title,
            "url": _pooled(self.url),
            "image_url": self.image_url,
            "ipv4": ipv4,
            "ipv6": ipv6,
            "slug": self.slug,
            "hex": lambda rng: f"{rng.getrandbits(128):032x}",
            "decimal": lambda rng: f"{int(rng.random() * 100_000) / 100:.2f}",
            "hostname": self.hostname,
            "password": password,
            "uuid": uuid4,
            "http_method": _choice(("GET", "POST", "PUT", "PATCH", "DELETE")),
            "rfc2822": temporal.rfc2822("past"),
            "past_datetime": temporal.date_time("past"),
            "future_datetime": temporal.date_time("future"),
            "past_date": temporal.date("past"),
            "future_date": temporal.date("future"),
        }

    def provider(self, key: str) -> StrProvider:
        if key in self._local:
            return self._local[key]
        return self._via_faker(self._FAKER_METHODS[key])

    def _via_faker(self, method_name: str) -> StrProvider:
        faker = self._faker
        method = getattr(faker, method_name)

        def draw(rng: Random) -> str:
            faker.random = rng
            return str(method())

        return draw

    def full_name(self, rng: Random) -> str:
        first = FIRST_NAMES[int(rng.random() * len(FIRST_NAMES))]
        return f"{first} {LAST_NAMES[int(rng.random() * len(LAST_NAMES))]}"

    def user_name(self, rng: Random) -> str:
        first = FIRST_NAMES[int(rng.random() * len(FIRST_NAMES))].lower()
        last = LAST_NAMES[int(rng.random() * len(LAST_NAMES))].lower()
        return f"{first[0]}{last}{int(rng.random() * 100)}" if rng.random() < 0.5 else f"{first}.{last}"

    def email(self, rng: Random) -> str:
        domain = ("example.com", "example.org", "example.net")[int(rng.random() * 3)]
        return f"{self.user_name(rng)}@{domain}"

    def currency_code(self, rng: Random) -> str:
        pool = _COMMON_CURRENCIES if rng.random() < 0.7 else CURRENCY_CODES
        return pool[int(rng.random() * len(pool))]

    def slug(self, rng: Random) -> str:
        return "-".join(self.text.word(rng) for _ in range(2 + int(rng.random() * 3))).lower()

    def hostname(self, rng: Random) -> str:
        return f"{self.text.word(rng)}.{LAST_NAMES[int(rng.random() * len(LAST_NAMES))].lower()}.com"

    def url(self, rng: Random) -> str:
        return f"https://{self.hostname(rng)}/{self.slug(rng)}"

    def image_url(self, rng: Random) -> str:
        size = (64, 128, 256, 512)[int(rng.random() * 4)]
        return f"https://picsum.photos/seed/{rng.getrandbits(32):08x}/{size}/{size}"


_POOL_SIZE = 4096
_POOL_SEED = 20_261_123


def _pooled(provider: StrProvider) -> StrProvider:
    """``provider``'s values drawn once from a constant seed, on first use (not at start-up): a pick
    then costs one random number, not a dozen."""
    pool: list[str] = []

    def draw(rng: Random) -> str:
        if not pool:
            builder = Random(_POOL_SEED)
            pool.extend(provider(builder) for _ in range(_POOL_SIZE))
        return pool[int(rng.random() * _POOL_SIZE)]

    return draw


def _choice(pool: tuple[str, ...] | list[str]) -> StrProvider:
    size = len(pool)
    return lambda rng: pool[int(rng.random() * size)]


_UUID_MASK = ~(0xF000 << 64) & ~(0xC000 << 48)  # version nibble and variant bits cleared ...
_UUID_BITS = (0x4000 << 64) | (0x8000 << 48)  # ... then set to version 4, RFC 4122 variant


def uuid4(rng: Random) -> str:
    """A version-4 UUID built from 128 random bits of the given rng."""
    h = (rng.getrandbits(128) & _UUID_MASK | _UUID_BITS).to_bytes(16, "big").hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def ipv4(rng: Random) -> str:
    bits = rng.getrandbits(24)
    return f"{11 + int(rng.random() * 212)}.{bits >> 16}.{(bits >> 8) & 255}.{1 + (bits & 255) % 254}"


def ipv6(rng: Random) -> str:
    h = f"{rng.getrandbits(112):028x}"
    return "2001:" + ":".join(h[i : i + 4] for i in range(0, 28, 4))


_PASSWORD_CHARS = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#$%&*+-=?@_"


def password(rng: Random) -> str:
    return "".join(_PASSWORD_CHARS[int(rng.random() * len(_PASSWORD_CHARS))] for _ in range(16))
