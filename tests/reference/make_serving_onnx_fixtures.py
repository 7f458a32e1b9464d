"""ONNX models and reference outputs for the server's ONNX tests (PyTorch 1.13 exports ONNX without the onnx package).

usage: /usr/bin/python3 tests/reference/make_serving_onnx_fixtures.py
Writes tests/NetLearn.Serving.Tests/Fixtures/{softmax_classifier.onnx, linear_regressor.onnx, onnx_reference.json}:
a 4 -> 3 softmax classifier (one [N, 4] float input "input", output "probabilities" [N, 3]) and a 4 -> 1 regressor
(four [N, 1] inputs, output "prediction" [N, 1]), with PyTorch's outputs for fixed inputs.
"""
import json
import os

import torch

torch.manual_seed(7)
out = os.path.join(os.path.dirname(__file__), "..", "NetLearn.Serving.Tests", "Fixtures")
os.makedirs(out, exist_ok=True)
x = torch.tensor([[5.1, 3.5, 1.4, 0.2], [7.0, 3.2, 4.7, 1.4], [6.3, 3.3, 6.0, 2.5], [0.0, -1.0, 2.5, 9.0]])

classifier = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Softmax(dim=1)).eval()
torch.onnx.export(classifier, x[:1], os.path.join(out, "softmax_classifier.onnx"), input_names=["input"], output_names=["probabilities"],
                  dynamic_axes={"input": {0: "n"}, "probabilities": {0: "n"}}, opset_version=13)


class Regressor(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(4, 1)

    def forward(self, a, b, c, d):
        return self.linear(torch.cat([a, b, c, d], dim=1))


regressor = Regressor().eval()
columns = [x[:, i:i + 1] for i in range(4)]
torch.onnx.export(regressor, tuple(c[:1] for c in columns), os.path.join(out, "linear_regressor.onnx"), input_names=["a", "b", "c", "d"], output_names=["prediction"],
                  dynamic_axes={**{n: {0: "n"} for n in "abcd"}, "prediction": {0: "n"}}, opset_version=13)

with torch.no_grad():
    reference = {
        "inputs": x.tolist(),
        "probabilities": classifier(x).tolist(),
        "regression": regressor(*columns)[:, 0].tolist(),
    }
with open(os.path.join(out, "onnx_reference.json"), "w") as f:
    json.dump(reference, f, indent=1)
