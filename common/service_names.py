"""Spellings of a service's name that citizens write besides the ones recorded.

Standard library only: the gazetteer (Rasa environment) and the actions'
name lookup read names through it, so both find the same services.
"""
from __future__ import annotations

# A request verb then a certificate (a word ending in บัตร, "สูติบัตร",
# "มรณบัตร"): "ขอมรณบัตร" is also written with the classifier ใบ,
# "ขอใบมรณบัตร". Recording the bare certificate ("มรณบัตร") instead would name
# the registration for a copy of the certificate too.
REQUEST_VERBS = ("ขอ", "ทำ")
CLASSIFIER = "ใบ"
CERTIFICATE = "บัตร"


def name_variants(name: str) -> list[str]:
    """``name`` and the other ways it is written, ``name`` first."""
    for verb in REQUEST_VERBS:
        rest = name[len(verb):]
        if name.startswith(verb) and rest.endswith(CERTIFICATE) and not rest.startswith(CERTIFICATE):
            return [name, f"{verb}{CLASSIFIER}{rest}"]
    return [name]
