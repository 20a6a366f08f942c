"""Word clouds from free text: words counted case-insensitively without Norwegian and English
stop words (the maintained lists of the `stop-words` package). A short entry is kept whole as
the phrase its writer chose; longer ones are split into words."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from stop_words import get_stop_words

PHRASE_WORDS = 3  # an entry of up to this many words is one term ("gode maler")
WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    return frozenset(get_stop_words("norwegian")) | frozenset(get_stop_words("english"))


def terms(entry: str) -> list[str]:
    words = [w.casefold() for w in WORD.findall(entry)]
    meaningful = [w for w in words if w not in stop_words() and not w.isdigit()]
    if not meaningful:
        return []
    if len(words) <= PHRASE_WORDS:
        # the phrase as written, without stop words at its edges ("the templates" -> "templates")
        while words[0] in stop_words():
            words = words[1:]
        while words[-1] in stop_words():
            words = words[:-1]
        return [" ".join(words)]
    return meaningful


def word_cloud(entries: Iterable[str], limit: int = 60) -> list[dict]:
    counts = Counter(term for entry in entries for term in terms(entry))
    return [{"term": term, "count": count}
            for term, count in sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))[:limit]]
