# Figures drawn from cached artifacts; a figure rule never trains.


rule plot_cards_examples_000:
    input:
        labeled=card_path("000", "labeled", config["paper000"]["labeled"]["angle"]),
        unlabeled=card_path("000", "unlabeled", config["paper000"]["reference_angle"]),
    output:
        png=report(
            f"{FIGURES}/000_fig2_cards_examples.png",
            caption="../report/000_fig2_cards_examples.rst",
            category="Paper 000",
            subcategory="Fig. 2 data",
        ),
        pdf=f"{FIGURES}/000_fig2_cards_examples.pdf",
    log:
        f"{LOGS}/plot_cards_examples_000.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        titles=[
            f"labeled, α = {config['paper000']['labeled']['angle']:g}°",
            f"unlabeled, α = {config['paper000']['reference_angle']:g}°",
        ],
    shell:
        "rotvae plot-examples --data {input.labeled} {input.unlabeled} "
        "--titles {params.titles:q} --out {output.png} {output.pdf} > {log} 2>&1"


rule plot_cards_examples_001:
    input:
        [card_path("001", "train", angle) for angle in config["paper001"]["angles"]],
    output:
        png=report(
            f"{FIGURES}/001_fig1_cards_examples.png",
            caption="../report/001_fig1_cards_examples.rst",
            category="Paper 001",
            subcategory="Fig. 1 data",
        ),
        pdf=f"{FIGURES}/001_fig1_cards_examples.pdf",
    log:
        f"{LOGS}/plot_cards_examples_001.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        titles=[f"α = {angle:g}°" for angle in config["paper001"]["angles"]],
    shell:
        "rotvae plot-examples --data {input} --titles {params.titles:q} "
        "--out {output.png} {output.pdf} > {log} 2>&1"


rule plot_accuracy_vs_angle:
    input:
        code=f"{SCRIPTS}/plot_accuracy_vs_angle.py",
        table=f"{TABLES}/000_fig3a_accuracy_vs_angle.csv",
    output:
        figure_outputs(
            "000_fig3a_accuracy_vs_angle", "000_fig3a_accuracy_vs_angle", "Fig. 3a"
        ),
    log:
        f"{LOGS}/plot/000_fig3a_accuracy_vs_angle.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/plot_accuracy_vs_angle.py"


rule plot_traversal:
    input:
        code=f"{SCRIPTS}/plot_traversal.py",
        model=lambda w: f"{MODELS}/000/{reference_models(config, w.model)[0]}.pt",
    output:
        figures=figure_outputs(
            "000_fig3{panel}_traversal_{model}", "000_fig3_traversal", "Fig. 3b/c"
        ),
        table=f"{TABLES}/000_fig3{{panel}}_traversal_{{model}}.csv",
    log:
        f"{LOGS}/plot/000_fig3{{panel}}_traversal_{{model}}.log",
    wildcard_constraints:
        panel="[bc]",
        model="|".join(SS_MODELS),
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        model=lambda w: w.model,
        angle=P0["reference_angle"],
        steps=P0["traversal_steps"],
        classes=config["cards"]["classes"],
    script:
        "../scripts/plot_traversal.py"


rule plot_distortion:
    input:
        code=f"{SCRIPTS}/plot_heatmap_distortion.py",
        table=f"{TABLES}/000_fig4a_accuracy_shear_angle.csv",
    output:
        figure_outputs(
            "000_fig4a_accuracy_shear_angle",
            "000_fig4a_accuracy_shear_angle",
            "Fig. 4a",
        ),
    log:
        f"{LOGS}/plot/000_fig4a_accuracy_shear_angle.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        angle=P0["reference_angle"],
    script:
        "../scripts/plot_heatmap_distortion.py"


rule plot_confusion:
    input:
        code=f"{SCRIPTS}/plot_confusion.py",
        table=f"{TABLES}/000_fig4bc_confusion.csv",
    output:
        figure_outputs(
            "000_fig4{panel}_confusion_{cell}", "000_fig4_confusion", "Fig. 4b/c"
        ),
    log:
        f"{LOGS}/plot/000_fig4{{panel}}_confusion_{{cell}}.log",
    wildcard_constraints:
        panel="[a-z]",
        cell=r"s[0-9]+_a[0-9.]+",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        shear=lambda w: confusion_cell(w.panel)["shear"],
        angle=lambda w: confusion_cell(w.panel)["angle"],
        classes=config["cards"]["classes"],
    script:
        "../scripts/plot_confusion.py"


rule plot_corruption_examples:
    input:
        code=f"{SCRIPTS}/plot_corruption_examples.py",
    output:
        figures=figure_outputs(
            "000_fig4d_corruption_examples", "000_fig4d_corruption_examples", "Fig. 4d"
        ),
        table=f"{TABLES}/000_fig4d_corruption_examples.csv",
    log:
        f"{LOGS}/plot/000_fig4d_corruption_examples.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        spec=evaluation_cells(config, "noise")[0]["spec"]
        | {"noise": 0.0, "per_class": 1},
        noise=P0["corruption_examples"]["noise"],
        contamination=P0["corruption_examples"]["contamination"],
    script:
        "../scripts/plot_corruption_examples.py"


rule plot_noise:
    input:
        code=f"{SCRIPTS}/plot_noise.py",
        table=f"{TABLES}/000_fig4e_accuracy_vs_noise.csv",
    output:
        figure_outputs(
            "000_fig4e_accuracy_vs_noise", "000_fig4e_accuracy_vs_noise", "Fig. 4e"
        ),
    log:
        f"{LOGS}/plot/000_fig4e_accuracy_vs_noise.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        angle=P0["reference_angle"],
    script:
        "../scripts/plot_noise.py"


rule plot_contamination:
    input:
        code=f"{SCRIPTS}/plot_heatmap_contamination.py",
        table=f"{TABLES}/000_fig4f_accuracy_contamination.csv",
    output:
        figure_outputs(
            "000_fig4f_accuracy_contamination",
            "000_fig4f_accuracy_contamination",
            "Fig. 4f",
        ),
    log:
        f"{LOGS}/plot/000_fig4f_accuracy_contamination.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        angle=P0["reference_angle"],
    script:
        "../scripts/plot_heatmap_contamination.py"


rule plot_trees:
    input:
        code=f"{SCRIPTS}/plot_trees.py",
        vae=f"{TABLES}/000_fig3a_accuracy_vs_angle.csv",
        trees=f"{TABLES}/000_figS3_trees.csv",
    output:
        figure_outputs("000_figS3_trees", "000_figS3_trees", "Fig. S3"),
    log:
        f"{LOGS}/plot/000_figS3_trees.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/plot_trees.py"


rule plot_joint_traversals:
    input:
        code=f"{SCRIPTS}/plot_joint_traversals.py",
        models=[first_joint_model(m, a) for m in P1["models"] for a in P1["angles"]],
        tests=[card_path("001", "test", angle) for angle in P1["angles"]],
    output:
        figures=figure_outputs(
            "001_fig2_traversals", "001_fig2_traversals", "Fig. 2", "Paper 001"
        ),
        table=f"{TABLES}/001_fig2_traversals.csv",
    log:
        f"{LOGS}/plot/001_fig2_traversals.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        panels=[(m, a) for m in P1["models"] for a in P1["angles"]],
        angles=P1["angles"],
        steps=P1["traversal_steps"],
        classes=config["cards"]["classes"],
    script:
        "../scripts/plot_joint_traversals.py"


rule plot_inferred_vs_true:
    input:
        code=f"{SCRIPTS}/plot_inferred_vs_true.py",
        confusion=f"{TABLES}/001_fig3_inferred_vs_true.csv",
        scores=f"{TABLES}/001_fig3_cluster_scores.csv",
    output:
        figure_outputs(
            "001_fig3_inferred_vs_true",
            "001_fig3_inferred_vs_true",
            "Fig. 3",
            "Paper 001",
        ),
    log:
        f"{LOGS}/plot/001_fig3_inferred_vs_true.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        angles=P1["confusion_angles"],
        classes=config["cards"]["classes"],
    script:
        "../scripts/plot_inferred_vs_true.py"


rule plot_conditioned_generation:
    input:
        code=f"{SCRIPTS}/plot_conditioned_generation.py",
        model=first_joint_model("jtrvae", min(P1["angles"])),
        test=card_path("001", "test", min(P1["angles"])),
    output:
        figures=figure_outputs(
            "001_fig4_conditioned_generation",
            "001_fig4_conditioned_generation",
            "Fig. 4",
            "Paper 001",
        ),
        table=f"{TABLES}/001_fig4_conditioned_generation.csv",
    log:
        f"{LOGS}/plot/001_fig4_conditioned_generation.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        train_angle=min(P1["angles"]),
        generation_angles=P1["generation_angles"],
        classes=config["cards"]["classes"],
    script:
        "../scripts/plot_conditioned_generation.py"


rule plot_latent_manifolds:
    input:
        code=f"{SCRIPTS}/plot_latent_manifolds.py",
        models=[first_joint_model("jtrvae", a) for a in P1["angles"]],
        tests=[card_path("001", "test", angle) for angle in P1["angles"]],
    output:
        figure_outputs(
            "001_figS_latent_manifolds",
            "001_figS_latent_manifolds",
            "Figs. S1-S3",
            "Paper 001",
        ),
    log:
        f"{LOGS}/plot/001_figS_latent_manifolds.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        angles=P1["angles"],
        steps=P1["manifold_steps"],
        classes=config["cards"]["classes"],
    script:
        "../scripts/plot_latent_manifolds.py"


rule plot_disentanglement:
    input:
        code=f"{SCRIPTS}/plot_disentanglement.py",
        table=f"{TABLES}/001_disentanglement.csv",
    output:
        figure_outputs(
            "001_disentanglement",
            "001_disentanglement",
            "Beyond the paper",
            "Paper 001",
        ),
    log:
        f"{LOGS}/plot/001_disentanglement.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/plot_disentanglement.py"
