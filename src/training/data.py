"""Training data: the curated Parquet the ETL job writes, read from the SageMaker channels.

Each channel holds curated `messages` Parquet (any folder depth). Rows are assigned by their `split`
column, so a channel may hold every split (the ETL's output for a run) or one. Unlabelled rows are ignored.
Labels -1/0/1 become class indexes in the order of the shared configuration's label classes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from pulso.ids import split_position

COLUMNS = ["message_id", "text_clean", "label", "split"]
OPTIONAL_COLUMNS = ["lang"]  # for the drift reference profile; older curated Parquet may lack it
SPLITS = ("train", "validation", "test")


class TrainingDataError(ValueError):
    """The channels do not hold usable training data."""


@dataclass(frozen=True)
class LabelledSet:
    message_ids: list[str]
    tokens: list[list[str]]
    targets: np.ndarray  # class indexes
    languages: list[str | None]

    def __len__(self) -> int:
        return len(self.targets)


def parquet_files(channels: Mapping[str, Path]) -> list[Path]:
    """Every Parquet file under the channels, each once."""
    files = {path.resolve() for channel in channels.values() for path in channel.rglob("*.parquet")}
    return sorted(files)


def read_curated(files: Sequence[Path]) -> pd.DataFrame:
    frames = []
    for path in files:
        names = set(pq.read_schema(path).names)
        missing = [column for column in COLUMNS if column not in names]
        if missing:
            raise TrainingDataError(f"{path} is not curated messages Parquet: it lacks {missing}")
        present = [column for column in OPTIONAL_COLUMNS if column in names]
        frames.append(pq.read_table(path, columns=COLUMNS + present).to_pandas())
    if not frames:
        raise TrainingDataError("no Parquet files in the training channels")
    frame = pd.concat(frames, ignore_index=True)
    return frame.drop_duplicates("message_id", keep="first")


def labelled_sets(
    frame: pd.DataFrame, label_values: Sequence[int], validation_share: float = 0.1
) -> dict[str, LabelledSet]:
    """train / validation / test sets of labelled rows. Without validation rows, a stable share of the
    training rows (by message id hash) becomes the validation set, as early stopping needs one."""
    labelled = frame[frame["label"].notna() & frame["split"].isin(SPLITS)].copy()
    class_of = {value: index for index, value in enumerate(label_values)}
    labelled["target"] = labelled["label"].astype(int).map(class_of)
    if labelled["target"].isna().any():
        unknown = sorted(set(labelled.loc[labelled["target"].isna(), "label"].astype(int)))
        raise TrainingDataError(f"labels {unknown} are not among the configured classes {list(label_values)}")
    if not (labelled["split"] == "validation").any():
        carved = labelled["split"].eq("train") & labelled["message_id"].map(split_position).lt(validation_share)
        labelled.loc[carved, "split"] = "validation"
    sets = {}
    for split in SPLITS:
        part = labelled[labelled["split"] == split]
        sets[split] = LabelledSet(
            message_ids=part["message_id"].astype(str).tolist(),
            tokens=[text.split(" ") if text else [] for text in part["text_clean"].astype(str)],
            targets=part["target"].to_numpy(dtype=np.int64),
            languages=[None if pd.isna(lang) else str(lang) for lang in part.get("lang", [None] * len(part))],
        )
    if len(sets["train"]) == 0 or len(sets["validation"]) == 0:
        raise TrainingDataError(
            f"training needs labelled train and validation rows (found {len(sets['train'])} and "
            f"{len(sets['validation'])})"
        )
    return sets
