# Training: one job per (model, angle, training seed). A job killed midway resumes from
# its checkpoint when rerun; the checkpoint is removed once the model is written.


rule train_ss:
    input:
        labeled=card_path("000", "labeled", config["paper000"]["labeled"]["angle"]),
        unlabeled=f"{DATA}/000_unlabeled_a{{angle}}.npz",
        test=f"{DATA}/000_test_a{{angle}}.npz",
    output:
        model=f"{MODELS}/000/{{model}}_a{{angle}}_s{{replicate}}.pt",
        meta=f"{MODELS}/000/{{model}}_a{{angle}}_s{{replicate}}.json",
    log:
        f"{LOGS}/train/000/{{model}}_a{{angle}}_s{{replicate}}.log",
    wildcard_constraints:
        model="|".join(SS_MODELS),
    conda:
        CONDA_ENV
    threads: config["training"]["threads"]
    resources:
        mem_mb=3000,
        runtime=600,
        gpu=TRAINING_GPUS,
    params:
        args=lambda w: train_arguments_shell("000", w.model, int(w.replicate)),
        checkpoint=f"{CHECKPOINTS}/000/{{model}}_a{{angle}}_s{{replicate}}.pt",
    shell:
        "rotvae train {params.args} --labeled {input.labeled} --unlabeled {input.unlabeled} "
        "--test {input.test} --threads {threads} --checkpoint {params.checkpoint} "
        "--out {output.model} > {log} 2>&1"


rule train_joint:
    input:
        unlabeled=f"{DATA}/001_train_a{{angle}}.npz",
        test=f"{DATA}/001_test_a{{angle}}.npz",
    output:
        model=f"{MODELS}/001/{{model}}_a{{angle}}_s{{replicate}}.pt",
        meta=f"{MODELS}/001/{{model}}_a{{angle}}_s{{replicate}}.json",
    log:
        f"{LOGS}/train/001/{{model}}_a{{angle}}_s{{replicate}}.log",
    wildcard_constraints:
        model="|".join(JOINT_MODELS),
    conda:
        CONDA_ENV
    threads: config["training"]["threads"]
    resources:
        mem_mb=3000,
        runtime=600,
        gpu=TRAINING_GPUS,
    params:
        args=lambda w: train_arguments_shell("001", w.model, int(w.replicate)),
        checkpoint=f"{CHECKPOINTS}/001/{{model}}_a{{angle}}_s{{replicate}}.pt",
    shell:
        "rotvae train {params.args} --unlabeled {input.unlabeled} --test {input.test} "
        "--threads {threads} --checkpoint {params.checkpoint} --out {output.model} > {log} 2>&1"


rule models:
    input:
        [f"{MODELS}/{paper}/{name}.pt" for paper, name in trained_models(config)],
