"""Loading the base model and tokenizer (local paths only), device and dtype choice, the default
model's tokenizer and architecture.

No network, ever: everything loads with local_files_only=True, safetensors only, and no
trust_remote_code unless the config asks for it. The loaded model is cached per process, since a
worker solves many tasks with the same weights.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from ttt.format import DEFAULT_FORMAT, FormatError, TextFormat, check_tokenizer, fit_format
from ttt.positions import install_positions

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_MODEL_DIR = PACKAGE_DIR / "assets" / "default_model"
SPECIAL_TOKENS = ("<pad>", "<s>", "</s>", "<unk>")


def plain(cfg: Any) -> dict:
    """A config as plain containers (Hydra may hand over a DictConfig); None is empty."""
    if cfg is None:
        return {}
    if isinstance(cfg, dict):
        return cfg
    from omegaconf import OmegaConf

    return OmegaConf.to_container(cfg, resolve=True)  # type: ignore[return-value]


def strict_config(cls, d: dict | None, what: str):
    """Build dataclass `cls` from a config dict, naming any key it does not know (a typo in a
    Hydra override should fail loudly, not be ignored)."""
    d = dict(d or {})
    unknown = set(d) - set(cls.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown {what} keys: {sorted(unknown)}")
    return cls(**d)


@dataclass
class ModelConfig:
    """The `model` config group."""

    path: str = "assets/default_model"
    device: str = "auto"  # auto | cpu | cuda | cuda:N
    dtype: str = "auto"  # auto | float32 | bfloat16 | float16
    max_length: int | None = None  # context limit; None = the model's max_position_embeddings
    trust_remote_code: bool = False
    input_marker: str = "I"
    output_marker: str = "O"
    end_marker: str = "E"
    cell_separator: str | None = None  # None: what the model's tokenizer needs (fit_format)

    @classmethod
    def from_dict(cls, d: dict | None) -> ModelConfig:
        return strict_config(cls, d, "model config")

    @property
    def fmt(self) -> TextFormat:
        """The grid format. With cell_separator None, the first separator (none, space, comma)
        under which the tokenizer at `path` keeps one token per cell: a tokenizer that groups
        digits (Llama-3) gets `0 1 2` rows instead of a refusal."""
        base = TextFormat(
            self.input_marker, self.output_marker, self.end_marker, self.cell_separator or ""
        )
        if self.cell_separator is not None:
            return base
        return _fitted_format(str(resolve_path(self.path)), base, self.trust_remote_code)


@functools.cache
def _fitted_format(path: str, base: TextFormat, trust_remote_code: bool) -> TextFormat:
    """`base` with the separator the tokenizer at `path` needs (cached per process); `base` when
    there is no tokenizer there or none fits (load_model then names the problem)."""
    if not any((Path(path) / f).exists() for f in ("tokenizer.json", "tokenizer_config.json")):
        return base
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(
        path, local_files_only=True, trust_remote_code=trust_remote_code
    )
    try:
        return fit_format(tok, base)
    except FormatError:
        return base


def resolve_path(path: str | Path) -> Path:
    """Absolute paths stay; a relative one names the ttt package's copy when that exists (so the
    shipped model is found from any working directory), else the current directory's when that
    exists, else the package's (where a new export goes)."""
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    in_package, in_cwd = PACKAGE_DIR / p, Path.cwd() / p
    if not in_package.exists() and in_cwd.exists():
        return in_cwd
    return in_package


def weights_digest(path: str | Path) -> str:
    """A cheap identity of a model directory's weights (names, sizes, first and last MiB), so
    that retrained weights under the same path count as a different model."""
    import hashlib

    h = hashlib.sha256()
    files = sorted(resolve_path(path).glob("*.safetensors"))
    for f in files:
        size = f.stat().st_size
        h.update(f"{f.name}:{size}".encode())
        with open(f, "rb") as fh:
            h.update(fh.read(1 << 20))
            fh.seek(max(0, size - (1 << 20)))
            h.update(fh.read())
    return h.hexdigest()[:16] if files else "no weights"


def pick_device(pref: str = "auto") -> torch.device:
    """'auto' takes CUDA when present, else the CPU."""
    if pref == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(pref)


def pick_dtype(pref: str, device: torch.device) -> torch.dtype:
    """'auto' is bfloat16 on GPU, and on a CPU that runs bfloat16 natively, where bf16 base
    weights (LoRA adapters stay float32) measured 2-3x faster than float32 for training and
    batched decoding (python -m ttt.bench); float32 on a CPU without it (AVX2 only: emulated
    bf16 trained a 3.9M model about 13x slower than float32)."""
    if pref == "auto":
        return torch.bfloat16 if device.type != "cpu" or cpu_bf16_is_fast() else torch.float32
    return {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[pref]


@functools.cache
def cpu_bf16_is_fast() -> bool:
    """Whether this CPU multiplies bfloat16 matrices at least as fast as float32 (a few ms of
    timing, once per process): native bf16 (AVX512-BF16, AMX) versus emulation."""
    a = torch.randn(256, 512)
    b = torch.randn(512, 512)

    def seconds(dtype: torch.dtype) -> float:
        x, y = a.to(dtype), b.to(dtype)
        x @ y  # warm-up
        t0 = time.perf_counter()
        for _ in range(5):
            x @ y
        return time.perf_counter() - t0

    return seconds(torch.bfloat16) <= seconds(torch.float32)


def build_default_tokenizer(fmt: TextFormat = DEFAULT_FORMAT):
    """The default model's tokenizer: specials, the 10 digits, newline and the 3 markers, each one
    token (a BPE with no merges is exactly a character-level tokenizer with offsets)."""
    from tokenizers import Tokenizer, decoders, models
    from transformers import PreTrainedTokenizerFast

    chars = [*"0123456789", "\n", fmt.input_marker, fmt.output_marker, fmt.end_marker]
    vocab = {t: i for i, t in enumerate([*SPECIAL_TOKENS, *chars])}
    core = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token="<unk>"))
    core.decoder = decoders.Fuse()  # join tokens without spaces
    return PreTrainedTokenizerFast(
        tokenizer_object=core,
        pad_token="<pad>",
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
        model_max_length=1 << 20,
    )


def default_llama_config(vocab_size: int, tok=None, **arch):
    """A small Llama (RoPE, SwiGLU, RMSNorm). `arch` keys: hidden_size, num_hidden_layers,
    num_attention_heads, num_key_value_heads, intermediate_size, max_position_embeddings (the
    token context), rope_theta, head_dim, positions (linear, grid or dihedral: see
    ttt.positions)."""
    from transformers import LlamaConfig

    kw = dict(
        hidden_size=256,
        num_hidden_layers=6,
        num_attention_heads=8,
        num_key_value_heads=8,
        intermediate_size=512,
        max_position_embeddings=2048,
        tie_word_embeddings=True,
    )
    kw.update(arch)
    rope_theta = kw.pop("rope_theta", 10000.0)
    positions = kw.pop("positions", "linear")
    rope = {"rope_type": "default", "rope_theta": float(rope_theta)}
    if positions in ("grid", "dihedral"):
        # ttt.positions: token context stays max_position_embeddings, position ids go far beyond
        kw["arc_positions"], kw["arc_max_tokens"] = positions, kw["max_position_embeddings"]
        kw["max_position_embeddings"] = 1 << 15
    elif positions != "linear":
        raise ValueError(f"arch.positions {positions!r}: grid, dihedral or linear")
    cfg = LlamaConfig(vocab_size=vocab_size, rope_parameters=rope, **kw)
    if tok is not None:
        cfg.pad_token_id, cfg.bos_token_id = tok.pad_token_id, tok.bos_token_id
        cfg.eos_token_id = tok.eos_token_id
    return cfg


def new_model(vocab_size: int, tok=None, **arch):
    """A freshly initialised model of `default_llama_config`, with its position scheme's rotary
    module in place (every new model goes through here: a dihedral model built without it would
    read its packed position ids as plain ones)."""
    from transformers import LlamaForCausalLM

    return install_positions(LlamaForCausalLM(default_llama_config(vocab_size, tok, **arch)))


def context_of(model) -> int:
    """The model's token context: `arc_max_tokens` for a grid-position model (its position ids
    run past it), else max_position_embeddings."""
    c = model.config
    return int(getattr(c, "arc_max_tokens", None) or getattr(c, "max_position_embeddings", 2048))


_CACHE: dict[tuple, tuple] = {}


def load_model(cfg: ModelConfig | dict) -> tuple:
    """(model, tokenizer, context_length) from a local HF directory, cached per process. The model
    is in eval mode with every base parameter frozen. Raises FileNotFoundError for a missing path
    and FormatError when the tokenizer does not keep one token per cell."""
    if isinstance(cfg, dict):
        cfg = ModelConfig.from_dict(cfg)
    path = resolve_path(cfg.path)
    device = pick_device(cfg.device)
    dtype = pick_dtype(cfg.dtype, device)
    key = (str(path), str(device), str(dtype), cfg.trust_remote_code)
    if key in _CACHE:  # the weights are shared; the context limit is each config's own
        model, tok = _CACHE[key]
        return model, tok, cfg.max_length or context_of(model)
    if not (path / "config.json").exists():
        raise FileNotFoundError(
            f"no model at {path} (config.json missing); train one with arc-pretrain or set "
            f"model.path to a local Hugging Face causal LM directory"
        )
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # one bar per worker load is noise in run logs

    tok = AutoTokenizer.from_pretrained(
        str(path), local_files_only=True, trust_remote_code=cfg.trust_remote_code
    )
    check_tokenizer(tok, cfg.fmt)
    if tok.pad_token_id is None:
        tok.pad_token = tok.eos_token
    model = AutoModelForCausalLM.from_pretrained(
        str(path),
        local_files_only=True,
        trust_remote_code=cfg.trust_remote_code,
        use_safetensors=True,
        dtype=dtype,
    )
    install_positions(model).to(device).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    ctx = cfg.max_length or context_of(model)
    log.info("loaded %s on %s (%s), context %d", path, device, dtype, ctx)
    _CACHE[key] = (model, tok)
    return model, tok, ctx


def end_token_ids(tok, fmt: TextFormat) -> list[int]:
    """Token ids that stop generation: the end marker's token(s) and EOS."""
    ids = {tok.convert_tokens_to_ids(fmt.end_marker)}
    if tok.eos_token_id is not None:
        ids.add(tok.eos_token_id)
    ids.discard(tok.unk_token_id)
    ids.discard(None)
    return sorted(ids)
