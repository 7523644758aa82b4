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
