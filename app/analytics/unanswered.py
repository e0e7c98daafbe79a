"""Unanswered questions grouped by what they ask, to become FAQs.

The turns the assistant fell back on or had to ask back about are tokenised
into Thai words (PyThaiNLP ``newmm``), stop words and the redaction
placeholders (``<ชื่อ>``, ``<เบอร์โทร>``) dropped, weighted by TF-IDF and
grouped around leaders: a message joins the group whose first (most frequent)
wording it is at least ``threshold`` alike (cosine), else starts its own. An
inverted index compares only messages that share a word, without a matrix
library. Texts are already redacted by the worker: the examples shown
are what the store holds.

A group proposes its owner for "make this an FAQ": the province all its
messages came from, or the national team when they came from several
provinces or from nowhere known.
"""
from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from app.analytics.queries import Filter, Scope, unanswered_turns
from app.errors import NotFoundError

PLACEHOLDER = re.compile(r"<[^<>\s]{1,30}>")
DEFAULT_THRESHOLD = 0.3
# Words that say "a question" in every message and so group unrelated ones.
QUESTION_WORDS = frozenset({"ที่ไหน", "อะไร", "ยังไง", "อย่างไร", "เท่าไหร่", "เท่าไร", "ไหม", "มั้ย", "บ้าง", "ครับ", "ค่ะ", "คะ", "ขอ"})
# The answer a proposed FAQ starts with: the editor writes the real one (the
# dashboard never invents facts) before it can be published.
ANSWER_PLACEHOLDER = "(ร่างจากคำถามที่ยังตอบไม่ได้: โปรดเขียนคำตอบพร้อมแหล่งที่มาก่อนเผยแพร่)"


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    return frozenset(thai_stopwords()) | QUESTION_WORDS


def tokens(text: str) -> list[str]:
    """The content words of a redacted message, lower-cased; ``[]`` for an empty one."""
    return list(_tokens(text))


# Citizens ask the same things in the same words: each wording is cut once.
@lru_cache(maxsize=50_000)
def _tokens(text: str) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize
    from pythainlp.util import normalize

    text = PLACEHOLDER.sub(" ", text).strip()
    if not text:
        return ()
    stop = _stop_words()
    words = word_tokenize(normalize(text), engine="newmm", keep_whitespace=False)
    return tuple(w.lower() for w in words if w not in stop and any(c.isalnum() for c in w))


@dataclass
class UnansweredGroup:
    """Messages asking much the same thing, with where and when they came."""

    id: str
    size: int
    examples: list[str]
    owner_province: str | None  # None: the national team
    provinces: dict[str | None, int]
    outcomes: dict[str, int]
    trend: list[dict[str, Any]]  # [{"week": Monday's date, "turns": n}], every week in range
    first_at: datetime
    last_at: datetime
    terms: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "size": self.size,
            "examples": self.examples,
            "owner_province": self.owner_province,
            "provinces": [{"province_code": k, "turns": v} for k, v in self.provinces.items()],
            "outcomes": self.outcomes,
            "trend": self.trend,
            "first_at": self.first_at.isoformat(),
            "last_at": self.last_at.isoformat(),
            "terms": self.terms,
        }


def _vectors(documents: Sequence[list[str]]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (smoothed IDF, as scikit-learn's default)."""
    frequency = Counter(word for words in documents for word in set(words))
    n = len(documents)
    idf = {w: math.log((1 + n) / (1 + df)) + 1 for w, df in frequency.items()}
    vectors = []
    for words in documents:
        weights = {w: c * idf[w] for w, c in Counter(words).items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        vectors.append({w: v / norm for w, v in weights.items()})
    return vectors


def _link(vectors: Sequence[dict[str, float]], threshold: float) -> list[int]:
    """Leader grouping: each wording (most frequent first) joins the group whose
    first wording it is most alike, if at least ``threshold``; else it starts one.

    Comparing with each group's leader, not with every member, keeps a chain of
    near neighbours from gluing unrelated questions together, and the leaders'
    inverted index keeps the work near linear in the number of wordings.
    """
    group_of: list[int] = []
    leaders: list[int] = []
    postings: dict[str, list[int]] = defaultdict(list)  # word -> leader numbers
    for i, vector in enumerate(vectors):
        scores: dict[int, float] = defaultdict(float)
        for word, weight in vector.items():
            for leader in postings.get(word, ()):
                scores[leader] += weight * vectors[leaders[leader]][word]
        best = max(scores.items(), key=lambda item: (item[1], -item[0]), default=None)
        if best is not None and best[1] >= threshold:
            group_of.append(leaders[best[0]])
            continue
        for word in vector:
            postings[word].append(len(leaders))
        leaders.append(i)
        group_of.append(i)
    return group_of


def _monday(moment: datetime, zone: ZoneInfo) -> date:
    day = moment.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def _weeks(first: date, last: date) -> list[date]:
    weeks, week = [], first
    while week <= last:
        weeks.append(week)
        week += timedelta(days=7)
    return weeks


def group_unanswered(
    rows: Iterable[dict[str, Any]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    timezone: str = "Asia/Bangkok",
    max_examples: int = 5,
) -> list[UnansweredGroup]:
    """Group unanswered turns (``id, at, text, province_code, outcome``), biggest first.

    Messages with no content word (a greeting, a lone placeholder) are left out:
    there is no question in them to answer.
    """
    zone = ZoneInfo(timezone)
    turns = [(row, tokens(row["text"])) for row in rows]
    turns = [(row, words) for row, words in turns if words]
    if not turns:
        return []
    # Identical wordings share one vector; the most frequent lead their groups.
    frequency = Counter(tuple(words) for _, words in turns)
    keys = sorted(frequency, key=lambda k: (-frequency[k], k))
    wordings = {key: n for n, key in enumerate(keys)}
    vectors = _vectors([list(k) for k in keys])
    roots = _link(vectors, threshold)
    members: dict[int, list[tuple[dict[str, Any], tuple[str, ...]]]] = defaultdict(list)
    for row, words in turns:
        members[roots[wordings[tuple(words)]]].append((row, tuple(words)))
    all_weeks = _weeks(
        min(_monday(r["at"], zone) for r, _ in turns), max(_monday(r["at"], zone) for r, _ in turns)
    )
    groups = [
        _describe(group, vectors, wordings, all_weeks, zone, max_examples)
        for group in members.values()
    ]
    return sorted(groups, key=lambda g: (-g.size, -g.last_at.timestamp(), g.id))


def _describe(
    group: list[tuple[dict[str, Any], tuple[str, ...]]],
    vectors: Sequence[dict[str, float]],
    wordings: dict[tuple[str, ...], int],
    weeks: list[date],
    zone: ZoneInfo,
    max_examples: int,
) -> UnansweredGroup:
    rows = [row for row, _ in group]
    centroid: dict[str, float] = defaultdict(float)
    for _, words in group:
        for word, weight in vectors[wordings[words]].items():
            centroid[word] += weight

    def closeness(text: str, words: tuple[str, ...]) -> tuple[float, str]:
        vector = vectors[wordings[words]]
        return (-sum(w * centroid[word] for word, w in vector.items()), text)

    texts: dict[str, tuple[str, ...]] = {}
    for row, words in group:
        texts.setdefault(row["text"], words)
    examples = sorted(texts, key=lambda t: closeness(t, texts[t]))[:max_examples]
    provinces = Counter(row["province_code"] for row in rows)
    owner = next(iter(provinces)) if len(provinces) == 1 else None
    per_week = Counter(_monday(row["at"], zone) for row in rows)
    terms = [w for w, _ in sorted(centroid.items(), key=lambda item: (-item[1], item[0]))[:5]]
    return UnansweredGroup(
        # Named by its most typical wording: the same group keeps its id while
        # the filters that produced it stay the same.
        id=hashlib.sha256(" ".join(texts[examples[0]]).encode()).hexdigest()[:12],
        size=len(rows),
        examples=examples,
        owner_province=owner,
        provinces=dict(sorted(provinces.items(), key=lambda kv: (-kv[1], kv[0] or ""))),
        outcomes=dict(sorted(Counter(row["outcome"] for row in rows).items())),
        trend=[{"week": w.isoformat(), "turns": per_week.get(w, 0)} for w in weeks],
        first_at=min(row["at"] for row in rows),
        last_at=max(row["at"] for row in rows),
        terms=terms,
    )


async def unanswered_groups(
    session: AsyncSession,
    filters: Filter,
    scope: Scope,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 2000,
) -> list[UnansweredGroup]:
    """The unanswered turns the caller may see (the newest ``limit``), grouped."""
    rows = await unanswered_turns(session, filters, scope, limit=limit)
    return group_unanswered(rows, threshold=threshold, timezone=filters.timezone)


def find_group(groups: Iterable[UnansweredGroup], group_id: str) -> UnansweredGroup:
    """Raises ``NotFoundError`` when no group has ``group_id`` (data or filters changed)."""
    for group in groups:
        if group.id == group_id:
            return group
    raise NotFoundError(f"no unanswered group {group_id}")


def faq_draft_data(group: UnansweredGroup) -> dict[str, Any]:
    """A new FAQ for the group's owner: its wordings as the questions, and an
    answer the editor must write (never one made up here)."""
    return {
        "key": f"unanswered_{group.id}",
        "province_code": group.owner_province,
        "title": group.examples[0][:300],
        "question_variants": list(group.examples),
        "answer": ANSWER_PLACEHOLDER,
    }
