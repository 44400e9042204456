"""Test-time training solver: a fresh LoRA adapter per task, augmented inference, voting.

Modules, in the order data flows through them:

- format.py   grid <-> text (one character per cell, one newline per row, I/O/E markers); loss
              spans as character offsets; tokenizer check (one token per cell)
- augment.py  invertible views: 8 symmetries, colour permutations, demo order
- data.py     leave-one-out (+ leave-two-out) TTT examples, de-duplicated, token-limited, capped
- model.py    offline loading of any local HF causal LM (cached per process), the default
              tokenizer and Llama architecture, device/dtype choice
- train.py    fresh LoRA per task, AdamW + cosine, time-capped; detached without merging
- decode.py   batched greedy / threshold depth-first decoding, held to a grid shape; decode rates
- infer.py    predictions under augmented views, mapped back
- poe.py      product-of-experts score of any candidate grid across views
- vote.py     hierarchical voting into ranked Candidates
- discover.py optional test-time RL after supervised TTT: entropic objective, rewards from
              held-out demos (`ttt.discover.share`, `ttt=discover`)
- solver.py   TTTSolver (conf/solver/ttt.yaml)
- pretrain.py pre-training the default model from scratch (arc-pretrain, conf/pretrain.yaml)
- pack.py     pre-training sequences packed into rows (block-diagonal masks)
- checkpoint.py pre-training state: exact checkpoint, committable weights, resume
- bench.py    `python -m ttt.bench`: LoRA training and generation throughput
"""
