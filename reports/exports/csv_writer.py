"""CSV in constant memory: rows are written to one small buffer, handed out as UTF-8 blocks of
about 64 KB, the first one starting with a byte order mark (so Excel reads accents right).

Text that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage
return) is prefixed with an apostrophe: a name is never a formula (CSV injection)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from operator import itemgetter

BOM = "\ufeff"
BLOCK_SIZE = 64 * 1024
# Rows written (and checked for formulas) at once.
BATCH = 500
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A text cell starting like a formula, in the text cells of a batch of rows each preceded by
# NUL: one C-level search per batch (for a literal NUL, then the character after it) instead
# of a Python test per cell; a batch with one is rewritten row by row.
_FORMULA_IN_JOINED = re.compile(r"\x00[=+\-@\t\r]")


def neutralised(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _picker(columns: Sequence[int]) -> Callable[[Sequence], tuple] | None:
    """A function giving a row's cells in `columns` as a tuple (None without columns)."""
    if not columns:
        return None
    picked = itemgetter(*columns)
    return picked if len(columns) > 1 else lambda row: (picked(row),)


def csv_blocks(
    headers: Sequence[str],
    chunks: Iterable[Sequence[Sequence]],
    *,
    text_columns: Sequence[int] = (),
    on_done: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """The CSV of the rows under `headers`, in blocks. The rows come in chunks (lists), each
    written at once; `text_columns` are the columns of text people typed (checked for
    formulas, a chunk at a time). `on_done(rows)` runs once: when every row is written (before
    the last block goes out), or when the reader stops early (a client gone mid-download), with
    the rows handed out so far, after the chunks' source is closed, so that what left the
    server is always on record."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(headers)
    count = 0
    handed_out = 0
    texts = _picker(text_columns)
    try:
        for chunk in chunks:
            for start in range(0, len(chunk), BATCH):
                rows = chunk[start : start + BATCH]
                if texts is not None and _FORMULA_IN_JOINED.search(
                    "\x00" + "\x00".join(chain.from_iterable(map(texts, rows)))
                ):
                    rows = [_neutralise_row(row, text_columns) for row in rows]
                writer.writerows(rows)
                count += len(rows)
                if buffer.tell() >= BLOCK_SIZE:
                    block = buffer.getvalue().encode()
                    buffer.seek(0)
                    buffer.truncate()
                    handed_out = count
                    yield block
            # Let the chunk go before the next one is read: memory holds one chunk, not two.
            chunk = rows = None
    except GeneratorExit:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
        if on_done is not None:
            on_done(handed_out)
        raise
    if on_done is not None:
        on_done(count)
    yield buffer.getvalue().encode()


def _neutralise_row(row: Sequence, text_columns: Sequence[int]) -> list:
    return [neutralised(v) if i in text_columns and v else v for i, v in enumerate(row)]
