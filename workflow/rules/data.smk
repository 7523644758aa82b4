# The synthetic cards data sets of both recipes, one job per data set.


rule make_cards:
    output:
        npz=f"{DATA}/{{name}}.npz",
        meta=f"{DATA}/{{name}}.json",
    log:
        f"{LOGS}/make_cards/{{name}}.log",
    conda:
        CONDA_ENV
    threads: 1
    resources:
        mem_mb=card_memory_mb,
        runtime=10,
    params:
        args=card_arguments,
    shell:
        "rotvae make-cards {params.args} --threads {threads} --out {output.npz} > {log} 2>&1"
