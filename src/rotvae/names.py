"""The names a user can pass for models and decoders, without importing torch: the
command line builds its choices from these, and `rotvae --help` stays instant."""

MODEL_NAMES = ("ssvae", "ssrvae", "jvae", "jtrvae", "vae", "rvae")  # rotvae.models.MODEL_KINDS
DECODERS = ("mlp", "spatial", "affine")
BENCH_MODELS = ("ssvae", "ssrvae", "jvae", "jtrvae")  # the models `rotvae bench` times
