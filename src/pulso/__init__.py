"""Pulso's shared package: configuration, schemas, label mapping, ids and the text normaliser.

It is bundled into every AWS artifact (Glue jobs, Lambdas, the SageMaker model), so it imports only the
standard library and must stay compatible with Python 3.9 (AWS Glue Python shell).
"""

__version__ = "0.1.0"
