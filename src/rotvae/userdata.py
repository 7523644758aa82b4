"""A scientist's own images, from the config to the arrays the models train on.

Two layouts: an image stack (N, H, W) with optional labels, or one large image cut into
patches (on a regular grid or at centres listed in a CSV), each patch remembering where
it came from. Every defect is reported with the file and what was expected, before
anything is written.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from .datasets import DatasetError, write_json, write_npz
from .seeding import derive_seed

FORMATS = {".npz": "npz", ".npy": "npy", ".tif": "tiff", ".tiff": "tiff", ".h5": "hdf5",
           ".hdf5": "hdf5"}
LABEL_MODELS = ("ssvae", "ssrvae", "trees")  # what cannot run without labels


def source_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise DatasetError(f"{path}: unknown format '{suffix}'; expected one of "
                           f"{sorted(FORMATS)}")
    return FORMATS[suffix]


def read_images(path: str | Path, key: str | None) -> list[np.ndarray] | np.ndarray:
    """The array `key` of `path` (.npz member, HDF5 dataset path; ignored for .npy and
    TIFF). HDF5 groups and multi-page TIFFs whose pages differ in size come back as a
    list of 2-D images; everything else as one array."""
    path = Path(path)
    fmt = source_format(path)
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    try:
        if fmt == "npy":
            return np.load(path, allow_pickle=False)
        if fmt == "npz":
            with np.load(path, allow_pickle=False) as archive:
                if key not in archive.files:
                    raise DatasetError(f"{path}: no array '{key}' (found {archive.files})")
                return archive[key]
        if fmt == "tiff":
            import tifffile

            with tifffile.TiffFile(path) as tif:
                pages = [page.asarray() for page in tif.pages]
            shapes = {p.shape for p in pages}
            return np.stack(pages) if len(shapes) == 1 else pages
        import h5py

        with h5py.File(path, "r") as h5:
            if key not in h5:
                raise DatasetError(f"{path}: no dataset '{key}' in the HDF5 file "
                                   f"(top level: {sorted(h5)})")
            node = h5[key]
            if isinstance(node, h5py.Group):  # one dataset per image
                return [np.asarray(node[name]) for name in sorted(node)]
            return np.asarray(node)
    except DatasetError:
        raise
    except ValueError as err:  # numpy refuses pickled object arrays with a ValueError
        raise DatasetError(f"{path}: cannot read without unpickling ({err}); save plain "
                           "numeric arrays") from err
    except (OSError, KeyError, TypeError) as err:
        raise DatasetError(f"{path}: not a readable {fmt} file ({err})") from err


def read_labels(source: dict, n: int) -> tuple[np.ndarray, list[str]] | tuple[None, None]:
    """Labels of the `n` images as indices 0..K-1 and the class names (the distinct
    values, sorted), from an array beside the images or a CSV with a `label` column."""
    if source.get("labels_csv"):
        path = Path(source["labels_csv"])
        values = _column(_read_csv(path, ("label",)), "label")
        where = f"{path}: column 'label'"
    elif source.get("labels"):
        path = Path(source["path"])
        if source_format(path) in ("npy", "tiff"):
            raise DatasetError(f"{path}: a {path.suffix} file holds one array; give the "
                               "labels in a CSV (source.labels_csv)")
        values = np.asarray(read_images(path, source["labels"]))
        where = f"{path}: array '{source['labels']}'"
    else:
        return None, None
    values = np.asarray(values).reshape(-1) if np.ndim(values) else np.asarray([values])
    if len(values) != n:
        raise DatasetError(f"{where}: {len(values)} labels for {n} images; expected one per image")
    return _encode_labels(values, where)


def _encode_labels(values, where: str) -> tuple[np.ndarray, list[str]]:
    values = np.asarray(values)
    if values.dtype.kind == "f":
        if not np.isfinite(values).all() or (values != np.round(values)).any():
            raise DatasetError(f"{where}: labels must be integers or names, got {values.dtype} "
                               "with fractional or non-finite values")
        values = values.astype(np.int64)
    classes, index = np.unique(values.astype(str) if values.dtype.kind in "OUS" else values,
                               return_inverse=True)
    return index.astype(np.int64), [str(c) for c in classes]


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict]:
    """The rows of a CSV file that must have the columns `required`."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such CSV file")
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = list(rows[0]) if rows else []
    for column in required:
        if column not in found:
            raise DatasetError(f"{path}: expected a column '{column}' (found {found})")
    return rows


def _column(rows: list[dict], column: str) -> list:
    """One column's values as integers, else floats, else the strings."""
    values = [row[column] for row in rows]
    try:
        return [int(v) for v in values]
    except ValueError:
        try:
            return [float(v) for v in values]
        except ValueError:
            return values


def check_finite(images, where: str) -> None:
    for i, image in enumerate(images):
        image = np.asarray(image)
        if image.dtype.kind not in "biuf":
            raise DatasetError(f"{where}: expected numeric pixels, got dtype {image.dtype}")
        if not np.isfinite(image).all():
            bad = int(np.count_nonzero(~np.isfinite(image)))
            raise DatasetError(f"{where}: image {i} has {bad} NaN or infinite pixels")


def as_stack(images, where: str, size: list[int] | None, fit: str) -> np.ndarray:
    """A float32 (N, H, W) stack; with `size`, every image resized or centre-cropped."""
    if isinstance(images, np.ndarray):
        if images.ndim == 2:
            images = images[None]
        if images.ndim != 3 or min(images.shape) < 1:
            raise DatasetError(f"{where}: expected a stack of images (N, H, W), got shape "
                               f"{images.shape}")
        images = list(images)
    check_finite(images, where)
    shapes = sorted({np.shape(im) for im in images})
    if any(len(s) != 2 for s in shapes):
        raise DatasetError(f"{where}: expected 2-D images, got shapes {shapes}")
    if size is None:
        if len(shapes) > 1:
            raise DatasetError(f"{where}: images of mixed sizes {shapes[:4]}; set "
                               "preprocess.size to bring them to one size")
        return np.stack(images).astype(np.float32)
    return np.stack([_fit(np.asarray(im, np.float32), size, fit, where) for im in images])


def _fit(image: np.ndarray, size, fit: str, where: str) -> np.ndarray:
    h, w = size
    if fit == "crop":
        if image.shape[0] < h or image.shape[1] < w:
            raise DatasetError(f"{where}: an image of {image.shape} is smaller than "
                               f"preprocess.size {list(size)}; use fit: resize")
        top, left = (image.shape[0] - h) // 2, (image.shape[1] - w) // 2
        return image[top : top + h, left : left + w]
    import torch

    tensor = torch.as_tensor(image)[None, None]
    return torch.nn.functional.interpolate(tensor, size=(h, w), mode="bilinear",
                                           antialias=True, align_corners=False)[0, 0].numpy()


def normalize(images: np.ndarray, how: str, where: str) -> np.ndarray:
    """To [0, 1]: over the whole stack, per image, or checked only ('none')."""
    if how == "none":
        if images.min() < 0 or images.max() > 1:
            raise DatasetError(f"{where}: pixels span [{images.min():.3g}, {images.max():.3g}]; "
                               "the models need [0, 1]: set preprocess.normalize")
        return images
    axes = (1, 2) if how == "image" else None
    low = images.min(axis=axes, keepdims=True)
    span = images.max(axis=axes, keepdims=True) - low
    return ((images - low) / np.where(span > 0, span, 1)).astype(np.float32)


def patch_centres(shape, size: int, stride: int | None, centers_csv: str | None, where: str):
    """(rows, cols, labels or None) of the patches to cut from an image of `shape`: on a
    grid of `stride`, or at the centres (and labels) listed in `centers_csv`."""
    height, width = shape
    if size > height or size > width:
        raise DatasetError(f"{where}: patch size {size} is larger than the image "
                           f"({height} x {width})")
    half = size // 2
    if centers_csv:
        path = Path(centers_csv)
        table = _read_csv(path, ("x", "y"))
        xs = np.asarray(_column(table, "x"), np.float64)
        ys = np.asarray(_column(table, "y"), np.float64)
        labels = np.asarray(_column(table, "label")) if "label" in table[0] else None
        rows, cols = np.round(ys).astype(int), np.round(xs).astype(int)
        inside = ((rows - half >= 0) & (rows - half + size <= height)
                  & (cols - half >= 0) & (cols - half + size <= width))
        if not inside.any():
            raise DatasetError(f"{path}: no centre leaves a whole {size}x{size} patch inside "
                               f"the image ({height} x {width})")
        return rows[inside], cols[inside], None if labels is None else labels[inside]
    rows = np.arange(half, height - size + half + 1, stride)
    cols = np.arange(half, width - size + half + 1, stride)
    grid_r, grid_c = np.meshgrid(rows, cols, indexing="ij")
    return grid_r.reshape(-1), grid_c.reshape(-1), None


def cut_patches(image: np.ndarray, rows, cols, size: int, fourier: bool) -> np.ndarray:
    half = size // 2
    out = np.stack([image[r - half : r - half + size, c - half : c - half + size]
                    for r, c in zip(rows, cols)]).astype(np.float32)
    if fourier:
        # Magnitude of the windowed spectrum: invariant to where the lattice sits in the
        # patch, so the models use no translation latent on it (paper 001, STM case).
        window = np.outer(np.hanning(size), np.hanning(size))
        spectrum = np.abs(np.fft.fftshift(np.fft.fft2(out * window), axes=(1, 2)))
        out = np.log1p(spectrum).astype(np.float32)
    return out


def load_scene(spec: dict, where_key: str) -> np.ndarray:
    """The one large image of a patch experiment as a 2-D float array."""
    image = read_images(spec["path"], spec.get("images"))
    where = f"{spec['path']} ({where_key})"
    if isinstance(image, list) or np.ndim(image) not in (2, 3) or (
            np.ndim(image) == 3 and len(image) != 1):
        shape = [np.shape(i) for i in image] if isinstance(image, list) else np.shape(image)
        raise DatasetError(f"{where}: patches need one 2-D image, got shape {shape}")
    image = np.asarray(image, np.float64).reshape(np.shape(image)[-2:])
    check_finite([image], where)
    return image


def image_patches(spec: dict, patches: dict, centers_csv: str | None, where_key: str,
                  where: str):
    """The large image of `spec` cut into patches: (scene, rows, cols, raw labels or
    None, patches (N, size, size))."""
    scene = load_scene(spec, where_key)
    rows, cols, labels = patch_centres(scene.shape, patches["size"], patches["stride"],
                                       centers_csv, where)
    return scene, rows, cols, labels, cut_patches(scene, rows, cols, patches["size"],
                                                  patches["fourier"])


def preprocess(images, pre: dict, where: str) -> np.ndarray:
    """Checked, brought to one size if asked, and normalised to [0, 1]."""
    return normalize(as_stack(images, where, pre["size"], pre["fit"]), pre["normalize"], where)


def split_labeled(labels: np.ndarray, per_class: int, class_names: list[str], seed: int,
                  where: str) -> np.ndarray:
    """A boolean mask choosing `per_class` labeled images of every class at random."""
    rng = np.random.default_rng(seed)
    mask = np.zeros(len(labels), bool)
    for k, name in enumerate(class_names):
        members = np.flatnonzero(labels == k)
        if len(members) <= per_class:
            raise DatasetError(f"{where}: class '{name}' has {len(members)} images; "
                               f"labels_per_class = {per_class} asks for {per_class} labeled "
                               "and at least one left unlabeled to score")
        mask[rng.choice(members, per_class, replace=False)] = True
    return mask


def prepare(experiment: dict, out_dir: str | Path, seed: int) -> dict:
    """Read, check and preprocess one experiment; write all.npz (every image), and where
    the models need them labeled.npz / unlabeled.npz, transfer.npz and prepared.json.
    Everything is checked before the first file is written."""
    name = experiment["name"]
    source, patches, pre = experiment["source"], experiment["patches"], experiment["preprocess"]
    where = f"experiment '{name}': {source['path']}"
    arrays, extra = {}, {}
    if patches:
        scene, rows, cols, raw_labels, images = image_patches(
            source, patches, patches["centers_csv"], "source", where)
        labels, class_names = (None, None) if raw_labels is None else _encode_labels(
            raw_labels, f"{patches['centers_csv']}: column 'label'")
        arrays.update(row=rows.astype(np.int64), col=cols.astype(np.int64))
        extra["scene"] = scene.astype(np.float32)
    else:
        images = read_images(source["path"], source.get("images"))
        labels, class_names = read_labels(source, len(images))
    images = preprocess(images, pre, where)

    needs_labels = [m for m in experiment["models"] if m in LABEL_MODELS]
    if needs_labels and labels is None:
        raise DatasetError(f"{where}: models {needs_labels} need labels; give source.labels, "
                           "source.labels_csv or a 'label' column in patches.centers_csv")
    arrays["images"] = images
    arrays["labels"] = labels if labels is not None else np.full(len(images), -1, np.int64)
    if labels is not None:
        arrays["true_labels"] = labels
    n_classes = len(class_names) if class_names else experiment["classes"]
    files = {"all": arrays}
    if needs_labels:
        mask = split_labeled(labels, experiment["labels_per_class"], class_names,
                             derive_seed(seed, "experiment", name, "labels"), where)
        files["labeled"] = {"images": images[mask], "labels": labels[mask]}
        files["unlabeled"] = {"images": images[~mask], "labels": np.full((~mask).sum(), -1),
                              "true_labels": labels[~mask]}
    transfer = experiment.get("transfer")
    if transfer:
        t_where = f"experiment '{name}': {transfer['path']}"
        t_scene, t_rows, t_cols, t_raw, t_images = image_patches(
            transfer, patches, transfer["centers_csv"], "transfer", t_where)
        t_images = preprocess(t_images, pre, t_where)
        files["transfer"] = {"images": t_images, "labels": np.full(len(t_images), -1),
                             "row": t_rows, "col": t_cols, "scene": t_scene.astype(np.float32)}
        if t_raw is not None and class_names:
            # Labels of the second image are scored against the classes of the first.
            index = {c: i for i, c in enumerate(class_names)}
            unknown = sorted({str(v) for v in t_raw} - set(index))
            if unknown:
                raise DatasetError(f"{transfer['centers_csv']}: labels {unknown} do not occur "
                                   f"in the first image (classes {class_names})")
            files["transfer"]["true_labels"] = np.asarray([index[str(v)] for v in t_raw])
    summary = {"name": name, "n_images": int(len(images)), "image_shape": list(images.shape[1:]),
               "n_classes": n_classes, "class_names": class_names,
               "has_labels": labels is not None, "patches": bool(patches),
               "counts": None if labels is None else np.bincount(labels).tolist(),
               "files": sorted(files)}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stem, content in files.items():
        content = dict(content)
        if stem == "all":
            content.update(extra)
        write_npz(out_dir / f"{stem}.npz", content)
    write_json(out_dir / "prepared.json", summary)
    return summary

