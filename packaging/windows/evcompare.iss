; Inno Setup 6 script: a per-user installer (no administrator rights) for the PyInstaller
; folder that packaging/evcompare.spec builds on Windows. From the checkout, after
;   pyinstaller --noconfirm --distpath packaging\out\dist --workpath packaging\out\work packaging\evcompare.spec
; run
;   iscc /DAppVersion=0.1.0 packaging\windows\evcompare.iss
; which writes packaging\out\evcompare-0.1.0-setup.exe. Paths below are relative to this file.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef DistDir
  #define DistDir "..\out\dist\evcompare"
#endif
#define AppName "evcompare"
#define AppExe "evcompare.exe"
#define ProgId "evcompare.workspace"

[Setup]
; Never change AppId: it is how upgrades and the uninstaller find an installed copy.
AppId={{48D71341-4EAC-4D91-A42D-9B490313C613}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=evcompare
AppComments=Xiaomi EV against Huawei's HIMA alliance, every figure traced to its source
; Per-user: installs under %LOCALAPPDATA%\Programs and writes only to HKCU.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
SetupIconFile=..\..\resources\icons\evcompare.ico
UninstallDisplayIcon={app}\{#AppExe}
OutputDir=..\out
OutputBaseFilename={#AppName}-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; evcompare.exe (the window), evcompare-cli.exe (the command line, with a console) and _internal\.
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; The .evcompare file type, for this user only (HKCU\Software\Classes).
Root: HKCU; Subkey: "Software\Classes\.evcompare"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\.evcompare\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "evcompare workspace"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
