"""The names a user can pass for models and decoders, and the model families, without
importing torch: the command line builds its choices from these, and `rotvae --help`
and the workflow's planning stay instant."""

MODEL_NAMES = ("ssvae", "ssrvae", "jvae", "jtrvae", "vae", "rvae")  # rotvae.models.MODEL_KINDS
DECODERS = ("mlp", "spatial", "affine")
BENCH_MODELS = ("ssvae", "ssrvae", "jvae", "jtrvae")  # the models `rotvae bench` times
SS_MODELS = ("ssvae", "ssrvae")  # semi-supervised, paper 000
JOINT_MODELS = ("jvae", "jtrvae")  # unsupervised with classes, paper 001
INVARIANT_MODELS = ("rvae", "ssrvae", "jtrvae")  # those with rotation + translation
