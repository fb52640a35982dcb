"""Every experiment's view, by name: the one place a page (and `experiment_lab`) looks it up.

Not in the package `__init__`: `fflab.app.live` imports `views.common`, and views import `live`.
"""

from __future__ import annotations

from fflab.app.live import View
from fflab.app.views.chunker import chunker22_view, deep_view
from fflab.app.views.continual import continual_view
from fflab.app.views.cwc import cwc_view
from fflab.app.views.dff import dff_view
from fflab.app.views.efficiency import efficiency_view
from fflab.app.views.fastweights_delay import delay_view
from fflab.app.views.fastweights_kv import kv_view
from fflab.app.views.ff_text import ff_text_view
from fflab.app.views.forward_forward import classifier_view
from fflab.app.views.nca import nca_view
from fflab.app.views.negatives import negatives_view
from fflab.app.views.scff import scff_view
from fflab.app.views.srwm import srwm_view
from fflab.app.views.text_layers import text_layers_view
from fflab.app.views.transfer import transfer_view

VIEWS: dict[str, View] = {
    "ff": classifier_view,
    "bp": classifier_view,
    "ff-text": ff_text_view,
    "text-layers": text_layers_view,
    "negatives": negatives_view,
    "collab": negatives_view,
    "cwc": cwc_view,
    "dff": dff_view,
    "scff": scff_view,
    "transfer": transfer_view,
    "efficiency": efficiency_view,
    "continual": continual_view,
    "continual-text": continual_view,
    "fastweights-delay": delay_view,
    "fastweights-kv": kv_view,
    "srwm": srwm_view,
    "chunker-22": chunker22_view,
    "chunker-deep": deep_view,
    "nca": nca_view,
}
