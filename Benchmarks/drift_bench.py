"""Drift benchmark (`make bench`): 100,000 reference + 100,000 current vectors of 384 dimensions
(float32), Vigil's `vigil drift files` beside numpy/scipy computing the same specification on the same data, each in its own
process under /usr/bin/time -v for peak memory. Runs are interleaved and repeated; the table shows the
fastest and the median run.

Vigil reads the reference file whole (deciles need every value) and streams the current file in
chunks of 4,096 vectors through DriftWindow. numpy loads both windows (float32), widens them to
float64 and computes the same steps with BLAS/LAPACK (syrk, eigh, gemm, quantile, searchsorted); its
noise floor is the same permutation test, written for speed (the Gram matrix and scipy's eigh for
the top 10 only), and must agree with Vigil's report to 1e-6.

OPENBLAS_CORETYPE: this machine sets it (Haswell kernels) for the sake of older OpenBLAS builds such
as Debian's 0.3.21, which Vigil links. numpy's own OpenBLAS is newer; it runs once as the machine
is set and once with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (its own choice of kernel).

    Tests/e2e/.venv-proto/bin/python Benchmarks/drift_bench.py --vigil .build/release/vigil [--repeat 3] [--count 100000] [--dimension 384]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "Tests", "e2e"))


def numpy_worker(ref_path, cur_path, dimension, permutations):
    """The specification in numpy, timed step by step; prints one JSON line."""
    import scipy.linalg
    import drift_oracle as o
    from threadpoolctl import threadpool_info

    started = time.perf_counter()
    R32 = np.fromfile(ref_path, dtype="<f4").reshape(-1, dimension)
    C32 = np.fromfile(cur_path, dtype="<f4").reshape(-1, dimension)
    loaded = time.perf_counter()

    R = R32.astype(np.float64)
    mean_ref = R.mean(axis=0)
    R -= mean_ref
    scatter = R.T @ R
    values, vectors = np.linalg.eigh(scatter)
    chosen = o.keep(values)
    loadings = o.signed(vectors[:, chosen].T)
    ratios = values[chosen] / np.trace(scatter)
    ref_proj = R @ loadings.T
    del R
    C = C32.astype(np.float64)
    mean_cur = C.mean(axis=0)
    C -= mean_ref
    cur_proj = C @ loadings.T
    del C
    psis = []
    for c in range(len(chosen)):
        edges = np.quantile(ref_proj[:, c], o.LEVELS)
        p = o.proportions(ref_proj[:, c], edges)
        q = o.proportions(cur_proj[:, c], edges)
        psis.append(o.distances(p, q))
    psi = np.array([x[0] for x in psis])
    euclidean = float(np.linalg.norm(mean_cur - mean_ref))
    core = time.perf_counter()

    # The permutation test as the oracle specifies it, with a Gram-matrix PCA for speed.
    def gram_mean_psi(reference, current, scalar):
        mean = reference.mean(axis=0)
        X = reference - mean
        gram = X @ X.T
        k = min(o.MAX_COMPONENTS, dimension)
        w, u = scipy.linalg.eigh(gram, subset_by_index=[len(gram) - k, len(gram) - 1])
        w, u = w[::-1], u[:, ::-1]
        keep = w > o.RELATIVE_VARIANCE_FLOOR * w[0]
        v = X.T @ u[:, keep]
        v = o.signed((v / np.linalg.norm(v, axis=0)).T)
        rp, cp = X @ v.T, (current - mean) @ v.T
        total = 0.0
        for c in range(v.shape[0]):
            edges = np.quantile(rp[:, c], o.LEVELS)
            total += o.distances(o.proportions(rp[:, c], edges), o.proportions(cp[:, c], edges))[0]
        return total / v.shape[0]

    noise_floor, p_value = o.noise(R32, C32, False, permutations, 300, o.DEFAULT_SEED, statistic=gram_mean_psi)
    done = time.perf_counter()
    kernels = sorted({f"{i['internal_api']} {i.get('version')} {i.get('architecture')} x{i['num_threads']}" for i in threadpool_info()})
    print(json.dumps({
        "load": loaded - started, "core": core - loaded, "noise": done - core, "total": done - started,
        "psi_mean": float(psi.mean()), "kl_mean": float(np.mean([x[1] for x in psis])),
        "centroid_euclidean": euclidean, "explained_variance_ratio_0": float(ratios[0]),
        "noise_floor": noise_floor, "p_value": p_value, "kernels": kernels,
    }))


def peak_rss_mib(stderr):
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return int(match.group(1)) / 1024 if match else float("nan")


def run_vigil(binary, ref_path, cur_path, dimension):
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-v", binary, "drift", "files", "--reference-f32", ref_path, "--current-f32", cur_path,
                             "--dimension", str(dimension), "--timing"], capture_output=True, text=True)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    timing = dict((k, float(v)) for k, v in re.findall(r"(\w+) ([\d.]+) s", result.stderr))
    return {"wall": wall, "rss": peak_rss_mib(result.stderr), "timing": timing, "report": json.loads(result.stdout)}


def run_numpy(ref_path, cur_path, dimension, permutations, own_kernel):
    env = dict(os.environ)
    if own_kernel:
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-v", sys.executable, os.path.abspath(__file__), "--numpy-worker",
                             ref_path, cur_path, str(dimension), str(permutations)], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    return {"wall": wall, "rss": peak_rss_mib(result.stderr), "timing": json.loads(result.stdout)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vigil", default=os.path.join(HERE, "..", ".build", "release", "vigil"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--dimension", type=int, default=384)
    parser.add_argument("--numpy-worker", nargs=4)
    args = parser.parse_args()
    if args.numpy_worker:
        ref_path, cur_path, dimension, permutations = args.numpy_worker
        numpy_worker(ref_path, cur_path, int(dimension), int(permutations))
        return 0

    import drift_datagen as datagen
    with tempfile.TemporaryDirectory(prefix="vigil-drift-bench-") as folder:
        rng = np.random.default_rng(1)
        space = datagen.embedding_space(rng, args.dimension)
        ref_path, cur_path = os.path.join(folder, "reference.f32"), os.path.join(folder, "current.f32")
        for path, weights in ((ref_path, None), (cur_path, datagen.shifted_weights(6))):
            with open(path, "wb") as out:  # written in slices to keep the generator's memory small
                for start in range(0, args.count, 10_000):
                    datagen.embeddings(rng, space, min(10_000, args.count - start), weights).astype("<f4").tofile(out)
        vigil, numpy_env, numpy_own = [], [], []
        for _ in range(args.repeat):
            vigil.append(run_vigil(args.vigil, ref_path, cur_path, args.dimension))
            numpy_env.append(run_numpy(ref_path, cur_path, args.dimension, 200, False))
            numpy_own.append(run_numpy(ref_path, cur_path, args.dimension, 200, True))

    report = vigil[0]["report"]
    for name, runs in (("numpy (machine env)", numpy_env), ("numpy (own kernel)", numpy_own)):
        t = runs[0]["timing"]
        for key in ("psi_mean", "kl_mean", "centroid_euclidean", "noise_floor", "p_value"):
            if abs(t[key] - report[key]) > 1e-6 * max(1, abs(t[key])):
                raise SystemExit(f"{name} disagrees with Vigil on {key}: {t[key]} vs {report[key]}")
        if abs(t["explained_variance_ratio_0"] - report["components"][0]["explained_variance_ratio"]) > 1e-6:
            raise SystemExit(f"{name} disagrees with Vigil on the explained variance")

    def row(name, walls, cores, noises, rsses):
        return (f"{name:<28} {min(walls):7.2f} {statistics.median(walls):7.2f}   {min(cores):7.2f} {min(noises):7.2f}"
                f"   {max(rsses):8.0f}")

    print(f"{args.count:,} + {args.count:,} vectors × {args.dimension} (float32), {args.repeat} interleaved runs each; "
          f"psi_mean {report['psi_mean']:.4f}, noise floor {report['noise_floor']:.5f}, p {report['p_value']:.4f}, "
          f"drifted {report['drifted']}; numpy agrees with Vigil to 1e-6")
    print(f"{'':<28} {'wall s':>15}   {'compute s (best)':>15}   {'peak RSS'}")
    print(f"{'':<28} {'best':>7} {'median':>7}   {'method':>7} {'noise':>7}   {'MiB':>8}")
    print(row("Vigil (vigil drift files)", [r["wall"] for r in vigil],
              [r["timing"]["fit_reference"] + r["timing"]["stream_current"] for r in vigil],
              [r["timing"]["report_and_noise"] for r in vigil], [r["rss"] for r in vigil]))
    for name, runs in (("numpy/scipy (machine env)", numpy_env), ("numpy/scipy (own kernel)", numpy_own)):
        print(row(name, [r["wall"] for r in runs], [r["timing"]["core"] for r in runs],
                  [r["timing"]["noise"] for r in runs], [r["rss"] for r in runs]))
    print("method = PCA, projection, deciles, binning and distances (Vigil: fit_reference + stream_current, "
          "including reading the current file; numpy: after loading); noise = the 200-permutation test; "
          "wall = the whole process, loading included.")
    print("numpy kernels: " + "; ".join(numpy_env[0]["timing"]["kernels"]) + " | own: " + "; ".join(numpy_own[0]["timing"]["kernels"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
