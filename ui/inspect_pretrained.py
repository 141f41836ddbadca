"""What the Inspect page says about a pretrained network: which views apply, and its parts in a table."""
from __future__ import annotations

import streamlit as st

from core.basics.choices import PRESETS

VIEWS_THAT_APPLY = ("Saliency", "Errors")


def is_pretrained(loaded) -> bool:
    return bool(PRESETS[loaded.config.model.preset].pretrained)


def parts_table(model) -> list[dict]:
    """The pretrained classifier's parts, how many numbers each holds and whether training changed them."""
    backbone = model.backbone
    rows = [("Stem: a 3x3 convolution, 32 filters, stride 2", [backbone._conv_stem, backbone._bn0])]
    rows += [(f"Block {index}: expand, depthwise {block._depthwise_conv.kernel_size[0]}x"
              f"{block._depthwise_conv.kernel_size[0]} convolution, project to {block._project_conv.out_channels}",
              [block]) for index, block in enumerate(backbone._blocks)]
    rows += [("Head convolution to 1,280 channels, then the average over the picture", [backbone._conv_head,
                                                                                         backbone._bn1]),
             ("Dense layer: 1,280 features to your classes (trained here)", [model.fc])]
    return [{"Part": title, "Numbers": sum(p.numel() for m in modules for p in m.parameters()),
             "Learned from your pictures": any(p.requires_grad for m in modules for p in m.parameters())}
            for title, modules in rows]


def pretrained_view(view: str, loaded) -> None:
    """Instead of the layer-by-layer views: what this network is and which views to use."""
    st.info(f"This is EfficientNet-Lite0, pretrained on ImageNet's 1.3 million photos: 16 blocks, over 100 layers. "
            f"The {view} view walks through small networks layer by layer, which would not say much here; "
            "**Saliency** (which pixels decided the answer) and **Errors** (the confusion matrix with your class "
            "names) apply to it.", icon=":material/info:")
    if view == "Architecture":
        st.dataframe(parts_table(loaded.model), hide_index=True, width="stretch",
                     column_config={"Numbers": st.column_config.NumberColumn(format="localized")})
