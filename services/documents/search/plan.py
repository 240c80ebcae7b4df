"""A query string turned into what every adapter searches for (adapter-neutral)."""

from dataclasses import dataclass, field

from services.documents.search.analysis import (
    AgencyAliases,
    Analyzer,
    canonicalise_doc_numbers,
    find_doc_numbers,
    fold,
)

MAX_TERMS = 8


@dataclass(frozen=True)
class Term:
    """One space-separated part of the query: every spelling (alias variant) as tokens."""

    variants: tuple[tuple[str, ...], ...]
    surfaces: tuple[str, ...]


@dataclass(frozen=True)
class QueryPlan:
    doc_numbers: tuple[str, ...] = ()
    terms: tuple[Term, ...] = ()
    needles: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not self.doc_numbers and not self.terms


def plan_query(q: str, analyzer: Analyzer, aliases: AgencyAliases) -> QueryPlan:
    """Parts separated by spaces must all match; a 发文字号 (any brackets) is one part."""
    folded = canonicalise_doc_numbers(fold(q))
    doc_numbers = tuple(dict.fromkeys(find_doc_numbers(folded)))
    for number in doc_numbers:
        folded = folded.replace(number, " ")
    terms: list[Term] = []
    for part in folded.split()[:MAX_TERMS]:
        variants = []
        surfaces = []
        for spelling in aliases.variants(part):
            tokens = tuple(analyzer.words(spelling))
            if tokens:
                variants.append(tokens)
                surfaces.append(spelling)
        if variants:
            terms.append(Term(tuple(dict.fromkeys(variants)), tuple(surfaces)))
    needles = tuple(dict.fromkeys([*doc_numbers, *(s for t in terms for s in t.surfaces)]))
    return QueryPlan(doc_numbers, tuple(terms), needles)
