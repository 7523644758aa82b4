import json

import numpy as np
import pytest
import torch

from rotvae.cli import main
from rotvae.train import Data, TrainConfig, load_model, save_model, train

TINY = dict(encoder_hidden=16, decoder_hidden=16, classifier_hidden=16)


def toy_data(n_per_class=40, seed=0):
    """Four 8x8 classes: bright bars in four positions, with noise; labeled subset."""
    rng = np.random.default_rng(seed)
    templates = np.zeros((4, 8, 8), np.float32)
    templates[0, 1, :], templates[1, 6, :], templates[2, :, 1], templates[3, :, 6] = 1, 1, 1, 1
    labels = np.repeat(np.arange(4), n_per_class)
    rng.shuffle(labels)
    images = np.clip(templates[labels] + rng.normal(0, 0.15, (labels.size, 8, 8)), 0, 1)
    return images.astype(np.float32), labels


def test_labeled_loss_lowers_the_classification_error():
    from rotvae.models import build_model

    images, labels = toy_data()
    x = torch.tensor(images.reshape(len(images), -1))
    y = torch.tensor(labels)
    torch.manual_seed(0)
    model, _ = build_model("ssvae", image_shape=(8, 8), **TINY)

    def error():
        return (model.classify(x[80:]).argmax(-1) != y[80:]).float().mean().item()

    before = error()
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    for _ in range(60):
        optimizer.zero_grad()
        model.loss(x[:80], y[:80], beta=1.0, aux_weight=30.0).backward()
        optimizer.step()
    assert before > 0.5 and error() < 0.05


def test_save_then_load_gives_identical_predictions(tmp_path):
    images, labels = toy_data()
    data = Data(images, images[:32], labels[:32], images, labels)
    model, record = train("ssrvae", data, TINY, TrainConfig(epochs=2), progress=False)
    save_model(tmp_path / "m.pt", model, record)
    loaded, meta = load_model(tmp_path / "m.pt")
    x = torch.tensor(images.reshape(len(images), -1))
    model.eval()
    assert torch.equal(model.classify(x), loaded.classify(x))
    assert meta["kind"] == "ssrvae" and len(meta["history"]) == 2
    assert meta["seconds_per_epoch"] > 0 and "torch" in meta["versions"]


@pytest.mark.parametrize("kind", ["ssrvae", "jtrvae"])
def test_killed_run_resumes_at_the_next_epoch_and_ends_with_the_same_weights(tmp_path, kind):
    images, labels = toy_data(20)
    data = Data(images, images[:16], labels[:16], images, labels)
    options = TrainConfig(epochs=4, seed=3, kl_epochs=2, beta_epochs=2)
    whole, _ = train(kind, data, TINY, options, progress=False)
    checkpoint = tmp_path / "ckpt.pt"
    train(kind, data, TINY, options, checkpoint=checkpoint, stop_after=2, progress=False)
    saved = torch.load(checkpoint, weights_only=True)
    assert len(json.loads(saved["record"])["history"]) == 2
    resumed, record = train(kind, data, TINY, options, checkpoint=checkpoint, progress=False)
    assert [h["epoch"] for h in record["history"]] == [1, 2, 3, 4]
    assert [h["first_epoch"] for h in record["hosts"]] == [1]  # one machine ran it all
    for (name, a), (_, b) in zip(whole.state_dict().items(), resumed.state_dict().items()):
        assert torch.equal(a, b), name


def test_the_record_names_each_machine_that_ran_epochs(tmp_path, monkeypatch):
    import rotvae.train as training

    images, labels = toy_data(10)
    data = Data(images, images[:8], labels[:8], images, labels)
    options = TrainConfig(epochs=3, seed=1)
    checkpoint = tmp_path / "ckpt.pt"
    _, first = train("ssrvae", data, TINY, options, checkpoint=checkpoint, stop_after=2,
                     progress=False)
    here = {k: v for k, v in first["hosts"][0].items() if k != "first_epoch"}
    assert here["cpu"] and here["cpu_capability"] and first["hosts"][0]["first_epoch"] == 1
    monkeypatch.setattr(training, "_cpu_name", lambda: "another CPU")
    monkeypatch.setenv("MKL_CBWR", "AVX2")
    _, record = train("ssrvae", data, TINY, options, checkpoint=checkpoint, progress=False)
    assert record["hosts"][0] == first["hosts"][0]
    assert record["hosts"][1] == {**here, "cpu": "another CPU", "env": {"MKL_CBWR": "AVX2"},
                                  "first_epoch": 3}


def test_same_seed_same_weights_other_seed_differs():
    images, labels = toy_data(10)
    data = Data(images)
    a, _ = train("jvae", data, TINY, TrainConfig(epochs=1, seed=1), progress=False)
    b, _ = train("jvae", data, TINY, TrainConfig(epochs=1, seed=1), progress=False)
    c, _ = train("jvae", data, TINY, TrainConfig(epochs=1, seed=2), progress=False)
    first = next(iter(a.state_dict()))
    assert torch.equal(a.state_dict()[first], b.state_dict()[first])
    assert not torch.equal(a.state_dict()[first], c.state_dict()[first])


def test_train_verb_writes_model_and_rejects_bad_input(tmp_path, capsys):
    from rotvae.datasets import save_dataset

    images, labels = toy_data(10)
    save_dataset(tmp_path / "u.npz", {"images": images, "labels": np.full(40, -1)})
    save_dataset(tmp_path / "l.npz", {"images": images[:8], "labels": labels[:8]})
    save_dataset(tmp_path / "t.npz", {"images": images, "labels": labels})
    out = tmp_path / "m.pt"
    common = ["--unlabeled", str(tmp_path / "u.npz"), "--test", str(tmp_path / "t.npz"),
              "--model-options", json.dumps(TINY)]
    assert main(["-q", "train", "--model", "jtrvae", *common, "--train-options",
                 '{"epochs": 1}', "--out", str(out)]) == 0
    assert out.is_file() and out.with_suffix(".json").is_file()
    bad = tmp_path / "bad.pt"
    assert main(["train", "--model", "ssrvae", *common, "--out", str(bad)]) == 2
    assert "--labeled" in capsys.readouterr().err
    assert main(["train", "--model", "jvae", *common, "--train-options", '{"epoch": 1}',
                 "--out", str(bad)]) == 2
    assert "epoch" in capsys.readouterr().err
    assert main(["train", "--model", "jvae", *common, "--train-options", '{"epochs": 0}',
                 "--out", str(bad)]) == 2
    assert "'epochs'" in capsys.readouterr().err
    assert not bad.exists()


def test_cuda_without_a_gpu_is_a_clear_error():
    from rotvae.train import resolve_device

    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="no CUDA device"):
            resolve_device("cuda")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("kind, decoder", [("ssrvae", "affine"), ("ssrvae", "spatial"),
                                           ("jtrvae", "affine")])
def test_training_on_cuda(kind, decoder):
    images, labels = toy_data(10)
    data = Data(images, images[:8], labels[:8], images, labels)
    model, record = train(kind, data, {**TINY, "decoder": decoder},
                          TrainConfig(epochs=1, device="cuda"), progress=False)
    assert record["device"].startswith("cuda")
    assert next(model.parameters()).is_cuda


def test_learning_rate_is_constant_then_decays_to_its_end_factor():
    from rotvae.train import TrainConfig, learning_rate

    options = TrainConfig(epochs=10, lr=1e-3, lr_decay_fraction=0.4, lr_end_factor=0.1)
    rates = [learning_rate(options, epoch) for epoch in range(10)]
    assert rates[:6] == [1e-3] * 6
    assert all(a > b for a, b in zip(rates[5:], rates[6:]))
    assert abs(rates[-1] - 1e-4) < 1e-12
    assert learning_rate(TrainConfig(epochs=10), 9) == TrainConfig().lr  # default: constant
