"""The on-disk data set format: one `.npz` (no pickles) plus a JSON of its parameters.

Arrays: `images` float32 (N, H, W); `labels` int64 (N,), a class index or -1 where the
learner may not see it; optional `true_labels` int64 (N,) and per-image factors
(`angle`, `shear_x`, `shear_y`, `scale`, `dx`, `dy`) float32 (N,). Files are written
atomically (temporary file, then rename) and byte-for-byte reproducibly (fixed zip
timestamps), so the same parameters and seed give the same file.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np

FACTOR_KEYS = ("angle", "shear_x", "shear_y", "scale", "dx", "dy")
REQUIRED_KEYS = ("images", "labels")
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest date: no wall clock in files


class DatasetError(ValueError):
    """A data set file is missing, unreadable or malformed. The message names the file,
    the array and what was expected."""


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | os.PathLike):
    """Yield a temporary path beside `path`; rename it onto `path` only if the block
    succeeds, so a failed write never leaves a half-written file under the final name."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    try:
        yield Path(tmp)
        # mkstemp makes the file private (0600); give it the permissions of a normal write.
        os.chmod(tmp, 0o666 & ~_current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_npz(path: str | os.PathLike, arrays: dict[str, np.ndarray]) -> None:
    """Write a compressed `.npz` that numpy reads back, atomically and deterministically."""
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(arrays):
                array = np.ascontiguousarray(arrays[name])
                if array.dtype == object:
                    raise TypeError(f"array '{name}' has dtype object; pickles are not written")
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, array, allow_pickle=False)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_EPOCH)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, buffer.getvalue(), compresslevel=1)


def write_json(path: str | os.PathLike, payload: dict) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")


def save_dataset(
    path: str | os.PathLike, arrays: dict[str, np.ndarray], metadata: dict | None = None
) -> None:
    """Validate `arrays`, then write `path` (.npz) and, beside it, `path` with suffix
    `.json` holding `metadata`. Nothing is written if validation fails."""
    path = Path(path)
    validate_arrays(arrays, source=str(path))
    if metadata is not None:
        write_json(path.with_suffix(".json"), metadata)
    write_npz(path, arrays)


def validate_arrays(
    arrays: dict[str, np.ndarray], source: str, n_classes: int | None = None
) -> None:
    """Raise DatasetError naming `source`, the array and the expectation on any defect."""

    def fail(name, expected, got):
        raise DatasetError(f"{source}: array '{name}': expected {expected}, got {got}")

    for key in REQUIRED_KEYS:
        if key not in arrays:
            raise DatasetError(
                f"{source}: missing array '{key}' (found {sorted(arrays)}); "
                f"a data set needs {list(REQUIRED_KEYS)}"
            )
    images = arrays["images"]
    if images.ndim != 3 or min(images.shape) < 1:
        fail("images", "a non-empty 3-D array (N, H, W)", f"shape {images.shape}")
    if not np.issubdtype(images.dtype, np.floating):
        fail("images", "a floating-point dtype", f"dtype {images.dtype}")
    if not np.isfinite(images).all():
        bad = int(np.count_nonzero(~np.isfinite(images)))
        fail("images", "finite values", f"{bad} NaN or infinite pixels")
    n = images.shape[0]
    for key in ("labels", "true_labels"):
        if key not in arrays:
            continue
        labels = arrays[key]
        if labels.shape != (n,):
            fail(key, f"shape ({n},) to match 'images'", f"shape {labels.shape}")
        if not np.issubdtype(labels.dtype, np.integer):
            fail(key, "an integer dtype", f"dtype {labels.dtype}")
        low = -1 if key == "labels" else 0
        high = None if n_classes is None else n_classes - 1
        if labels.size and (labels.min() < low or (high is not None and labels.max() > high)):
            expected = f"values in [{low}, {high}]" if high is not None else f"values >= {low}"
            fail(key, expected, f"range [{labels.min()}, {labels.max()}]")
    for key in FACTOR_KEYS:
        if key not in arrays:
            continue
        values = arrays[key]
        if values.shape != (n,):
            fail(key, f"shape ({n},) to match 'images'", f"shape {values.shape}")
        if not np.issubdtype(values.dtype, np.floating) or not np.isfinite(values).all():
            fail(key, "finite floating-point values", f"dtype {values.dtype} with non-finite")


def load_dataset(path: str | os.PathLike, n_classes: int | None = None) -> dict[str, np.ndarray]:
    """Read and validate a data set written by `save_dataset` (or by hand, in the same
    format). Pickled arrays are refused."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path}: no such data set file")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except ValueError as err:  # numpy's message when an array holds pickled objects
        raise DatasetError(f"{path}: cannot read without unpickling ({err}); "
                           "save plain numeric arrays") from err
    except (OSError, zipfile.BadZipFile, EOFError) as err:
        raise DatasetError(f"{path}: not a readable .npz archive ({err})") from err
    validate_arrays(arrays, source=str(path), n_classes=n_classes)
    return arrays


def load_metadata(path: str | os.PathLike) -> dict:
    """The JSON beside a data set (`x.npz` -> `x.json`)."""
    meta = Path(path).with_suffix(".json")
    if not meta.is_file():
        raise DatasetError(f"{meta}: no metadata beside data set {path}")
    return json.loads(meta.read_text())
