"""Write a deployment's effective configuration: the bundled `pulso.json` deep-merged with an optional overlay.

    python -m pulso_local.effective_config [--overlay overlay.json] --out terraform/build/pulso-config.json

The merge is `pulso.config.deep_merge` (Terraform's `merge()` is shallow) and the result is validated with
`build_config` before anything is written, so a bad overlay fails here with the one-line `ConfigError`. Beside
the document, `<name>.sources.json` records the SHA-256 of both inputs: the Terraform dev root deploys the
document only when they match its `pulso.json` and `config_overlay_path` (`make effective-config`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from pulso.config import default_config_text, effective_config
from pulso.errors import ConfigError


def sources_path(out: Path) -> Path:
    """Where the input hashes of the document at `out` are recorded: `<stem>.sources.json` beside it."""
    return out.with_name(f"{out.stem}.sources.json")


def write_effective_config(out: Path, overlay: Path | None = None) -> dict[str, str]:
    """Write the effective configuration to `out` and its input hashes beside it; the hashes.

    Without `overlay`, the document is the bundled configuration (re-encoded) and the overlay hash is that of an
    empty file. `$PULSO_CONFIG` is never read: a deployment's overlay is given explicitly.
    """
    data = effective_config(overlay if overlay is not None else {})
    sources = {
        "base_sha256": hashlib.sha256(default_config_text().encode("utf-8")).hexdigest(),
        "overlay_sha256": hashlib.sha256(overlay.read_bytes() if overlay is not None else b"").hexdigest(),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sources_path(out).write_text(json.dumps(sources, indent=2) + "\n", encoding="utf-8")
    return sources


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pulso_local.effective_config", description=__doc__.split("\n")[0])
    parser.add_argument("--overlay", type=Path, default=None, help="JSON overlay merged over pulso.json (optional)")
    parser.add_argument("--out", type=Path, required=True, help="where to write the effective configuration")
    args = parser.parse_args(argv)
    try:
        write_effective_config(args.out, args.overlay)
    except ConfigError as error:
        print(f"effective_config: {error}", file=sys.stderr)
        return 2
    print(args.out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
