"""Which relation patterns can match a sentence skeleton, decided before running any.

Running every pattern on every skeleton costs more than the rest of relate. Each compiled
pattern is read (its parse tree, not its source text) for what any string it matches must
contain: literal keywords (落户, 与) and markers of given classes (``⟦[CIJLP]+#``, a marker
all of whose letters are among C, I, J, L, P). These are necessary conditions, never
sufficient ones, so skipping a pattern whose conditions fail changes no match.

A requirement is a conjunction of clauses, each a set of alternatives of which one must
hold: ``(?:落户|入驻)`` gives the clause {落户, 入驻}. An alternative is a `str` (the
skeleton contains it) or a `frozenset` of class letters (the skeleton has a marker whose
letters are all in it).
"""
from __future__ import annotations

import itertools
import re
from collections import defaultdict
from functools import lru_cache
from re import _constants as sre
from re import _parser as sre_parse
from typing import Sequence, Union

Atom = Union[str, frozenset]
Clause = frozenset
#: the characters markers are written with: every skeleton with a marker has them
MARKUP = frozenset("⟦⟧#")
#: at most this many clauses are kept for "one of these alternatives matched"
MAX_CLAUSES = 16
REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


def requirements(pattern: re.Pattern) -> tuple[Clause, ...]:
    """Clauses that every string `pattern` matches (anywhere, by search) satisfies."""
    if pattern.flags & re.IGNORECASE:
        return ()
    clauses = dict.fromkeys(_sequence(sre_parse.parse(pattern.pattern, pattern.flags)))
    return tuple(sorted(clauses, key=_check_order))


def keyword_search(pattern: re.Pattern) -> re.Pattern:
    """A regex that finds one of the keywords every match of `pattern` holds (its first clause
    of keywords, as one alternation), or the empty string when it needs none. The regex engine
    skips to the characters such an alternation starts with, so most texts fail it at a
    fraction of what a scan with `pattern` costs."""
    clause = next((c for c in requirements(pattern) if all(isinstance(atom, str) for atom in c)), ())
    return re.compile("|".join(re.escape(atom) for atom in sorted(clause, key=lambda a: (-len(a), a))))


def _check_order(clause: Clause) -> tuple[bool, int]:
    """Keyword clauses first, long keywords first: most skeletons that fail, fail there, cheaply."""
    if all(isinstance(atom, str) for atom in clause):
        return False, -min(map(len, clause))
    return True, 0


def satisfied(clauses: Sequence[Clause], text: str) -> bool:
    """Whether `text` meets every clause."""
    return condition(tuple(clauses)).match(text) is not None


@lru_cache(maxsize=None)
def condition(clauses: tuple[Clause, ...]) -> re.Pattern:
    """The clauses as one regex that matches at the start of every text meeting them all, and
    only there: a look-ahead a clause, whose alternatives are keywords and markers
    ``⟦[letters]+#`` (a marker all of whose letters are among them). One call of the regex
    engine decides what a loop over clauses and markers would."""
    lookaheads = []
    for clause in clauses:
        alternatives = sorted(re.escape(atom) if isinstance(atom, str) else f"⟦[{''.join(sorted(atom))}]+#"
                              for atom in clause)
        lookaheads.append(f"(?=.*?(?:{'|'.join(alternatives)}))")
    return re.compile("".join(lookaheads), re.DOTALL)


def _char(op, av) -> str | None:
    """The one character an item matches, if it matches exactly one: a, [a]."""
    if op is sre.LITERAL:
        return chr(av)
    if op is sre.IN and len(av) == 1 and av[0][0] is sre.LITERAL:
        return chr(av[0][1])
    return None


def _class_letters(items) -> frozenset | None:
    """The letters of ``[A-Z…]+`` (capital letters only), else None."""
    if len(items) != 1 or items[0][0] not in REPEATS or items[0][1][0] < 1:
        return None
    body = items[0][1][2]
    if len(body) != 1:
        return None
    op, av = body[0]
    members = av if op is sre.IN else [(op, av)]
    letters = set()
    for op, av in members:
        if op is sre.LITERAL:
            letters.add(chr(av))
        elif op is sre.RANGE:
            letters.update(map(chr, range(av[0], av[1] + 1)))
        else:
            return None
    return frozenset(letters) if letters and all("A" <= c <= "Z" for c in letters) else None


def _markers(items, i: int) -> tuple[frozenset | None, int]:
    """A marker ``⟦[…]+#\\d+⟧`` starting at items[i], or several (``⟦[…]+#…|⟦[…]+#…``, whose
    ⟦ the parser put in front): the clause "one of these markers" and how many items it spans."""
    if _char(*items[i]) != "⟦" or i + 1 >= len(items):
        return None, 0
    op, av = items[i + 1]
    alternatives = av[1] if op is sre.BRANCH else [items[i + 1:i + 3]]
    found = []
    for alternative in alternatives:
        letters = _class_letters(alternative[:1])
        if letters is None or len(alternative) < 2 or _char(*alternative[1]) != "#":
            return None, 0
        found.append(letters)
    return frozenset(found), (2 if op is sre.BRANCH else 3)


def _sequence(items) -> list[Clause]:
    clauses: list[Clause] = []
    run: list[str] = []

    def end_run():
        if run:
            clauses.append(frozenset({"".join(run)}))
            run.clear()

    i = 0
    while i < len(items):
        op, av = items[i]
        markers, span = _markers(items, i)
        if markers:
            end_run()
            clauses.append(markers)
            i += span
            continue
        char = _char(op, av)
        if char is not None:
            run.append(char)
            i += 1
            continue
        end_run()
        if op in REPEATS and av[0] >= 1:
            clauses += _sequence(av[2])
        elif op is sre.SUBPATTERN and not av[1] & sre.SRE_FLAG_IGNORECASE:
            clauses += _sequence(av[3])
        elif op is sre.ATOMIC_GROUP:
            clauses += _sequence(av)
        elif op is sre.BRANCH:
            clauses += _either([_sequence(alternative) for alternative in av[1]])
        elif op is sre.IN and all(o is sre.LITERAL for o, _ in av):
            clauses.append(frozenset(chr(c) for _, c in av))
        i += 1
    end_run()
    return clauses


def _either(alternatives: list[list[Clause]]) -> list[Clause]:
    """Clauses of "one of these alternatives matched": a clause of each, joined."""
    if not all(alternatives):
        return []
    return [frozenset().union(*pick) for pick in itertools.islice(itertools.product(*alternatives), MAX_CLAUSES)]


class RuleIndex:
    """Rules indexed by the first two characters (one, for one-character keywords) of the
    keywords of one of their clauses.

    `candidates` returns, in their order, the rules whose requirements a skeleton meets: a
    rule with a keyword clause is looked at only when the skeleton holds the start of one of
    its keywords; the few without one always are.
    """

    def __init__(self, rules: Sequence):
        """`rules`: objects with a compiled `pattern`."""
        self.rules = tuple(rules)
        self.needs = tuple(requirements(rule.pattern) for rule in self.rules)
        self.conditions = tuple(map(condition, self.needs))
        self.unkeyed: list[int] = []
        self.by_key: dict[str, list[int]] = defaultdict(list)
        for n, clauses in enumerate(self.needs):
            keywords = [c for c in clauses if all(isinstance(atom, str) and not MARKUP & set(atom) for atom in c)]
            if not keywords:
                self.unkeyed.append(n)
                continue
            # the clause whose shortest keyword is longest, then the one with fewest keywords
            clause = max(keywords, key=lambda c: (min(map(len, c)), -len(c)))
            for key in {keyword[:2] for keyword in clause}:
                self.by_key[key].append(n)

    def candidates(self, text: str) -> list:
        found = set(self.unkeyed)
        present = set(text)
        present.update(text[i:i + 2] for i in range(len(text) - 1))
        for key in self.by_key.keys() & present:
            found.update(self.by_key[key])
        return [self.rules[n] for n in sorted(found) if self.conditions[n].match(text)]
