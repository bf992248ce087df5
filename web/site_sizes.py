"""What a player downloads from the built site, measured: build.sh runs this on every build.

    python web/site_sizes.py build/web            # the table docs/WEB.md shows, as Markdown
    python web/site_sizes.py build/web --json     # the same figures for scripts and tests

A player's browser fetches the page's own files and one of the two archives (the tarball, or the zip on
itch.io). pygbag's runtime, numpy and pygame-ce come from pygbag's CDN and are not in the site.
"""

from __future__ import annotations

import argparse
import json
import tarfile
from pathlib import Path

PAGE_FILES = ("index.html", "catmouse.js", "catmouse.css", "protocol.js", "favicon.png")
ARCHIVES = ("catmouse.tar.gz", "catmouse.apk")


def kilobytes(size: int) -> int:
    return round(size / 1024)


def measure(site: Path) -> dict[str, int]:
    """Bytes of each file a player may fetch, the page's files together, and the brains the archive holds."""
    sizes = {name: (site / name).stat().st_size for name in (*PAGE_FILES, *ARCHIVES)}
    with tarfile.open(site / "catmouse.tar.gz") as archive:
        brains = [name for name in archive.getnames() if name.endswith(".npz")]
    return {**sizes, "page": sum(sizes[name] for name in PAGE_FILES), "brains": len(brains),
            "first_visit": sum(sizes[name] for name in PAGE_FILES) + sizes["catmouse.tar.gz"]}


def markdown(sizes: dict[str, int]) -> str:
    rows = [
        ("the page: index.html, catmouse.js, catmouse.css, protocol.js, favicon.png", sizes["page"]),
        (f"the game archive, `catmouse.tar.gz` (code and {sizes['brains']} brains)", sizes["catmouse.tar.gz"]),
        ("the same as a zip, `catmouse.apk` (fetched instead on itch.io)", sizes["catmouse.apk"]),
        ("our part of a first visit: the page and the tarball", sizes["first_visit"]),
    ]
    lines = ["| what a player fetches from the site | KB |", "| --- | ---: |"]
    lines += [f"| {what} | {kilobytes(size):,} |" for what, size in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure what a player downloads from a built site.")
    parser.add_argument("site", type=Path, help="the folder build.sh wrote (build/web)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    sizes = measure(options.site)
    print(json.dumps(sizes, indent=1) if options.json else markdown(sizes))


if __name__ == "__main__":
    main()
