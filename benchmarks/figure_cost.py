"""What building and encoding one live chart costs, the way `st.plotly_chart` does it, side by side.

    .venv/bin/python benchmarks/figure_cost.py [--points 400 --traces 4 --repeats 200]

Three settings: as the live view built charts before (every property validated, plotly's default
template), validated without the template, and as it builds them now (neither). Each builds a line chart of `traces` lines of `points` points through `fflab.figures.common.figure`
(validated as plotly does by default, or not), then the figure-to-dict and JSON encoding Streamlit does.
Prints milliseconds per chart and the JSON size, all measured side by side in one process.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import plotly.io as pio
import plotly.tools as tools

from fflab.figures import common


def one_chart(points: int, traces: int, template: bool) -> str:
    rng = np.random.default_rng(0)
    x = list(range(points))
    lines = [dict(type="scatter", mode="lines", x=x, y=rng.random(points).tolist(), name=f"layer{i}")
             for i in range(traces)]
    extra = {} if not template else {"template": "plotly"}
    fig = common.figure(lines, "loss", "step", "loss", **extra)
    return pio.to_json(tools.return_figure_from_figure_or_data(fig, True), validate=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=400)
    parser.add_argument("--traces", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    results = {}
    for validate, template in ((True, True), (True, False), (False, False)):  # before, half-way, now
        os.environ.pop(common.VALIDATE_ENV, None)
        if validate:
            os.environ[common.VALIDATE_ENV] = "1"
        one_chart(args.points, args.traces, template)  # warm
        began = time.perf_counter()
        for _ in range(args.repeats):
            spec = one_chart(args.points, args.traces, template)
        ms = (time.perf_counter() - began) / args.repeats * 1000
        results[(validate, template)] = ms
        print(f"validated={validate!s:5} plotly template={template!s:5}: {ms:6.2f} ms a chart, "
              f"{len(spec) / 1000:.1f} kB of JSON")
    before, after = results[(True, True)], results[(False, False)]
    print(f"\nas the live view builds it now ÷ as before: {after / before:.2f}")


if __name__ == "__main__":
    main()
