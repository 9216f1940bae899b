; Inno Setup 6 script: a per-user (or all-users) installer for the PyInstaller onedir bundle.
; NOT run on the project's machines (Linux only): built by .github/workflows/packaging.yml on windows-latest.
;
;   pyinstaller --noconfirm --clean --distpath packaging\dist --workpath packaging\build\pyinstaller packaging\onnx-export-studio.spec
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\onnx-export-studio.iss
;
; Output: packaging\dist\onnx-export-studio-<version>-windows-x64-setup.exe

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "ONNX Export Studio"
#define AppExe "onnx-export-studio.exe"
#define BundleDir "..\dist\onnx-export-studio"

[Setup]
AppId={{6C0F1D3E-7B1A-4C55-9A43-0E5F2B7D8A11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=ONNX Export Studio
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; per-user install by default (no admin prompt); the user may choose "all users"
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist
OutputBaseFilename=onnx-export-studio-{#AppVersion}-windows-x64-setup
SetupIconFile=..\icons\onnx-export-studio.ico
UninstallDisplayIcon={app}\{#AppExe}
; ~1 GB of files, mostly already-compressed native libraries: lzma2/normal keeps CI under a few minutes
Compression=lzma2/normal
SolidCompression=no
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; anything the app wrote into its own folder (e.g. Python caches): uninstalling leaves nothing there.
; Per-user data (%LOCALAPPDATA%\onnx-export-studio demo weights, settings in the registry) is the user's.
Type: filesandordirs; Name: "{app}"
