"""Serving load benchmark: NetLearn's server vs scikit-learn behind FastAPI+uvicorn and Flask+gunicorn, side by side.

Three steps, so that no build runs while timing and each timed step stays short:
  /usr/bin/python3 bench/serving/run.py prepare WORK            # data, peer models, NetLearn models (builds first)
  bench/quiet /usr/bin/python3 bench/serving/run.py measure WORK logistic [SECONDS]   # one model, all servers
  bench/quiet /usr/bin/python3 bench/serving/run.py measure WORK forest [SECONDS]
  /usr/bin/python3 bench/serving/run.py table WORK              # Markdown table for docs/benchmarks.md
Same data (5,000 x 10, 3 classes, seed 0), same model family on both sides (standardised logistic regression; a
100-tree random forest), same request body ({"rows": [...]} with 1 or 64 rows), same answer shape (labels, classes,
probabilities). wrk (2 threads; 1 for one connection) on loopback at 1, 16 and 64 connections. Every server may use
both cores: NetLearn is one process (thread pool), the Python servers run 2 workers. `measure` also times in-process
Predict on the same model in the same run (bench/NetLearn.ServingBench), and NetLearn's Open Inference Protocol REST
endpoint with the same 64 rows as one [64, F] FP64 tensor in the binary tensor data extension (labels and probabilities
asked for as binary outputs; post_binary.lua). With NETLEARN_BASELINE_CLI=path/to/netlearn.dll
an earlier build's server is measured too (before/after a change). NetLearn runs with DOTNET_TC_CallCountingDelayMs=0,
as the Dockerfile sets it.
"""
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "bench", "serving")
PY = "/usr/bin/python3"
CLI = os.path.join(ROOT, "src/NetLearn.Cli/bin/Release/net10.0/netlearn.dll")
INPROC = os.path.join(ROOT, "bench/NetLearn.ServingBench/bin/Release/net10.0/NetLearn.ServingBench.dll")
MODELS = {
    "logistic": ("logistic-regression", ["max_iter=1000"], "sklearn_logistic.pkl", "logistic regression"),
    "forest": ("random-forest-classifier", ["n_estimators=100", "random_state=0"], "sklearn_forest.pkl", "random forest, 100 trees"),
}
SERVERS = ["NetLearn", "FastAPI+uvicorn (2 workers)", "Flask+gunicorn (2 workers)"]
V2_BINARY = "NetLearn, V2 binary tensors"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url, body, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            req = urllib.request.Request(url, data=open(body, "rb").read(), headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=5) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def parse_wrk(text):
    def seconds(v):
        m = re.match(r"([\d.]+)(us|ms|s|m)", v)
        n = float(m.group(1))
        return n * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[m.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p50 = seconds(re.search(r"\s50%\s+(\S+)", text).group(1))
    p99 = seconds(re.search(r"\s99%\s+(\S+)", text).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket_errors = re.search(r"Socket errors: (.*)", text)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def wrk(url, body, connections, seconds, script="post.lua", header_length=None):
    env = dict(os.environ, BODY=body)
    if header_length is not None:
        env["HEADER_LENGTH"] = str(header_length)
    out = subprocess.run(["wrk", "-t", "2" if connections > 1 else "1", "-c", str(connections), "-d", f"{seconds}s", "--latency",
                          "-s", os.path.join(HERE, script), url], env=env, capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def binary_body(work, rows_file):
    """The rows of a named-column body as one Open Inference Protocol [N, F] FP64 tensor in binary form (JSON header,
    then the little-endian doubles), asking for both outputs as binary data. Returns (path, JSON header length)."""
    rows = json.load(open(rows_file))["rows"]
    columns = list(rows[0])
    data = struct.pack(f"<{len(rows) * len(columns)}d", *[row[c] for row in rows for c in columns])
    header = json.dumps({"inputs": [{"name": "input", "shape": [len(rows), len(columns)], "datatype": "FP64", "parameters": {"binary_data_size": len(data)}}],
                         "outputs": [{"name": "predictions", "parameters": {"binary_data": True}}, {"name": "probabilities", "parameters": {"binary_data": True}}]}).encode()
    path = os.path.join(work, f"body_{len(rows)}_v2.bin")
    with open(path, "wb") as f:
        f.write(header + data)
    return path, len(header)


def prepare(work):
    os.makedirs(work, exist_ok=True)
    subprocess.run([PY, os.path.join(HERE, "make_models.py"), work], check=True)
    for project in ("src/NetLearn.Cli/NetLearn.Cli.csproj", "bench/NetLearn.ServingBench/NetLearn.ServingBench.csproj"):
        subprocess.run([os.path.join(ROOT, "bench", "heavy"), "dotnet", "build", "-c", "Release", "-v", "q", "--nologo",
                        os.path.join(ROOT, project)], check=True, stdout=subprocess.DEVNULL)
    for name, (estimator, settings, _, _) in MODELS.items():
        command = ["dotnet", CLI, "train", "--data", os.path.join(work, "train.csv"), "--target", "target", "--model", estimator, "--test-size", "0", "--out", os.path.join(work, f"{name}.nlm")]
        for setting in settings:
            command += ["--set", setting]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def measure(work, model, seconds):
    estimator, _, pickle_file, _ = MODELS[model]
    nlm = os.path.join(work, f"{model}.nlm")
    bodies = {n: os.path.join(work, f"body_{n}.json") for n in (1, 64)}
    binary = binary_body(work, bodies[64])
    inproc = json.loads(subprocess.run(["dotnet", INPROC, "inproc", nlm, bodies[64], "3"], capture_output=True, text=True, check=True).stdout)
    servers = {
        "NetLearn": (["dotnet", CLI, "serve", "--model", nlm, "--name", "m", "--port", "{port}"], {}),
        "FastAPI+uvicorn (2 workers)": (["uvicorn", "python_app:fastapi_app", "--workers", "2", "--port", "{port}", "--log-level", "warning"], {"MODEL": os.path.join(work, pickle_file)}),
        "Flask+gunicorn (2 workers)": (["gunicorn", "-w", "2", "-b", "127.0.0.1:{port}", "--log-level", "warning", "python_app:flask_app"], {"MODEL": os.path.join(work, pickle_file)}),
    }
    if os.environ.get("NETLEARN_BASELINE_CLI"):
        # An earlier build of the server (e.g. the commit before a change), measured in the same run for a before/after.
        servers["NetLearn (baseline build)"] = (["dotnet", os.environ["NETLEARN_BASELINE_CLI"], "serve", "--model", nlm, "--name", "m", "--port", "{port}"], {})
    # NetLearn's servers run with the Dockerfile's JIT setting: tier up hot methods without the default 100 ms call-counting
    # delay, which steady load keeps extending (docs/decisions.md, issue 7).
    for name in servers:
        if name.startswith("NetLearn"):
            servers[name][1]["DOTNET_TC_CallCountingDelayMs"] = "0"
    results = []
    for name, (command, extra) in servers.items():
        port = free_port()
        command = [c.replace("{port}", str(port)) for c in command]
        process = subprocess.Popen(command, cwd=HERE, env=dict(os.environ, **extra), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}/v1/models/m:predict"
            wait_ready(url, bodies[1])
            for rows, body in bodies.items():
                wrk(url, body, 16, 2)  # warm-up (JIT, pools, caches)
                for connections in (1, 16, 64):
                    results.append(dict(wrk(url, body, connections, seconds), server=name, rows=rows, connections=connections))
            if name == "NetLearn":
                # The same 64 rows through the Open Inference Protocol's binary tensor data extension.
                v2 = f"http://127.0.0.1:{port}/v2/models/m/infer"
                wrk(v2, binary[0], 16, 2, "post_binary.lua", binary[1])
                for connections in (1, 16, 64):
                    results.append(dict(wrk(v2, binary[0], connections, seconds, "post_binary.lua", binary[1]), server=V2_BINARY, rows=64, connections=connections))
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    with open(os.path.join(work, f"results_{model}.json"), "w") as f:
        json.dump({"model": model, "seconds": seconds, "inproc": inproc, "results": results, "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}, f, indent=1)
    table(work, [model])


def table(work, models=None):
    for model in models or MODELS:
        path = os.path.join(work, f"results_{model}.json")
        if not os.path.exists(path):
            continue
        data = json.load(open(path))
        inproc = data["inproc"]["predict_rows_per_s"]
        results = {(r["server"], r["rows"], r["connections"]): r for r in data["results"]}
        print(f"**{MODELS[model][3]}** — in-process `Predict` (one calling thread, 64-row table): {inproc:,.0f} rows/s "
              f"(`Predict` + `PredictProba`: {data['inproc']['predict_and_proba_rows_per_s']:,.0f} rows/s); measured {data['when']}")
        print()
        print("| server | rows/request | connections | requests/s | rows/s | p50 ms | p99 ms | NetLearn ÷ this (req/s) | p99 NetLearn ≤ this | errors |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
        for (name, rows, connections), r in results.items():
            ours = results[("NetLearn", rows, connections)]
            mine = name in ("NetLearn", V2_BINARY)
            ratio = "" if mine else f"{ours['rps'] / r['rps']:.1f}×"
            p99_ok = "" if mine else ("yes" if ours["p99"] <= r["p99"] else "**no**")
            errors = f"{r['errors'] or ''} {r['socket_errors']}".strip()
            print(f"| {name} | {rows} | {connections} | {r['rps']:,.0f} | {r['rps'] * rows:,.0f} | {r['p50'] * 1000:.2f} | {r['p99'] * 1000:.2f} | {ratio} | {p99_ok} | {errors} |")
        print()
        for label, server in (("named-column JSON", "NetLearn"), ("V2 binary tensors", V2_BINARY)):
            if (server, 64, 1) in results:
                best = max(results[(server, 64, c)]["rps"] for c in (1, 16, 64)) * 64
                print(f"NetLearn server, 64-row requests, {label}: best {best:,.0f} rows/s = {best / inproc:.0%} of in-process `Predict` rows/s  ")
        print()


def main():
    command, work = sys.argv[1], sys.argv[2]
    if command == "prepare":
        prepare(work)
    elif command == "measure":
        measure(work, sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 5)
    elif command == "table":
        table(work)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
