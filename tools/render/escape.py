"""Text from a file, printed in the reviewer's Markdown as exactly that text: never markup.

Every string the review prints that a file gave it (a user, role, group or stack name, a
description, a waiver reason, a policy file's name, a condition value, any field of a base
plan or of a plan `tools comment` reads) goes through one of these, whatever part of the review
prints it (the plan Markdown, the diff, the access table, the comment, the job summary):

- `code(value)`: a code span. Inside one, GitHub reads no Markdown, no HTML, no autolink, no
  `@mention` and no `#123` issue reference (its mention and reference filters skip `code`).
  The fence is one backtick longer than the longest run of backticks in the value, so no
  backtick in it closes the span.
- `text(value)`: prose. The ASCII punctuation CommonMark reads as markup is backslash-escaped
  (`<` and `&` too, so no tag, comment or entity), and any word GitHub would turn into a link
  or a mention (`@name`, `#123`, a URL, `www.`, an e-mail address) is set in a code span.
- `label(value)`: a Mermaid label inside double quotes: every character that is not a letter,
  digit, space or plain punctuation as Mermaid's `#<code>;` entity.

Both Markdown forms first make invisible and line-breaking characters visible (`visible`): a
newline, `\\r`, U+2028 or U+2029 would end a table row or start a heading; a bidi override
would show the reviewer the text in another order (Trojan Source), and a zero-width character
would make two different names look equal. In a table cell (`cell=True`) `|` is escaped as the
table extension reads it (`\\|`, in a code span too), so no value adds a cell.
"""

from __future__ import annotations

import functools
import html as _html
import re
import unicodedata

NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"}
"""Control, format (bidi controls, zero-width characters), line and paragraph separators,
private use, surrogates and unassigned characters: shown as `\\uXXXX`."""
PUNCTUATION = re.compile(r"[\\`*_\[\]<!~&|#]")
"""What CommonMark or GitHub's extensions may read as markup in a line of prose: `\\`, code,
emphasis, strikethrough, links and images, HTML and entities, table cells, headings."""
LINKABLE = re.compile(r"\S*(?:[@#]|://|www\.)\S*", re.IGNORECASE)
"""A word GitHub would link: `@name` (a mention), `#123` (an issue), `user@example.com`, a URL."""
LABEL_SAFE = re.compile(r"[A-Za-z0-9 ,.:/()+=@_?-]")
LABEL_PLAIN = re.compile(r"[A-Za-z0-9 ,.:/()+=@_?-]*")
"""A label of `LABEL_SAFE` characters only: shown as it is."""
MEMO = 1 << 16
"""How many distinct values `text` and `code` remember: a review prints the same cell (an
account, `required`, `1 h`) thousands of times; 57,811 calls at 2,000 x 200 (issue 31)."""


def visible(value: str) -> str:
    """`value` with each invisible or line-breaking character as `\\n`, `\\r`, `\\t` or `\\uXXXX`."""
    if value.isascii() and value.isprintable():
        return value
    out = []
    for c in value:
        if c in NAMED:
            out.append(NAMED[c])
        elif unicodedata.category(c) in INVISIBLE:
            out.append(_u(c))
        else:
            out.append(c)
    return "".join(out)


def _u(c: str) -> str:
    """`\\uXXXX`, or JSON's surrogate pair for a character beyond U+FFFF (so a JSON text stays JSON)."""
    n = ord(c)
    if n <= 0xFFFF:
        return f"\\u{n:04x}"
    n -= 0x10000
    return f"\\u{0xD800 + (n >> 10):04x}\\u{0xDC00 + (n & 0x3FF):04x}"


def fence(block: str, mark: str = "`") -> str:
    """A code fence longer than any run of `mark` in `block`, so no line of it closes the block."""
    if mark not in block:  # the usual case, without a scan of every run (a 13 MB block of outputs)
        return mark * 3
    longest = max((len(run) for run in re.findall(re.escape(mark) + "+", block)), default=0)
    return mark * max(3, longest + 1)


def html(value: object) -> str:
    """`value` inside raw HTML (a `<details>` summary): HTML-escaped, in `<code>` where GitHub would link a word."""
    shown = visible(str(value))
    escaped = _html.escape(shown, quote=True)
    return f"<code>{escaped}</code>" if LINKABLE.search(shown) else escaped


def html_code(value: object) -> str:
    """`value` in a raw HTML `<code>` element, HTML-escaped."""
    return f"<code>{_html.escape(visible(str(value)), quote=True)}</code>"


def code(value: object, cell: bool = False) -> str:
    """`value` as a code span showing it as it is (visible characters)."""
    return _code(value if type(value) is str else str(value), cell)


@functools.lru_cache(maxsize=MEMO)
def _code(value: str, cell: bool) -> str:
    shown = visible(value)
    if cell:
        shown = shown.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", shown)), default=0)
    fence = "`" * (longest + 1)
    if shown.startswith("`") or shown.endswith("`") or (shown.startswith(" ") and shown.endswith(" ") and shown.strip()):
        shown = f" {shown} "  # CommonMark strips one space each side, so the value keeps its own
    if not shown:
        return "` `"
    return f"{fence}{shown}{fence}"


def _escape_word(word: str, cell: bool) -> str:
    if LINKABLE.fullmatch(word):
        return code(word, cell)
    out = []
    for i, c in enumerate(word):
        if c == "_" and 0 < i < len(word) - 1 and word[i - 1].isalnum() and word[i + 1].isalnum():
            out.append(c)  # inside a word `_` is no emphasis (CommonMark's flanking rules): snake_case stays
        elif PUNCTUATION.fullmatch(c):
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


def text(value: object, cell: bool = False) -> str:
    """`value` as prose that shows exactly it (in a table cell: `cell=True`)."""
    return _text(value if type(value) is str else str(value), cell)


@functools.lru_cache(maxsize=MEMO)
def _text(value: str, cell: bool) -> str:
    shown = re.sub(r"\S+", lambda m: _escape_word(m.group(0), cell), visible(value))
    # Space at either end as a character reference: emphasis around the value (`**where**`)
    # stays emphasis, and a table cell keeps it.
    match = re.fullmatch(r"(\s*)(.*?)(\s*)", shown, re.DOTALL)
    assert match is not None
    lead, middle, trail = (_references(match.group(1)), match.group(2), _references(match.group(3)))
    return lead + middle + trail


def _references(spaces: str) -> str:
    return "".join(f"&#{ord(c)};" for c in spaces)


def label(value: object) -> str:
    """`value` inside a Mermaid label's double quotes: `#<code>;` for anything but plain characters."""
    return _label(value if type(value) is str else str(value))


@functools.lru_cache(maxsize=MEMO)
def _label(value: str) -> str:
    # A diagram prints the same label for many edges (`AssumeRole + MFA`, 6,400 at 2,000 x 200).
    shown = visible(value)
    if LABEL_PLAIN.fullmatch(shown):
        return shown
    return "".join(c if LABEL_SAFE.fullmatch(c) else _entity(c) for c in shown)


def _entity(c: str) -> str:
    return {'"': "#quot;", "<": "#lt;", ">": "#gt;"}.get(c) or f"#{ord(c)};"
