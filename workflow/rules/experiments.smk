# Your own data (config `experiments`): read and checked once, trained per model and
# seed, scored and drawn. The synthetic stand-ins of the default config come first.


rule standin_particles:
    output:
        f"{STANDINS}/particles.npz",
    log:
        f"{LOGS}/standins/particles.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        seed=derive_seed(config["seed"], "standin", "particles"),
    script:
        "../scripts/make_standin_particles.py"


rule standin_lattice:
    output:
        image=f"{STANDINS}/lattice.npz",
        centers=f"{STANDINS}/lattice_centers.csv",
        transfer=f"{STANDINS}/lattice_transfer.npz",
        transfer_centers=f"{STANDINS}/lattice_transfer_centers.csv",
    log:
        f"{LOGS}/standins/lattice.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        seed=derive_seed(config["seed"], "standin", "lattice"),
    script:
        "../scripts/make_standin_lattice.py"


# One prepare rule per experiment: what it writes depends on the experiment's models.
for _exp in config["experiments"]:

    rule:
        name:
            f"prepare_{_exp['name']}"
        input:
            **experiment_sources(_exp),
        output:
            **prepared_files(_exp),
        log:
            f"{LOGS}/experiments/prepare_{_exp['name']}.log",
        conda:
            CONDA_ENV
        threads: 1
        resources:
            mem_mb=4000,
            runtime=10,
        params:
            experiment=as_json(experiment_data(_exp)),  # data keys only: see plan.py
            seed=config["seed"],
        script:
            "../scripts/prepare_experiment.py"


rule train_experiment:
    input:
        lambda w: prepared_files(EXPERIMENT[w.exp]).values(),
    output:
        model=f"{MODELS}/exp/{{exp}}/{{model}}_s{{replicate}}.pt",
        meta=f"{MODELS}/exp/{{exp}}/{{model}}_s{{replicate}}.json",
    log:
        f"{LOGS}/train/exp/{{exp}}/{{model}}_s{{replicate}}.log",
    wildcard_constraints:
        model="vae|rvae|ssvae|ssrvae|jvae|jtrvae",
    conda:
        CONDA_ENV
    threads: config["training"]["threads"]
    resources:
        mem_mb=3000,
        runtime=600,
        gpu=TRAINING_GPUS,
    params:
        # this model's settings only: a change to another model's does not retrain it
        settings=lambda w: as_json(
            experiment_training_settings(
                config["training"], EXPERIMENT[w.exp], w.model, None
            )
        ),
        files=lambda w: prepared_files(EXPERIMENT[w.exp]),
        device=config["device"],
        seed=lambda w: derive_seed(
            config["seed"], "experiment", w.exp, int(w.replicate)
        ),
        checkpoint=f"{CHECKPOINTS}/exp/{{exp}}/{{model}}_s{{replicate}}.pt",
    script:
        "../scripts/train_experiment.py"


rule table_experiment_scores:
    input:
        code=f"{SCRIPTS}/table_experiment_scores.py",
        prepared=lambda w: prepared_files(EXPERIMENT[w.exp]).values(),
        models=lambda w: experiment_models(EXPERIMENT[w.exp]),
    output:
        f"{TABLES}/exp_{{exp}}_scores.csv",
    log:
        f"{LOGS}/tables/exp_{{exp}}_scores.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=3000,
        runtime=30,
    params:
        experiment=lambda w: as_json(EXPERIMENT[w.exp]),
        files=lambda w: prepared_files(EXPERIMENT[w.exp]),
        trees=as_json(config["paper000"]["trees"]),
        seed=lambda w: derive_seed(config["seed"], "experiment", w.exp, "trees"),
    script:
        "../scripts/table_experiment_scores.py"


rule plot_experiment_latents:
    input:
        code=f"{SCRIPTS}/plot_experiment_latents.py",
        data=lambda w: prepared_files(EXPERIMENT[w.exp])["all"],
        summary=lambda w: prepared_files(EXPERIMENT[w.exp])["summary"],
        models=lambda w: [
            first_model(EXPERIMENT[w.exp], m)
            for m in ("vae", "rvae")
            if m in EXPERIMENT[w.exp]["models"]
        ],
    output:
        figure_outputs("exp_{exp}_latents", "exp_latents", "{exp}", "Your data"),
    log:
        f"{LOGS}/plot/exp_{{exp}}_latents.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        experiment=lambda w: as_json(EXPERIMENT[w.exp]),
        steps=config["paper001"]["manifold_steps"],
    script:
        "../scripts/plot_experiment_latents.py"


rule plot_experiment_ssrvae:
    input:
        code=f"{SCRIPTS}/plot_experiment_ssrvae.py",
        table=f"{TABLES}/exp_{{exp}}_scores.csv",
        model=lambda w: first_model(EXPERIMENT[w.exp], "ssrvae"),
    output:
        figure_outputs("exp_{exp}_ssrvae", "exp_ssrvae", "{exp}", "Your data"),
    log:
        f"{LOGS}/plot/exp_{{exp}}_ssrvae.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        experiment=lambda w: as_json(EXPERIMENT[w.exp]),
        steps=config["paper001"]["manifold_steps"],
    script:
        "../scripts/plot_experiment_ssrvae.py"


rule plot_experiment_trees:
    input:
        code=f"{SCRIPTS}/plot_experiment_trees.py",
        table=f"{TABLES}/exp_{{exp}}_scores.csv",
    output:
        figure_outputs("exp_{exp}_trees", "exp_trees", "{exp}", "Your data"),
    log:
        f"{LOGS}/plot/exp_{{exp}}_trees.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/plot_experiment_trees.py"


rule plot_experiment_maps:
    input:
        code=f"{SCRIPTS}/plot_experiment_maps.py",
        data=lambda w: prepared_files(EXPERIMENT[w.exp])[
            "transfer" if w.which == "transfer" else "all"
        ],
        model=lambda w: first_model(EXPERIMENT[w.exp], map_model(EXPERIMENT[w.exp])),
    output:
        figure_outputs("exp_{exp}_{which}", "exp_maps", "{exp}", "Your data"),
    log:
        f"{LOGS}/plot/exp_{{exp}}_{{which}}.log",
    wildcard_constraints:
        which="maps|transfer",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        experiment=lambda w: as_json(EXPERIMENT[w.exp]),
    script:
        "../scripts/plot_experiment_maps.py"
