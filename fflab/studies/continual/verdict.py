"""What a finished `continual` run's table says, in words: FF against backprop, with and without replay.

Built from the run's own final metrics, whichever way they come out; a gap under `TIE` points of
average accuracy is called a tie (one seed cannot tell it apart).
"""

from __future__ import annotations

from collections.abc import Mapping

TIE = 0.02
PAIRS = (("ff", "bp", "fine-tuned on one task after another"), ("ff_replay", "bp_replay", "with the same replay buffer"))


def verdict(final: Mapping[str, float]) -> list[str]:
    """One sentence per pair of learners that the run trained (FF beside backprop)."""
    sentences = []
    for ff, bp, setting in PAIRS:
        a, b = final.get(f"average_accuracy.{ff}"), final.get(f"average_accuracy.{bp}")
        if a is None or b is None:
            continue
        fa, fb = final.get(f"forgetting.{ff}"), final.get(f"forgetting.{bp}")
        if abs(a - b) < TIE:
            outcome = "about the same as backprop"
        else:
            outcome = "better than backprop" if a > b else "worse than backprop"
        forgot = f" (forgetting {fa:.1%} against {fb:.1%})" if fa is not None and fb is not None else ""
        sentences.append(f"{setting.capitalize()}, FF ended {outcome}: average accuracy {a:.1%} against "
                         f"{b:.1%}{forgot}.")
    joint = final.get("average_accuracy.joint")
    if joint is not None and sentences:
        sentences.append(f"Joint training on all the data reached {joint:.1%}.")
    return sentences
