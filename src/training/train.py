"""SageMaker training entry point (`sagemaker_program=train.py`): see `training.job`.

The container's training toolkit downloads the source directory to /opt/ml/code and runs
`python train.py --name value ...`; the values are read from hyperparameters.json and SM_HPS instead
(`training.sagemaker_env`), so the command-line arguments are not parsed.
"""

from training.job import main

if __name__ == "__main__":
    main()
