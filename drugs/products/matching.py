"""Names on Drugs@FDA products: tidied for display, the names an ingredient may have as a drug
(salt aside) for matching it to one, and product names told apart from generic names as brands."""

from __future__ import annotations

import re
from functools import lru_cache

from drugs.labels.parsing import normalise_generic

# Parsed names, forms and strengths remembered: the same few thousand recur across products.
CACHE_SIZE = 8192


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Kept in capitals when an all-capitals name is title-cased.
ACRONYMS = _words(
    "AC AG CR CD DR DS ER ES EC HBR HCL HCT HFA HP IB II III IR IV LA LLC LP LTD MR ODT PM SA SR "
    "US USA USP UK XL XR XT"
)
SMALL_WORDS = _words("and in of with for or")
# Words that can follow a generic name without making it a brand ("Ibuprofen Dye Free").
QUALIFIERS = _words(
    """and with w in of for plastic container containers dye free preservative sulfite sugar
    alcohol children childrens s infant infants junior pediatric adult strength extra regular
    maximum max extended delayed release er xr xl sr cr dr la odt hcl usp kit pack dose doses
    single unit multi multiple use tablet tablets capsule capsules injection solution oral
    topical ophthalmic otic nasal cream ointment gel lotion suspension syrup elixir vial vials
    bottle syringe prefilled premix premixed novaplus pfs mdv sdv iv im sc bulk pharmacy
    concentrate chewable disintegrating orally film coated soft softgel liquid powder
    powders drops spray inhalation"""
)
# Salts normalise_generic keeps but a Drugs@FDA ingredient may carry ("Clopidogrel bisulfate").
MORE_SALTS = _words(
    """bisulfate besilate mesilate napsylate pamoate valerate decanoate enanthate cypionate
    lactate gluconate stearate hemihydrate sesquihydrate disodium dipotassium hydrobromide
    dihydrochloride maleate malate nitrate oxalate palmitate propionate acetonide
    bromide benzoate saccharate carbonate oxide hydroxide xinafoate furoate"""
)


@lru_cache(maxsize=CACHE_SIZE)
def clean_name(raw: str) -> str:
    """Whitespace collapsed and an all-capitals name title-cased, its acronyms kept:
    "EPIPEN JR.  " → "Epipen Jr.", "TOPROL-XL" → "Toprol-XL"."""
    name = " ".join(raw.split())
    if not name.isupper():
        return name
    return re.sub(r"[A-Z][A-Z']*", _title_word, name)


def _title_word(match: re.Match) -> str:
    word = match.group()
    if word in ACRONYMS:
        return word
    if match.start() > 0 and word.lower() in SMALL_WORDS:
        return word.lower()
    return word[:1] + word[1:].lower()


def split_ingredients(raw: str) -> list[str]:
    """The active ingredients of a product: Drugs@FDA joins them with ";"."""
    return [" ".join(piece.split()) for piece in raw.split(";") if piece.strip()]


@lru_cache(maxsize=CACHE_SIZE)
def ingredient_keys(ingredient: str) -> tuple[str, ...]:
    """Lowercased names the ingredient may have as a drug, most likely first:
    "TIZANIDINE HYDROCHLORIDE" → ["tizanidine", "tizanidine hydrochloride"]."""
    display, full = normalise_generic(ingredient)
    keys = [display.lower(), full]
    words = full.split()
    while len(words) > 1 and words[-1] in MORE_SALTS:
        words.pop()
        keys.append(" ".join(words))
    return tuple(dict.fromkeys(keys))


@lru_cache(maxsize=CACHE_SIZE)
def is_brand_name(name: str, ingredient: str) -> bool:
    """Whether a product name is a brand, not the ingredient's generic name with or without a
    qualifier: "Valium" is one; "Ibuprofen Dye Free" and "Clopidogrel" are not."""
    words = re.findall(r"[a-z]+", name.lower())
    folded = " ".join(words)
    if not folded:
        return False
    generic_words: set[str] = set()
    for piece in split_ingredients(ingredient):
        for key in ingredient_keys(piece):
            key = " ".join(re.findall(r"[a-z]+", key))
            if folded == key or folded.startswith(key + " "):
                return False
            generic_words.update(key.split())
    return not all(word in generic_words or word in QUALIFIERS for word in words)
