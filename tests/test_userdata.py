"""Your own data: every accepted format reads to the same arrays; every defect is named
with its file before anything is written."""

import csv

import h5py
import numpy as np
import pytest
import tifffile

from rotvae.config import ConfigError, validate_config
from rotvae.datasets import DatasetError, load_dataset
from rotvae.standins import PARTICLE_COUNTS, lattice, particles
from rotvae.userdata import prepare

RNG = np.random.default_rng(0)
STACK = RNG.uniform(0, 5, (24, 16, 16)).astype(np.float32)
LABELS = np.repeat(np.arange(3), 8)


def experiment(path, models=("vae",), **extra):
    """A validated experiment entry, as the workflow hands it to `prepare`."""
    exp = {"name": "mine", "source": {"path": str(path)}, "models": list(models)}
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(exp.get(key), dict):
            exp[key].update(value)
        else:
            exp[key] = value
    return validate_config({"experiments": [exp]})["experiments"][0]


def write_labels_csv(path, labels):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["label"])
        writer.writerows([[v] for v in labels])


def write_each_format(folder):
    """The same stack and labels in every accepted format; (path, source keys) each."""
    np.savez(folder / "s.npz", images=STACK, labels=LABELS)
    np.save(folder / "s.npy", STACK)
    write_labels_csv(folder / "labels.csv", LABELS)
    tifffile.imwrite(folder / "s.tif", STACK)
    with h5py.File(folder / "s.h5", "w") as h5:
        h5["scan/images"] = STACK
        h5["scan/labels"] = LABELS
    return [
        (folder / "s.npz", {"images": "images", "labels": "labels"}),
        (folder / "s.npy", {"labels_csv": str(folder / "labels.csv")}),
        (folder / "s.tif", {"labels_csv": str(folder / "labels.csv")}),
        (folder / "s.h5", {"images": "scan/images", "labels": "scan/labels"}),
    ]


def test_every_format_reads_to_the_same_arrays(tmp_path):
    outputs = []
    for i, (path, keys) in enumerate(write_each_format(tmp_path)):
        exp = experiment(path, ("vae", "ssrvae"), source=keys, labels_per_class=3)
        out = tmp_path / f"out{i}"
        summary = prepare(exp, out, seed=0)
        assert summary["counts"] == [8, 8, 8] and summary["image_shape"] == [16, 16]
        every = load_dataset(out / "all.npz")
        labeled, unlabeled = load_dataset(out / "labeled.npz"), load_dataset(out / "unlabeled.npz")
        assert np.bincount(labeled["labels"]).tolist() == [3, 3, 3]
        assert len(unlabeled["images"]) == 15 and (unlabeled["labels"] == -1).all()
        assert every["images"].min() == 0 and every["images"].max() == 1
        outputs.append((every["images"], every["labels"]))
    for images, labels in outputs[1:]:
        np.testing.assert_allclose(images, outputs[0][0], rtol=1e-6)
        np.testing.assert_array_equal(labels, outputs[0][1])


def test_named_labels_become_sorted_classes(tmp_path):
    np.savez(tmp_path / "s.npz", images=STACK,
             labels=np.array(["rod", "dot", "ring"])[LABELS])
    summary = prepare(experiment(tmp_path / "s.npz", source={"labels": "labels"}), tmp_path / "o", 0)
    assert summary["class_names"] == ["dot", "ring", "rod"]


def test_mixed_sizes_are_resized_or_cropped_when_asked(tmp_path):
    with h5py.File(tmp_path / "m.h5", "w") as h5:
        h5["imgs/a"] = RNG.uniform(size=(20, 24))
        h5["imgs/b"] = RNG.uniform(size=(16, 16))
    path = tmp_path / "m.h5"
    with pytest.raises(DatasetError, match=r"m\.h5.*mixed sizes.*preprocess\.size"):
        prepare(experiment(path, source={"images": "imgs"}), tmp_path / "o", 0)
    for fit in ("resize", "crop"):
        exp = experiment(path, source={"images": "imgs"}, preprocess={"size": [12, 12], "fit": fit})
        assert prepare(exp, tmp_path / fit, 0)["image_shape"] == [12, 12]


def test_grid_patches_remember_their_centres(tmp_path):
    image = RNG.uniform(size=(50, 70))
    tifffile.imwrite(tmp_path / "big.tif", image)
    exp = experiment(tmp_path / "big.tif", ("jtrvae",), classes=2,
                     patches={"size": 10, "stride": 20})
    prepare(exp, tmp_path / "o", 0)
    every = load_dataset(tmp_path / "o" / "all.npz")
    assert every["images"].shape == (3 * 4, 10, 10)
    raw = np.stack([image[r - 5 : r + 5, c - 5 : c + 5] for r, c in zip(every["row"], every["col"])])
    raw = (raw - raw.min()) / (raw.max() - raw.min())  # normalised over the patches
    np.testing.assert_allclose(every["images"], raw, atol=1e-6)
    np.testing.assert_allclose(every["scene"], image, atol=1e-6)


def test_listed_centres_carry_labels_and_fourier_patches_are_spectra(tmp_path):
    scene = lattice(1, cells=(8, 8))
    np.save(tmp_path / "lat.npy", scene["image"])
    for name, x in (("c.csv", scene["x"]), ("t.csv", scene["x"])):
        with open(tmp_path / name, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["x", "y", "label"])
            writer.writerows(zip(x, scene["y"], scene["domain"]))
    exp = experiment(tmp_path / "lat.npy", ("jvae", "ssrvae"), labels_per_class=2,
                     invariances=["r"],
                     patches={"size": 20, "centers_csv": str(tmp_path / "c.csv"), "fourier": True},
                     transfer={"path": str(tmp_path / "lat.npy"), "centers_csv": str(tmp_path / "t.csv")})
    summary = prepare(exp, tmp_path / "o", 0)
    assert summary["n_images"] == 36  # the ring of cells whose patch leaves the image is dropped
    every = load_dataset(tmp_path / "o" / "all.npz")
    centre = every["images"][:, 10, 10]  # the zero frequency is the brightest bin
    assert (centre >= every["images"].reshape(36, -1).max(1) - 1e-6).all()
    transfer = load_dataset(tmp_path / "o" / "transfer.npz")
    np.testing.assert_array_equal(transfer["true_labels"], every["true_labels"])


@pytest.mark.parametrize("case", [
    "missing file", "unknown format", "pickled npy", "mixed sizes", "nan pixels",
    "infinite pixels", "label count", "too few labels", "patch larger than image",
    "missing array",
])
def test_bad_input_is_named_and_leaves_nothing(tmp_path, case):
    path, extra, expected = tmp_path / "s.npz", {"source": {"labels": "labels"}}, None
    images, labels = STACK.copy(), LABELS
    if case == "missing file":
        path, expected = tmp_path / "absent.npz", "no such file"
    elif case == "unknown format":
        path, expected = tmp_path / "s.png", r"unknown format '\.png'"
        path.write_bytes(b"\x89PNG")
    elif case == "pickled npy":
        path, extra = tmp_path / "s.npy", {"source": {"labels_csv": str(tmp_path / "l.csv")}}
        np.save(path, np.array([STACK[0], None], dtype=object), allow_pickle=True)
        write_labels_csv(tmp_path / "l.csv", [0, 1])
        expected = "unpickling"
    elif case == "mixed sizes":
        path, extra = tmp_path / "s.tif", {"source": {"labels_csv": str(tmp_path / "l.csv")}}
        with tifffile.TiffWriter(path) as tif:
            tif.write(STACK[0])
            tif.write(STACK[1, :8])
        write_labels_csv(tmp_path / "l.csv", [0, 1])
        expected = "mixed sizes"
    elif case == "nan pixels":
        images[3, 2, 2] = np.nan
        expected = "image 3 has 1 NaN or infinite"
    elif case == "infinite pixels":
        images[5, 0, 0] = np.inf
        expected = "image 5 has 1 NaN or infinite"
    elif case == "label count":
        labels, expected = LABELS[:-2], "22 labels for 24 images"
    elif case == "too few labels":
        extra["labels_per_class"], extra["models"] = 8, ["ssrvae"]
        expected = "class '0' has 8 images; labels_per_class = 8"
    elif case == "patch larger than image":
        extra = {"patches": {"size": 32, "stride": 4}}
        images, expected = STACK[0], "patch size 32 is larger than the image"
    elif case == "missing array":
        extra["source"]["images"], expected = "frames", "no array 'frames'"
    if path.suffix == ".npz" and not path.name.startswith("absent"):
        np.savez(path, images=images, labels=labels)
    exp = experiment(path, extra.pop("models", ["vae"]), **extra)
    out = tmp_path / "out"
    with pytest.raises(DatasetError, match=expected) as err:
        prepare(exp, out, 0)
    assert path.name in str(err.value)
    assert not out.exists(), "nothing is written when the input is bad"


@pytest.mark.parametrize("change, key", [
    ({"patches": {"size": 8, "stride": 4, "fourier": True}}, "invariances"),
    ({"patches": {"size": 8, "stride": 4, "centers_csv": "c.csv"}}, "patches"),
    ({"models": ["ssrvae"], "source": {"path": "x.npz"}}, "models"),
    ({"models": ["jtrvae"], "source": {"path": "x.npz"}}, "classes"),
    ({"transfer": {"path": "y.npz"}}, "transfer"),
])
def test_inconsistent_experiments_fail_naming_the_key(change, key):
    exp = {"name": "e", "source": {"path": "x.npz"}, "models": ["vae"], **change}
    with pytest.raises(ConfigError, match=rf"experiments\[0\]\.{key}"):
        validate_config({"experiments": [exp]})


def test_standins_are_deterministic_and_as_documented():
    a, b = particles(3), particles(3)
    np.testing.assert_array_equal(a["images"], b["images"])
    names, counts = np.unique(a["labels"], return_counts=True)
    assert counts.tolist() == list(PARTICLE_COUNTS) and names[0] == "1 particle"
    scene = lattice(3, cells=(10, 12))
    assert scene["image"].shape == (100, 120) and set(scene["domain"]) == {0, 1}
