"""scikit-learn behind a Python web framework, the way many teams serve a model today.

The same request and answer as NetLearn's named-column JSON: POST /v1/models/m:predict with {"rows": [{...}]} ->
{"model", "predictions", "classes", "probabilities"}. MODEL names the pickled pipeline.
FastAPI:  uvicorn python_app:fastapi_app --workers 2      Flask: gunicorn -w 2 python_app:flask_app
"""
import os
import pickle

import pandas as pd

with open(os.environ["MODEL"], "rb") as f:
    MODEL = pickle.load(f)
COLUMNS = list(MODEL.feature_names_in_)
CLASSES = [str(c) for c in MODEL.classes_]


def predict(body):
    frame = pd.DataFrame(body["rows"], columns=COLUMNS)
    return {
        "model": "m",
        "predictions": [str(p) for p in MODEL.predict(frame)],
        "classes": CLASSES,
        "probabilities": MODEL.predict_proba(frame).tolist(),
    }


from fastapi import FastAPI  # noqa: E402

fastapi_app = FastAPI()


@fastapi_app.post("/v1/models/m:predict")
def fastapi_predict(body: dict):
    return predict(body)


from flask import Flask, jsonify, request  # noqa: E402

flask_app = Flask(__name__)


@flask_app.post("/v1/models/m:predict")
def flask_predict():
    return jsonify(predict(request.get_json()))
