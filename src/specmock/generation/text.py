"""Plain text from a word pool: words, titles and sentences, fitted to minLength / maxLength."""

from __future__ import annotations

from collections.abc import Callable
from random import Random

StrFn = Callable[[Random], str]
_POOL_SIZE = 8192
_POOL_SEED = 20_251_231


class TextPools:
    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = words
        self._size = len(words)
        self._longest = max(len(w) for w in words)

        words, size = self.words, self._size

        def word(rng: Random) -> str:
            return words[int(rng.random() * size)]

        # One word, sometimes two: what an unnamed string field gets. Drawn from a fixed pool built
        # once from a constant seed, so a phrase costs one random number instead of two or three.
        builder = Random(_POOL_SEED)
        pool = tuple(
            " ".join(words[int(builder.random() * size)] for _ in range(2 if builder.random() < 0.35 else 1))
            for _ in range(_POOL_SIZE)
        )

        def phrase(rng: Random) -> str:
            return pool[int(rng.random() * _POOL_SIZE)]

        self.word: StrFn = word
        self.phrase: StrFn = phrase

    def _words(self, rng: Random, count: int) -> list[str]:
        words, size = self.words, self._size
        return [words[int(rng.random() * size)] for _ in range(count)]

    def sentence(self, rng: Random) -> str:
        text = " ".join(self._words(rng, 4 + int(rng.random() * 8)))
        return f"{text[0].upper()}{text[1:]}."

    def title(self, rng: Random) -> str:
        return " ".join(w.capitalize() for w in self._words(rng, 2 + int(rng.random() * 3)))

    def fit(self, text: str, rng: Random, lo: int, hi: int | None) -> str:
        """Pad with words up to ``lo`` characters and cut at ``hi``, never ending on a space."""
        if len(text) < lo:
            extra = self._words(rng, (lo - len(text)) // 3 + 1)
            text = " ".join([text, *extra]).strip()
            while len(text) < lo:
                text = f"{text} {self.word(rng)}"
        if hi is not None and len(text) > hi:
            text = text[:hi]
        if text.endswith(" "):
            text = f"{text[:-1]}x"
        return text

    def fitted(self, source: StrFn, lo: int, hi: int | None) -> StrFn:
        """``source`` wrapped so its output always has a length in ``[lo, hi]``."""
        fit = self.fit

        def draw(rng: Random) -> str:
            return fit(source(rng), rng, lo, hi)

        return draw

    def plain(self, lo: int, hi: int | None) -> StrFn:
        if hi == 0:
            return lambda rng: ""
        if lo <= 1 and (hi is None or hi > 2 * self._longest):
            return self.phrase
        return self.fitted(self.phrase, lo, hi)
