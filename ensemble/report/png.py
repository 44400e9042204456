"""Grids as images: an 8-bit palette PNG, one pixel per cell (pure python + zlib)."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import numpy as np

PALETTE = (
    "#000000", "#0074D9", "#FF4136", "#2ECC40", "#FFDC00",
    "#AAAAAA", "#F012BE", "#FF851B", "#7FDBFF", "#870C25",
)  # fmt: skip


_PLTE = bytes.fromhex("".join(c[1:] for c in PALETTE))


_PNG_SIG = b"\x89PNG\r\n\x1a\n"


def grid_png(grid: Any) -> bytes:
    """A grid as an 8-bit palette PNG, one pixel per cell (pure python + zlib)."""
    a = np.asarray(grid, dtype=np.uint8)
    h, w = a.shape
    raw = np.zeros((h, w + 1), np.uint8)  # filter byte 0 (None) in front of every row
    raw[:, 1:] = a

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    n_colours = int(a.max()) + 1  # a shorter palette is valid as long as it covers every index
    return b"".join(
        (
            _PNG_SIG,
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0)),
            chunk(b"PLTE", _PLTE[: 3 * n_colours]),
            chunk(b"IDAT", zlib.compress(raw.tobytes(), 9)),
            chunk(b"IEND", b""),
        )
    )
