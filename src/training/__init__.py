"""The sentiment model's training job, on the SageMaker PyTorch training contract (see `training.job`)."""
