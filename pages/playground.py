"""2-D playground: a small network learns to split classes of points on a plane (or a value), live."""
import streamlit as st

from core.playground.points import Task
from core.playground.setup import PlaygroundSetup
from ui.playground_live import MAX_EPOCHS, live_view
from ui.playground_points import own_points_notice, own_points_widgets, painting_widgets
from ui.playground_session import current_trainer, own_points, reset, set_running, step_one_epoch
from ui.playground_settings import (apply_link_setup, data_settings, init_defaults, input_settings,
                                    learning_settings, network_settings, share_setup)
from ui.playground_takeaway import export_widgets, install_loaded, save_widgets
from ui.state import leave_legacy_page_mode

leave_legacy_page_mode()
init_defaults()
apply_link_setup()


def controls(trainer) -> None:
    play, step, restart = st.columns(3)
    if st.session_state.get("toy_running"):
        play.button("Pause", icon=":material/pause:", on_click=set_running, args=(False,), width="stretch")
    else:
        play.button("Train", icon=":material/play_arrow:", on_click=set_running, args=(True,), width="stretch",
                    disabled=trainer.is_diverged, type="primary")
    step.button("Step one epoch", icon=":material/skip_next:", on_click=step_one_epoch, width="stretch",
                disabled=trainer.is_diverged)
    restart.button("Reset", icon=":material/restart_alt:", on_click=reset, width="stretch",
                   help="Start again from fresh random weights (your points stay).")
    if trainer.is_diverged:
        st.error(trainer.diverged_message, icon=":material/warning:")
    elif trainer.epoch >= MAX_EPOCHS:
        st.info(f"Paused after {MAX_EPOCHS:,} epochs. Press Reset to start over.")


st.title("2-D playground")
st.caption("Points on a plane and a small network that learns to tell their classes apart (or to predict a "
           "value). The shading is the network's guess for every spot: the colour of the class it expects, "
           "pale where it is not sure.")
settings_column, view_column = st.columns([1, 2.6], gap="medium")
with settings_column:
    try:
        with st.expander("Data", expanded=True):
            if own_points() is not None:
                own_points_notice()
            data = data_settings(own_points() is not None)
        with st.expander("Inputs", expanded=True):
            features = input_settings()
        with st.expander("Network", expanded=True):
            network = network_settings(features, data.class_count())
        with st.expander("Learning", expanded=True):
            learning = learning_settings()
        setup = PlaygroundSetup(data, network, learning)
        trainer, setup = current_trainer(setup)
    except ValueError as error:
        st.error(str(error))
        st.stop()
    install_loaded(setup)
    trainer = st.session_state.toy_trainer
    share_setup(setup, own_points() is not None)
with view_column:
    sizes = " → ".join([f"{len(setup.network.features)} inputs", *[str(size) for size in setup.network.hidden_layers],
                        f"{setup.network.outputs} output{'s' if setup.network.outputs > 1 else ''}"])
    what = "a value" if trainer.task == Task.REGRESSION else f"{trainer.train.classes} classes"
    st.caption(f"Network: {sizes} ({trainer.parameter_count():,} weights and biases), learning {what}.")
    controls(trainer)
    st.toggle("Show every neuron", key="toy_neuron_view", value=True,
              help="Draw the network beside the plane, each neuron as a small map of its output.")
    st.fragment(run_every=0.4 if st.session_state.get("toy_running") else None)(live_view)()
    painting_widgets(trainer)
with settings_column:
    with st.expander("Your points: upload, download"):
        own_points_widgets(trainer)
    with st.expander("Take it away: export, save, load"):
        if st.session_state.get("toy_running"):
            st.caption("Pause to export or save the network as it is.")
        else:
            export_widgets(trainer)
            save_widgets(trainer, setup)
