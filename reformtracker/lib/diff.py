"""What changed in a text, shown inline: removed words struck out, added ones marked."""

from __future__ import annotations

import difflib

from django.utils.html import format_html
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

# Comparing character by character costs the product of the lengths; beyond
# this the texts are compared line by line, which is as clear for long texts.
CHARACTER_BUDGET = 4_000_000


def inline_diff(before: str, after: str) -> SafeString:
    """`after` as HTML, with what `before` had and it lacks in <del>, what it adds in <ins>.

    Japanese has no spaces between words, so texts are compared by character;
    long ones by line, to stay fast whatever their size.
    """
    old, new = before, after
    if len(old) * len(new) > CHARACTER_BUDGET:
        old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    if len(old) * len(new) > CHARACTER_BUDGET:
        old, new = [before], [after]  # thousands of lines: all of it replaced
    parts = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old[i1:i2]), "".join(new[j1:j2])
        if op == "equal":
            parts.append(("{}", added))
            continue
        if removed:
            parts.append(("<del>{}</del>", removed))
        if added:
            parts.append(("<ins>{}</ins>", added))
    return format_html_join("", "{}", ((format_html(f, t),) for f, t in parts))
