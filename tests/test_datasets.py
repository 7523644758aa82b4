import zipfile

import numpy as np
import pytest

from rotvae.cards import CardSpec, make_cards
from rotvae.datasets import DatasetError, load_dataset, save_dataset, write_npz


@pytest.fixture
def arrays():
    return make_cards(CardSpec(per_class=3, angle=30, seed=1))


def test_round_trip_keeps_every_array(tmp_path, arrays):
    path = tmp_path / "d.npz"
    save_dataset(path, arrays, {"hello": 1})
    back = load_dataset(path, n_classes=4)
    assert sorted(back) == sorted(arrays)
    for key in arrays:
        assert back[key].dtype == arrays[key].dtype
        assert np.array_equal(back[key], arrays[key]), key
    assert (tmp_path / "d.json").read_text().strip().startswith("{")


def test_written_files_get_ordinary_permissions(tmp_path, arrays):
    import os

    save_dataset(tmp_path / "d.npz", arrays, {"x": 1})
    mask = os.umask(0)
    os.umask(mask)
    for name in ("d.npz", "d.json"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~mask


def test_writes_are_byte_reproducible(tmp_path, arrays):
    save_dataset(tmp_path / "a.npz", arrays)
    save_dataset(tmp_path / "b.npz", arrays)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


def _write_raw(path, **arrays):
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize(
    "mutate, array, expected",
    [
        (lambda a: a.update(images=a["images"][0]), "images", "3-D"),
        (lambda a: a["images"].__setitem__((0, 0, 0), np.nan), "images", "finite"),
        (lambda a: a.update(images=a["images"].astype(np.int32)), "images", "floating"),
        (lambda a: a.update(labels=a["labels"][:-1]), "labels", "shape"),
        (lambda a: a.update(labels=a["labels"].astype(np.float32)), "labels", "integer"),
        (lambda a: a["labels"].__setitem__(0, 7), "labels", "values in"),
        (lambda a: a["labels"].__setitem__(0, -3), "labels", "values in"),
        (lambda a: a["angle"].__setitem__(0, np.inf), "angle", "finite"),
        (lambda a: a.pop("labels"), "labels", "missing"),
    ],
)
def test_loader_rejects_malformed_files_naming_file_and_array(tmp_path, arrays, mutate, array, expected):
    arrays = {k: v.copy() for k, v in arrays.items()}
    mutate(arrays)
    path = _write_raw(tmp_path / "bad.npz", **arrays)
    with pytest.raises(DatasetError) as info:
        load_dataset(path, n_classes=4)
    message = str(info.value)
    assert str(path) in message and f"'{array}'" in message and expected in message


def test_loader_refuses_pickles_and_garbage(tmp_path, arrays):
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, images=np.array([object()] * 2, dtype=object), labels=np.zeros(2, int))
    with pytest.raises(DatasetError, match="unpickling"):
        load_dataset(pickled)
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip file")
    with pytest.raises(DatasetError, match="garbage.npz"):
        load_dataset(garbage)
    with pytest.raises(DatasetError, match="no such data set file"):
        load_dataset(tmp_path / "missing.npz")


def test_invalid_arrays_leave_nothing_written(tmp_path, arrays):
    arrays["images"][0, 0, 0] = np.nan
    with pytest.raises(DatasetError):
        save_dataset(tmp_path / "d.npz", arrays, {"x": 1})
    assert list(tmp_path.iterdir()) == []


def test_interrupted_write_leaves_no_partial_file(tmp_path, monkeypatch):
    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(zipfile.ZipFile, "writestr", explode)
    with pytest.raises(KeyboardInterrupt):
        write_npz(tmp_path / "d.npz", {"images": np.zeros((1, 2, 2), np.float32)})
    assert list(tmp_path.iterdir()) == []


def test_npz_is_readable_by_plain_numpy(tmp_path, arrays):
    save_dataset(tmp_path / "d.npz", arrays)
    with np.load(tmp_path / "d.npz", allow_pickle=False) as npz:
        assert np.array_equal(npz["images"], arrays["images"])
    with zipfile.ZipFile(tmp_path / "d.npz") as archive:
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
