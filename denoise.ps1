# The project's command line in PowerShell (Windows PowerShell 5.1 or PowerShell 7 on any OS), as ./denoise does it
# in bash: builds it when needed (quietly), then runs it from the build's output folder.
#   .\denoise.ps1 data fetch        .\denoise.ps1 train --help
$here = $PSScriptRoot
$dll = Join-Path $here 'artifacts/build/bin/Denoise.Cli/release/Denoise.Cli.dll'
$stale = -not (Test-Path $dll)
if (-not $stale) {
    $built = (Get-Item $dll).LastWriteTimeUtc
    $newer = Get-ChildItem (Join-Path $here 'lib') -Recurse -File -Include '*.cs', '*.csproj' |
        Where-Object { $_.LastWriteTimeUtc -gt $built } | Select-Object -First 1
    $stale = $null -ne $newer
}
if ($stale) {
    $log = & dotnet build (Join-Path $here 'lib/Denoise.Cli/Denoise.Cli.csproj') -c Release -nologo -v q 2>&1
    if ($LASTEXITCODE -ne 0) {
        $log | ForEach-Object { "$_" } | Where-Object { $_ -cmatch 'error' } | Sort-Object -Unique | ForEach-Object { [Console]::Error.WriteLine($_) }
        [Console]::Error.WriteLine('denoise: the build failed (errors above); see README.md, "On Windows or macOS"')
        exit 1
    }
    (Get-Item $dll).LastWriteTimeUtc = [DateTime]::UtcNow
}
& dotnet $dll @args
exit $LASTEXITCODE
