"""Pagefind's index made byte for byte the same for the same pages.

Pagefind 1.5 writes its word index and page fragments the same from run to run, but not its
filter index: the values of a filter, and the filters of a language, come out of a hash map in
a different order each run, and the files named after their content's hash change name with
them (as do the language's metadata file that lists them and pagefind-entry.json, which names
that). Here each filter file's values and the metadata's list of filters are sorted, the files
renamed after a hash of their new content, and the entry file's languages sorted.

Pagefind's files are gzip-compressed CBOR (RFC 8949) behind the signature `pagefind_dcd`; the
few CBOR types Pagefind writes are read and written here (what is written is minimal, as
Pagefind's own writer makes it, and read by its reader in the browser as any valid CBOR).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path
from typing import Any

SIGNATURE = b"pagefind_dcd"


class CborError(ValueError):
    pass


def decode(data: bytes) -> Any:
    value, end = _item(data, 0)
    if end != len(data):
        raise CborError(f"{len(data) - end} bytes after the CBOR item")
    return value


def _head(data: bytes, at: int) -> tuple[int, int, int]:
    """(major type, argument, where the item's content starts)."""
    first = data[at]
    major, info = first >> 5, first & 0x1F
    if info < 24:
        return major, info, at + 1
    if info > 27:
        raise CborError(f"unsupported CBOR head {first:#x} at {at}")
    size = 1 << (info - 24)
    return major, int.from_bytes(data[at + 1 : at + 1 + size], "big"), at + 1 + size


def _item(data: bytes, at: int) -> tuple[Any, int]:
    if data[at] in (0xF9, 0xFA, 0xFB):  # half, single and double floats
        fmt, size = {0xF9: (">e", 2), 0xFA: (">f", 4), 0xFB: (">d", 8)}[data[at]]
        return ("float", data[at], struct.unpack(fmt, data[at + 1 : at + 1 + size])[0]), (
            at + 1 + size
        )
    major, arg, at = _head(data, at)
    if major == 0:
        return arg, at
    if major == 1:
        return -1 - arg, at
    if major == 2:
        return data[at : at + arg], at + arg
    if major == 3:
        return data[at : at + arg].decode("utf-8"), at + arg
    if major == 4:
        items = []
        for _ in range(arg):
            value, at = _item(data, at)
            items.append(value)
        return items, at
    if major == 5:
        pairs = {}
        for _ in range(arg):
            key, at = _item(data, at)
            pairs[key], at = _item(data, at)
        return pairs, at
    if major == 7 and arg in (20, 21, 22):
        return {20: False, 21: True, 22: None}[arg], at
    raise CborError(f"unsupported CBOR item (major type {major}) at {at}")


def encode(value: Any) -> bytes:
    if value is False or value is True or value is None:
        return bytes([{False: 0xF4, True: 0xF5, None: 0xF6}[value]])
    if isinstance(value, int):
        return _encode_head(0, value) if value >= 0 else _encode_head(1, -1 - value)
    if isinstance(value, bytes):
        return _encode_head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _encode_head(3, len(raw)) + raw
    if isinstance(value, tuple) and value[0] == "float":
        fmt = {0xF9: ">e", 0xFA: ">f", 0xFB: ">d"}[value[1]]
        return bytes([value[1]]) + struct.pack(fmt, value[2])
    if isinstance(value, list):
        return _encode_head(4, len(value)) + b"".join(encode(v) for v in value)
    if isinstance(value, dict):
        return _encode_head(5, len(value)) + b"".join(
            encode(k) + encode(v) for k, v in value.items()
        )
    raise CborError(f"cannot encode {type(value).__name__}")


def _encode_head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise CborError(f"{arg} is too large for CBOR")


def read(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise CborError(f"{path.name} is not a Pagefind file")
    return decode(data[len(SIGNATURE) :])


def write(folder: Path, prefix: str, stem: str, hash_size: int, suffix: str, value: Any) -> str:
    """Write `value` as a Pagefind file named after its content; its name's hash part."""
    data = SIGNATURE + encode(value)
    name = f"{stem}_{hashlib.sha256(data).hexdigest()[:hash_size]}"
    # mtime 0: the gzip header carries no time.
    (folder / f"{prefix}{name}{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return name


def make_deterministic(index: Path) -> None:
    """Sort what Pagefind left in a run's own order in the index folder `index`."""
    entry_path = index / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for lang, about in entry["languages"].items():
        meta_path = index / f"pagefind.{about['hash']}.pf_meta"
        meta = read(meta_path)
        renamed = normalise_filters(index / "filter", meta, lang)
        meta_path.unlink()
        about["hash"] = write(index, "pagefind.", lang, 10, ".pf_meta", renamed)
    entry["languages"] = dict(sorted(entry["languages"].items()))
    entry_path.write_text(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )


def normalise_filters(folder: Path, meta: Any, lang: str) -> Any:
    """The metadata with each of its filters' files sorted and renamed, its list of filters
    sorted by name. Pagefind's metadata is [version, [index chunks], [filters], [sorts], …]
    with a filter [name, file hash]; a filter file is [name, [[value, [pages]], …]]."""
    filters = next(
        (
            i
            for i, part in enumerate(meta)
            if isinstance(part, list)
            and part
            and all(
                isinstance(f, list) and len(f) == 2 and all(isinstance(x, str) for x in f)
                for f in part
            )
            and any((folder / f"{f[1]}.pf_filter").is_file() for f in part)
        ),
        None,
    )
    if filters is None:
        return meta
    renamed = []
    for name, hash_ in meta[filters]:
        path = folder / f"{hash_}.pf_filter"
        key, values = read(path)
        path.unlink()
        values = sorted(values, key=lambda v: v[0])
        renamed.append([name, write(folder, "", lang, 7, ".pf_filter", [key, values])])
    out = list(meta)
    out[filters] = sorted(renamed, key=lambda f: f[0])
    return out
