"""The benchmark scripts that read a run's artifacts."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SMOKE_CONFIG = REPO / "tests" / "smoke" / "config.yaml"


def write_record(path: Path, seconds: list[float]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"history": [{"epoch": i + 1, "seconds": s}
                                            for i, s in enumerate(seconds)]}))


def test_run_cost_charges_untrained_models_with_their_kinds_mean(tmp_path):
    # The smoke plan: ss-VAE and ss-rVAE at 30 and 60 degrees, j-VAE and j-trVAE at 12
    # and 120, one seed, 2 epochs each.
    models = tmp_path / "models"
    write_record(models / "000" / "ssrvae_a30_s0.json", [30, 30])  # 1 min
    write_record(models / "000" / "ssrvae_a60_s0.json", [90, 90])  # 3 min
    write_record(models / "001" / "jvae_a12_s0.json", [120])  # 1 of 2 epochs: 4 min for 2
    out = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run_cost.py"), "--config",
         str(SMOKE_CONFIG), "--results", str(tmp_path), "--cores", "2"],
        capture_output=True, text=True, check=True).stdout
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:-1]}
    assert rows["ssrvae"][1:4] == ["2", "2", "2.0"]
    assert rows["jvae"][1:4] == ["2", "1", "4.0"]  # the other j-VAE charged 4 min too
    assert rows["ssvae"][2] == "0" and rows["jtrvae"][2] == "0"
    # 1 + 3 min of ss-rVAE and 2 x 4 min of j-VAE: 12 min = 0.2 core-hours, 0.1 h on 2 cores
    assert out.splitlines()[-1].startswith("training: 0.2 core-hours, at least 0.1 h on 2 cores")
    assert "not counted: ssvae, jtrvae" in out


def test_angle_window_finds_each_suits_offset_and_the_cards_it_tracks():
    sys.path.insert(0, str(REPO / "benchmarks"))
    from angle_window import angle_tracking

    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1], 400)
    true_angle = rng.uniform(-60, 60, size=800)
    offsets = np.where(labels == 0, 20.0, -40.0)
    phi = true_angle + offsets + rng.normal(0, 3, size=800)
    # Beyond 30 degrees the latent is lost: phi says nothing about the angle.
    lost = np.abs(true_angle) > 30
    phi[lost] = rng.uniform(-180, 180, size=lost.sum())
    found, tracked = angle_tracking(phi, true_angle, labels, tolerance=15.0)
    assert abs(found[0] - 20.0) <= 5 and abs(found[1] + 40.0) <= 5
    assert tracked[~lost].mean() > 0.95
    assert tracked[lost].mean() < 0.25  # by chance only: 30 of 360 degrees


def test_angle_window_finds_a_second_offset_of_the_cards_left_over():
    sys.path.insert(0, str(REPO / "benchmarks"))
    from angle_window import angle_tracking, second_offsets

    rng = np.random.default_rng(1)
    labels = np.repeat([0, 1], 400)
    true_angle = rng.uniform(-60, 60, size=800)
    phi = true_angle + np.where(labels == 0, 20.0, -40.0) + rng.normal(0, 3, size=800)
    # Beyond 30 degrees suit 0 is drawn from a template turned by another 90 degrees;
    # suit 1's angle is lost there.
    turned = (np.abs(true_angle) > 30) & (labels == 0)
    lost = (np.abs(true_angle) > 30) & (labels == 1)
    phi[turned] -= 90.0
    phi[lost] = rng.uniform(-180, 180, size=lost.sum())
    _, tracked = angle_tracking(phi, true_angle, labels, tolerance=15.0)
    found, second = second_offsets(phi, true_angle, labels, tracked, tolerance=15.0)
    assert abs(found[0] - (20.0 - 90.0)) <= 5
    assert second[turned].mean() > 0.95
    assert second[tracked].sum() == 0  # only cards the first offset leaves over
    assert second[lost].mean() < 0.25  # a peak of uniform noise takes few of them


def test_posterior_classifier_scores_each_class_by_its_elbo_at_the_posterior_mean():
    import torch
    from torch import distributions as dist

    sys.path.insert(0, str(REPO / "benchmarks"))
    from posterior_classifier import class_elbos, posterior_classes
    from rotvae.models import build_model

    torch.manual_seed(0)
    model, _ = build_model("ssrvae", decoder="spatial", image_shape=(8, 8), n_classes=3)
    images = torch.rand(5, 8, 8).round()
    xs = images.reshape(5, -1)
    scores = class_elbos(model, xs)
    assert scores.shape == (5, 3)
    for k in range(3):  # the same number from torch.distributions, class by class
        y = torch.nn.functional.one_hot(torch.full((5,), k), 3).float()
        loc, scale = model.encoder_z(xs, y)
        with torch.no_grad():
            likelihood = dist.Bernoulli(logits=model.decode_latent(loc, y)).log_prob(xs).sum(-1)
            kl = dist.kl_divergence(dist.Normal(loc, scale), dist.Normal(0.0, 1.0)).sum(-1)
        torch.testing.assert_close(scores[:, k], likelihood - kl)
    assert (posterior_classes(model, images.numpy(), batch=2) == scores.argmax(-1).numpy()).all()


def test_bfloat16_benchmark_prints_each_case_with_its_ratio():
    out = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bfloat16.py"), "--config",
         str(SMOKE_CONFIG), "--steps", "1", "--rounds", "1", "--models", "ssvae", "jtrvae"],
        capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[1:]
    assert [row.split()[0] for row in rows] == ["matmul", "ssvae", "jtrvae"]
    assert "(affine)" in rows[2]  # the smoke plan's j-trVAE decoder, read from the config
    for row in rows:
        tokens = row.split()  # ... value unit value unit ratio
        first, second = _printed_interval(tokens[-5]), _printed_interval(tokens[-3])
        if row.startswith("matmul"):  # GFLOP/s: bfloat16 over float32
            first, second = second, first
        # seconds per step: float32 over bfloat16. The ratio was computed from the unrounded
        # values, so it must lie in the range the printed (rounded) values allow.
        low, high = first[0] / second[1], first[1] / second[0]
        ratio = float(tokens[-1].rstrip("x"))
        assert low - 0.005 <= ratio <= high + 0.005, (row, low, high)


def test_joint_sizes_benchmark_prints_each_j_model_with_its_ratio():
    out = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "joint_sizes.py"), "--config",
         str(SMOKE_CONFIG), "--steps", "1", "--rounds", "1"],
        capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    rows = lines[1:3]
    assert [row.split()[0] for row in rows] == ["jvae", "jtrvae"]
    for row in rows:
        tokens = row.split()  # model value s value s ratio
        shared, joint = _printed_interval(tokens[1]), _printed_interval(tokens[3])
        ratio = float(tokens[-1].rstrip("x"))
        assert joint[0] / shared[1] - 0.005 <= ratio <= joint[1] / shared[0] + 0.005, row
    # the sizes compared, read from the config (the smoke config keeps the defaults)
    assert lines[3] == ("shared model: encoder_hidden 128, classifier_hidden 128, "
                        "decoder_hidden 128, decoder_layers 2")
    assert lines[4] == ("joint_model: encoder_hidden 256, classifier_hidden 256, "
                        "decoder_hidden 256, decoder_layers 3")


def _printed_interval(token):
    """The interval of values that print as `token` (rounded to its shown decimals)."""
    decimals = len(token.partition(".")[2])
    half_unit = 0.5 * 10.0 ** -decimals
    return float(token) - half_unit, float(token) + half_unit


def test_joint_scores_prints_each_models_matched_accuracy_on_a_cards_set(tmp_path):
    import torch

    from rotvae.cards import CardSpec, make_cards
    from rotvae.datasets import save_dataset
    from rotvae.evaluate import cluster_scores
    from rotvae.latents import encode_all
    from rotvae.models import build_model
    from rotvae.train import load_model, save_model

    cards = make_cards(CardSpec(per_class=6, angle=60, shear=10, scale=(1.0, 1.2), seed=3))
    save_dataset(tmp_path / "val.npz", cards)
    paths = []
    for angle_latent in ("normal", "projected"):
        torch.manual_seed(0)
        model, config = build_model("jtrvae", angle_latent=angle_latent, encoder_hidden=8,
                                    decoder_hidden=8, classifier_hidden=8)
        paths.append(tmp_path / f"{angle_latent}.pt")
        save_model(paths[-1], model, {"kind": "jtrvae", "model": config.to_dict(), "history": []})
    out = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "joint_scores.py"), str(tmp_path / "val.npz"),
         *map(str, paths)], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert len(lines) == 2
    for path, line in zip(paths, lines):
        tokens = line.split()
        assert tokens[0] == str(path) and tokens[1] == "matched_accuracy"
        _, clusters = encode_all(load_model(path)[0], cards["images"])
        scores = cluster_scores(cards["true_labels"], clusters, 4)
        assert float(tokens[2]) == round(scores["matched_accuracy"], 3)
        assert tokens[9].startswith("z") and -1 <= float(tokens[10]) <= 1
        # the cards' scales (1.0 to 1.2) in two bands of 0.1, each its cards' share matched
        right = np.asarray(scores["mapping"])[clusters] == cards["true_labels"]
        small = np.asarray(cards["scale"]) < 1.1
        scale_bands = tokens[tokens.index("scale") + 1:]
        assert [band.split(":")[0] for band in scale_bands] == ["1-1.1", "1.1-1.2"]
        assert float(scale_bands[0].split(":")[1]) == round(right[small].mean(), 3)
