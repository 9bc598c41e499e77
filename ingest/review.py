"""What a publish or discard decision changes, and whether a draft belongs to its region.

Plain functions over the database, no request: the review and confirmation pages show them,
and ingest/services.py enforces them, so every caller of a publish is held to the same rules.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from budgets.models import Department, Disclosure, Region, normalise_name
from budgets.versions import PUBLIC, VersionChanges

# --- figures and projects against the published version ----------------------------------------


@dataclass
class PublishChanges(VersionChanges):
    """What publishing `draft` would change for its department-year (budgets.versions compares
    the two versions; here the draft is the newer side whatever its number)."""

    region_mismatch: str = ""

    @property
    def draft(self) -> Disclosure:
        return self.newer

    @property
    def published(self) -> Disclosure | None:
        return self.older

    @property
    def is_older(self) -> bool:
        """The draft's version is older than the one the public sees now: publishing goes back."""
        return self.published is not None and self.published.version > self.draft.version


def published_version(disclosure: Disclosure) -> Disclosure | None:
    """The version the public sees now for this department-year (never `disclosure` itself)."""
    return (Disclosure.objects.published()
            .filter(department_id=disclosure.department_id, year=disclosure.year)
            .exclude(pk=disclosure.pk).first())


def publish_changes(draft: Disclosure) -> PublishChanges:
    """Figures added, removed and changed (by table, code, name and column, amounts compared in
    元), projects added and removed, against the published version of the same department-year;
    whether the draft is older than it; and whether the draft matches its region."""
    return PublishChanges.between(published_version(draft), draft,
                                  region_mismatch=region_mismatch(draft))


# --- does the document belong to the region it is filed under? -----------------------------------
#
# Rule. The texts checked are the department name as printed on the tables and the document's
# title. Each Region in the database is known by its name and by its name without the usual
# suffix (河北省 → 河北, 唐山市 → 唐山, 芦台经济开发区 → 芦台, plus 唐山高新区 for 唐山高新技术产业
# 开发区), when at least two characters remain. Place words are found longest first without
# overlapping, so "唐山高新区" is read as that zone and not as the city 唐山. A place word that
# names the chosen region, one above it or one below it is fine — when a word names both such a
# region and another one (two 新华区 in two cities), the chosen side wins. Any other place word is
# a mismatch. So is a printed name that carries a place word and is already the name of a
# department published only outside the chosen region and the regions below it (唐山市财政局
# filed under 芦台经济开发区). Names without any place word (财政局) are never a mismatch: they say
# nothing about where they belong.

# Longest first: the first suffix that matches is the one removed.
ZONE_SUFFIXES = {  # suffix → the short form people print (唐山高新区)
    "高新技术产业开发区": "高新区", "高新技术开发区": "高新区", "经济技术开发区": "经开区",
    "经济开发区": "开发区", "工业园区": "", "开发区": "", "高新区": "", "新区": "",
}
ADMIN_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "街道", "地区", "省", "市", "区",
                  "县", "旗", "盟", "镇", "乡")
MIN_PLACE_WORD = 2  # one character (沙县 → 沙) would match ordinary words


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def place_words(name: str) -> set[str]:
    """The ways a region's name is printed: 芦台经济开发区 → {芦台经济开发区, 芦台开发区, 芦台}."""
    name = _clean(name)
    words = {name}
    for suffix, short in ZONE_SUFFIXES.items():
        if name.endswith(suffix) and len(name) - len(suffix) >= MIN_PLACE_WORD:
            core = name[: -len(suffix)]
            words |= {core, core + short} if short else {core}
            return {w for w in words if len(w) >= MIN_PLACE_WORD}
    for suffix in ADMIN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= MIN_PLACE_WORD:
            words.add(name[: -len(suffix)])
            break
    return {w for w in words if len(w) >= MIN_PLACE_WORD}


def _region_words() -> dict[str, set[int]]:
    """Every place word of every region → the regions it may name."""
    words: dict[str, set[int]] = defaultdict(set)
    for pk, name in Region.objects.values_list("pk", "name"):
        for word in place_words(name):
            words[word].add(pk)
    return words


def _places_in(text: str, words: dict[str, set[int]], allowed: set[int]) -> list[tuple[str, set]]:
    """(word, regions) of each place word in `text`, longest first, never overlapping; on equal
    length a word naming an allowed region wins."""
    found = [(m.start(), m.start() + len(word), word)
             for word in words for m in re.finditer(re.escape(word), text)]
    found.sort(key=lambda f: (f[0] - f[1], not (words[f[2]] & allowed), f[0]))
    taken: list[tuple[int, int, str]] = []
    for start, end, word in found:
        if not any(start < e and s < end for s, e, _ in taken):
            taken.append((start, end, word))
    return [(word, words[word]) for _, _, word in sorted(taken)]  # in reading order


def _allowed_regions(region: Region) -> tuple[set[int], set[int]]:
    """(the region, those above and below it), (the region and those below it)."""
    below = set(region.descendant_ids())
    return below | {r.pk for r in region.lineage()}, below


def _closest_regions(word: str, ids: set[int]) -> list[Region]:
    """The regions a place word most likely means: those whose name is shortest (唐山 is 唐山市
    rather than 唐山高新技术产业开发区)."""
    regions = list(Region.objects.filter(pk__in=ids))
    shortest = min(len(r.name) for r in regions)
    return [r for r in regions if len(r.name) == shortest]


def _foreign_department(name: str, below: set[int]) -> Department | None:
    """A published department elsewhere already named `name`, when none of that name is
    published in the chosen region or below it."""
    key = normalise_name(name)
    named = (Department.objects.filter(Q(normalised_name=key) | Q(names__normalised_name=key),
                                       disclosures__status__in=PUBLIC)
             .select_related("region").distinct())
    if named.filter(region_id__in=below).exists():
        return None
    return named.exclude(region_id__in=below).first()


def _foreign_places(label: str, text: str, words: dict[str, set[int]],
                    allowed: set[int]) -> tuple[str, bool]:
    """(the problem with the place words of `text`, or ""; whether it has any place word)."""
    places = _places_in(text, words, allowed)
    foreign = list(dict.fromkeys(w for w, ids in places if not ids & allowed))
    if not foreign:
        return "", bool(places)
    regions = dict.fromkeys(str(r) for w in foreign for r in _closest_regions(w, words[w]))
    return (f"{label}“{text}”中的“{'”“'.join(foreign)}”是其他地区"
            f"（{'、'.join(regions)}）的地名"), True


def region_mismatch(disclosure: Disclosure) -> str:
    """Why the disclosure does not belong to the region it is filed under, or "" (see the rule
    above)."""
    region = disclosure.department.region
    allowed, below = _allowed_regions(region)
    words = _region_words()
    printed = _clean(disclosure.name_as_printed or disclosure.department.name)
    problem, has_place = _foreign_places("表头名称", printed, words, allowed)
    if not problem:
        problem = _foreign_places("文件标题", _clean(disclosure.title), words, allowed)[0]
    if not problem and has_place:
        other = _foreign_department(printed, below)
        if other is not None:
            problem = f"表头名称“{printed}”已是“{other.region}”的部门“{other.name}”"
    return f"{problem}，与所选地区“{region}”不符" if problem else ""
