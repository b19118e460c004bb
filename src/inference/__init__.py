"""Sentiment inference: the SageMaker handler functions and the batch predictor behind them.

SageMaker's PyTorch container imports the module named by SAGEMAKER_PROGRAM (default `inference.py`) from
the model's `code/` folder; this package is that module, so its handler functions are found by name.
"""

from inference.handler import input_fn, model_fn, output_fn, predict_fn
from inference.predictor import SentimentPredictor, priority_score

__all__ = ["SentimentPredictor", "input_fn", "model_fn", "output_fn", "predict_fn", "priority_score"]
