import pytest
import yaml

from rotvae.config import ConfigError, load_config, validate_config
from rotvae.plan import card_datasets, card_spec, spec_arguments


def test_empty_config_is_the_default_plan_and_config_yaml_spells_it_out(repo):
    defaults = validate_config({})
    assert load_config(repo / "config.yaml") == defaults
    assert defaults["paper000"]["angles"] == [10, 20, 30, 45, 60, 90, 120, 180]
    assert defaults["paper000"]["labeled"] == {"per_class": 200, "angle": 4, "translate": 0.0}


def test_validation_does_not_change_its_input():
    raw = {"seed": 3}
    validate_config(raw)
    assert raw == {"seed": 3}


@pytest.mark.parametrize(
    "config, key",
    [
        ({"paper000": {"angles": [-5, 60]}}, "paper000.angles[0]"),
        ({"paper000": {"contamination": {"density": {"start": 0, "stop": 1.5, "num": 3}}}},
         "paper000.contamination.density.stop"),
        ({"paper000": {"models": ["ssvae", "transformer"]}}, "paper000.models[1]"),
        ({"paper001": {"models": ["jtrvae", "gan"]}}, "paper001.models[1]"),
        ({"seed": -1}, "seed"),
        ({"training": {"joint": {"beta_transform": -1}}}, "training.joint.beta_transform"),
        ({"device": "tpu"}, "device"),
        ({"paper001": {"train": {"per_class": 0}}}, "paper001.train.per_class"),
        ({"paper000": {"scale": [1.3, 1.0]}}, "paper000.scale"),
        ({"paper000": {"angles": [30], "reference_angle": 60}}, "paper000.reference_angle"),
        ({"training": {"decoder": {"ssrvae": "conv"}}}, "training.decoder.ssrvae"),
        ({"training": {"pixel_fraction": {"ssrvae": 0}}}, "training.pixel_fraction.ssrvae"),
    ],
)
def test_bad_values_are_rejected_naming_the_key(config, key):
    with pytest.raises(ConfigError) as info:
        validate_config(config)
    assert f"'{key}'" in str(info.value)


def test_unknown_keys_are_rejected_by_name():
    with pytest.raises(ConfigError, match="paper00"):
        validate_config({"paper00": {}})
    with pytest.raises(ConfigError, match="angel"):
        validate_config({"paper001": {"angel": 3}})


def test_missing_or_broken_config_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("seed: [1,\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(broken)


def test_plan_lists_every_dataset_of_both_recipes():
    config = validate_config({})
    names = card_datasets(config)
    assert "000_labeled_a4" in names
    for angle in (10, 20, 30, 45, 60, 90, 120, 180):
        assert f"000_unlabeled_a{angle}" in names and f"000_test_a{angle}" in names
    for angle in (12, 60, 120):
        assert f"001_train_a{angle}" in names and f"001_test_a{angle}" in names
    assert len(names) == len(set(names)) == 1 + 2 * 8 + 2 * 3


def test_specs_follow_the_recipes():
    config = validate_config({})
    labeled = card_spec(config, "000_labeled_a4")
    assert (labeled.per_class, labeled.angle, labeled.translate, labeled.labeled) == (200, 4, 0, True)
    unlabeled = card_spec(config, "000_unlabeled_a60")
    assert (unlabeled.per_class, unlabeled.angle, unlabeled.translate) == (3000, 60, 0.1)
    assert unlabeled.shear == 15 and unlabeled.scale == (1.0, 1.3) and not unlabeled.labeled
    test = card_spec(config, "000_test_a60")
    assert test.per_class == 1000 and test.labeled and test.seed != unlabeled.seed
    # An angle sweep shares its stream; another role or seed does not.
    assert card_spec(config, "000_unlabeled_a90").seed == unlabeled.seed
    assert card_spec(validate_config({"seed": 1}), "000_unlabeled_a60").seed != unlabeled.seed
    train = card_spec(config, "001_train_a120")
    assert (train.angle, train.shear, train.scale, train.labeled) == (120, 10, (1.0, 1.2), False)
    with pytest.raises(ConfigError, match="not in this config"):
        card_spec(config, "000_unlabeled_a61")


def test_spec_arguments_round_trip_through_the_cli_parser():
    from rotvae.cli import build_parser, spec_from_args

    config = validate_config({})
    for name in card_datasets(config):
        spec = card_spec(config, name)
        args = build_parser().parse_args(["make-cards", *spec_arguments(spec), "--out", "x.npz"])
        assert spec_from_args(args) == spec, name


def test_show_config_prints_a_valid_config(capsys):
    from rotvae.cli import main

    assert main(["show-config"]) == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    assert validate_config(printed) == validate_config({})


def test_each_cards_model_takes_its_own_decoder_and_pixel_fraction():
    from rotvae.plan import training_settings

    training = validate_config({})["training"]
    settings = {m: training_settings(training, m) for m in ("ssrvae", "jtrvae", "ssvae", "jvae")}
    assert settings["ssrvae"][0]["decoder"] == "spatial"
    assert settings["ssrvae"][1]["pixel_fraction"] == 1 / 128
    assert (settings["jtrvae"][0]["decoder"], settings["jtrvae"][1]["pixel_fraction"]) == ("affine", 1.0)
    assert (settings["ssvae"][0]["decoder"], settings["ssvae"][1]["pixel_fraction"]) == ("mlp", 1 / 128)
    assert (settings["jvae"][0]["decoder"], settings["jvae"][1]["pixel_fraction"]) == ("mlp", 1.0)
    changed = validate_config({"training": {"decoder": {"jtrvae": "spatial"}}})["training"]
    assert training_settings(changed, "jtrvae")[0]["decoder"] == "spatial"
    assert training_settings(changed, "ssrvae")[0]["decoder"] == "spatial"  # default kept


def test_joint_model_sets_the_cards_j_models_network_and_nothing_else():
    from rotvae.plan import experiment_training_settings, training_settings

    sizes = ("encoder_hidden", "classifier_hidden", "decoder_hidden", "decoder_layers")
    shared = validate_config({"training": {"model": {"encoder_hidden": 64}}})["training"]
    for model in ("ssvae", "ssrvae", "jvae", "jtrvae"):  # by default every model shares it
        assert [training_settings(shared, model)[0][key] for key in sizes] == [64, 128, 128, 2]
    paper_001 = {"encoder_hidden": 256, "classifier_hidden": 256, "decoder_hidden": 256,
                 "decoder_layers": 3}
    config = validate_config({"training": {"model": {"encoder_hidden": 64, "latent_dim": 3},
                                           "joint_model": paper_001}})
    for model in ("jvae", "jtrvae"):
        options = training_settings(config["training"], model)[0]
        assert [options[key] for key in sizes] == [256, 256, 256, 3]
        assert options["latent_dim"] == 3  # what joint_model leaves unset comes from model
    for model in ("ssvae", "ssrvae"):
        options = training_settings(config["training"], model)[0]
        assert [options[key] for key in sizes] == [64, 128, 128, 2]
    lattice = {e["name"]: e for e in config["experiments"]}["lattice"]
    for model in ("jtrvae", "rvae"):  # an experiment's models keep the shared network
        options = experiment_training_settings(config["training"], lattice, model, 2)[0]
        assert [options[key] for key in sizes] == [64, 128, 128, 2]
    with pytest.raises(ConfigError, match=r"training\.joint_model\.encoder_hidden"):
        validate_config({"training": {"joint_model": {"encoder_hidden": 0}}})


def test_the_angle_latent_reaches_only_models_that_turn():
    """`angle_latent` is left out of the options of a model without an angle (its record
    and its training would otherwise change for nothing), and by default of every model,
    so that a plan without it keeps the options its models were trained with."""
    from rotvae.plan import training_settings

    default = validate_config({})["training"]
    assert all("angle_latent" not in training_settings(default, m)[0]
               for m in ("ssvae", "ssrvae", "jvae", "jtrvae"))
    config = validate_config({"training": {"joint_model": {"angle_latent": "projected"}}})
    assert training_settings(config["training"], "jtrvae")[0]["angle_latent"] == "projected"
    for model in ("ssvae", "ssrvae", "jvae"):
        assert "angle_latent" not in training_settings(config["training"], model)[0]
    with pytest.raises(ConfigError, match=r"training\.model\.angle_latent"):
        validate_config({"training": {"model": {"angle_latent": "vonmises"}}})


def test_joint_models_angle_prior_reaches_the_j_trvae_only():
    """The default narrows the cards' j-trVAE's angle prior (README, A narrower angle
    prior); the j-VAE, which has no angle, keeps `model`'s, so its options and cached
    models do not change with it, and paper 000's models and the experiments keep it too."""
    from rotvae.plan import experiment_training_settings, training_settings

    config = validate_config({})
    default = config["training"]
    assert default["joint_model"]["angle_prior"] != default["model"]["angle_prior"]
    assert training_settings(default, "jtrvae")[0]["angle_prior"] == \
        default["joint_model"]["angle_prior"]
    for model in ("ssvae", "ssrvae", "jvae"):
        assert training_settings(default, model)[0]["angle_prior"] == \
            default["model"]["angle_prior"]
    lattice = {e["name"]: e for e in config["experiments"]}["lattice"]
    options = experiment_training_settings(default, lattice, "jtrvae", 2)[0]
    assert options["angle_prior"] == default["model"]["angle_prior"]
    changed = validate_config({"training": {"joint_model": {"offset_prior": 0.2,
                                                            "encoder_hidden": 64}}})
    jvae = training_settings(changed["training"], "jvae")[0]
    assert (jvae["offset_prior"], jvae["encoder_hidden"]) == (0.1, 64)  # sizes still apply
    assert training_settings(changed["training"], "jtrvae")[0]["offset_prior"] == 0.2


def test_an_experiment_trains_with_its_own_decoder_epochs_classes_and_class_weight():
    from rotvae.plan import experiment_training_settings, training_settings

    config = validate_config({})
    lattice = {e["name"]: e for e in config["experiments"]}["lattice"]
    model_options, options = experiment_training_settings(config["training"], lattice,
                                                          "jtrvae", 2)
    assert model_options["decoder"] == lattice["decoder"] == "affine"
    assert model_options["padding"] == "zeros" and model_options["n_classes"] == 2
    assert options["pixel_fraction"] == 1.0 and options["epochs"] == lattice["epochs"]
    # the class weight falls 3 -> 1 (the experiment's), not the cards' constant 3
    assert (options["beta_disc_start"], options["beta_disc_end"]) == (3, 1)
    assert training_settings(config["training"], "jtrvae")[1]["beta_disc_end"] == 3
    own = validate_config({"experiments": [{**lattice, "beta_disc": {"end": 0.5}}]})
    _, mine = experiment_training_settings(own["training"], own["experiments"][0], "jtrvae", 2)
    assert (mine["beta_disc_start"], mine["beta_disc_end"]) == (3, 0.5)
    vae_options, vae = experiment_training_settings(config["training"], lattice, "rvae", 2)
    assert "n_classes" not in vae_options
    assert vae["beta_cont_start"] == vae["beta_cont_end"] == config["training"]["vae"]["beta"]
    particles = {e["name"]: e for e in config["experiments"]}["particles"]
    _, ss = experiment_training_settings(config["training"], particles, "ssvae", 4)
    assert ss["pixel_fraction"] == 1.0  # the cards' ss-VAE fraction does not leak in
    # the plain VAE's one weight covers its angle and offsets; the j-models keep the
    # paper's separate weight on them
    assert vae["beta_transform"] is None and options["beta_transform"] == 1.0
