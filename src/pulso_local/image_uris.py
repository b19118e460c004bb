"""The SageMaker PyTorch framework image URIs of one deployment, resolved with the SageMaker Python SDK.

pulso.json names the framework (`pipeline.sagemaker.framework_version`, `py_version`) and the instance types;
the SDK's image URI lookup turns them into the registry path of the Deep Learning Container for one region (the
registry account differs between regions: 763104351884 in most, 871362719292 in ap-east-1, 217643126080 in
me-south-1, ...). SDK v3 keeps the lookup in the `sagemaker-core` package as `sagemaker.core.image_uris`; it reads
the SDK's bundled `image_uri_config/pytorch.json` only: no network, no AWS credentials, no telemetry (`retrieve`
has no telemetry emitter). A build-time tool: Terraform reads the result from `images.json`, the emulated account
resolves its own, and no job or Lambda function imports the SDK.

`python -m pulso_local.image_uris --region R [--overlay overlay.json] --out DIR/images.json` writes the two URIs
for Terraform (`make images`); `--versions` lists the PyTorch versions the SDK resolves for CPU training and
inference.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from pulso.config import PulsoConfig, load_config

FRAMEWORK = "pytorch"
# Template variable -> (SDK image scope, the pulso.json instance type the image runs on).
IMAGES = {
    "training_image": ("training", "training_instance_type"),
    "inference_image": ("inference", "transform_instance_type"),
}
CANDIDATE_PY_VERSIONS = ("py311", "py312")


class ImageLookupError(ValueError):
    """The SDK knows no image for this framework version, Python version, instance type or region."""


@functools.lru_cache(maxsize=64)
def _retrieve(region: str, version: str, py_version: str, instance_type: str, scope: str) -> str:
    from sagemaker.core import image_uris  # build-time only: imported when an image is resolved

    return image_uris.retrieve(
        framework=FRAMEWORK, region=region, version=version, py_version=py_version, instance_type=instance_type,
        image_scope=scope,
    )  # fmt: skip


def resolve_images(config: PulsoConfig, region: str) -> dict[str, str]:
    """`{"training_image": ..., "inference_image": ...}` for `region`, from pulso.json's framework settings."""
    sagemaker = config.pipeline.sagemaker
    images = {}
    for key, (scope, instance_setting) in IMAGES.items():
        instance_type = getattr(sagemaker, instance_setting)
        try:
            images[key] = _retrieve(region, sagemaker.framework_version, sagemaker.py_version, instance_type, scope)
        except ValueError as error:
            raise ImageLookupError(
                f"no SageMaker PyTorch {scope} image for version {sagemaker.framework_version} "
                f"{sagemaker.py_version} on {instance_type} in {region}: {error}"
            ) from None
    return images


def framework_versions(
    scope: str, instance_type: str, py_versions: Iterable[str] = CANDIDATE_PY_VERSIONS, region: str = "us-east-1"
) -> list[tuple[str, str]]:
    """(framework version, Python version) pairs the SDK resolves for `scope` on `instance_type`, oldest first."""
    from packaging.version import Version
    from sagemaker.core import image_uris

    wanted = set(py_versions)
    versions = image_uris.config_for_framework(FRAMEWORK)[scope]["versions"]  # full versions, no aliases
    found = set()
    for version, settings in versions.items():
        for py_version in wanted.intersection(settings.get("py_versions", ())):
            try:
                _retrieve(region, version, py_version, instance_type, scope)  # the image exists for this CPU type
            except ValueError:
                continue
            found.add((version, py_version))
    return sorted(found, key=lambda pair: (Version(pair[0]), pair[1]))


def write_images(config: PulsoConfig, region: str, out: Path) -> dict[str, str]:
    """Resolve the images for `region` and write them to `out` as JSON (what Terraform's dev root reads)."""
    images = resolve_images(config, region)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(images, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return images


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pulso_local.image_uris", description=__doc__.splitlines()[0])
    parser.add_argument("--region", help="AWS region of the deployment (Terraform's var.region)")
    parser.add_argument("--out", type=Path, help="write the JSON here (default: print it)")
    parser.add_argument("--overlay", type=Path, help="the deployment's JSON overlay over pulso.json (optional)")
    parser.add_argument("--versions", action="store_true", help="list the PyTorch versions the SDK resolves on CPU")
    args = parser.parse_args(argv)
    config = load_config(args.overlay or {})  # as deployed: $PULSO_CONFIG and $PULSO_CONFIG_URI are not read
    if args.versions:
        sagemaker = config.pipeline.sagemaker
        for scope, instance_setting in IMAGES.values():
            instance_type = getattr(sagemaker, instance_setting)
            pairs = framework_versions(scope, instance_type)
            print(f"{scope} on {instance_type}: " + ", ".join(f"{version} {py}" for version, py in pairs))
        return 0
    if not args.region:
        parser.error("--region is required (or --versions)")
    try:
        images = write_images(config, args.region, args.out) if args.out else resolve_images(config, args.region)
    except ImageLookupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not args.out:
        print(json.dumps(images, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
