"""SageMaker training entry point (`sagemaker_program=train.py`): see `training.job`."""

from training.job import main

if __name__ == "__main__":
    main()
