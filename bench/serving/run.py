"""Serving load benchmark: NetLearn's server vs scikit-learn behind FastAPI+uvicorn and Flask+gunicorn, side by side.

usage: flock /tmp/netlearn-bench.lock /usr/bin/python3 bench/serving/run.py [SECONDS_PER_RUN]
Same data, same model family (standardised logistic regression, 10 features, 3 classes), same request body
({"rows": [...]} with 1 or 64 rows), same answer shape. wrk (2 threads) on loopback at 1, 16 and 64 connections.
Every server may use both cores: NetLearn is one process (thread pool), the Python servers run 2 workers.
Prints a Markdown table for docs/benchmarks.md.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "bench", "serving")
SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
PY = "/usr/bin/python3"


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
    return rps, p50, p99, (int(errors.group(1)) if errors else 0), (socket_errors.group(1) if socket_errors else "")


def wrk(url, body, connections):
    env = dict(os.environ, BODY=body)
    out = subprocess.run(["wrk", "-t", "2" if connections > 1 else "1", "-c", str(connections), "-d", f"{SECONDS}s", "--latency", "-s", os.path.join(HERE, "post.lua"), url],
                         env=env, capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def main():
    work = tempfile.mkdtemp(prefix="netlearn-serving-bench-")
    subprocess.run([PY, os.path.join(HERE, "make_models.py"), work], check=True)
    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "q", "--nologo", os.path.join(ROOT, "src/NetLearn.Cli/NetLearn.Cli.csproj")], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "q", "--nologo", os.path.join(ROOT, "bench/NetLearn.ServingBench/NetLearn.ServingBench.csproj")], check=True, stdout=subprocess.DEVNULL)
    cli = os.path.join(ROOT, "src/NetLearn.Cli/bin/Release/net10.0/netlearn.dll")
    model = os.path.join(work, "m.nlm")
    subprocess.run(["dotnet", cli, "train", "--data", os.path.join(work, "train.csv"), "--target", "target", "--model", "logistic-regression", "--test-size", "0", "--set", "max_iter=1000", "--out", model], check=True, stdout=subprocess.DEVNULL)
    bodies = {n: os.path.join(work, f"body_{n}.json") for n in (1, 64)}

    inproc = float(subprocess.run(["dotnet", os.path.join(ROOT, "bench/NetLearn.ServingBench/bin/Release/net10.0/NetLearn.ServingBench.dll"), model, bodies[64], "3"],
                                  capture_output=True, text=True, check=True).stdout.strip())

    servers = {}
    p = free_port()
    servers["NetLearn"] = (["dotnet", cli, "serve", "--model", model, "--name", "m", "--port", str(p)], p, {})
    p = free_port()
    servers["FastAPI+uvicorn (2 workers)"] = (["uvicorn", "python_app:fastapi_app", "--workers", "2", "--port", str(p), "--log-level", "warning"], p, {"MODEL": os.path.join(work, "sklearn_logistic.pkl")})
    p = free_port()
    servers["Flask+gunicorn (2 workers)"] = (["gunicorn", "-w", "2", "-b", f"127.0.0.1:{p}", "--log-level", "warning", "python_app:flask_app"], p, {"MODEL": os.path.join(work, "sklearn_logistic.pkl")})

    results = {}
    for name, (command, port, extra) in servers.items():
        env = dict(os.environ, **extra)
        process = subprocess.Popen(command, cwd=HERE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}/v1/models/m:predict"
            wait_ready(url, bodies[1])
            for rows, body in bodies.items():
                wrk(url, body, 16)  # warm-up
                for connections in (1, 16, 64):
                    results[(name, rows, connections)] = wrk(url, body, connections)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)

    print(f"In-process Predict+PredictProba, 64-row batches: {inproc:,.0f} rows/s")
    print()
    print("| server | rows/request | connections | requests/s | rows/s | p50 ms | p99 ms | NetLearn req/s ÷ this | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for (name, rows, connections), (rps, p50, p99, errors, socket_errors) in results.items():
        ours = results[("NetLearn", rows, connections)][0]
        print(f"| {name} | {rows} | {connections} | {rps:,.0f} | {rps * rows:,.0f} | {p50 * 1000:.2f} | {p99 * 1000:.2f} | {ours / rps:.1f}× | {errors or ''} {socket_errors} |")
    best64 = max(results[("NetLearn", 64, c)][0] for c in (1, 16, 64)) * 64
    print()
    print(f"NetLearn server, 64-row requests: best {best64:,.0f} rows/s = {best64 / inproc:.0%} of in-process Predict rows/s")


if __name__ == "__main__":
    main()
