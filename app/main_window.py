"""The main window: sources (left), inspector / run / history (centre), options + export queue (right)."""

from __future__ import annotations

import os

from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction, QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication, QKeySequence,
)
from PySide6.QtWidgets import (
    QFrame, QInputDialog, QLabel, QMainWindow, QMessageBox, QPushButton, QScrollArea, QSplitter, QStyle, QTabWidget,
    QVBoxLayout, QWidget,
)

from exportcore.errors import ExportError
from exportcore.hub import format_size

from . import APP_NAME, __version__
from .errors import from_error_dict
from .export_engine import ExportEngine
from .export_job import ExportJob, ExportQueue, Runner
from .i18n import LANGUAGE_NAMES, LanguageManager
from .inspect_client import InspectClient
from .inspector import InspectorView
from .options_panel import OptionsPanel
from .preflight import PreflightFacts
from .qt_util import Retranslating, heading
from .queue_view import QueuePanel
from .results import HistoryPanel, ResultsPanel
from .run_view import RunView
from .session import Readiness, Session
from .settings import Settings
from .sources import SourcesPane

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
        #: ask before quitting while exports run or wait (tests of other things turn it off)
        self.ask_before_quit = True
        self._shown = False
        self.setAcceptDrops(True)
        self.setStyleSheet(STYLE)
        self.resize(*default_size())

        # -- what the window works on, and the processes it talks to
        self.session = Session(self.settings, ExportQueue(command=worker_command, runner=runner), self)
        self.queue = self.session.queue
        self.client = InspectClient(inspect_command, self)
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
        self.history.model.set_entries(self.session.history)
        self.centre = QTabWidget()
        st = self.style()
        self.centre.addTab(self.inspector, st.standardIcon(QStyle.StandardPixmap.SP_FileDialogInfoView), "")
        self.centre.addTab(self.run_view, st.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "")
        self.centre.addTab(self.history, st.standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView), "")

        # -- right: options, export button, queue
        self.options = OptionsPanel(self.session)
        self.options.set_output_folder(self.settings.output_folder)
        self.options.load(self.settings.options)
        scroll = QScrollArea()
        scroll.setWidget(self.options)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.options_title = heading()
        self.export_button = QPushButton(st.standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton), "")
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self.start_export)
        self.destination = QLabel()
        self.destination.setObjectName("destination")
        self.destination.setWordWrap(True)
        self.queue_panel = QueuePanel(self.queue)
        self.queue_panel.jobActivated.connect(self._show_queued_job)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(10, 8, 10, 8)
        rl.setSpacing(8)
        rl.addWidget(self.options_title)
        rl.addWidget(scroll, 1)
        rl.addWidget(self.export_button)
        rl.addWidget(self.destination)
        rl.addWidget(self.queue_panel)
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
        self.session.preflightChanged.connect(self._show_preflight)
        self.session.jobShown.connect(self._show_job)
        self.session.historyAdded.connect(self.history.model.add)
        self.session.historyCleared.connect(lambda: self.history.model.set_entries([]))
        self.options.optionsChanged.connect(self._options_changed)
        self.options.settingsChanged.connect(self._settings_changed)
        self.queue.jobStarted.connect(lambda _job: self._refresh_queue_status())
        self.queue.jobFinished.connect(self._job_finished)
        self.queue.changed.connect(self._update_export_button)
        self.run_view.cancelRequested.connect(self.queue.cancel)
        self.run_view.optionsSuggested.connect(self._apply_suggestion)
        self.history.rerunRequested.connect(self.rerun)
        self.history.loadOptionsRequested.connect(self.load_history_options)
        self.history.clearRequested.connect(self.session.clear_history)
        self.language.languageChanged.connect(lambda _l: self._sync_language_menu())
        self._persist_timer = QTimer(self)
        self._persist_timer.setSingleShot(True)
        self._persist_timer.setInterval(400)
        self._persist_timer.timeout.connect(self._persist_options)

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
        self.session.choose_model(ref, self.sources.pipeline_tag_for(ref))  # the options panel follows
        self.sources.local.refresh_recent()
        self.centre.setCurrentWidget(self.inspector)
        self.setWindowTitle(f"{ref} — {APP_NAME}")
        self.modelSelected.emit(ref)
        self._request_inspect()
        self._update_export_button()

    def _request_inspect(self) -> None:
        session = self.session
        if not session.ref:
            return
        if self.client.is_ready:
            self.inspector.show_resolving(session.ref)
        else:
            self.inspector.show_warming(session.ref)
        options = session.inspect_options()
        if options is None:  # the panel's values make no ExportOptions: the helper would refuse them the same way
            error = (session.options_error or ExportError("invalid_option", reason="?")).to_dict()
            self._inspect_failed(0, error, {"model": session.ref})
            return
        self.client.inspect(session.ref, options, session.pipeline_tag)

    def _options_changed(self) -> None:
        self._persist_timer.start()
        self._request_inspect()
        self._update_export_button()

    def _settings_changed(self) -> None:
        self._persist_timer.start()
        if self.session.plan_resolved():
            self._request_preflight()  # the output folder may be on another disk now
        self._update_export_button()

    def _plan_ready(self, _rid: int, plan: dict, request: dict) -> None:
        if not self.session.plan_arrived(request, plan):
            return
        self.inspector.show_plan(self.session.ref, plan, request.get("options") or {})
        if self.session.inspect_options() != request.get("options"):
            self._request_inspect()  # the plan enabled/disabled options: ask again with what the panel now says
        else:
            self._request_preflight()
        self._update_export_button()

    def _inspect_failed(self, _rid: int, error: dict, request: dict) -> None:
        if not self.session.inspection_failed(request, error):
            return
        self.inspector.show_error(self.session.ref, from_error_dict(error))
        self._update_export_button()

    # -- pre-flight -----------------------------------------------------------------------------------------------
    def _request_preflight(self) -> None:
        options = self.session.preflight_request()
        if options is not None:
            self.client.preflight(self.session.ref, options, self.session.pipeline_tag)

    def _preflight_ready(self, _rid: int, data: dict, request: dict) -> None:
        if self.session.preflight_arrived(request, data):
            self._update_export_button()

    def _preflight_failed(self, _rid: int, error: dict, request: dict) -> None:
        if self.session.preflight_failed(request, error):
            self._update_export_button()

    def _show_preflight(self) -> None:
        answer, panel = self.session.preflight, self.inspector.preflight
        if answer is None:
            panel.show_checking()
        elif isinstance(answer, PreflightFacts):
            panel.show_facts(answer)
        else:
            panel.show_error(answer)

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
        facts = self.session.preflight
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
        if self.session.output_folder:
            self.settings.output_folder = self.session.output_folder

    def _helper_state(self, state: str) -> None:
        if state in ("starting", "warming") and self.session.ref and self.inspector.plan is None:
            self.inspector.show_warming(self.session.ref)
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
    def start_export(self) -> ExportJob | None:
        if self.session.readiness() is not Readiness.READY:
            return None
        force = self.confirm_preflight()
        if force is None:
            return None
        try:
            job = self.session.export(force=force)
        except ExportError as exc:
            self.inspector.show_error(self.session.ref, from_error_dict(exc.to_dict()))
            return None
        return self._queued(job)

    def rerun(self, entry: dict) -> ExportJob | None:
        job = self.session.rerun(entry)
        return self._queued(job) if job is not None else None

    def _queued(self, job: ExportJob) -> ExportJob:
        self.centre.setCurrentWidget(self.run_view)
        self._update_export_button()
        return job

    def _show_job(self, job: ExportJob) -> None:
        self.run_view.attach(job)
        self.results.show_job(job)

    def _show_queued_job(self, job: ExportJob) -> None:
        self.session.show_job(job)
        self.centre.setCurrentWidget(self.run_view)

    def _job_finished(self, job: ExportJob) -> None:
        if job is self.session.shown_job:
            self.results.show_job(job)
        self._refresh_queue_status()

    def load_history_options(self, entry: dict) -> None:
        opts = dict(entry.get("options") or {})
        model = opts.get("model") or entry.get("model")
        if model:
            self.select_model(str(model))
            self.options.load(opts)

    def _apply_suggestion(self, changes: dict) -> None:
        """A suggestion of the failed-validation banner (fp32, a larger atol): the run's options with that change go
        into the options panel, ready for Export."""
        job = self.session.shown_job
        if job is None:
            return
        if job.model != self.session.ref:
            self.select_model(job.model)
        self.options.load({**job.options, **changes})
        what = ", ".join(f"{k} = {v:g}" if isinstance(v, float) else f"{k} = {','.join(v) or '—'}"
                         if isinstance(v, list) else f"{k} = {v}" for k, v in changes.items())
        self.statusBar().showMessage(self.tr("Export options changed (%1): press Export to run again.")
                                     .replace("%1", what), 8000)

    def _update_export_button(self) -> None:
        state = self.session.readiness()
        self.export_button.setEnabled(state is Readiness.READY)
        busy = any(not j.is_done for j in self.queue.jobs)
        self.export_button.setText(self.tr("Add export to queue") if busy else self.tr("Export"))
        if state is Readiness.NO_MODEL:
            self.export_button.setToolTip(self.tr("Choose a model first."))
            self.destination.setText("")
        else:
            text = self._readiness_text(state)
            self.export_button.setToolTip("" if state is Readiness.READY else text)
            self.destination.setText(text)
        self._refresh_queue_status()

    def _readiness_text(self, state: Readiness) -> str:
        """Why Export is not offered (in the current language), or where it writes to."""
        session = self.session
        cannot = self.tr("Cannot export: %1. See the inspector.")
        if state is Readiness.PROBLEMS:
            return "\n".join(self.options.problems())
        if state is Readiness.INSPECT_ERROR:
            return cannot.replace("%1", from_error_dict(session.inspect_error or {}).title)
        if state is Readiness.RESOLVING:
            return self.tr("Waiting for the inspector to resolve the export…")
        if state is Readiness.CHECKING:
            return self.tr("Checking what the export needs (size, disk space, memory)…")
        if state is Readiness.UNSUPPORTED:
            words = session.preflight.unsupported if isinstance(session.preflight, PreflightFacts) else None
            return cannot.replace("%1", words.title if words else "?")
        return self.tr("Writes to %1").replace("%1", session.destination_for(session.ref))

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
        if not self.session.ref:
            self.setWindowTitle(APP_NAME)
        self.centre.setTabText(0, self.tr("Inspector"))
        self.centre.setTabText(1, self.tr("Export run"))
        self.centre.setTabText(2, self.tr("History"))
        self.options_title.setText(self.tr("Export options"))
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
