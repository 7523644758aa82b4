import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import modules_loaded_by
from rotvae.cli import main
from rotvae.datasets import load_dataset


def test_make_cards_writes_dataset_and_metadata(tmp_path):
    out = tmp_path / "sub" / "cards.npz"
    code = main(["-q", "make-cards", "--per-class", "5", "--angle", "30", "--shear", "10",
                 "--scale", "1", "1.2", "--translate", "0.05", "--seed", "3", "--out", str(out)])
    assert code == 0
    data = load_dataset(out, n_classes=4)
    assert data["images"].shape == (20, 48, 48)
    meta = json.loads(out.with_suffix(".json").read_text())
    assert meta["spec"]["angle"] == 30 and meta["spec"]["seed"] == 3 and meta["n_images"] == 20


def test_make_cards_rejects_bad_values_before_writing(tmp_path, capsys):
    out = tmp_path / "cards.npz"
    assert main(["make-cards", "--per-class", "5", "--angle", "-5", "--out", str(out)]) == 2
    assert "'angle'" in capsys.readouterr().err
    assert main(["make-cards", "--per-class", "5", "--contamination", "1.5", "1",
                 "--out", str(out)]) == 2
    assert "'contamination_density'" in capsys.readouterr().err
    assert main(["make-cards", "--per-class", "5", "--out", str(tmp_path / "cards.txt")]) == 2
    assert ".npz" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_plot_examples_on_a_malformed_file_names_it_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.npz"
    np.savez(bad, images=np.zeros((3, 48, 48), np.float32), labels=np.zeros(2, np.int64))
    png = tmp_path / "fig.png"
    assert main(["plot-examples", "--data", str(bad), "--titles", "x", "--out", str(png)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "'labels'" in err
    assert not png.exists()


def test_plot_examples_draws_png_and_pdf(tmp_path):
    data = tmp_path / "d.npz"
    main(["-q", "make-cards", "--per-class", "3", "--angle", "60", "--out", str(data)])
    outs = [tmp_path / "f.png", tmp_path / "f.pdf"]
    assert main(["plot-examples", "--data", str(data), str(data), "--titles", "a", "b",
                 "--out", *map(str, outs)]) == 0
    assert outs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert outs[1].read_bytes()[:5] == b"%PDF-"


def test_bench_data_prints_its_figures(tmp_path, repo):
    config = tmp_path / "c.yaml"
    config.write_text("paper000: {labeled: {per_class: 5}, unlabeled: {per_class: 10}, "
                      "test: {per_class: 5}}\n")
    result = subprocess.run(
        [sys.executable, "-m", "rotvae", "bench-data", "--configfile", str(config),
         "--threads", "1", "--write", str(tmp_path / "w")],
        capture_output=True, text=True, check=True,
    )
    report = json.loads(result.stdout)
    assert report["images"] == 4 * (5 + 10 + 5)
    assert report["generate_s"] > 0 and report["images_per_s"] > 0
    assert [row["dataset"] for row in report["datasets"]] == [
        "000_labeled_a4", "000_unlabeled_a60", "000_test_a60"]
    assert len(list((tmp_path / "w").glob("*.npz"))) == 3


def test_bench_counts_the_matrix_products_of_a_step():
    from rotvae.bench import time_steps

    small, large = (time_steps("ssvae", batch_size=b, steps=1, warmup=0, threads=1,
                               image_shape=(16, 16)) for b in (8, 16))
    # Every matrix product but the class embedding's grows with the batch.
    assert 1.9 < large["matmul_gflop_per_step"] / small["matmul_gflop_per_step"] <= 2.0
    assert large["matmul_gflop_per_second"] == pytest.approx(
        large["matmul_gflop_per_step"] / large["seconds_per_step"])
    pyro_engine = time_steps("ssvae", batch_size=4, steps=1, warmup=0, engine="pyro",
                             image_shape=(16, 16))
    assert pyro_engine["matmul_gflop_per_step"] is None


def test_bench_times_a_bfloat16_step_with_the_same_matrix_products():
    from rotvae.bench import time_steps

    plain, bf16 = (time_steps("ssrvae", batch_size=4, steps=1, warmup=0, threads=1,
                              image_shape=(16, 16), bfloat16=b) for b in (False, True))
    assert (plain["bfloat16"], bf16["bfloat16"]) == (False, True)
    assert bf16["matmul_gflop_per_step"] == plain["matmul_gflop_per_step"]
    with pytest.raises(ValueError, match="bfloat16 autocast needs --engine torch"):
        time_steps("ssvae", steps=1, warmup=0, engine="pyro", bfloat16=True)


def test_bench_prints_seconds_per_step(capsys):
    assert main(["bench", "--model", "jtrvae", "--steps", "2", "--warmup", "1",
                 "--threads", "1", "--batch-size", "8"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["model"] == "jtrvae" and report["decoder"] == "affine"
    assert report["device"] == "cpu" and report["batch_size"] == 8
    assert report["seconds_per_step"] > 0
    assert main(["bench", "--model", "ssvae", "--engine", "pyro", "--steps", "1",
                 "--warmup", "0", "--threads", "1", "--batch-size", "4"]) == 0
    assert json.loads(capsys.readouterr().out)["engine"] == "pyro"
    assert main(["bench", "--model", "ssrvae", "--decoder", "spatial", "--pixel-fraction",
                 "0.25", "--steps", "1", "--warmup", "1", "--threads", "1",
                 "--batch-size", "4"]) == 0
    assert json.loads(capsys.readouterr().out)["pixel_fraction"] == 0.25
    assert main(["bench", "--model", "ssrvae", "--pixel-fraction", "0", "--steps", "1"]) == 2
    assert "--pixel-fraction" in capsys.readouterr().err


def test_bench_takes_model_options_and_names_an_unknown_one(capsys):
    from rotvae.bench import time_steps

    small, large = (time_steps("jvae", batch_size=4, steps=1, warmup=0, threads=1,
                               image_shape=(16, 16), model_options={"decoder_hidden": h})
                    for h in (32, 64))
    assert large["matmul_gflop_per_step"] > small["matmul_gflop_per_step"]
    assert main(["bench", "--model", "jvae", "--model-options", '{"decoder_layers": 3}',
                 "--steps", "1", "--warmup", "0", "--threads", "1", "--batch-size", "4"]) == 0
    assert json.loads(capsys.readouterr().out)["seconds_per_step"] > 0
    assert main(["bench", "--model", "jvae", "--model-options", '{"hidden": 3}']) == 2
    assert "--model-options: unknown keys ['hidden']" in capsys.readouterr().err


def test_the_command_line_offers_every_model_and_decoder_without_importing_torch():
    from rotvae.models import MODEL_KINDS
    from rotvae.models.decoders import make_decoder
    from rotvae.names import DECODERS, INVARIANT_MODELS, MODEL_NAMES

    assert MODEL_NAMES == tuple(MODEL_KINDS)
    assert set(INVARIANT_MODELS) == {name for name, (_, inv) in MODEL_KINDS.items() if inv}
    for name in DECODERS:  # each name builds a decoder
        assert make_decoder(name, 2, (8, 8)) is not None
    code = "from rotvae.cli import build_parser; build_parser()"
    assert modules_loaded_by(code, ("torch", "pyro")) == []
