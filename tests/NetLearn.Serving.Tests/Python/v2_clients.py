"""Real third-party clients against a running NetLearn server (run by PythonClientTests).

usage: python3 v2_clients.py BASE_URL GRPC_HOST:PORT PROTO_DIR OUT_DIR
Prints one JSON object with what each client saw; the .NET test checks it.
"""
import json
import struct
import subprocess
import sys

import requests

base, grpc_target, proto_dir, out_dir = sys.argv[1:5]
result = {}

# REST with requests: the Open Inference Protocol as documented.
result["server"] = requests.get(f"{base}/v2", timeout=10).json()
result["live_status"] = requests.get(f"{base}/v2/health/live", timeout=10).status_code
result["metadata"] = requests.get(f"{base}/v2/models/iris", timeout=10).json()
body = {
    "id": "py-1",
    "inputs": [
        {"name": "sepal_length", "shape": [2], "datatype": "FP32", "data": [5.1, 6.3]},
        {"name": "sepal_width", "shape": [2], "datatype": "FP32", "data": [3.5, 3.3]},
        {"name": "petal_length", "shape": [2], "datatype": "FP32", "data": [1.4, 6.0]},
        {"name": "petal_width", "shape": [2], "datatype": "FP32", "data": [0.2, 2.5]},
    ],
}
r = requests.post(f"{base}/v2/models/iris/infer", json=body, timeout=10)
result["infer_status"] = r.status_code
result["infer"] = r.json()
bad = requests.post(f"{base}/v2/models/iris/infer", json={"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP64", "data": [1, 2, 3]}]}, timeout=10)
result["bad_status"] = bad.status_code
result["bad"] = bad.json()
tf = requests.post(f"{base}/v1/models/iris:predict", json={"instances": [[5.1, 3.5, 1.4, 0.2]]}, timeout=10)
result["tf"] = tf.json()

# REST binary tensor data extension, built with requests exactly as Triton's and KServe's published spec says
# (docs/protocol/extension_binary_data.md): "Tensor data represented as binary data is organized in little-endian byte
# order, row major, without stride or padding between elements. [...] For BYTES type an element is represented by a
# 4-byte unsigned integer giving the length followed by the actual bytes. The binary data for a tensor is delivered in the
# HTTP body after the JSON object" and "the Inference-Header-Content-Length header must be provided to give the length of
# the JSON object, and Content-Length continues to give the full body length".
raw = struct.pack("<8d", 5.1, 3.5, 1.4, 0.2, 6.3, 3.3, 6.0, 2.5)
header = json.dumps({
    "id": "py-bin",
    "inputs": [{"name": "input", "shape": [2, 4], "datatype": "FP64", "parameters": {"binary_data_size": len(raw)}}],
    "outputs": [{"name": "predictions", "parameters": {"binary_data": True}}, {"name": "probabilities", "parameters": {"binary_data": True}}],
}).encode()
r = requests.post(f"{base}/v2/models/iris/infer", data=header + raw, timeout=10,
                  headers={"Content-Type": "application/octet-stream", "Inference-Header-Content-Length": str(len(header))})
result["bin_status"] = r.status_code
result["bin_content_type"] = r.headers.get("Content-Type")
n = int(r.headers["Inference-Header-Content-Length"])
head, rest = json.loads(r.content[:n]), r.content[n:]
result["bin_id"] = head["id"]
for output in head["outputs"]:
    size = output["parameters"]["binary_data_size"]
    data, rest = rest[:size], rest[size:]
    if output["datatype"] == "BYTES":
        labels = []
        while data:
            (length,) = struct.unpack_from("<I", data)
            labels.append(data[4:4 + length].decode())
            data = data[4 + length:]
        result["bin_labels"] = labels
    else:
        result["bin_proba"] = list(struct.unpack(f"<{size // 8}d", data))
result["bin_left_over"] = len(rest)

# gRPC with stubs generated from the public proto by grpc_tools.
subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{proto_dir}", f"--python_out={out_dir}", f"--grpc_python_out={out_dir}", "grpc_predict_v2.proto"], check=True)
sys.path.insert(0, out_dir)
import grpc  # noqa: E402
import grpc_predict_v2_pb2 as pb  # noqa: E402
import grpc_predict_v2_pb2_grpc as pb_grpc  # noqa: E402

with grpc.insecure_channel(grpc_target) as channel:
    stub = pb_grpc.GRPCInferenceServiceStub(channel)
    result["grpc_live"] = stub.ServerLive(pb.ServerLiveRequest(), timeout=10).live
    result["grpc_ready"] = stub.ModelReady(pb.ModelReadyRequest(name="iris"), timeout=10).ready
    meta = stub.ModelMetadata(pb.ModelMetadataRequest(name="iris"), timeout=10)
    result["grpc_inputs"] = [t.name for t in meta.inputs]
    request = pb.ModelInferRequest(model_name="iris", id="g-1")
    tensor = request.inputs.add(name="input", datatype="FP64", shape=[2, 4])
    tensor.contents.fp64_contents.extend([5.1, 3.5, 1.4, 0.2, 6.3, 3.3, 6.0, 2.5])
    response = stub.ModelInfer(request, timeout=10)
    result["grpc_id"] = response.id
    result["grpc_labels"] = [b.decode() for b in response.outputs[0].contents.bytes_contents]
    result["grpc_proba"] = list(response.outputs[1].contents.fp64_contents)
    try:
        stub.ModelInfer(pb.ModelInferRequest(model_name="iris"), timeout=10)
        result["grpc_error"] = "none"
    except grpc.RpcError as e:
        result["grpc_error"] = e.code().name
        result["grpc_error_detail"] = e.details()

print(json.dumps(result))
