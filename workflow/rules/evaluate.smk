# Tables: trained models and baselines scored on test sets and on evaluation grids that
# are regenerated in memory. Only scores are written; a figure reads them, never retrains.


rule table_accuracy_vs_angle:
    input:
        models=[f"{MODELS}/000/{model_name(m, a, r)}.pt" for m, a, r in ss_model_keys()],
        tests=[card_path("000", "test", angle) for angle in P0["angles"]],
    output:
        f"{TABLES}/000_fig3a_accuracy_vs_angle.csv",
    log:
        f"{LOGS}/table_accuracy_vs_angle.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        model_keys=ss_model_keys(),
        angles=P0["angles"],
    script:
        "../scripts/table_accuracy_vs_angle.py"


rule table_trees:
    input:
        labeled=card_path("000", "labeled", P0["labeled"]["angle"]),
        tests=[card_path("000", "test", angle) for angle in P0["angles"]],
    output:
        f"{TABLES}/000/trees_s{{replicate}}.csv",
    log:
        f"{LOGS}/table_trees_s{{replicate}}.log",
    conda:
        CONDA_ENV
    threads: config["training"]["threads"]
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        replicate=lambda w: int(w.replicate),
        seed=lambda w: derive_seed(config["seed"], "trees", int(w.replicate)),
        angles=P0["angles"],
        methods=P0["trees"]["methods"],
        copies=P0["trees"]["augment_copies"],
        augment_angle=P0["trees"]["augment_angle"],
        augment_translate=P0["trees"]["augment_translate"],
    script:
        "../scripts/table_trees.py"


rule table_trees_all_seeds:
    input:
        [f"{TABLES}/000/trees_s{r}.csv" for r in config["training"]["seeds"]],
    output:
        f"{TABLES}/000_figS3_trees.csv",
    log:
        f"{LOGS}/table_trees_all_seeds.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/concat_tables.py"


rule table_grid:
    input:
        models=[
            f"{MODELS}/000/{name}.pt" for name in reference_models(config, "ssrvae")
        ],
    output:
        f"{TABLES}/{{table}}.csv",
    log:
        f"{LOGS}/table_grid/{{table}}.log",
    wildcard_constraints:
        table="|".join(TABLE_OF_GRID.values()),
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=3000,
        runtime=120,
    params:
        grid=lambda w: {v: k for k, v in TABLE_OF_GRID.items()}[w.table],
        cells=lambda w: evaluation_cells(
            config, {v: k for k, v in TABLE_OF_GRID.items()}[w.table]
        ),
        model="ssrvae",
        replicates=config["training"]["seeds"],
    script:
        "../scripts/table_grid.py"


rule table_joint:
    input:
        models=[
            f"{MODELS}/001/{model_name(m, a, r)}.pt" for m, a, r in joint_model_keys()
        ],
        tests=[card_path("001", "test", angle) for angle in P1["angles"]],
    output:
        scores=f"{TABLES}/001_fig3_cluster_scores.csv",
        confusion=f"{TABLES}/001_fig3_inferred_vs_true.csv",
        disentanglement=f"{TABLES}/001_disentanglement.csv",
    log:
        f"{LOGS}/table_joint.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        model_keys=joint_model_keys(),
        angles=P1["angles"],
    script:
        "../scripts/table_joint.py"
