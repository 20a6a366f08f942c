"""Summarise a py-spy raw (collapsed stacks) profile: where the server worker spends its time.

    .venv/bin/python -m benchmarks.profile_summary benchmarks/profiles/app-2000-burst.txt [--top 40]

Prints the share of samples in which a function is on the stack (inclusive), for the app's own
functions and for the libraries below them, and the functions most often at the top (self).
"""

from __future__ import annotations

import argparse
import os
import re
from collections import Counter

# The checkout the profiled app ran from (a worktree need not be /work/main).
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + "/"

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def short(path: str) -> str:
    for marker in ("site-packages/", ROOT, "/work/main/", "lib/python3.11/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def parse(path: str):
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line or " " not in line:
                continue
            stack, _, count = line.rpartition(" ")
            try:
                n = int(count)
            except ValueError:
                continue
            frames = []
            for frame in stack.split(";"):
                match = FRAME.match(frame)
                if match and match.group("file"):
                    frames.append(f"{match.group('func')} ({short(match.group('file'))})")
            yield frames, n


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("profile")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--match", default="", help="only functions whose name/file contains this")
    parser.add_argument("--under", default="",
                        help="only stacks with a frame containing this (shares stay of all samples)")
    args = parser.parse_args(argv)
    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for frames, n in parse(args.profile):
        total += n
        if args.under and not any(args.under in f for f in frames):
            continue
        for frame in set(frames):
            inclusive[frame] += n
        if frames:
            own[frames[-1]] += n
    print(f"{total} samples" + (f", {sum(own.values())} of them under {args.under!r}"
                                 if args.under else ""))
    print("\ninclusive (share of samples with the function on the stack):")
    shown = 0
    for frame, n in inclusive.most_common():
        if args.match and args.match not in frame:
            continue
        print(f"  {100 * n / total:5.1f}%  {frame}")
        shown += 1
        if shown >= args.top:
            break
    print("\nself (share of samples at the top of the stack):")
    for frame, n in own.most_common(min(args.top, 25)):
        print(f"  {100 * n / total:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
