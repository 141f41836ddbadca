"""Train page: pick data, a network and its settings, then watch it learn live."""
import math

import streamlit as st

from core.basics.choices import ACTIVATIONS, DATASETS, DEFAULT_PRESET, OPTIMIZERS, PRESETS, Registry, SCHEDULES
from core.basics.config import CUSTOM_PREFIX, DataConfig, ModelConfig, RunConfig, TrainConfig
from core.basics.status import RunStatus
from core.engine.history import RunHistory
from core.runners.runtime import get_runner
from core.store.runs import RunStore
from ui.charts import training_curves
from ui.demo import share_demo
from ui.coach_view import coach_reading, learning_rate_finder, rerun_page_after_fix
from ui.ended_run import ended_run_notice
from ui.live_chart import live_chart
from ui.my_images import my_images_section, network_choices
from ui.my_images_results import my_images_results, reading_text
from ui.run_sharing import apply_link_setup, fine_tune_settings, fine_tune_widgets, share_setup
from ui.state import cached_dataset, current_job, leave_legacy_page_mode, owns_run, remember_job, submit_for_visitor
from ui.literal import literal

leave_legacy_page_mode()

SUBSETS = {0: "All training images", 5000: "Quick look: 5,000 images"}
MY_IMAGES = "my_images"
# How often the live view redraws while training. Every second, the browser's redrawing cost a run
# about 20% more time than every 2 s when browser and server shared a 2-core machine.
REFRESH_SECONDS = 2.0
# A page drawn as a run starts waits this long for its first chart point. Without one by then (a run that
# reads pictures first, a queued run), the live view looks every FIRST_POINT_REFRESH_SECONDS, then goes back
# to REFRESH_SECONDS with one full rerun when the point is in.
FIRST_POINT_WAIT_SECONDS = 1.5
FIRST_POINT_REFRESH_SECONDS = 0.25
# The progress bar jumps to each new value instead of sliding there for half a second: with a browser on the
# same 2 cores, the slide's frames took Chromium's compositing 0.19-0.23 s of CPU over a 2-epoch run, 0.09-0.13 s without.
PROGRESS_JUMPS = '<style>[data-testid="stProgress"] * { transition: none !important; }</style>'


def dataset_title(choice: str) -> str:
    return "My images (your own pictures)" if choice == MY_IMAGES else DATASETS[choice].label


def dataset_changed() -> None:
    """Own pictures start with the pretrained network; the built-in datasets with the default one."""
    own = st.session_state.dataset == MY_IMAGES
    if own != bool(PRESETS[st.session_state.preset].pretrained):
        st.session_state.preset = "efficientnet_lite0" if own else DEFAULT_PRESET
        apply_preset_defaults()


def choice_box(column, registry: Registry, key: str, **options) -> str:
    """A select box of one registry's entries (labels and help from core.basics.choices)."""
    return column.selectbox(registry.label, list(registry), format_func=registry.label_of, key=key,
                            help=registry.help, **options)


def apply_preset_defaults() -> None:
    """Fill the knobs with the settings the chosen network was published with."""
    preset = PRESETS[st.session_state.preset]
    st.session_state.update(optimizer=preset.optimizer, learning_rate=preset.learning_rate,
                            batch_size=preset.batch_size, epochs=preset.epochs,
                            dropout=preset.dropout, schedule=preset.schedule)


def setup_form():
    """The setup column; returns (config or None after showing what is wrong, a slot for Train)."""
    if "preset" not in st.session_state:
        st.session_state.update(preset=DEFAULT_PRESET, augment=False)
        apply_preset_defaults()
    # Defaults live in the session state only: a widget given both a value= and a kept state warns.
    for key, default in (("weight_decay", 0.0), ("seed", 0), ("validation_split", 0.1)):
        st.session_state.setdefault(key, default)
    choice = st.selectbox(DATASETS.label, [*DATASETS, MY_IMAGES], format_func=dataset_title, key="dataset",
                          help=DATASETS.help, on_change=dataset_changed)
    custom = my_images_section() if choice == MY_IMAGES else None
    st.selectbox(PRESETS.label, network_choices(choice == MY_IMAGES), format_func=PRESETS.label_of, key="preset",
                 help=PRESETS.help, on_change=apply_preset_defaults)
    st.caption(PRESETS[st.session_state.preset].help)
    training_data_choice(custom if choice == MY_IMAGES else None)
    button_slot = st.container()  # Train sits here, above the long list of settings
    with st.expander("Hyperparameters: how it learns", expanded=False):
        hyperparameter_widgets(choice in DATASETS and DATASETS[choice].is_digits)
    fine_tune_widgets()
    # Widgets above are always drawn: Streamlit forgets the values of widgets that skip a run.
    if choice == MY_IMAGES:
        problem = None if custom else "Add pictures to at least two classes (or upload a zip) to train on them."
    else:
        _, problem = cached_dataset(choice)  # loaded now, so pressing Train starts at once
    if problem and choice == MY_IMAGES:
        button_slot.info(problem)
        return None, button_slot
    if problem:
        button_slot.error(problem)
        if button_slot.button("Check again", help="Looks for the files (or the internet) once more."):
            cached_dataset.clear()
            st.rerun()
        return None, button_slot
    state = st.session_state
    try:
        data = DataConfig(choice, state.validation_split, state.train_subset, state.augment) if custom is None else \
            DataConfig(custom.info.name, state.validation_split, state.train_subset,
                       state.augment and not PRESETS[state.preset].pretrained,  # cached features: no variations
                       custom.info.classes, custom.info.input_shape)
        return RunConfig(
            data,
            ModelConfig(state.preset, state.activation, state.dropout, *fine_tune_settings()),
            TrainConfig(state.optimizer, state.learning_rate, state.batch_size, state.epochs,
                        state.weight_decay, state.schedule, state.seed)), button_slot
    except ValueError as error:
        button_slot.error(str(error))
        return None, button_slot


def training_data_choice(custom) -> None:
    """All images or a quick look at 5,000, offered only when there are more than 5,000 to choose from."""
    quick_look = max(SUBSETS)
    own_pictures = len(custom.train_y) if custom is not None else None
    if own_pictures is not None and own_pictures <= quick_look:
        st.session_state.train_subset = 0
        st.caption(f"Trains on all {own_pictures:,} of your training pictures (a quick look at {quick_look:,} "
                   "images is for larger sets).")
        return
    if st.session_state.get("dataset") == MY_IMAGES and custom is None:
        return  # no pictures yet: nothing to choose
    st.radio("Training data", list(SUBSETS), format_func=SUBSETS.get, key="train_subset", horizontal=True,
             help="Fewer images train much faster but learn less: good for a first look.")


def hyperparameter_widgets(is_digits: bool) -> None:
    left, right = st.columns(2)
    choice_box(left, OPTIMIZERS, "optimizer")
    right.number_input("Learning rate", min_value=0.0, max_value=100.0, format="%.4f", step=0.0005,
                       key="learning_rate", help="How big each nudge is. Too big and the loss explodes; too small and it crawls.")
    left.number_input("Batch size", min_value=0, max_value=8192, step=16, key="batch_size",
                      help="How many images the network looks at before each nudge.")
    right.number_input("Epochs", min_value=0, max_value=500, step=1, key="epochs",
                       help="How many times the network sees every training image.")
    left.slider("Dropout", 0.0, 0.9, step=0.05, key="dropout",
                help="Share of neurons switched off at random while training, so it cannot rely on any one.")
    right.number_input("Weight decay", min_value=0.0, max_value=1.0, format="%.5f", step=0.0001,
                       key="weight_decay", help="Gently pulls weights towards zero to keep the model simple.")
    choice_box(left, ACTIVATIONS, "activation")
    choice_box(right, SCHEDULES, "schedule")
    right.number_input("Random seed", min_value=0, max_value=2**31 - 1, step=1, key="seed",
                       help="Same seed, same settings: same result. Change it to see how much luck matters.")
    left.slider("Validation split", 0.01, 0.5, step=0.01, key="validation_split",  # 0.01: what DataConfig accepts
                help="Share of training images held back to check, each epoch, how well the model generalises.")
    st.toggle("Data augmentation", key="augment",  # the whole width: half of it cut the label at 1,400 px
              help=("Small random rotations, shifts and zooms of each digit" if is_digits else
                    "Random mirror flips and shifted crops of each photo") + ", so the network generalises.")


def start_training(config: RunConfig):
    """Submit the run; returns it, or None after saying on the page why it cannot start."""
    job = submit_for_visitor(config)
    if job is not None:
        remember_job(job)
    return job


def training_own_run(job) -> bool:
    """This session's run is queued or training (watching someone else's does not stop you training your own)."""
    return job is not None and not job.is_done and owns_run(job.id)


def rerun_page_when_due(job, history: RunHistory) -> None:
    """A full rerun when the polling must change: the run ended, or its first chart point is in."""
    if job.is_done and st.session_state.get("shown_done") != job.id:
        st.session_state.shown_done = job.id
        st.rerun()  # stops the polling and re-enables Train
    if st.session_state.get("live_refresh") == FIRST_POINT_REFRESH_SECONDS and history.latest_step is not None:
        st.rerun()  # draws the first point and slows the polling down to REFRESH_SECONDS


def live_view() -> None:
    """Progress, charts and results of this session's run; polls while it trains."""
    rerun_page_after_fix()
    job = current_job()
    if job is None:
        linked = st.query_params.get("run")
        if not (linked and ended_run_notice(linked)):  # e.g. a run cut off by a restart of the app
            st.info("Pick a dataset and a network in the settings, then press **Train**. "
                    "The curves will appear on these charts and update as the network learns.")
        # Empty axes by Plotly, so that the browser has loaded Plotly before a run ends (the live chart is a canvas)
        st.plotly_chart(training_curves(RunHistory()), width="stretch", key="curves")
        return
    history = job.history()
    if job.status == RunStatus.QUEUED:
        runner = get_runner()
        st.info(f"Waiting for a free slot: position {runner.queue_position(job)} in the queue. "
                f"Up to {runner.max_parallel} runs train at once so that each stays fast.")
        if job.note:
            st.warning(job.note)
    if job.status == RunStatus.RUNNING:
        progress_and_stop(job, history)
    if job.is_done:  # Plotly can hover and zoom; while training, its redraws cost the run CPU time
        st.plotly_chart(training_curves(history), width="stretch", key="curves")
    else:
        live_chart(history)  # empty axes until the first point
    show_outcome(job, history)
    coach_reading(job, history)
    rerun_page_when_due(job, history)  # last: what is drawn above reaches the browser before the full rerun


def progress_and_stop(job, history: RunHistory) -> None:
    """The progress bar of a running run, and Stop for the session that started it."""
    latest = history.latest_step
    if latest is None and history.extracting is not None:
        st.progress(history.extracting.done / history.extracting.total, text=reading_text(history.extracting))
    elif latest is None:
        st.progress(0.0, text="Starting…")
    else:
        st.progress(latest.step / latest.total_steps,
                    text=f"Epoch {latest.epoch}/{job.config.train.epochs} · step {latest.step:,}/"
                         f"{latest.total_steps:,} · {latest.samples_per_second:,.0f} images/s · "
                         f"about {latest.seconds_left:,.0f} s left")
    if not owns_run(job.id):  # a copied link or the browser's history: watch, never control
        st.caption("You are watching a run started in another browser session; only that session can stop it.")
    elif st.button("Stop", icon=":material/stop_circle:", key="stop", help="Ends training within a second; the model so far is kept."):
        job.stop()


def show_outcome(job, history: RunHistory) -> None:
    done = history.done
    if job.status == RunStatus.FAILED:
        st.error(f"Training failed: {literal(job.error)}")
    if history.diverged is not None:
        st.warning(history.diverged.message)
    if history.stopped is not None:
        st.info(f"Stopped at step {history.stopped.step:,} as asked. The model trained so far is kept.")
    if done is not None:
        left, middle, right = st.columns(3)
        measured = math.isfinite(done.test_accuracy)  # not when stopped before any training (pictures being read)
        left.metric("Test accuracy", f"{done.test_accuracy:.2%}" if measured else "not measured",
                    help="Share of the 10,000-ish test images, never seen in training, that it gets right.")
        middle.metric("Test loss", f"{done.test_loss:.4f}" if measured else "not measured", help="How wrong it is on average; lower is better.")
        right.metric("Training time", f"{done.elapsed:,.1f} s")
        if job.dataset.info.name.startswith(CUSTOM_PREFIX) and job.model is not None and measured:
            my_images_results(job, done)
        if measured:
            share_demo(job.id)


st.title("Train a network")
apply_link_setup(SUBSETS)  # a shared link fills in its setup
setup, live = st.columns([2, 3], gap="large")
with setup:
    config, button_slot = setup_form()
    config = share_setup(config, button_slot)  # the URL always holds the setup: copy it to share
    job = current_job()
    if st.session_state.get("train") and config is not None and not training_own_run(job):  # Train was pressed
        job = start_training(config) or job  # before Train is drawn, so it shows disabled without another rerun
    live_run = job is not None and not job.is_done
    button_slot.button("▶ Train", key="train", type="primary", disabled=config is None or training_own_run(job),
                       width="stretch")
    learning_rate_finder(config)
    if not_saved := RunStore().cannot_save():
        button_slot.caption(not_saved)
with live:
    st.html(PROGRESS_JUMPS)
    if live_run:  # drawn once with its first point: polling for it cost a browser on the same cores 2 redraws more
        job.wait_for_first_point(FIRST_POINT_WAIT_SECONDS)
    waiting_for_first_point = live_run and job.history().latest_step is None
    st.session_state.live_refresh = (FIRST_POINT_REFRESH_SECONDS if waiting_for_first_point else
                                     REFRESH_SECONDS if live_run else None)
    st.fragment(live_view, run_every=st.session_state.live_refresh)()
