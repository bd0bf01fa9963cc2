@echo off
rem The project's command line for cmd.exe: denoise.ps1 builds it when needed, then runs it.
powershell.exe -NoLogo -NoProfile -ExecutionPolicy Bypass -File "%~dp0denoise.ps1" %*
exit /b %ERRORLEVEL%
