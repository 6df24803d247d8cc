"""Reading openFDA `drug/label` files: a stream of raw records, a broken one skipped.

The reader and why it is ours, not ijson: docs/decisions/label-reader.md.
"""

from __future__ import annotations

import codecs
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar


class LabelFileError(Exception):
    """A file that cannot be read at all: missing, not an openFDA label file, not a zip."""


@dataclass(frozen=True)
class StreamError:
    """A part of a file that could not be read as a record; reading goes on where it can."""

    reason: str


# The reader is hand-written on json.JSONDecoder.raw_decode (C speed) rather than ijson's
# event stream because ijson cannot go on after a syntax error: here a broken record costs only
# itself. The buffer holds at most one record and one chunk, so memory stays flat.
CHUNK_SIZE = 1024 * 1024
MAX_RECORD_SIZE = 64 * 1024 * 1024
DECODER = json.JSONDecoder(strict=False)  # a raw tab or newline inside a string is no harm
WHITESPACE = re.compile(r"[ \t\n\r]*")
RECORD_BOUNDARY = re.compile(r"\}\s*,\s*\{")
BOUNDARY_START = re.compile(r"\}\s*(?:,\s*)?\Z")  # a boundary cut off by the end of the text
CUT_OFF_SLACK = 8  # a syntax error this close to the end of the text read may be the cut


def label_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted({*path.glob("*.json"), *path.glob("*.zip")})
        if not files:
            raise LabelFileError(f"{path}: no .json or .json.zip files in this folder")
        return files
    if not path.exists():
        raise LabelFileError(f"{path}: no such file or folder")
    return [path]


def label_input_size(path: Path | str) -> int:
    """The bytes of JSON behind a path, zip members uncompressed: what reading it goes through."""
    size = 0
    for file in label_files(Path(path)):
        if file.suffix != ".zip":
            size += file.stat().st_size
            continue
        try:
            with zipfile.ZipFile(file) as archive:
                size += sum(i.file_size for i in archive.infolist() if i.filename.endswith(".json"))
        except (OSError, zipfile.BadZipFile):
            pass  # reported when it is read
    return size


def iter_label_records(
    path: Path | str, *, on_read: Callable[[int], object] | None = None
) -> Iterator[tuple[str, dict | StreamError]]:
    """(position, record) for each label in a .json, a .json.zip or a folder of them, streamed.

    A record that is not valid JSON yields a StreamError at its position and reading goes on
    with the next record; a file that is not an openFDA label file raises LabelFileError.
    `on_read` is told how many bytes (uncompressed) each read takes from the files."""
    for file in label_files(Path(path)):
        if file.suffix == ".zip":
            yield from _iter_zip(file, on_read=on_read)
        else:
            try:
                handle = file.open("rb")
            except OSError as error:
                raise LabelFileError(f"{file}: {error.strerror}") from error
            with handle:
                yield from _iter_stream(handle, name=file.name, on_read=on_read)


def _iter_zip(
    file: Path, *, on_read: Callable[[int], object] | None
) -> Iterator[tuple[str, dict | StreamError]]:
    try:
        archive = zipfile.ZipFile(file)
    except (OSError, zipfile.BadZipFile) as error:
        raise LabelFileError(f"{file}: not a readable zip file ({error})") from error
    with archive:
        members = sorted(n for n in archive.namelist() if n.endswith(".json"))
        if not members:
            raise LabelFileError(f"{file}: the zip holds no .json file")
        for member in members:
            with archive.open(member) as handle:
                yield from _iter_stream(handle, name=f"{file.name}/{member}", on_read=on_read)


class _Unreadable(Exception):
    """Reading the file failed: a damaged zip member fails as zlib or zipfile errors."""


class _CutOff(Exception):
    """The file ends inside the value being read."""


class _TooDeep(Exception):
    """The value is nested deeper than the decoder can go."""


class _TooLarge(Exception):
    """The value being read is longer than MAX_RECORD_SIZE."""


class _Text:
    """The part of a JSON file read and not yet consumed, decoded as UTF-8 with bad bytes
    replaced, and a position in it."""

    def __init__(self, handle: IO[bytes], *, on_read: Callable[[int], object] | None) -> None:
        self.handle = handle
        self.on_read = on_read
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        self.text = ""
        self.pos = 0
        self.ended = False

    def read_more(self) -> bool:
        """Add the next chunk, dropping what was consumed; False once the file has ended."""
        if self.ended:
            return False
        try:
            data = self.handle.read(CHUNK_SIZE)
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
            raise _Unreadable(str(error)) from error
        if self.on_read is not None:
            self.on_read(len(data))
        self.ended = not data
        self.text = self.text[self.pos :] + self.decoder.decode(data, final=self.ended)
        self.pos = 0
        return True

    def next_char(self) -> str:
        """The next character after whitespace, not consumed; "" at the end of the file."""
        while True:
            self.pos = WHITESPACE.match(self.text, self.pos).end()
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.read_more():
                return ""

    def value(self) -> Any:
        """The JSON value at the position, consumed; read on while the text cuts it off.
        A genuine syntax error raises json.JSONDecodeError, with its position in self.text."""
        self.next_char()  # raw_decode takes no leading whitespace
        while True:
            try:
                value, end = DECODER.raw_decode(self.text, self.pos)
            except RecursionError as error:  # legal JSON, nested deeper than Python goes
                raise _TooDeep from error
            except json.JSONDecodeError as error:
                unterminated = error.msg.startswith("Unterminated string")
                if self.ended:
                    if unterminated or error.pos >= len(self.text.rstrip()):
                        raise _CutOff from error
                    raise
                if not unterminated and error.pos < len(self.text) - CUT_OFF_SLACK:
                    raise
            else:
                if end < len(self.text) or self.ended:  # a number may go on in the next chunk
                    self.pos = end
                    return value
            if len(self.text) - self.pos > MAX_RECORD_SIZE:
                raise _TooLarge
            self.read_more()

    def skip_to_next_record(self, start: int) -> bool:
        """Move to the next record boundary (`}, {`) after `start`; False at the end of file."""
        while True:
            match = RECORD_BOUNDARY.search(self.text, start)
            if match:
                self.pos = match.end() - 1
                return True
            tail = BOUNDARY_START.search(self.text, max(start, len(self.text) - 1024))
            self.pos = tail.start() if tail else len(self.text)
            if not self.read_more():
                return False
            start = 0


def _iter_stream(
    handle: IO[bytes], *, name: str, on_read: Callable[[int], object] | None = None
) -> Iterator[tuple[str, dict | StreamError]]:
    text = _Text(handle, on_read=on_read)
    try:
        _open_results(text, name=name)
    except _Unreadable as error:
        raise LabelFileError(f"{name}: the file cannot be read ({error})") from error
    done = 0
    try:
        while (char := text.next_char()) != "]":
            index = done + 1
            position = f"{name} record {index}"
            if not char:
                yield f"{name} after record {done}", StreamError("the file ends inside the results")
                return
            try:
                record = text.value()
            except _CutOff:
                yield position, StreamError(f"the file ends inside record {index}")
                return
            except _TooDeep:
                done = index
                yield position, StreamError(f"record {index} is nested too deeply to read")
                if not text.skip_to_next_record(text.pos):
                    return
                continue
            except _TooLarge:
                yield (
                    position,
                    StreamError(
                        f"record {index} is larger than {MAX_RECORD_SIZE // 2**20} MB: "
                        "the rest of this file is not read"
                    ),
                )
                return
            except json.JSONDecodeError as error:
                done = index
                at = error.pos - text.pos + 1  # a failed read leaves the position at the record
                yield position, StreamError(f"broken JSON at character {at}: {error.msg}")
                if not text.skip_to_next_record(error.pos):
                    return
                continue
            done = index
            yield position, record
            if text.next_char() == ",":
                text.pos += 1
    except _Unreadable as error:
        if not done:
            raise LabelFileError(f"{name}: the file cannot be read ({error})") from error
        yield f"{name} after record {done}", StreamError(f"the file is damaged: {error}")


def _open_results(text: _Text, *, name: str) -> None:
    """Walk the file's top-level object up to the opening of its "results" array."""
    if text.next_char() != "{":
        raise LabelFileError(f"{name}: not an openFDA label file: not a JSON object")
    text.pos += 1
    try:
        while (char := text.next_char()) not in ("}", ""):
            if char == ",":
                text.pos += 1
                continue
            key = text.value()
            if text.next_char() != ":":
                raise LabelFileError(f"{name}: not an openFDA label file: broken JSON")
            text.pos += 1
            if key == "results" and text.next_char() == "[":
                text.pos += 1
                return
            text.value()  # the value of another key, such as "meta"
    except json.JSONDecodeError as error:
        raise LabelFileError(
            f"{name}: not an openFDA label file: broken JSON ({error.msg})"
        ) from error
    except (_CutOff, _TooLarge):
        pass
    raise LabelFileError(f"{name}: not an openFDA label file: no results array")


T = TypeVar("T")


def in_batches(records: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of up to `size` of the records. A LabelFileError met in the stream is raised once
    the records read before it have been handed over as a last, shorter batch."""
    records = iter(records)
    while True:
        batch = []
        try:
            for item in records:
                batch.append(item)
                if len(batch) == size:
                    break
        except LabelFileError:
            if batch:
                yield batch
            raise
        if not batch:
            return
        yield batch
