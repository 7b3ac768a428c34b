"""Build a tiny Stable Diffusion pipeline with seeded random weights, for tests, benchmarks and the demo."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from generation.backends.diffusers_backend import IMAGE_ENCODER_FOLDER, IP_ADAPTER_SUBFOLDER, IP_ADAPTER_WEIGHT_NAME

_HIDDEN = 32
_MAX_TOKENS = 77
_BOS, _EOS = "<|startoftext|>", "<|endoftext|>"


def build_tiny_pipeline(folder: Path, *, seed: int = 0, with_ip_adapter: bool = False) -> Path:
    """Build a tiny random-weight StableDiffusionPipeline from `seed` and save it into `folder`."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from diffusers import StableDiffusionPipeline

    folder = Path(folder)
    # fork_rng keeps the caller's global RNG untouched while weights are drawn from `seed`.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        pipeline: Any = StableDiffusionPipeline(
            unet=_unet(),
            vae=_vae(),
            text_encoder=_text_encoder(),
            tokenizer=_tokenizer(),
            scheduler=_scheduler(),
            safety_checker=None,
            feature_extractor=None,
            image_encoder=None,
            requires_safety_checker=False,
        )
        pipeline.save_pretrained(folder, safe_serialization=True)
        if with_ip_adapter:
            _save_ip_adapter(folder, pipeline.unet)
    return folder


def build_tiny_animatediff(folder: Path, *, seed: int = 0, with_ip_adapter: bool = False) -> Path:
    """Build a tiny random-weight AnimateDiffPipeline (a 2-block UNet and a small motion adapter) into `folder`."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from diffusers import AnimateDiffPipeline, MotionAdapter

    folder = Path(folder)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        adapter = MotionAdapter(block_out_channels=(32, 64), motion_layers_per_block=2, motion_norm_num_groups=2,
                                motion_num_attention_heads=4)
        pipeline: Any = AnimateDiffPipeline(
            unet=_unet(layers=2, norm_groups=2, cross_attention_first=True), motion_adapter=adapter, vae=_vae(),
            text_encoder=_text_encoder(), tokenizer=_tokenizer(), scheduler=_scheduler(), feature_extractor=None,
            image_encoder=None,
        )
        pipeline.save_pretrained(folder, safe_serialization=True)
        if with_ip_adapter:
            _save_ip_adapter(folder, pipeline.unet)
    return folder


def _unet(*, layers: int = 1, norm_groups: int = 32, cross_attention_first: bool = False) -> Any:
    from diffusers import UNet2DConditionModel

    return UNet2DConditionModel(
        sample_size=8,
        in_channels=4,
        out_channels=4,
        block_out_channels=(32, 64),
        layers_per_block=layers,
        # AnimateDiff's motion UNet takes the cross-attention block first, as its own tests build it.
        down_block_types=(("CrossAttnDownBlock2D", "DownBlock2D") if cross_attention_first
                          else ("DownBlock2D", "CrossAttnDownBlock2D")),
        up_block_types=(("UpBlock2D", "CrossAttnUpBlock2D") if cross_attention_first
                        else ("CrossAttnUpBlock2D", "UpBlock2D")),
        cross_attention_dim=_HIDDEN,
        attention_head_dim=8,
        norm_num_groups=norm_groups,
    )


def _vae() -> Any:
    from diffusers import AutoencoderKL

    # Four blocks give the standard 8x latent downscale, so 64x64 images map to 8x8 latents.
    return AutoencoderKL(
        in_channels=3,
        out_channels=3,
        latent_channels=4,
        block_out_channels=(8, 16, 16, 16),
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        layers_per_block=1,
        norm_num_groups=8,
        sample_size=64,
    )


def _scheduler() -> Any:
    from diffusers import DDIMScheduler

    return DDIMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        clip_sample=False,
        set_alpha_to_one=False,
        steps_offset=1,
    )


def _vocabulary() -> dict[str, int]:
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    symbols = sorted(bytes_to_unicode().values())
    tokens = [_BOS, _EOS, *symbols, *(f"{symbol}</w>" for symbol in symbols)]
    return {token: index for index, token in enumerate(tokens)}


def _tokenizer() -> Any:
    from transformers import CLIPTokenizer

    # An empty merge list makes every word a sequence of byte symbols: tiny, yet prompt-sensitive.
    return CLIPTokenizer(vocab=_vocabulary(), merges=[], model_max_length=_MAX_TOKENS)


def _text_encoder() -> Any:
    from transformers import CLIPTextConfig, CLIPTextModel

    vocabulary = _vocabulary()
    config = CLIPTextConfig(
        vocab_size=len(vocabulary),
        hidden_size=_HIDDEN,
        intermediate_size=37,
        num_hidden_layers=2,
        num_attention_heads=4,
        max_position_embeddings=_MAX_TOKENS,
        bos_token_id=vocabulary[_BOS],
        eos_token_id=vocabulary[_EOS],
        pad_token_id=vocabulary[_EOS],
        projection_dim=_HIDDEN,
    )
    return CLIPTextModel(config)


def _image_encoder() -> Any:
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    config = CLIPVisionConfig(
        hidden_size=_HIDDEN,
        intermediate_size=37,
        projection_dim=_HIDDEN,
        num_hidden_layers=2,
        num_attention_heads=4,
        image_size=32,
        patch_size=4,
    )
    return CLIPVisionModelWithProjection(config)


def _save_ip_adapter(folder: Path, unet: Any) -> None:
    from safetensors.torch import save_file

    target = folder / IP_ADAPTER_SUBFOLDER
    _image_encoder().save_pretrained(target / IMAGE_ENCODER_FOLDER, safe_serialization=True)
    save_file(_ip_adapter_tensors(unet), str(target / IP_ADAPTER_WEIGHT_NAME))


def _ip_adapter_tensors(unet: Any) -> dict[str, Any]:
    """Return seeded weights in the original IP-Adapter layout that `load_ip_adapter` converts."""
    import torch

    tokens = 4
    tensors = {
        "image_proj.proj.weight": torch.randn(tokens * _HIDDEN, _HIDDEN) * 0.2,
        "image_proj.proj.bias": torch.zeros(tokens * _HIDDEN),
        "image_proj.norm.weight": torch.ones(_HIDDEN),
        "image_proj.norm.bias": torch.zeros(_HIDDEN),
    }
    # A motion UNet's temporal attention takes no image tokens: the adapter skips it, as diffusers' loader does.
    cross_attention = [name for name in unet.attn_processors
                       if name.endswith("attn2.processor") and "motion_modules" not in name]
    for index, name in enumerate(cross_attention):
        width = _hidden_size(unet, name)
        # diffusers numbers cross-attention processors 1, 3, 5, ... in the original checkpoint layout.
        key = 1 + 2 * index
        tensors[f"ip_adapter.{key}.to_k_ip.weight"] = torch.randn(width, _HIDDEN) * 0.2
        tensors[f"ip_adapter.{key}.to_v_ip.weight"] = torch.randn(width, _HIDDEN) * 0.2
    return tensors


def _hidden_size(unet: Any, processor_name: str) -> int:
    channels = list(unet.config.block_out_channels)
    if processor_name.startswith("mid_block"):
        return channels[-1]
    block = int(processor_name.split(".")[1])
    if processor_name.startswith("up_blocks"):
        return list(reversed(channels))[block]
    return channels[block]
