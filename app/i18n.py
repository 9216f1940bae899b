"""Languages: English (the source strings) and Traditional Chinese (zh_TW), switchable at run time.

Strings go through ``self.tr()`` / ``QCoreApplication.translate()``; the Qt Linguist files live in
``resources/i18n/app_<lang>.ts`` and are compiled to ``.qm`` (``python resources/i18n/update.py``). Widgets re-read
their texts on ``QEvent.LanguageChange``.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator, Signal

from .paths import i18n_dir

#: language code -> name shown in the language menu (each in its own language).
LANGUAGE_NAMES = {"en": "English", "zh_TW": "繁體中文"}


def system_language() -> str:
    """The UI language for "follow the system": zh_TW for Traditional Chinese locales, English otherwise."""
    for name in QLocale.system().uiLanguages():
        name = name.replace("-", "_")
        if name.startswith(("zh_TW", "zh_HK", "zh_MO", "zh_Hant")):
            return "zh_TW"
        if name.startswith("en"):
            return "en"
    return "en"


def effective_language(setting: str) -> str:
    return system_language() if setting == "system" else setting


class LanguageManager(QObject):
    """Installs the app's and Qt's own translators for one language at a time."""

    languageChanged = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._translators: list[QTranslator] = []
        self.language = "en"

    def apply(self, setting: str) -> str:
        lang = effective_language(setting)
        app = QCoreApplication.instance()
        for tr in self._translators:
            app.removeTranslator(tr)
        self._translators = []
        if lang != "en":
            ours = QTranslator(self)
            if ours.load(f"app_{lang}", str(i18n_dir())):
                app.installTranslator(ours)
                self._translators.append(ours)
            qt = QTranslator(self)
            if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
                app.installTranslator(qt)
                self._translators.append(qt)
        self.language = lang
        self.languageChanged.emit(lang)
        return lang
