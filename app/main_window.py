"""The main window: sources (left), inspector / run / history (centre), options + export queue (right)."""

from __future__ import annotations

import dataclasses
import json
import os
import time

from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction, QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication, QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QMainWindow, QMessageBox,
    QPushButton, QScrollArea, QSplitter, QStyle, QTableView, QTabWidget, QVBoxLayout, QWidget,
)

from exportcore.errors import ExportError
from exportcore.hub import format_size

from . import APP_NAME, __version__
from .errors import from_error_dict
from .export_job import ExportJob, ExportQueue, QueueModel, Runner
from .i18n import LANGUAGE_NAMES, LanguageManager
from .export_engine import ExportEngine
from .inspect_client import InspectClient
from .inspector import InspectorView
from .options_panel import OptionsPanel
from .preflight import PreflightFacts
from .results import HistoryPanel, ResultsPanel, list_folder
from .run_view import RunView
from .settings import Settings
from .sources import SourcesPane, describe_ref
from .qt_util import Retranslating

STYLE = """
QLabel[heading="true"] { font-weight: 600; color: #3c4043; }
QLabel#hint, QLabel#placeholderText { color: #5f6368; }
QLabel#placeholderTitle { font-size: 14pt; font-weight: 600; color: #3c4043; }
QLabel#updatingLabel { color: #1565c0; }
QLabel#destination { color: #5f6368; }
QPushButton#exportButton { font-weight: 600; padding: 7px 18px; }
QGroupBox { font-weight: 600; margin-top: 14px; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 3px; }
"""


class MainWindow(Retranslating, QMainWindow):
    modelSelected = Signal(str)
    #: emitted once the window was shown for the first time (start-up benchmark)
    firstShown = Signal()

    def __init__(self, settings: Settings | None = None, *, inspect_command: list[str] | None = None,
                 worker_command: list[str] | None = None, runner: Runner | None = None,
                 language: LanguageManager | None = None, start_helper: bool = True,
                 hub_options: dict | None = None, cache_options: dict | None = None,
                 engine_command: list[str] | None = None, warm_engine: bool | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.language = language or LanguageManager(self)
        self.model_id = ""
        #: ask before quitting while exports run or wait (tests of other things turn it off)
        self.ask_before_quit = True
        #: (model, inspect options) of the newest plan the helper returned for the selection, and the newest error
        self._planned: tuple[str, dict] | None = None
        self._inspect_error = None
        #: the Hub's pipeline tag of the selected model, when the Hub pane knows it (passed to the helper)
        self.pipeline_tag: str | None = None
        #: the pre-flight asked for the selection (its key) and its answer: PreflightFacts, an error dict, or None
        self._preflight_key: str | None = None
        self._preflight_answer: PreflightFacts | dict | None = None
        self._shown = False
        self.setAcceptDrops(True)
        self.setStyleSheet(STYLE)
        self.resize(*default_size())

        # -- back-end objects
        self.client = InspectClient(inspect_command, self)
        self.queue = ExportQueue(self, command=worker_command, runner=runner)
        self.engine = ExportEngine(engine_command, self)

        # -- left: sources
        self.sources = SourcesPane(self.settings, hub_options=hub_options, cache_options=cache_options)
        self.sources.setMinimumWidth(260)
        self.sources.modelChosen.connect(self.select_model)
        self.sources.currentChanged.connect(self._sources_tab_changed)

        # -- centre: inspector / run / history
        self.inspector = InspectorView()
        self.run_view = RunView()
        self.results = ResultsPanel()
        self.run_view.results_slot.addWidget(self.results)
        self.history = HistoryPanel()
        self.history.model.set_entries(self.settings.history)
        self.centre = QTabWidget()
        st = self.style()
        self.centre.addTab(self.inspector, st.standardIcon(QStyle.StandardPixmap.SP_FileDialogInfoView), "")
        self.centre.addTab(self.run_view, st.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "")
        self.centre.addTab(self.history, st.standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView), "")

        # -- right: options, export button, queue
        self.options = OptionsPanel()
        self.options.set_output_folder(self.settings.output_folder)
        self.options.load(self.settings.options)
        scroll = QScrollArea()
        scroll.setWidget(self.options)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.options_title = QLabel()
        self.options_title.setProperty("heading", True)
        self.export_button = QPushButton(st.standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton), "")
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self.start_export)
        self.destination = QLabel()
        self.destination.setObjectName("destination")
        self.destination.setWordWrap(True)
        self.queue_title = QLabel()
        self.queue_title.setProperty("heading", True)
        self.queue_model = QueueModel(self.queue, self)
        self.queue_view = QTableView()
        self.queue_view.setModel(self.queue_model)
        self.queue_view.verticalHeader().setVisible(False)
        self.queue_view.verticalHeader().setDefaultSectionSize(22)
        self.queue_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue_view.setShowGrid(False)
        self.queue_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.queue_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # a long task ("text-generation-with-past") must not squeeze the model: a fixed column, elided
        self.queue_view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        self.queue_view.horizontalHeader().resizeSection(2, 110)
        self.queue_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.queue_view.setWordWrap(False)
        self.queue_view.setMaximumHeight(150)
        self.queue_view.doubleClicked.connect(self._show_queued_job)
        self.cancel_queued = QPushButton(st.standardIcon(QStyle.StandardPixmap.SP_BrowserStop), "")
        self.cancel_queued.clicked.connect(self._cancel_selected)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(10, 8, 10, 8)
        rl.setSpacing(8)
        rl.addWidget(self.options_title)
        rl.addWidget(scroll, 1)
        rl.addWidget(self.export_button)
        rl.addWidget(self.destination)
        qh = QHBoxLayout()
        qh.addWidget(self.queue_title, 1)
        qh.addWidget(self.cancel_queued)
        rl.addLayout(qh)
        rl.addWidget(self.queue_view)
        right.setMinimumWidth(RIGHT_WIDTH - 30)
        self.centre.setMinimumWidth(CENTRE_MIN_WIDTH)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.sources)
        self.splitter.addWidget(self.centre)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes(split_sizes(self.width(), hub=True))
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        # -- status bar
        self.helper_status = QLabel()
        self.engine_status = QLabel()
        self.queue_status = QLabel()
        self.statusBar().addWidget(self.helper_status)
        self.statusBar().addWidget(self.engine_status)
        self.statusBar().addPermanentWidget(self.queue_status)

        self._build_menus()

        # -- wiring
        self.client.stateChanged.connect(self._helper_state)
        self.engine.stateChanged.connect(lambda _state: self._refresh_engine_status())
        self.client.planReady.connect(self._plan_ready)
        self.client.inspectFailed.connect(self._inspect_failed)
        self.client.preflightReady.connect(self._preflight_ready)
        self.client.preflightFailed.connect(self._preflight_failed)
        self.client.busyChanged.connect(lambda busy: self.inspector.updating.setVisible(busy and self.inspector.plan
                                                                                        is not None))
        self.options.optionsChanged.connect(self._options_changed)
        self.options.settingsChanged.connect(self._settings_changed)
        self.queue.jobStarted.connect(self._job_started)
        self.queue.jobFinished.connect(self._job_finished)
        self.queue.changed.connect(self._update_export_button)
        self.run_view.cancelRequested.connect(self.queue.cancel)
        self.run_view.optionsSuggested.connect(self._apply_suggestion)
        self.history.rerunRequested.connect(self.rerun)
        self.history.loadOptionsRequested.connect(self.load_history_options)
        self.history.clearRequested.connect(self._clear_history)
        self.language.languageChanged.connect(lambda _l: self._sync_language_menu())
        self._persist_timer = QTimer(self)
        self._persist_timer.setSingleShot(True)
        self._persist_timer.setInterval(400)
        self._persist_timer.timeout.connect(self._persist_options)
        self._queue_ticker = QTimer(self)
        self._queue_ticker.setInterval(1000)
        self._queue_ticker.timeout.connect(self.queue_model.refresh)

        geometry = self.settings.window_geometry
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.retranslate()
        wanted = self.settings.warm_engine if warm_engine is None else warm_engine
        self.engine_action.blockSignals(True)
        self.engine_action.setChecked(wanted)
        self.engine_action.blockSignals(False)
        if start_helper:
            self.client.start()
            if wanted:
                self.engine.start()

    # -- menus ----------------------------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        st = self.style()
        self.file_menu = self.menuBar().addMenu("")
        self.open_action = QAction(st.standardIcon(QStyle.StandardPixmap.SP_DirOpenIcon), "", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.sources.local.choose_folder)
        self.quit_action = QAction("", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.engine_action = QAction("", self, checkable=True)
        self.engine_action.toggled.connect(self.set_warm_engine)
        self.download_limit_action = QAction("", self)
        self.download_limit_action.triggered.connect(self.choose_download_limit)
        self.file_menu.addAction(self.open_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.engine_action)
        self.file_menu.addAction(self.download_limit_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.language_menu = self.menuBar().addMenu("")
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code in ("system", *LANGUAGE_NAMES):
            act = QAction(LANGUAGE_NAMES.get(code, ""), self, checkable=True)
            act.triggered.connect(lambda _c=False, code=code: self.set_language(code))
            self.language_group.addAction(act)
            self.language_menu.addAction(act)
            self.language_actions[code] = act
        self.help_menu = self.menuBar().addMenu("")
        self.about_action = QAction(st.standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation), "", self)
        self.about_action.triggered.connect(self._about)
        self.help_menu.addAction(self.about_action)
        self._sync_language_menu()

    def _sync_language_menu(self) -> None:
        self.language_actions[self.settings.language].setChecked(True)

    def set_language(self, code: str) -> None:
        self.settings.language = code
        self.language.apply(code)  # LanguageChange events re-word every widget
        self._sync_language_menu()

    def _about(self) -> None:
        QMessageBox.about(self, self.tr("About %1").replace("%1", APP_NAME), self.tr(
            "<b>%1</b> %2<br>Turns Hugging Face transformers models into validated ONNX files.<br>"
            "Exports run in a separate process; the window never loads PyTorch.")
            .replace("%1", APP_NAME).replace("%2", __version__))

    def _sources_tab_changed(self, index: int) -> None:
        """The Hub browser (search, table, details) needs room; the Local and Demo lists do not."""
        sizes = self.splitter.sizes()
        if len(sizes) != 3 or sum(sizes) == 0:
            return
        want = split_sizes(sum(sizes), hub=self.sources.widget(index) is self.sources.hub)[0]
        delta = want - sizes[0]
        if delta > 0:
            take = min(delta, max(0, sizes[1] - CENTRE_MIN_WIDTH))
            self.splitter.setSizes([sizes[0] + take, sizes[1] - take, sizes[2]])
        elif delta < 0:
            self.splitter.setSizes([want, sizes[1] - delta, sizes[2]])

    # -- model selection and inspection ---------------------------------------------------------------------------
    def select_model(self, ref: str) -> None:
        ref = str(ref).strip()
        if not ref:
            return
        self.model_id = ref
        self._planned, self._inspect_error = None, None
        self._preflight_key, self._preflight_answer = None, None
        self.pipeline_tag = self.sources.pipeline_tag_for(ref)
        self.settings.add_recent_model(ref)
        self.sources.local.refresh_recent()
        self.options.set_model(ref)
        self.centre.setCurrentWidget(self.inspector)
        self.setWindowTitle(f"{ref} — {APP_NAME}")
        self.modelSelected.emit(ref)
        self._request_inspect()
        self._update_export_button()

    def _request_inspect(self) -> None:
        if not self.model_id:
            return
        if self.client.is_ready:
            self.inspector.show_resolving(self.model_id)
        else:
            self.inspector.show_warming(self.model_id)
        self.client.inspect(self.model_id, self.options.inspect_options(), self.pipeline_tag)

    def _options_changed(self) -> None:
        self._persist_timer.start()
        self._request_inspect()
        self._update_export_button()

    def _settings_changed(self) -> None:
        self._persist_timer.start()
        if self.plan_resolved():
            self._request_preflight()  # the output folder may be on another disk now
        self._update_export_button()

    # -- pre-flight -----------------------------------------------------------------------------------------------
    def _preflight_options(self) -> dict | None:
        """The fields the pre-flight's figures depend on (model, task, dtype, output folder, …), or None when the
        panel's options cannot make an export."""
        try:
            options = self.options.export_options(self.model_id, self._destination_base(self.model_id))
        except ExportError:
            return None
        return options.to_dict()

    def _request_preflight(self) -> None:
        options = self._preflight_options() if self.model_id else None
        if options is None:
            return
        key = json.dumps([self.model_id, self.pipeline_tag, {k: options[k] for k in PREFLIGHT_FIELDS}],
                         sort_keys=True)
        if key == self._preflight_key:
            return
        self._preflight_key, self._preflight_answer = key, None
        self.inspector.preflight.show_checking()
        self.client.preflight(self.model_id, options, self.pipeline_tag)

    def _preflight_for_selection(self, request: dict) -> bool:
        options = request.get("options") or {}
        key = json.dumps([request.get("model"), request.get("pipeline_tag"),
                          {k: options.get(k) for k in PREFLIGHT_FIELDS}], sort_keys=True)
        return key == self._preflight_key

    def _preflight_ready(self, _rid: int, data: dict, request: dict) -> None:
        if not self._preflight_for_selection(request):
            return
        self._preflight_answer = PreflightFacts.from_reply(data)
        self.inspector.preflight.show_facts(self._preflight_answer)
        self._update_export_button()

    def _preflight_failed(self, _rid: int, error: dict, request: dict) -> None:
        if not self._preflight_for_selection(request):
            return
        self._preflight_answer = dict(error)  # no figures: the export runs its own checks
        self.inspector.preflight.show_error(error)
        self._update_export_button()

    def preflight_done(self) -> bool:
        return self._preflight_key is not None and self._preflight_answer is not None

    def preflight_question(self, facts: PreflightFacts) -> QMessageBox | None:
        """What the pre-flight makes the app ask before exporting: a download over the limit, or an export that
        does not fit (disk, memory). None when there is nothing to ask."""
        big = facts.asks_before_download(self.settings.download_warning_bytes)
        refusals = facts.refusal_errors()
        if not big and not refusals:
            return None
        parts = []
        if big:
            parts.append(self.tr("This export first downloads %1 from the Hub.")
                         .replace("%1", format_size(facts.download_bytes)))
        for error in refusals:
            parts.append(f"{error.sentence} {error.next_step}")
        box = QMessageBox(QMessageBox.Icon.Warning if refusals else QMessageBox.Icon.Question,
                          self.tr("It may not fit") if refusals else self.tr("Large download"),
                          "\n\n".join(parts), QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("preflightQuestion")
        box.setInformativeText(self.tr("The figures are estimates; an export that does not fit fails part of the "
                                       "way, and nothing is left in its output folder.") if refusals else
                               self.tr("Ask before downloads over %1 GB (File menu).")
                               .replace("%1", f"{self.settings.download_warning_gb:g}"))
        box.go_button = box.addButton(self.tr("Export anyway") if refusals else self.tr("Download and export"),
                                      QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        return box

    def confirm_preflight(self) -> bool | None:
        """None: do not export; False: export; True: export with ``force`` (the pre-flight refused, the user
        confirmed)."""
        facts = self._preflight_answer
        if not isinstance(facts, PreflightFacts):
            return False
        if not facts.supported:
            return None
        box = self.preflight_question(facts)
        if box is None:
            return False
        box.exec()
        if box.clickedButton() is not box.go_button:
            return None
        return bool(facts.refusals)

    def _persist_options(self) -> None:
        self.settings.options = self.options.persisted()
        folder = self.options.output_folder()
        if folder:
            self.settings.output_folder = folder

    def _plan_ready(self, _rid: int, plan: dict, request: dict) -> None:
        if request.get("model") != self.model_id:
            return
        self._planned, self._inspect_error = (self.model_id, dict(request.get("options") or {})), None
        self.options.update_from_plan(plan)
        self.inspector.show_plan(self.model_id, plan, request.get("options") or {})
        if self.options.inspect_options() != request.get("options"):
            self._request_inspect()  # the plan enabled/disabled options: ask again with what the panel now says
        else:
            self._request_preflight()
        self._update_export_button()

    def _inspect_failed(self, _rid: int, error: dict, request: dict) -> None:
        if request.get("model") != self.model_id:
            return
        self._inspect_error = dict(error)
        self.inspector.show_error(self.model_id, from_error_dict(error))
        self._update_export_button()

    def _helper_state(self, state: str) -> None:
        if state in ("starting", "warming") and self.model_id and self.inspector.plan is None:
            self.inspector.show_warming(self.model_id)
        self._refresh_helper_status()

    def _refresh_helper_status(self) -> None:
        state = self.client.state
        if state == "ready":
            secs = self.client.warmup_seconds
            text = self.tr("Inspector ready") + (f" ({secs:.1f} s)" if secs else "")
        elif state in ("starting", "warming"):
            text = self.tr("Inspector warming up…")
        elif state == "failed":
            text = self.tr("Inspector unavailable")
        else:
            text = self.tr("Inspector stopped")
        self.helper_status.setText(text)

    def set_warm_engine(self, on: bool) -> None:
        """File ▸ Keep the export engine loaded: start or stop ``exportcore serve`` (saved)."""
        self.settings.warm_engine = on
        if on:
            self.engine.start()
        else:
            self.engine.stop()

    def choose_download_limit(self) -> None:
        """File ▸ Ask before downloads over … GB (saved): the Hub pane's Download and an export that downloads."""
        value, ok = QInputDialog.getDouble(
            self, self.tr("Large downloads"),
            self.tr("Ask before downloading more than (GB, 0 = always ask):"),
            self.settings.download_warning_gb, 0.0, 100000.0, 1)
        if ok:
            self.set_download_limit(value)

    def set_download_limit(self, gigabytes: float) -> None:
        self.settings.download_warning_gb = gigabytes
        if hasattr(self.sources.hub, "download_warning_bytes"):
            self.sources.hub.download_warning_bytes = self.settings.download_warning_bytes
        self.retranslate()

    def _refresh_engine_status(self) -> None:
        state = self.engine.state
        if state == "ready":
            text = self.tr("Export engine loaded")
        elif state == "starting":
            text = self.tr("Export engine loading…")
        elif state == "failed":
            text = self.tr("Export engine unavailable (exports load it themselves)")
        else:
            text = ""
        self.engine_status.setText(text)
        self.engine_status.setToolTip(self.tr(
            "torch, transformers and onnxruntime stay loaded in a helper process, so an export starts at once "
            "instead of loading them first (about 400 MB of memory). Turn off in the File menu."))

    # -- export ---------------------------------------------------------------------------------------------------
    def _destination_base(self, model: str) -> str:
        base = self.options.output_folder() or self.settings.output_folder
        name = describe_ref(model)["name"].replace(":", "-") or "model"
        return os.path.join(base, f"{name}-onnx")

    def destination_for(self, model: str, options: dict | None = None) -> str:
        path = self._destination_base(model)
        overwrite = (options or {}).get("overwrite", self.options.overwrite.isChecked())
        if overwrite:
            return path
        taken = {str(j.options.get("output_dir")) for j in self.queue.jobs if not j.is_done}
        candidate, n = path, 1
        while candidate in taken or (os.path.isdir(candidate) and os.listdir(candidate)):
            n += 1
            candidate = f"{path}-{n}"
        return candidate

    def plan_resolved(self) -> bool:
        """The helper resolved a plan for the selected model with the options the panel shows now (and no later
        inspection failed): only then is Export offered."""
        return (self._inspect_error is None and self._planned is not None
                and self._planned == (self.model_id, self.options.inspect_options()))

    def start_export(self) -> ExportJob | None:
        if not self.model_id or self.options.problems() or not self.plan_resolved() or not self.preflight_done():
            return None
        force = self.confirm_preflight()
        if force is None:
            return None
        pinned = {}
        plan = self.inspector.plan or {}
        if self.options.current_task() == "auto" and plan.get("task_source") == "pipeline_tag" and plan.get("task"):
            # The task came from the Hub's pipeline tag, which a model folder does not carry: the job (and its CLI
            # command) names the task the inspector showed, so the export does what was shown.
            pinned["task"] = str(plan["task"])
        try:
            options = self.options.export_options(self.model_id, "", force=force, **pinned)
            options = dataclasses.replace(options, output_dir=self.destination_for(self.model_id, options.to_dict()))
        except ExportError as exc:
            self.inspector.show_error(self.model_id, from_error_dict(exc.to_dict()))
            return None
        job = self.enqueue(options.to_dict())
        if self.inspector.plan and self.inspector.plan.get("task"):
            job.expected_task = str(self.inspector.plan["task"])  # shown until the worker sends its own plan
            self.queue_model.refresh()
            self.run_view.refresh_title()
        return job

    def enqueue(self, options: dict) -> ExportJob:
        job = self.queue.enqueue(options)
        if self.queue.running is None or self.run_view.job is None or self.run_view.job.is_done:
            self.run_view.attach(job)
            self.results.set_options(options)
            self.results.clear()
            self.results.set_options(options)
        self.centre.setCurrentWidget(self.run_view)
        self._update_export_button()
        return job

    def _job_started(self, job: ExportJob) -> None:
        if self.run_view.job is not job and (self.run_view.job is None or self.run_view.job.is_done):
            self.run_view.attach(job)
            self.results.clear()
            self.results.set_options(job.options)
        self._queue_ticker.start()
        self._refresh_queue_status()

    def _job_finished(self, job: ExportJob) -> None:
        kept = kept_folder(job)
        entry = {
            "when": job.started_at or time.time(), "model": job.model, "task": job.task,
            "outcome": job.state, "seconds": round(job.elapsed(), 2),
            "output_dir": kept or job.options.get("output_dir", ""),
            "options": job.options, "files": (job.result or {}).get("files", []) or (list_folder(kept) if kept else []),
            "error": (job.error or {}).get("code") if job.state != "succeeded" else None,
        }
        self.settings.add_history(entry)
        self.history.model.add(entry)
        if self.run_view.job is job:
            self._show_results(job)
        if self.queue.running is None and not self.queue.pending():
            self._queue_ticker.stop()
        self.queue_model.refresh()
        self._refresh_queue_status()

    def rerun(self, entry: dict) -> ExportJob | None:
        opts = dict(entry.get("options") or {})
        if not opts.get("model"):
            return None
        out = str(opts.get("output_dir") or "")
        if not out or (not opts.get("overwrite") and os.path.isdir(out) and os.listdir(out)):
            parent = os.path.dirname(out) if out else self.options.output_folder()
            opts["output_dir"] = _unique(out) if out else self.destination_for(opts["model"], opts)
            if not out:
                opts["output_dir"] = os.path.join(parent, os.path.basename(opts["output_dir"]))
        return self.enqueue(opts)

    def load_history_options(self, entry: dict) -> None:
        opts = dict(entry.get("options") or {})
        model = opts.get("model") or entry.get("model")
        if model:
            self.select_model(str(model))
            self.options.load(opts)

    def _clear_history(self) -> None:
        self.settings.clear_history()
        self.history.model.set_entries([])

    def _cancel_selected(self) -> None:
        row = self.queue_view.currentIndex().row()
        if 0 <= row < self.queue_model.rowCount():
            self.queue.cancel(self.queue_model.job(row))
        elif self.queue.running is not None:
            self.queue.cancel(self.queue.running)

    def _show_queued_job(self, index) -> None:
        job = self.queue_model.job(index.row())
        self.run_view.attach(job)
        self._show_results(job)
        self.centre.setCurrentWidget(self.run_view)

    def _show_results(self, job: ExportJob) -> None:
        kept = kept_folder(job)
        if job.result:
            self.results.show_result(job.result, job.options)
        elif kept:
            self.results.show_kept(kept, job.options)
        else:
            self.results.clear()
            self.results.set_options(job.options)

    def _apply_suggestion(self, changes: dict) -> None:
        """A suggestion of the failed-validation banner (fp32, a larger atol): the run's options with that change go
        into the options panel, ready for Export."""
        job = self.run_view.job
        if job is None:
            return
        if job.model != self.model_id:
            self.select_model(job.model)
        self.options.load({**job.options, **changes})
        what = ", ".join(f"{k} = {v:g}" if isinstance(v, float) else f"{k} = {v}" for k, v in changes.items())
        self.statusBar().showMessage(self.tr("Export options changed (%1): press Export to run again.")
                                     .replace("%1", what), 8000)

    def _update_export_button(self) -> None:
        problems = self.options.problems()
        resolved = self.plan_resolved()
        unsupported = isinstance(self._preflight_answer, PreflightFacts) and not self._preflight_answer.supported
        ok = bool(self.model_id) and not problems and resolved and self.preflight_done() and not unsupported
        self.export_button.setEnabled(ok)
        busy = any(not j.is_done for j in self.queue.jobs)
        self.export_button.setText(self.tr("Add export to queue") if busy else self.tr("Export"))
        if not self.model_id:
            self.export_button.setToolTip(self.tr("Choose a model first."))
            self.destination.setText("")
        elif problems:
            self.export_button.setToolTip("\n".join(problems))
            self.destination.setText("\n".join(problems))
        elif self._inspect_error is not None:
            title = from_error_dict(self._inspect_error).title  # in the language shown now
            text = self.tr("Cannot export: %1. See the inspector.").replace("%1", title)
            self.export_button.setToolTip(text)
            self.destination.setText(text)
        elif not resolved:
            text = self.tr("Waiting for the inspector to resolve the export…")
            self.export_button.setToolTip(text)
            self.destination.setText(text)
        elif not self.preflight_done():
            text = self.tr("Checking what the export needs (size, disk space, memory)…")
            self.export_button.setToolTip(text)
            self.destination.setText(text)
        elif unsupported:
            words = self._preflight_answer.unsupported
            text = self.tr("Cannot export: %1. See the inspector.").replace("%1", words.title if words else "?")
            self.export_button.setToolTip(text)
            self.destination.setText(text)
        else:
            self.export_button.setToolTip("")
            self.destination.setText(self.tr("Writes to %1").replace("%1", self.destination_for(self.model_id)))
        self.cancel_queued.setEnabled(any(not j.is_done for j in self.queue.jobs))
        self._refresh_queue_status()

    def _refresh_queue_status(self) -> None:
        running = self.queue.running
        waiting = len(self.queue.pending())
        if running is None and not waiting:
            self.queue_status.setText(self.tr("No export running"))
        else:
            self.queue_status.setText(self.tr("Exporting %1 · %2 waiting").replace(
                "%1", running.model if running else "—").replace("%2", str(waiting)))

    # -- drag & drop ----------------------------------------------------------------------------------------------
    @staticmethod
    def dropped_folder(mime: QMimeData) -> str | None:
        for url in mime.urls() if mime.hasUrls() else []:
            path = url.toLocalFile()
            if path and os.path.isdir(path):
                return path
            if path and os.path.basename(path) == "config.json":
                return os.path.dirname(path)
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.dropped_folder(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        folder = self.dropped_folder(event.mimeData())
        if folder:
            event.acceptProposedAction()
            self.select_model(folder)

    # -- language, lifecycle --------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        if not self.model_id:
            self.setWindowTitle(APP_NAME)
        self.centre.setTabText(0, self.tr("Inspector"))
        self.centre.setTabText(1, self.tr("Export run"))
        self.centre.setTabText(2, self.tr("History"))
        self.options_title.setText(self.tr("Export options"))
        self.queue_title.setText(self.tr("Queue"))
        self.cancel_queued.setText(self.tr("Cancel"))
        self.cancel_queued.setToolTip(self.tr("Cancel the selected (or the running) export"))
        self.file_menu.setTitle(self.tr("&File"))
        self.open_action.setText(self.tr("&Open model folder…"))
        self.quit_action.setText(self.tr("&Quit"))
        self.engine_action.setText(self.tr("Keep the export engine loaded (faster exports)"))
        self.download_limit_action.setText(self.tr("Ask before downloads over %1 GB…")
                                           .replace("%1", f"{self.settings.download_warning_gb:g}"))
        self.language_menu.setTitle(self.tr("&Language"))
        self.language_actions["system"].setText(self.tr("System default"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.about_action.setText(self.tr("&About"))
        self.queue_model.retranslate()
        self.history.retranslate()
        self._refresh_helper_status()
        self._refresh_engine_status()
        self._update_export_button()

    def quit_question(self) -> QMessageBox:
        running = self.queue.running
        waiting = len(self.queue.pending())
        text = (self.tr("An export of %1 is still running.").replace("%1", running.model) if running is not None
                else self.tr("Exports are waiting in the queue."))
        if waiting:
            text += " " + self.tr("%1 more waiting in the queue.").replace("%1", str(waiting))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Quit while exporting?"), text,
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("quitQuestion")
        box.setInformativeText(self.tr("Quitting cancels it; nothing is left in its output folder."))
        box.quit_button = box.addButton(self.tr("Quit and cancel the export"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("Keep running"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        return box

    def confirm_quit(self) -> bool:
        """Ctrl+Q or closing the window during an export: ask first (Keep running is the default)."""
        box = self.quit_question()
        box.exec()
        return box.clickedButton() is box.quit_button

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            # the width is known now (restored geometry, maximised on a small screen)
            hub = self.sources.currentWidget() is self.sources.hub
            self.splitter.setSizes(split_sizes(sum(self.splitter.sizes()) or self.width(), hub=hub))
            QTimer.singleShot(0, self.firstShown.emit)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.ask_before_quit and any(not j.is_done for j in self.queue.jobs) and not self.confirm_quit():
            event.ignore()
            return
        self._persist_options()
        self.settings.window_geometry = self.saveGeometry()
        self.settings.sync()
        self.queue.shutdown(2500)
        self.client.shutdown_now()
        self.engine.shutdown_now()
        super().closeEvent(event)


#: Laid out for a 1366×768 laptop first (issue 11): the right pane keeps its width, the Hub pane takes what the
#: search table needs (id, Exportable, Task), the centre the rest.
DEFAULT_SIZE = (1440, 880)
RIGHT_WIDTH = 360
CENTRE_MIN_WIDTH = 420
HUB_WIDTH = (460, 600)  # least and most for the sources pane on the Hub tab
LIST_WIDTH = 300  # the sources pane on the Local and Demo tabs


#: ExportOptions fields the pre-flight's figures depend on (besides the model): a change asks again.
PREFLIGHT_FIELDS = ("task", "float_dtype", "output_dir", "revision", "cache_dir", "trust_remote_code", "monolith",
                    "use_past")


def default_size() -> tuple[int, int]:
    """DEFAULT_SIZE, or the screen's free area when that is smaller (a window manager then maximises it)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return DEFAULT_SIZE
    area = screen.availableGeometry()
    return min(DEFAULT_SIZE[0], area.width()), min(DEFAULT_SIZE[1], area.height())


def split_sizes(total: int, *, hub: bool) -> list[int]:
    """Widths of sources | centre | options for a window ``total`` pixels wide."""
    left = max(HUB_WIDTH[0], min(HUB_WIDTH[1], int(total * 0.38))) if hub else LIST_WIDTH
    right = RIGHT_WIDTH
    centre = max(CENTRE_MIN_WIDTH, total - left - right)
    return [left, centre, right]


def kept_folder(job: ExportJob) -> str:
    """The folder a run that failed validation was kept in (beside its destination), if it is there."""
    return job.kept_folder if job.kept_folder and os.path.isdir(job.kept_folder) else ""


def _unique(path: str) -> str:
    candidate, n = path, 1
    while os.path.exists(candidate):
        n += 1
        candidate = f"{path}-{n}"
    return candidate
